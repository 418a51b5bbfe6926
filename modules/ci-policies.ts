import type { PolicyStatement } from "./iam-policies";

/**
 * IAM for GitHub Actions through OIDC: who may assume the roles (the trust
 * policy) and what each role may do. Plan is read-only plus the state lock;
 * deploy may manage only resources named for this project's stages.
 */
export const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";

export const planSubjects = (repository: string): string[] => [`repo:${repository}:pull_request`];

/** A job in a GitHub environment presents the environment, not the branch, in its `sub` claim. */
export const deploySubjects = (repository: string, branch: string, environment: string): string[] => [
  `repo:${repository}:ref:refs/heads/${branch}`,
  `repo:${repository}:environment:${environment}`,
];

export function githubTrustPolicy(providerArn: string, subjects: readonly string[]): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Federated: providerArn },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: { StringEquals: { [`${GITHUB_OIDC_HOST}:aud`]: "sts.amazonaws.com", [`${GITHUB_OIDC_HOST}:sub`]: subjects } },
      },
    ],
  });
}

export interface CiScope {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  readonly project: string;
  readonly stages: readonly string[];
  /** State bucket and key prefix, when state is in S3. */
  readonly state?: { readonly bucket: string; readonly keyPrefix: string };
  readonly tokenSecretArns: readonly string[];
}

function stateStatements(scope: CiScope, write: boolean): PolicyStatement[] {
  if (!scope.state) return [];
  const bucket = `arn:${scope.partition}:s3:::${scope.state.bucket}`;
  const keys = `${bucket}/${scope.state.keyPrefix ? `${scope.state.keyPrefix}/` : ""}`;
  return [
    { Sid: "ListState", Effect: "Allow", Action: "s3:ListBucket", Resource: bucket },
    write
      ? { Sid: "ReadWriteState", Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], Resource: `${keys}*` }
      : { Sid: "ReadState", Effect: "Allow", Action: "s3:GetObject", Resource: `${keys}*` },
    // Plans take the S3 lock too (use_lockfile writes <key>.tflock).
    ...(write ? [] : [{ Sid: "LockState", Effect: "Allow" as const, Action: ["s3:PutObject", "s3:DeleteObject"], Resource: `${keys}*.tflock` }]),
  ];
}

function secretStatements(scope: CiScope): PolicyStatement[] {
  return scope.tokenSecretArns.length
    ? [{ Sid: "ReadModelTokens", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: [...scope.tokenSecretArns] }]
    : [];
}

/** Pull-request plans: AWS's ReadOnlyAccess (attached separately) plus the state and the token secrets. */
export function planRoleStatements(scope: CiScope): PolicyStatement[] {
  return [...stateStatements(scope, false), ...secretStatements(scope)];
}

/** Resource ARNs named for the stages: <project>-<stage>-*, which the CI roles' own names are not. */
function named(scope: CiScope, arn: (name: string) => string): string[] {
  return scope.stages.map((stage) => arn(`${scope.project}-${stage}-*`));
}

export function deployRoleStatements(scope: CiScope): PolicyStatement[] {
  const { partition: p, region: r, account: a } = scope;
  return [
    ...stateStatements(scope, true),
    ...secretStatements(scope),
    // GetCallerIdentity has no resource-level permissions; the provider calls it to check credentials.
    { Sid: "WhoAmI", Effect: "Allow", Action: "sts:GetCallerIdentity", Resource: "*" },
    {
      Sid: "ManageStageRoles",
      Effect: "Allow",
      Action: [
        "iam:CreateRole",
        "iam:DeleteRole",
        "iam:GetRole",
        "iam:TagRole",
        "iam:UntagRole",
        "iam:UpdateRole",
        "iam:UpdateAssumeRolePolicy",
        "iam:PutRolePolicy",
        "iam:GetRolePolicy",
        "iam:DeleteRolePolicy",
        "iam:ListRolePolicies",
        "iam:ListAttachedRolePolicies",
        "iam:AttachRolePolicy",
        "iam:DetachRolePolicy",
        "iam:ListInstanceProfilesForRole",
      ],
      Resource: named(scope, (n) => `arn:${p}:iam::${a}:role/${n}`),
    },
    {
      Sid: "PassStageRoles",
      Effect: "Allow",
      Action: "iam:PassRole",
      Resource: named(scope, (n) => `arn:${p}:iam::${a}:role/${n}`),
      Condition: { StringEquals: { "iam:PassedToService": ["sagemaker.amazonaws.com", "lambda.amazonaws.com", "apigateway.amazonaws.com"] } },
    },
    {
      Sid: "AutoscalingServiceRole",
      Effect: "Allow",
      Action: "iam:CreateServiceLinkedRole",
      Resource: `arn:${p}:iam::${a}:role/aws-service-role/sagemaker.application-autoscaling.amazonaws.com/*`,
      Condition: { StringEquals: { "iam:AWSServiceName": "sagemaker.application-autoscaling.amazonaws.com" } },
    },
    {
      Sid: "ManageModels",
      Effect: "Allow",
      Action: [
        "sagemaker:CreateModel",
        "sagemaker:DeleteModel",
        "sagemaker:DescribeModel",
        "sagemaker:CreateEndpointConfig",
        "sagemaker:DeleteEndpointConfig",
        "sagemaker:DescribeEndpointConfig",
        "sagemaker:CreateEndpoint",
        "sagemaker:UpdateEndpoint",
        "sagemaker:DeleteEndpoint",
        "sagemaker:DescribeEndpoint",
        "sagemaker:AddTags",
        "sagemaker:DeleteTags",
        "sagemaker:ListTags",
      ],
      Resource: ["model", "endpoint-config", "endpoint"].flatMap((kind) => named(scope, (n) => `arn:${p}:sagemaker:${r}:${a}:${kind}/${n}`)),
    },
    {
      Sid: "ManageFunctions",
      Effect: "Allow",
      Action: [
        "lambda:CreateFunction",
        "lambda:DeleteFunction",
        "lambda:GetFunction",
        "lambda:GetFunctionConfiguration",
        "lambda:UpdateFunctionCode",
        "lambda:UpdateFunctionConfiguration",
        "lambda:ListVersionsByFunction",
        "lambda:GetFunctionCodeSigningConfig",
        "lambda:AddPermission",
        "lambda:RemovePermission",
        "lambda:GetPolicy",
        "lambda:TagResource",
        "lambda:UntagResource",
        "lambda:ListTags",
        "lambda:PutFunctionConcurrency",
        "lambda:DeleteFunctionConcurrency",
      ],
      Resource: named(scope, (n) => `arn:${p}:lambda:${r}:${a}:function:${n}`),
    },
    {
      Sid: "ManageLogGroups",
      Effect: "Allow",
      Action: [
        "logs:CreateLogGroup",
        "logs:DeleteLogGroup",
        "logs:PutRetentionPolicy",
        "logs:DeleteRetentionPolicy",
        "logs:TagResource",
        "logs:UntagResource",
        "logs:ListTagsForResource",
        "logs:DescribeLogGroups",
      ],
      Resource: [
        ...named(scope, (n) => `arn:${p}:logs:${r}:${a}:log-group:/aws/lambda/${n}`),
        ...named(scope, (n) => `arn:${p}:logs:${r}:${a}:log-group:/aws/apigateway/${n}`),
        `arn:${p}:logs:${r}:${a}:log-group:*`,
      ],
    },
    {
      Sid: "ManageApi",
      Effect: "Allow",
      Action: ["apigateway:GET", "apigateway:POST", "apigateway:PUT", "apigateway:PATCH", "apigateway:DELETE"],
      Resource: ["/restapis", "/restapis/*", "/apikeys", "/apikeys/*", "/usageplans", "/usageplans/*", "/account", "/tags/*"].map(
        (path) => `arn:${p}:apigateway:${r}::${path}`,
      ),
    },
    {
      Sid: "ManageScaling",
      Effect: "Allow",
      Action: [
        "application-autoscaling:RegisterScalableTarget",
        "application-autoscaling:DeregisterScalableTarget",
        "application-autoscaling:PutScalingPolicy",
        "application-autoscaling:DeleteScalingPolicy",
        "application-autoscaling:TagResource",
        "application-autoscaling:ListTagsForResource",
      ],
      Resource: `arn:${p}:application-autoscaling:${r}:${a}:scalable-target/*`,
    },
    // Application Auto Scaling's Describe* calls have no resource-level permissions.
    {
      Sid: "ReadScaling",
      Effect: "Allow",
      Action: ["application-autoscaling:DescribeScalableTargets", "application-autoscaling:DescribeScalingPolicies"],
      Resource: "*",
    },
  ];
}
