import type { PolicyStatement } from "./iam-policies";

/** What a SageMaker model's execution role may do: pull its image, read its artifacts, write its logs, metrics and captures. */

export interface ExecutionRoleInputs {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  readonly endpointName: string;
  /** ECR repository the model's image comes from, if any. */
  readonly image?: { readonly account: string; readonly region: string; readonly repository: string };
  readonly modelDataUrl?: string;
  /** An uncompressed S3 prefix SageMaker copies into the container: it lists the prefix and reads every object under it. */
  readonly modelDataPrefix?: string;
  /** Model packages may reference images in this account's ECR. */
  readonly modelPackage?: boolean;
  /** Where data capture writes, and the key it encrypts with. */
  readonly dataCapture?: { readonly s3Uri: string; readonly kmsKeyArn?: string };
}

/** What a SageMaker model needs to start: pull its image, read its artifacts, write its logs and metrics. */
export function sagemakerExecutionStatements(input: ExecutionRoleInputs): PolicyStatement[] {
  const { partition, region, account } = input;
  const repositories: string[] = [];
  if (input.image)
    repositories.push(
      `arn:${partition}:ecr:${input.image.region}:${input.image.account}:repository/${input.image.repository}`,
    );
  if (input.modelPackage) repositories.push(`arn:${partition}:ecr:${region}:${account}:repository/*`);

  const statements: PolicyStatement[] = [...endpointLogStatements(input), ...imageStatements(repositories)];
  if (input.dataCapture) statements.push(...dataCaptureStatements(partition, input.dataCapture));
  if (input.modelDataUrl) {
    const { bucket, key } = parseS3Uri(input.modelDataUrl);
    const objects = key === "" || key.endsWith("/") ? `${key}*` : key;
    statements.push({
      Sid: "ReadModelData",
      Effect: "Allow",
      Action: "s3:GetObject",
      Resource: `arn:${partition}:s3:::${bucket}/${objects}`,
    });
  }
  if (input.modelDataPrefix) statements.push(...prefixReadStatements(partition, input.modelDataPrefix));
  return statements;
}

/** The endpoint's own log group, and its metrics. */
function endpointLogStatements(input: ExecutionRoleInputs): PolicyStatement[] {
  const { partition, region, account } = input;
  const logGroup = `arn:${partition}:logs:${region}:${account}:log-group:/aws/sagemaker/Endpoints/${input.endpointName}`;
  return [
    {
      Sid: "WriteEndpointLogs",
      Effect: "Allow",
      Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
      Resource: [logGroup, `${logGroup}:*`],
    },
    {
      Sid: "PublishEndpointMetrics",
      Effect: "Allow",
      Action: "cloudwatch:PutMetricData",
      // PutMetricData has no resource-level permissions; the namespace condition scopes it.
      Resource: "*",
      Condition: { StringLike: { "cloudwatch:namespace": "/aws/sagemaker/Endpoints" } },
    },
  ];
}

/** Pull the model's image from its repositories, if it comes from ECR. */
function imageStatements(repositories: readonly string[]): PolicyStatement[] {
  if (repositories.length === 0) return [];
  return [
    // GetAuthorizationToken has no resource-level permissions: AWS requires "*".
    { Sid: "EcrLogin", Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
    {
      Sid: "PullModelImage",
      Effect: "Allow",
      Action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"],
      Resource: [...repositories],
    },
  ];
}

/** Write captured requests and answers under the capture prefix, with its key if it has one. */
function dataCaptureStatements(
  partition: string,
  capture: NonNullable<ExecutionRoleInputs["dataCapture"]>,
): PolicyStatement[] {
  const { bucket, key } = parseS3Uri(capture.s3Uri);
  return [
    {
      Sid: "WriteDataCapture",
      Effect: "Allow",
      Action: "s3:PutObject",
      Resource: `arn:${partition}:s3:::${bucket}/${key}*`,
    },
    ...(capture.kmsKeyArn
      ? [
          {
            Sid: "EncryptDataCapture",
            Effect: "Allow" as const,
            Action: ["kms:GenerateDataKey", "kms:Encrypt"],
            Resource: capture.kmsKeyArn,
          },
        ]
      : []),
  ];
}

/** Read every object under an S3 prefix, and list that prefix only (s3:prefix scopes ListBucket to it). */
export function prefixReadStatements(partition: string, uri: string): PolicyStatement[] {
  const { bucket, key } = parseS3Uri(uri);
  return [
    {
      Sid: "ReadModelData",
      Effect: "Allow",
      Action: "s3:GetObject",
      Resource: `arn:${partition}:s3:::${bucket}/${key}*`,
    },
    {
      Sid: "ListModelData",
      Effect: "Allow",
      Action: "s3:ListBucket",
      Resource: `arn:${partition}:s3:::${bucket}`,
      Condition: { StringLike: { "s3:prefix": `${key}*` } },
    },
  ];
}

export function parseS3Uri(uri: string): { bucket: string; key: string } {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!match) throw new Error(`not an S3 URI: ${uri}`);
  return { bucket: match[1], key: match[2] };
}
