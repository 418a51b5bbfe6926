import type { PolicyStatement } from "./iam-policies";
import { stageNamed, type CiScope } from "./ci-policies";
import type { TaggedKind } from "./tagged-policies";
import { stateTableName } from "../lambda/wake";

/**
 * The stages' state tables (requests held while models wake, consumers' token budgets), by exact name,
 * under the Project tag. The provider tags a table in CreateTable (authorized as TagResource too).
 */
export const stateTables = (scope: CiScope): TaggedKind => ({
  create: ["dynamodb:CreateTable", "dynamodb:TagResource"],
  use: [
    "dynamodb:DescribeTable",
    "dynamodb:UpdateTable",
    "dynamodb:DeleteTable",
    "dynamodb:DescribeTimeToLive",
    "dynamodb:UpdateTimeToLive",
    "dynamodb:DescribeContinuousBackups",
    "dynamodb:UpdateContinuousBackups",
    "dynamodb:ListTagsOfResource",
    "dynamodb:TagResource",
    "dynamodb:UntagResource",
  ],
  resources: scope.stages.map(
    (stage) =>
      `arn:${scope.partition}:dynamodb:${scope.region}:${scope.account}:table/${stateTableName(`${scope.project}-${stage}`)}`,
  ),
});

/** The project's inference components, under the Project tag (see taggedStatements). */
export const components = (scope: CiScope): TaggedKind => ({
  create: ["sagemaker:CreateInferenceComponent", "sagemaker:AddTags"],
  use: [
    // CreateInferenceComponent is authorized on the endpoint that hosts the component as well.
    "sagemaker:CreateInferenceComponent",
    "sagemaker:DescribeInferenceComponent",
    "sagemaker:UpdateInferenceComponent",
    "sagemaker:UpdateInferenceComponentRuntimeConfig",
    "sagemaker:DeleteInferenceComponent",
    "sagemaker:AddTags",
    "sagemaker:ListTags",
    "sagemaker:DeleteTags",
  ],
  resources: [
    `arn:${scope.partition}:sagemaker:${scope.region}:${scope.account}:inference-component/${scope.project}-*`,
  ],
  created: scope.exact.components.map(
    (name) => `arn:${scope.partition}:sagemaker:${scope.region}:${scope.account}:inference-component/${name}`,
  ),
});

/**
 * Models that scale to zero: Cloud Control creates their endpoint configs and inference components
 * with the caller's own permissions (so its actions, which have no resource types in the IAM
 * reference, take "*" and reach only what the SageMaker statements allow), and Application Auto
 * Scaling moves a component's copies as the caller.
 */
export const componentStatements = (scope: CiScope): PolicyStatement[] => [
  {
    Sid: "UseCloudControl",
    Effect: "Allow",
    Action: [
      "cloudformation:CreateResource",
      "cloudformation:GetResource",
      "cloudformation:UpdateResource",
      "cloudformation:DeleteResource",
      "cloudformation:GetResourceRequestStatus",
    ],
    Resource: "*",
  },
  {
    // Target tracking on a component creates and deletes its alarms with the caller's permissions.
    Sid: "ManageComponentAlarms",
    Effect: "Allow",
    Action: ["cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms"],
    Resource: stageNamed(
      scope,
      (n) =>
        `arn:${scope.partition}:cloudwatch:${scope.region}:${scope.account}:alarm:TargetTracking-inference-component/${n}`,
    ),
  },
];
