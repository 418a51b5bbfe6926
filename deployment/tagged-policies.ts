import type { PolicyStatement } from "./iam-policies";
import type { CiScope } from "./ci-policies";

/**
 * Deploy-role statements that the Project tag guards: names can match another project's (project
 * "llm" with stage "api" has the pattern llm-api-*, which covers project "llm-api"), the tag cannot.
 * The tag, not the name, separates projects: the names are matched by project only, which also
 * keeps the policy short.
 */

/**
 * One kind of resource under the tag: created only with the project's Project tag in the request
 * (tags given at creation are authorized as the service's tagging action too, on a resource that has
 * none yet, so another project's resource cannot be re-tagged as this one's), and used only while it
 * carries the tag.
 */
export const projectTagged = (
  scope: CiScope,
  kind: string,
  resources: string[],
  actions: { readonly create: readonly string[]; readonly use: readonly string[] },
): PolicyStatement[] => [
  {
    Sid: `Create${kind}`,
    Effect: "Allow",
    Action: [...actions.create],
    Resource: resources,
    Condition: { StringEquals: { "aws:RequestTag/Project": scope.project }, Null: { "aws:ResourceTag/Project": "true" } },
  },
  {
    Sid: `Manage${kind}`,
    Effect: "Allow",
    Action: [...actions.use],
    Resource: resources,
    Condition: { StringEquals: { "aws:ResourceTag/Project": scope.project } },
  },
];

const arn = (scope: CiScope, service: string, resource: string) => `arn:${scope.partition}:${service}:${scope.region}:${scope.account}:${resource}`;

/** Models, endpoint configs and endpoints; reads too: a model's description holds its environment, a token among it. */
export const sagemakerStatements = (scope: CiScope, kinds = ["model", "endpoint-config", "endpoint"]): PolicyStatement[] =>
  projectTagged(
    scope,
    "Models",
    kinds.map((kind) => arn(scope, "sagemaker", `${kind}/${scope.project}-*`)),
    {
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
    },
  );

/** The authorizer's key tables, one secret per stage of a config with consumers. */
export const manageKeyTables = (scope: CiScope): PolicyStatement[] =>
  projectTagged(scope, "KeyTables", [arn(scope, "secretsmanager", `secret:${scope.project}-*`)], {
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
  });

/** The functions' and the API's log groups (the provider tags them in CreateLogGroup). */
export const logGroupStatements = (scope: CiScope): PolicyStatement[] =>
  projectTagged(
    scope,
    "LogGroups",
    ["lambda", "apigateway"].map((service) => arn(scope, "logs", `log-group:/aws/${service}/${scope.project}-*`)),
    {
      create: ["logs:CreateLogGroup", "logs:TagResource"],
      use: [
        "logs:DeleteLogGroup",
        "logs:PutRetentionPolicy",
        "logs:DeleteRetentionPolicy",
        "logs:TagResource",
        "logs:UntagResource",
        "logs:ListTagsForResource",
      ],
    },
  );

/** The stage's own alarms (the provider sends their tags with every PutMetricAlarm). */
export const alarmStatements = (scope: CiScope): PolicyStatement[] =>
  projectTagged(scope, "Alarms", [arn(scope, "cloudwatch", `alarm:${scope.project}-*`)], {
    create: ["cloudwatch:PutMetricAlarm", "cloudwatch:TagResource"],
    use: ["cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms", "cloudwatch:TagResource", "cloudwatch:UntagResource", "cloudwatch:ListTagsForResource"],
  });

/** The alarm topics and their subscriptions (a subscription's ARN is its topic's plus ":<id>"). */
export const topicStatements = (scope: CiScope): PolicyStatement[] =>
  projectTagged(scope, "AlarmTopics", [arn(scope, "sns", `${scope.project}-*`)], {
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
  });
