import type { PolicyStatement } from "./iam-policies";
import { stageRoleArns, type CiScope } from "./ci-policies";

/**
 * Deploy-role statements that the Project tag guards: names can match another project's (project
 * "llm" with stage "api" has the pattern llm-api-*, which covers project "llm-api"), the tag cannot.
 * The tag, not the name, separates projects: most names are matched by project only.
 */

/** One kind of resource under the tag: the calls that create it, the calls that use it, and its ARNs. */
export interface TaggedKind {
  readonly create: readonly string[];
  readonly use: readonly string[];
  /** What it is used on while tagged: the project's names, by pattern. */
  readonly resources: readonly string[];
  /**
   * What it is created as, where synth knows the names: exactly those. A create's tags are authorized
   * as the service's tagging action on a resource with none yet, so a pattern here would let an
   * untagged resource of another product that matches it be tagged as the project's, then used.
   * @default resources
   */
  readonly created?: readonly string[];
}

/**
 * Every kind in two statements: created only with the project's Project tag in the request (tags
 * given at creation are authorized as the service's tagging action too, on a resource that has none
 * yet, so another project's resource cannot be re-tagged as this one's), and used only while the
 * resource carries the tag. An action matches only its own service's resource types, so the union of
 * actions and resources grants nothing that the kinds one by one would not; it keeps the policy
 * short, which IAM's 10,240 characters per role need.
 */
export const taggedStatements = (scope: CiScope, kinds: readonly TaggedKind[]): PolicyStatement[] => {
  const union = (pick: (kind: TaggedKind) => readonly string[]) => [...new Set(kinds.flatMap(pick))];
  const resources = union((k) => k.resources);
  return [
    {
      Sid: "CreateTagged",
      Effect: "Allow",
      Action: union((k) => k.create),
      Resource: union((k) => k.created ?? k.resources),
      Condition: {
        StringEquals: { "aws:RequestTag/Project": scope.project },
        Null: { "aws:ResourceTag/Project": "true" },
      },
    },
    {
      Sid: "UseTagged",
      Effect: "Allow",
      Action: union((k) => k.use),
      Resource: resources,
      Condition: { StringEquals: { "aws:ResourceTag/Project": scope.project } },
    },
  ];
};

const arn = (scope: CiScope, service: string, resource: string) =>
  `arn:${scope.partition}:${service}:${scope.region}:${scope.account}:${resource}`;

/**
 * The stage roles: tags given at creation are authorized as TagRole on a role with none yet; changing
 * or deleting one needs the tag. By stage, not by project: the CI roles are the project's too.
 */
export const stageRoles = (scope: CiScope): TaggedKind => ({
  create: ["iam:TagRole"],
  use: ["iam:TagRole", "iam:UntagRole", "iam:UpdateRole", "iam:DeleteRole"],
  resources: stageRoleArns(scope),
});

/** Models, endpoint configs and endpoints; reads too: a model's description holds its environment, a token among it. */
export const sagemakerModels = (scope: CiScope): TaggedKind => ({
  create: ["sagemaker:CreateModel", "sagemaker:CreateEndpointConfig", "sagemaker:CreateEndpoint", "sagemaker:AddTags"],
  use: [
    "sagemaker:DescribeModel",
    "sagemaker:DeleteModel",
    "sagemaker:DescribeEndpointConfig",
    "sagemaker:DeleteEndpointConfig",
    // CreateEndpoint and UpdateEndpoint are authorized on the endpoint config they name as well.
    "sagemaker:CreateEndpoint",
    "sagemaker:UpdateEndpoint",
    "sagemaker:DescribeEndpoint",
    "sagemaker:DeleteEndpoint",
    // RegisterScalableTarget checks that its caller may read and resize the endpoint's variants.
    "sagemaker:UpdateEndpointWeightsAndCapacities",
    "sagemaker:AddTags",
    "sagemaker:DeleteTags",
    "sagemaker:ListTags",
  ],
  resources: ["model", "endpoint-config", "endpoint"].map((kind) =>
    arn(scope, "sagemaker", `${kind}/${scope.project}-*`),
  ),
  // Models and endpoint configs end in a hash; endpoints have the names the stages give them.
  created: [
    ...["model", "endpoint-config"].map((kind) => arn(scope, "sagemaker", `${kind}/${scope.project}-*`)),
    ...scope.exact.endpoints.map((name) => arn(scope, "sagemaker", `endpoint/${name}`)),
  ],
});

/** The functions; reads too: a function's configuration holds its settings. */
export const functions = (scope: CiScope): TaggedKind => ({
  create: ["lambda:CreateFunction", "lambda:TagResource"],
  use: [
    "lambda:GetFunction",
    "lambda:GetFunctionConfiguration",
    "lambda:ListVersionsByFunction",
    "lambda:GetFunctionCodeSigningConfig",
    "lambda:GetPolicy",
    "lambda:ListTags",
    "lambda:DeleteFunction",
    "lambda:UpdateFunctionCode",
    "lambda:UpdateFunctionConfiguration",
    // AddPermission is a statement of its own, for API Gateway only (deploy-role.ts).
    "lambda:RemovePermission",
    "lambda:TagResource",
    "lambda:UntagResource",
    "lambda:PutFunctionConcurrency",
    "lambda:DeleteFunctionConcurrency",
  ],
  resources: [arn(scope, "lambda", `function:${scope.project}-*`)],
  created: scope.exact.functions.map((name) => arn(scope, "lambda", `function:${name}`)),
});

/** The authorizer's key tables, one secret per stage of a config with consumers. */
export const keyTables = (scope: CiScope): TaggedKind => ({
  create: ["secretsmanager:CreateSecret", "secretsmanager:TagResource"],
  use: [
    "secretsmanager:DescribeSecret",
    "secretsmanager:GetResourcePolicy",
    "secretsmanager:UpdateSecret",
    "secretsmanager:TagResource",
    "secretsmanager:UntagResource",
    "secretsmanager:DeleteSecret",
    "secretsmanager:PutSecretValue",
    "secretsmanager:GetSecretValue",
    "secretsmanager:UpdateSecretVersionStage",
    "secretsmanager:ListSecretVersionIds",
  ],
  resources: [arn(scope, "secretsmanager", `secret:${scope.project}-*`)],
  // Secrets Manager appends a hyphen and six random characters to a secret's name in its ARN.
  created: scope.exact.secrets.map((name) => arn(scope, "secretsmanager", `secret:${name}-??????`)),
});

/** The functions' and the API's log groups (the provider tags them in CreateLogGroup). */
export const logGroups = (scope: CiScope): TaggedKind => ({
  create: ["logs:CreateLogGroup", "logs:TagResource"],
  use: [
    "logs:DeleteLogGroup",
    "logs:PutRetentionPolicy",
    "logs:DeleteRetentionPolicy",
    "logs:TagResource",
    "logs:UntagResource",
    "logs:ListTagsForResource",
  ],
  resources: ["lambda", "apigateway"].map((service) =>
    arn(scope, "logs", `log-group:/aws/${service}/${scope.project}-*`),
  ),
  // Some calls name the group, some its streams (<group>:*).
  created: scope.exact.logGroups.flatMap((name) => [
    arn(scope, "logs", `log-group:${name}`),
    arn(scope, "logs", `log-group:${name}:*`),
  ]),
});

/** The stage's own alarms (the provider sends their tags with every PutMetricAlarm). */
export const alarms = (scope: CiScope): TaggedKind => ({
  create: ["cloudwatch:PutMetricAlarm", "cloudwatch:TagResource"],
  use: [
    "cloudwatch:PutMetricAlarm",
    "cloudwatch:DeleteAlarms",
    "cloudwatch:TagResource",
    "cloudwatch:UntagResource",
    "cloudwatch:ListTagsForResource",
  ],
  resources: [arn(scope, "cloudwatch", `alarm:${scope.project}-*`)],
  created: scope.exact.alarms.map((name) => arn(scope, "cloudwatch", `alarm:${name}`)),
});

/** The alarm topics and their subscriptions (a subscription's ARN is its topic's plus ":<id>"). */
export const alarmTopics = (scope: CiScope): TaggedKind => ({
  create: ["sns:CreateTopic", "sns:TagResource"],
  use: [
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
  resources: [arn(scope, "sns", `${scope.project}-*`)],
  created: scope.exact.topics.map((name) => arn(scope, "sns", name)),
});
