import { functionSettingsOf, stagesOf, type Config } from "../config/schema";
import type { PolicyStatement } from "./iam-policies";

/**
 * IAM for GitHub Actions through OIDC: who may assume the roles (the trust
 * policy) and what each role may do. Plan is read-only plus the state lock;
 * deploy may manage only resources named for this project's stages.
 */
export const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";

export const planSubjects = (repository: string): string[] => [`repo:${repository}:pull_request`];

/**
 * A job in a GitHub environment presents the environment, not the branch, in its `sub` claim, so
 * one subject cannot say both. Only the environment is trusted: jobs on main without it cannot
 * assume the role, and the environment's deployment-branch rule (main only) and its reviewers
 * decide which runs reach it. The README says how to set that rule.
 */
export const deploySubjects = (repository: string, environment: string): string[] => [`repo:${repository}:environment:${environment}`];

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
  /** Lambda layer version ARNs the config attaches to functions. */
  readonly layerArns?: readonly string[];
  /** The custom domain, its certificate and its Route 53 zone, when configured. */
  readonly domain?: { readonly name: string; readonly certificateArn: string; readonly hostedZoneId?: string };
}

/** What the CI roles may reach, from the config. */
export function ciScope(config: Config, partition: string, account: string): CiScope {
  const functionSettings = [...config.models, ...config.existingEndpoints].map(functionSettingsOf);
  return {
    partition,
    region: config.region,
    account,
    project: config.project,
    stages: stagesOf(config),
    state: config.state ? { bucket: config.state.bucket, keyPrefix: config.state.keyPrefix } : undefined,
    tokenSecretArns: [...new Set(config.models.flatMap((m) => (m.source.kind === "huggingFace" && m.source.tokenSecretArn ? [m.source.tokenSecretArn] : [])))],
    layerArns: [...new Set(functionSettings.flatMap((s) => s?.layers ?? []))],
    domain: config.api.domain,
  };
}

/** The state objects of the API stage stacks only: not the CI stack's, not the state stack's. */
function stageStateKeys(scope: CiScope, bucket: string): string[] {
  const prefix = scope.state?.keyPrefix ? `${scope.state.keyPrefix}/` : "";
  return scope.stages.map((stage) => `${bucket}/${prefix}${scope.project}-${stage}/*`);
}

function stateStatements(scope: CiScope, write: boolean): PolicyStatement[] {
  if (!scope.state) return [];
  const bucket = `arn:${scope.partition}:s3:::${scope.state.bucket}`;
  const keys = stageStateKeys(scope, bucket);
  return [
    { Sid: "ListState", Effect: "Allow", Action: "s3:ListBucket", Resource: bucket },
    write
      ? { Sid: "ReadWriteState", Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], Resource: keys }
      : { Sid: "ReadState", Effect: "Allow", Action: "s3:GetObject", Resource: keys },
    // Plans take the S3 lock too (use_lockfile writes <key>.tflock).
    ...(write ? [] : [{ Sid: "LockState", Effect: "Allow" as const, Action: ["s3:PutObject", "s3:DeleteObject"], Resource: keys.map((k) => `${k}.tflock`) }]),
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
        // RegisterScalableTarget checks that its caller may read and resize the endpoint's variants.
        "sagemaker:UpdateEndpointWeightsAndCapacities",
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
      ],
      Resource: [
        ...named(scope, (n) => `arn:${p}:logs:${r}:${a}:log-group:/aws/lambda/${n}`),
        ...named(scope, (n) => `arn:${p}:logs:${r}:${a}:log-group:/aws/apigateway/${n}`),
      ],
    },
    // The provider finds a log group by listing with its name as prefix. DescribeLogGroups has no
    // resource-level permissions (IAM service reference), and a listing reveals names only.
    { Sid: "ListLogGroups", Effect: "Allow", Action: "logs:DescribeLogGroups", Resource: "*" },
    {
      Sid: "ManageApi",
      Effect: "Allow",
      Action: ["apigateway:GET", "apigateway:POST", "apigateway:PUT", "apigateway:PATCH", "apigateway:DELETE"],
      // No /account: the account-wide CloudWatch role belongs to the state stack, deployed by an administrator.
      Resource: ["/restapis", "/restapis/*", "/apikeys", "/apikeys/*", "/usageplans", "/usageplans/*", "/tags/*"].map(
        (path) => `arn:${p}:apigateway:${r}::${path}`,
      ),
    },
    {
      Sid: "ManageAlarms",
      Effect: "Allow",
      Action: ["cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms", "cloudwatch:TagResource", "cloudwatch:UntagResource", "cloudwatch:ListTagsForResource"],
      Resource: [
        ...named(scope, (n) => `arn:${p}:cloudwatch:${r}:${a}:alarm:${n}`),
        // Target tracking policies create and delete their alarms with the caller's permissions.
        ...named(scope, (n) => `arn:${p}:cloudwatch:${r}:${a}:alarm:TargetTracking-endpoint/${n}`),
      ],
    },
    { Sid: "ReadAlarms", Effect: "Allow", Action: "cloudwatch:DescribeAlarms", Resource: `arn:${p}:cloudwatch:${r}:${a}:alarm:*` },
    {
      Sid: "ManageDashboards",
      Effect: "Allow",
      Action: ["cloudwatch:PutDashboard", "cloudwatch:GetDashboard", "cloudwatch:DeleteDashboards"],
      // Dashboards are global: no region in their ARN.
      Resource: scope.stages.flatMap((stage) => [
        `arn:${p}:cloudwatch::${a}:dashboard/${scope.project}-${stage}`,
        `arn:${p}:cloudwatch::${a}:dashboard/${scope.project}-${stage}-*`,
      ]),
    },
    {
      Sid: "ManageAlarmTopics",
      Effect: "Allow",
      Action: [
        "sns:CreateTopic",
        "sns:DeleteTopic",
        "sns:GetTopicAttributes",
        "sns:SetTopicAttributes",
        "sns:TagResource",
        "sns:UntagResource",
        "sns:ListTagsForResource",
        "sns:Subscribe",
        "sns:Unsubscribe",
        "sns:GetSubscriptionAttributes",
        "sns:SetSubscriptionAttributes",
      ],
      // Subscription ARNs are the topic's ARN plus ":<id>", which the pattern covers.
      Resource: named(scope, (n) => `arn:${p}:sns:${r}:${a}:${n}`),
    },
    ...(scope.layerArns?.length ? [{ Sid: "UseLayers", Effect: "Allow" as const, Action: "lambda:GetLayerVersion", Resource: [...scope.layerArns] }] : []),
    ...(scope.domain ? domainStatements(scope, scope.domain) : []),
    {
      Sid: "ManageScaling",
      Effect: "Allow",
      Action: [
        "application-autoscaling:RegisterScalableTarget",
        "application-autoscaling:DeregisterScalableTarget",
        "application-autoscaling:PutScalingPolicy",
        "application-autoscaling:DeleteScalingPolicy",
        "application-autoscaling:PutScheduledAction",
        "application-autoscaling:DeleteScheduledAction",
        "application-autoscaling:TagResource",
        "application-autoscaling:ListTagsForResource",
      ],
      Resource: `arn:${p}:application-autoscaling:${r}:${a}:scalable-target/*`,
    },
    // Application Auto Scaling's Describe* calls have no resource-level permissions.
    {
      Sid: "ReadScaling",
      Effect: "Allow",
      Action: [
        "application-autoscaling:DescribeScalableTargets",
        "application-autoscaling:DescribeScalingPolicies",
        "application-autoscaling:DescribeScheduledActions",
      ],
      Resource: "*",
    },
  ];
}

/** A custom domain: its API Gateway domain name and mappings, its certificate, and the alias record in its zone. */
function domainStatements(scope: CiScope, domain: NonNullable<CiScope["domain"]>): PolicyStatement[] {
  const { partition: p, region: r } = scope;
  return [
    {
      Sid: "ManageDomain",
      Effect: "Allow",
      Action: ["apigateway:GET", "apigateway:POST", "apigateway:PATCH", "apigateway:DELETE"],
      Resource: [
        `arn:${p}:apigateway:${r}::/domainnames`,
        `arn:${p}:apigateway:${r}::/domainnames/${domain.name}`,
        `arn:${p}:apigateway:${r}::/domainnames/${domain.name}/*`,
      ],
    },
    { Sid: "ReadCertificate", Effect: "Allow", Action: "acm:DescribeCertificate", Resource: domain.certificateArn },
    ...(domain.hostedZoneId
      ? [
          {
            Sid: "ManageAliasRecord",
            Effect: "Allow" as const,
            Action: ["route53:GetHostedZone", "route53:ListResourceRecordSets", "route53:ChangeResourceRecordSets"],
            Resource: `arn:${p}:route53:::hostedzone/${domain.hostedZoneId}`,
          },
          { Sid: "WatchRecordChange", Effect: "Allow" as const, Action: "route53:GetChange", Resource: `arn:${p}:route53:::change/*` },
        ]
      : []),
  ];
}
