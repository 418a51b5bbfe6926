import type { PolicyStatement } from "./iam-policies";
import { stageNamed, type CiScope } from "./ci-policies";

/**
 * Models that scale to zero: Cloud Control creates their endpoint configs and inference components
 * with the caller's own permissions (so its actions, which have no resource types in the IAM
 * reference, take "*" and reach only what the SageMaker statements allow), and Application Auto
 * Scaling moves a component's copies as the caller.
 */
/** The project's inference components, by name; the Project tag separates projects (see sagemakerStatements). */
const components = (scope: CiScope): string[] => [`arn:${scope.partition}:sagemaker:${scope.region}:${scope.account}:inference-component/${scope.project}-*`];

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
    Sid: "CreateComponents",
    Effect: "Allow",
    Action: ["sagemaker:CreateInferenceComponent", "sagemaker:AddTags"],
    Resource: components(scope),
    Condition: { StringEquals: { "aws:RequestTag/Project": scope.project }, Null: { "aws:ResourceTag/Project": "true" } },
  },
  {
    Sid: "ManageComponents",
    Effect: "Allow",
    Action: [
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
    Resource: [...components(scope), `arn:${scope.partition}:sagemaker:${scope.region}:${scope.account}:endpoint/${scope.project}-*`],
    Condition: { StringEquals: { "aws:ResourceTag/Project": scope.project } },
  },
  {
    // Target tracking on a component creates and deletes its alarms with the caller's permissions.
    Sid: "ManageComponentAlarms",
    Effect: "Allow",
    Action: ["cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms"],
    Resource: stageNamed(scope, (n) => `arn:${scope.partition}:cloudwatch:${scope.region}:${scope.account}:alarm:TargetTracking-inference-component/${n}`),
  },
];
