import {
  endpointArn,
  invokeEndpointStatements,
  logWriteStatements,
  tlsOnlyBucketStatements,
  type PolicyStatement,
} from "../../deployment/iam/iam-policies";
import { parseS3Uri, sagemakerExecutionStatements } from "../../deployment/iam/execution-policies";
import { tgiImage } from "../../reference/images";

const resourcesOf = (statements: PolicyStatement[]) =>
  statements.flatMap((s) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource as string]));

describe("IAM statements", () => {
  it("lets the invoker call exactly the given endpoints, buffered and streaming", () => {
    const arns = [
      "arn:aws:sagemaker:us-east-1:123456789012:endpoint/a",
      "arn:aws:sagemaker:us-east-1:123456789012:endpoint/b",
    ];
    expect(invokeEndpointStatements(arns)).toEqual([
      {
        Sid: "InvokeModelEndpoints",
        Effect: "Allow",
        Action: ["sagemaker:InvokeEndpoint", "sagemaker:InvokeEndpointWithResponseStream"],
        Resource: arns,
      },
    ]);
  });

  it("builds endpoint ARNs with the lower-case name SageMaker uses", () => {
    expect(endpointArn("aws", "eu-west-1", "123456789012", "Falcon-Prod")).toBe(
      "arn:aws:sagemaker:eu-west-1:123456789012:endpoint/falcon-prod",
    );
  });

  it("lets a function write only to its own log group", () => {
    expect(logWriteStatements("arn:aws:logs:us-east-1:1:log-group:/aws/lambda/f")).toEqual([
      {
        Sid: "WriteOwnLogs",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: "arn:aws:logs:us-east-1:1:log-group:/aws/lambda/f:*",
      },
    ]);
  });

  it("scopes the SageMaker execution role to its image repository, log group and model data", () => {
    const statements = sagemakerExecutionStatements({
      partition: "aws",
      region: "us-east-1",
      account: "123456789012",
      endpointName: "llm-api-v1-mistral-7b",
      image: tgiImage("us-east-1"),
      modelDataUrl: "s3://models/mistral/model.tar.gz",
    });
    expect(statements.find((s) => s.Sid === "PullModelImage")!.Resource).toEqual([
      "arn:aws:ecr:us-east-1:763104351884:repository/huggingface-pytorch-tgi-inference",
    ]);
    expect(statements.find((s) => s.Sid === "WriteEndpointLogs")!.Resource).toEqual([
      "arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/Endpoints/llm-api-v1-mistral-7b",
      "arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/Endpoints/llm-api-v1-mistral-7b:*",
    ]);
    expect(statements.find((s) => s.Sid === "ReadModelData")).toEqual({
      Sid: "ReadModelData",
      Effect: "Allow",
      Action: "s3:GetObject",
      Resource: "arn:aws:s3:::models/mistral/model.tar.gz",
    });
    // No invoke rights: the model's role cannot call endpoints.
    expect(statements.flatMap((s) => s.Action).some((a) => a.startsWith("sagemaker:"))).toBe(false);
  });

  it('uses "*" only where AWS has no resource-level permission, and scopes it by condition when it can', () => {
    const statements = sagemakerExecutionStatements({
      partition: "aws",
      region: "us-east-1",
      account: "1",
      endpointName: "e",
      image: tgiImage("us-east-1"),
    });
    const wildcards = statements.filter((s) => resourcesOf([s]).includes("*")).map((s) => [s.Action, s.Condition]);
    expect(wildcards).toEqual([
      ["cloudwatch:PutMetricData", { StringLike: { "cloudwatch:namespace": "/aws/sagemaker/Endpoints" } }],
      ["ecr:GetAuthorizationToken", undefined],
    ]);
  });

  it("reads a model data prefix when the URI ends with a slash", () => {
    const statements = sagemakerExecutionStatements({
      partition: "aws-cn",
      region: "cn-north-1",
      account: "1",
      endpointName: "e",
      modelDataUrl: "s3://b/prefix/",
    });
    expect(statements.find((s) => s.Sid === "ReadModelData")!.Resource).toBe("arn:aws-cn:s3:::b/prefix/*");
    expect(statements.find((s) => s.Sid === "PullModelImage")).toBeUndefined();
    expect(parseS3Uri("s3://bucket")).toEqual({ bucket: "bucket", key: "" });
  });

  it("reads uncompressed weights under their prefix and lists that prefix only", () => {
    const statements = sagemakerExecutionStatements({
      partition: "aws",
      region: "us-east-1",
      account: "123456789012",
      endpointName: "e",
      modelDataPrefix: "s3://models/qwen/14b/",
    });
    expect(statements.filter((s) => s.Sid === "ReadModelData" || s.Sid === "ListModelData")).toEqual([
      { Sid: "ReadModelData", Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::models/qwen/14b/*" },
      {
        Sid: "ListModelData",
        Effect: "Allow",
        Action: "s3:ListBucket",
        Resource: "arn:aws:s3:::models",
        Condition: { StringLike: { "s3:prefix": "qwen/14b/*" } },
      },
    ]);
  });

  it("denies every non-TLS request to the state bucket", () => {
    expect(tlsOnlyBucketStatements("arn:aws:s3:::state")).toEqual([
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: ["arn:aws:s3:::state", "arn:aws:s3:::state/*"],
        Condition: { Bool: { "aws:SecureTransport": false } },
      },
    ]);
  });
});
