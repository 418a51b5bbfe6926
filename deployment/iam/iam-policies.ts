import { BUDGET_PARTITIONS } from "../../contract/budget";
import { HOLD_PARTITION } from "../../contract/wake";
/**
 * IAM documents as plain values. Resources are exact ARNs; the only "*" is
 * ecr:GetAuthorizationToken, which AWS does not scope to a resource.
 */
export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: "Allow" | "Deny";
  readonly Action: string | readonly string[];
  readonly Resource: string | readonly string[];
  readonly Principal?: Record<string, string | readonly string[]> | "*";
  readonly Condition?: Record<string, Record<string, string | boolean | readonly string[]>>;
}

export interface PolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: readonly PolicyStatement[];
}

export const policyDocument = (statements: readonly PolicyStatement[]): PolicyDocument => ({
  Version: "2012-10-17",
  Statement: statements,
});

/** Where a role serves: its trust names the account (and for SageMaker the region) that may use it. */
export interface TrustScope {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
}

/**
 * A service's trust, bound to this account against the confused deputy. For SageMaker's hosting,
 * AWS documents `aws:SourceArn` like arn:<partition>:sagemaker:<region>:<account>:* ("Cross-service
 * confused deputy prevention", SageMaker developer guide, the Inference section: not a specific
 * model's or endpoint's ARN). For Lambda's execution roles and API Gateway's credentials no AWS page
 * says the service sends `aws:SourceAccount` when it assumes the role, and a condition on a key that
 * is never sent would deny every call: the account is checked wherever the key is present.
 */
export function assumeRolePolicy(service: string, at: TrustScope): string {
  const Condition =
    service === "sagemaker.amazonaws.com"
      ? { ArnLike: { "aws:SourceArn": `arn:${at.partition}:sagemaker:${at.region}:${at.account}:*` } }
      : { StringEqualsIfExists: { "aws:SourceAccount": at.account } };
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole", Condition }],
  });
}

/** The invoker may call exactly these endpoints, buffered and streaming. */
export function invokeEndpointStatements(endpointArns: readonly string[]): PolicyStatement[] {
  return [
    {
      Sid: "InvokeModelEndpoints",
      Effect: "Allow",
      Action: ["sagemaker:InvokeEndpoint", "sagemaker:InvokeEndpointWithResponseStream"],
      Resource: endpointArns,
    },
  ];
}

/** SageMaker writes endpoint names lower-case in ARNs. */
export function endpointArn(partition: string, region: string, account: string, endpointName: string): string {
  return `arn:${partition}:sagemaker:${region}:${account}:endpoint/${endpointName.toLowerCase()}`;
}

/** An inference component's ARN: InvokeEndpoint with InferenceComponentName is authorized on it as well as on the endpoint (service authorization reference). */
export function inferenceComponentArn(
  partition: string,
  region: string,
  account: string,
  componentName: string,
): string {
  return `arn:${partition}:sagemaker:${region}:${account}:inference-component/${componentName}`;
}

/** The ARNs a function needs to invoke a route: its endpoint, and its inference component if it is one. */
export function routeArns(
  partition: string,
  region: string,
  account: string,
  route: { readonly endpoint: string; readonly component?: string },
): string[] {
  return [
    endpointArn(partition, region, account, route.endpoint),
    ...(route.component ? [inferenceComponentArn(partition, region, account, route.component)] : []),
  ];
}

/**
 * Wake the function's own components (a copy, only while SageMaker wants none) and count held
 * requests in the stage table, on the hold partition's items only (dynamodb:LeadingKeys).
 */
export function wakeStatements(componentArns: readonly string[], tableArn: string): PolicyStatement[] {
  return [
    {
      Sid: "WakeOwnComponents",
      Effect: "Allow",
      Action: ["sagemaker:DescribeInferenceComponent", "sagemaker:UpdateInferenceComponentRuntimeConfig"],
      Resource: [...componentArns],
    },
    {
      Sid: "CountHeldRequests",
      Effect: "Allow",
      Action: "dynamodb:UpdateItem",
      Resource: tableArn,
      Condition: { "ForAllValues:StringEquals": { "dynamodb:LeadingKeys": [HOLD_PARTITION] } },
    },
  ];
}

/**
 * Reserve, renew and settle consumers' budgets in the stage table: items of the budget partitions
 * only (dynamodb:LeadingKeys), read only to release reservations that outlived their lease.
 */
export function budgetStatement(tableArn: string | readonly string[]): PolicyStatement {
  return {
    Sid: "KeepBudgets",
    Effect: "Allow",
    Action: ["dynamodb:UpdateItem", "dynamodb:GetItem"],
    Resource: tableArn,
    Condition: { "ForAllValues:StringLike": { "dynamodb:LeadingKeys": [BUDGET_PARTITIONS] } },
  };
}

/** What a function role's policy is made of: the routes it calls, and what it adds to invoking them. */
export interface InvokerPolicyInput {
  readonly endpoints: readonly { readonly route: { readonly endpoint: string; readonly component?: string } }[];
  readonly tracing?: boolean;
  readonly extraStatements?: readonly PolicyStatement[];
  /** A function that holds requests while its models wake names the stage table. */
  readonly wake?: { readonly table: string };
  /** A function that keeps consumers' token budgets names the stage table. */
  readonly budgets?: { readonly table: string };
}

/** A function role's statements, in the account and log group given (a Terraform expression in the stack, a stand-in in size checks). */
export function invokerPolicyStatements(
  fn: InvokerPolicyInput,
  at: { partition: string; region: string; account: string; logGroupArn: string },
): PolicyStatement[] {
  const { partition, region, account } = at;
  const components = fn.endpoints.flatMap((e) =>
    e.route.component ? [inferenceComponentArn(partition, region, account, e.route.component)] : [],
  );
  return invokerStatements({
    endpointArns: fn.endpoints.flatMap((e) => routeArns(partition, region, account, e.route)),
    logGroupArn: at.logGroupArn,
    tracing: fn.tracing,
    extraStatements: fn.extraStatements,
    wake: fn.wake && {
      componentArns: components,
      tableArn: dynamodbTableArn(partition, region, account, fn.wake.table),
    },
    budgetTableArn: fn.budgets && dynamodbTableArn(partition, region, account, fn.budgets.table),
  });
}

/** A DynamoDB table's ARN. */
export const dynamodbTableArn = (partition: string, region: string, account: string, table: string): string =>
  `arn:${partition}:dynamodb:${region}:${account}:table/${table}`;

/** X-Ray segments: PutTraceSegments and PutTelemetryRecords have no resource-level permissions. */
export function tracingStatements(): PolicyStatement[] {
  return [
    {
      Sid: "WriteTraces",
      Effect: "Allow",
      Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
      Resource: "*",
    },
  ];
}

/** Write to one log group only; CreateLogGroup is not needed because the stack creates it. */
export function logWriteStatements(logGroupArn: string): PolicyStatement[] {
  return [
    {
      Sid: "WriteOwnLogs",
      Effect: "Allow",
      Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
      Resource: `${logGroupArn}:*`,
    },
  ];
}

/** A function role's statements: invoke its endpoints (none for the authorizer), write its log group, traces, the config's extra statements. */
export function invokerStatements(input: {
  readonly endpointArns: readonly string[];
  readonly logGroupArn: string;
  readonly tracing?: boolean;
  readonly extraStatements?: readonly PolicyStatement[];
  /** A function that holds requests while its models wake: their components, and the stage table's ARN. */
  readonly wake?: { readonly componentArns: readonly string[]; readonly tableArn: string };
  /** A function that keeps token budgets: the stage table's ARN. */
  readonly budgetTableArn?: string;
}): PolicyStatement[] {
  return [
    ...(input.endpointArns.length > 0 ? invokeEndpointStatements(input.endpointArns) : []),
    ...(input.wake ? wakeStatements(input.wake.componentArns, input.wake.tableArn) : []),
    ...(input.budgetTableArn ? [budgetStatement(input.budgetTableArn)] : []),
    ...logWriteStatements(input.logGroupArn),
    ...(input.tracing ? tracingStatements() : []),
    ...(input.extraStatements ?? []),
  ];
}

/** TLS-only access to the state bucket. */
export function tlsOnlyBucketStatements(bucketArn: string): PolicyStatement[] {
  return [
    {
      Sid: "DenyInsecureTransport",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:*",
      Resource: [bucketArn, `${bucketArn}/*`],
      Condition: { Bool: { "aws:SecureTransport": false } },
    },
  ];
}
