import type { PolicyStatement } from "./iam-policies";
import type { CiScope } from "./ci-policies";

/** Application Auto Scaling's targets, policies and scheduled actions. */
export function scalingStatements(scope: CiScope): PolicyStatement[] {
  const { partition: p, region: r, account: a } = scope;
  const target = `arn:${p}:application-autoscaling:${r}:${a}:scalable-target/*`;
  return [
    // Scalable targets have generated ids: registered only with the project's tag, and only where no
    // project's tag is (a new target), then changed only while they carry it; SageMaker's only.
    {
      Sid: "RegisterProjectScalableTargets",
      Effect: "Allow",
      Action: "application-autoscaling:RegisterScalableTarget",
      Resource: target,
      Condition: {
        StringEquals: {
          "aws:RequestTag/Project": scope.project,
          "application-autoscaling:service-namespace": "sagemaker",
        },
        Null: { "aws:ResourceTag/Project": "true" },
      },
    },
    {
      Sid: "ManageProjectScaling",
      Effect: "Allow",
      Action: [
        "application-autoscaling:RegisterScalableTarget",
        "application-autoscaling:DeregisterScalableTarget",
        "application-autoscaling:PutScalingPolicy",
        "application-autoscaling:DeleteScalingPolicy",
        "application-autoscaling:PutScheduledAction",
        "application-autoscaling:DeleteScheduledAction",
        "application-autoscaling:TagResource",
        "application-autoscaling:UntagResource",
        "application-autoscaling:ListTagsForResource",
      ],
      Resource: target,
      Condition: { StringEquals: { "aws:ResourceTag/Project": scope.project } },
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
