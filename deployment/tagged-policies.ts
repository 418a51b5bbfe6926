import type { PolicyStatement } from "./iam-policies";
import type { CiScope } from "./ci-policies";

/**
 * Deploy-role statements that the Project tag guards: names can match another project's (project
 * "llm" with stage "api" has the pattern llm-api-*, which covers project "llm-api"), the tag cannot.
 */

/**
 * Models, endpoint configs and endpoints: created only with the project's Project tag (tags given at
 * creation are authorized as AddTags too, on a resource that has none yet), and read, changed or
 * deleted only when they carry it, so another project's names (see RetireStageRoles) are out of
 * reach, and so are its models' environments. The tag, not the name, separates projects: the names
 * are matched by project only, which also keeps the policy short.
 */
export const sagemakerStatements = (scope: CiScope, kinds = ["model", "endpoint-config", "endpoint"]): PolicyStatement[] => {
  const resources = kinds.map((kind) => `arn:${scope.partition}:sagemaker:${scope.region}:${scope.account}:${kind}/${scope.project}-*`);
  return [
    {
      Sid: "CreateModels",
      Effect: "Allow",
      Action: ["sagemaker:CreateModel", "sagemaker:CreateEndpointConfig", "sagemaker:CreateEndpoint", "sagemaker:AddTags"],
      Resource: resources,
      Condition: { StringEquals: { "aws:RequestTag/Project": scope.project }, Null: { "aws:ResourceTag/Project": "true" } },
    },
    {
      Sid: "ManageModels",
      Effect: "Allow",
      Action: [
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
      Resource: resources,
      Condition: { StringEquals: { "aws:ResourceTag/Project": scope.project } },
    },
  ];
};

/**
 * The authorizer's key tables, one secret per stage of a config with consumers: created only with the
 * project's tag, then read and changed only when they carry it (names can match another project's).
 */
export const manageKeyTables = (scope: CiScope): PolicyStatement[] => {
  const secrets = `arn:${scope.partition}:secretsmanager:${scope.region}:${scope.account}:secret:${scope.project}-*`;
  return [
    {
      Sid: "CreateKeyTables",
      Effect: "Allow",
      Action: ["secretsmanager:CreateSecret", "secretsmanager:TagResource"],
      Resource: secrets,
      Condition: { StringEquals: { "aws:RequestTag/Project": scope.project }, Null: { "aws:ResourceTag/Project": "true" } },
    },
    {
      Sid: "ManageKeyTables",
      Effect: "Allow",
      Action: [
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
      Resource: secrets,
      Condition: { StringEquals: { "aws:ResourceTag/Project": scope.project } },
    },
  ];
};
