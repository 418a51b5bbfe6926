/**
 * What the deploy role needs, per Terraform resource type the stage stacks hold: the IAM actions
 * that creating, reading (refresh), updating, tagging and deleting it call, with the resources they
 * are authorised on. Actions come from the AWS provider 5.100's calls for the resource (its
 * internal/service/<service>/<resource>.go: create, read, update, delete functions and the tags
 * interceptor), resource types and condition keys from the IAM service reference
 * ("Actions, resources, and condition keys for <service>"). `source` names them per row.
 */
export interface Need {
  readonly action: string;
  readonly resource: string;
  readonly context?: Readonly<Record<string, string | string[]>>;
  /** The resource's own policy, where the service needs one beside the caller's (a KMS key policy). */
  readonly resourcePolicy?: unknown;
}

export interface Row {
  readonly source: string;
  /** False where the service names resources by generated ids, so no name can scope them. */
  readonly named: boolean;
  readonly needs: (values: Record<string, any>, at: Place) => Need[];
}

/** Where the stack is: names resolved, account and region fixed. */
export interface Place {
  readonly partition: "aws";
  readonly region: string;
  readonly account: string;
  /** A referenced resource's name, e.g. the role of a role policy. */
  readonly nameOf: (reference: string) => string;
  /** The config's project: the Project tag the provider puts on every resource. */
  readonly project: string;
  /** The permissions boundary the stack's roles carry, as IAM sees it. @default - none */
  readonly boundary?: string;
}

const each = (actions: string[], resource: string, context?: Record<string, string | string[]>): Need[] =>
  actions.map((action) => ({ action, resource, context }));
/**
 * A resource of the project that the provider creates with its tags in the create call: created
 * with its Project tag (on a resource with none yet), then read, changed and deleted carrying it.
 */
/** The project's tag on the resource a call acts on (the provider's default tags, or its parent's, inherited). */
const projectTag = (at: Place) => ({ "aws:ResourceTag/Project": at.project });

const taggedNeeds = (at: Place, arn: string, creates: string[], uses: string[]): Need[] => [
  ...each(creates, arn, { "aws:RequestTag/Project": at.project }),
  ...each(uses, arn, { "aws:ResourceTag/Project": at.project }),
];
/** A SageMaker resource of the project: tags given at creation are authorized as AddTags. */
const sagemakerNeeds = (at: Place, arn: string, creates: string[], uses: string[]): Need[] =>
  taggedNeeds(
    at,
    arn,
    [...creates, "sagemaker:AddTags"],
    [...uses, "sagemaker:ListTags", "sagemaker:AddTags", "sagemaker:DeleteTags"],
  );
const apigw = (at: Place, path: string) => `arn:aws:apigateway:${at.region}::${path}`;
const ID = "a1b2c3d4e5";

export const DEPLOY_ACTIONS: Readonly<Record<string, Row>> = {
  aws_iam_role: {
    source:
      "provider iam/role.go (CreateRole with its permissions boundary, GetRole, ListRolePolicies, ListAttachedRolePolicies, UpdateRole, TagRole, PutRolePermissionsBoundary; delete: ListInstanceProfilesForRole, DeleteRole); IAM reference: role, iam:PermissionsBoundary. UpdateAssumeRolePolicy only when a trust policy changes, which the product never does: an administrator's apply",
    named: true,
    needs: (v, at) => {
      const role = `arn:aws:iam::${at.account}:role${v.path ?? "/"}${v.name ?? `${v.name_prefix}20261130000000000000000001`}`;
      const bounded = at.boundary ? { "iam:PermissionsBoundary": at.boundary } : undefined;
      return [
        // Created with its boundary and the provider's default tags in the request; a changed boundary is put on a tagged role.
        ...each(["iam:CreateRole"], role, { ...bounded, "aws:RequestTag/Project": at.project }),
        ...(bounded
          ? each(["iam:PutRolePermissionsBoundary"], role, { ...bounded, "aws:ResourceTag/Project": at.project })
          : []),
        // Tags given at creation: TagRole on a role that has none yet (IAM's "tag on create").
        ...each(["iam:TagRole"], role, { "aws:RequestTag/Project": at.project }),
        ...each(
          ["iam:GetRole", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies", "iam:ListInstanceProfilesForRole"],
          role,
        ),
        // The role carries the provider's default tags, Project among them.
        ...each(["iam:UpdateRole", "iam:TagRole", "iam:UntagRole", "iam:DeleteRole"], role, {
          "aws:ResourceTag/Project": at.project,
        }),
      ];
    },
  },
  aws_iam_role_policy: {
    source:
      "provider iam/role_policy.go (PutRolePolicy, GetRolePolicy, DeleteRolePolicy); IAM reference: role, iam:PermissionsBoundary",
    named: true,
    needs: (v, at) => {
      const role = `arn:aws:iam::${at.account}:role/${at.nameOf(v.role)}`;
      const bounded = at.boundary ? { "iam:PermissionsBoundary": at.boundary } : undefined;
      // On a role of the project's, which carries its Project tag.
      return [
        ...each(["iam:PutRolePolicy", "iam:DeleteRolePolicy"], role, {
          ...bounded,
          "aws:ResourceTag/Project": at.project,
        }),
        ...each(["iam:GetRolePolicy"], role),
      ];
    },
  },
  aws_sagemaker_model: {
    source:
      "provider sagemaker/model.go (CreateModel with iam:PassRole of the execution role, DescribeModel, DeleteModel; tags: AddTags, ListTags, DeleteTags); IAM reference: model (aws:ResourceTag), CreateModel and AddTags (aws:RequestTag), iam:PassedToService",
    named: true,
    needs: (v, at) =>
      sagemakerNeeds(
        at,
        `arn:aws:sagemaker:${at.region}:${at.account}:model/${v.name}`,
        ["sagemaker:CreateModel"],
        ["sagemaker:DescribeModel", "sagemaker:DeleteModel"],
      ).concat(
        each(["iam:PassRole"], `arn:aws:iam::${at.account}:role/${at.nameOf(v.execution_role_arn)}`, {
          "iam:PassedToService": "sagemaker.amazonaws.com",
          "aws:ResourceTag/Project": at.project,
        }),
      ),
  },
  aws_sagemaker_endpoint_configuration: {
    source:
      "provider sagemaker/endpoint_configuration.go (CreateEndpointConfig, DescribeEndpointConfig, DeleteEndpointConfig; tags); IAM reference: endpoint-config (aws:ResourceTag), CreateEndpointConfig and AddTags (aws:RequestTag)",
    named: true,
    needs: (v, at) =>
      sagemakerNeeds(
        at,
        `arn:aws:sagemaker:${at.region}:${at.account}:endpoint-config/${v.name_prefix}20261130000000000000000002`,
        ["sagemaker:CreateEndpointConfig"],
        ["sagemaker:DescribeEndpointConfig", "sagemaker:DeleteEndpointConfig"],
      ),
  },
  aws_cloudcontrolapi_resource: {
    source:
      "provider cloudcontrol/resource.go (CreateResource, GetResource, UpdateResource, DeleteResource, GetResourceRequestStatus; no resource types in the IAM reference); Cloud Control runs the type's handlers with the caller's permissions, which the CloudFormation registry schema lists per handler: for AWS::SageMaker::InferenceComponent the component's actions (CreateInferenceComponent also on the endpoint), for AWS::SageMaker::EndpointConfig the config's and iam:PassRole of its execution role",
    named: true,
    needs: (v, at) => {
      const state = String(v.desired_state);
      const field = (key: string) => new RegExp(`"${key}" = ("([^"]+)"|([a-z0-9_]+\\.[^.]+\\.[a-z_]+))`).exec(state);
      const value = (key: string) => {
        const found = field(key);
        if (!found) throw new Error(`no ${key} in ${state.slice(0, 80)}`);
        return found[2] ?? at.nameOf(`\${${found[3]}}`);
      };
      const cloudControl = each(
        [
          "cloudformation:CreateResource",
          "cloudformation:GetResource",
          "cloudformation:UpdateResource",
          "cloudformation:DeleteResource",
          "cloudformation:GetResourceRequestStatus",
        ],
        "*",
      );
      const sagemaker = `arn:aws:sagemaker:${at.region}:${at.account}`;
      if (v.type_name === "AWS::SageMaker::InferenceComponent") {
        return [
          ...cloudControl,
          ...each(["sagemaker:CreateInferenceComponent"], `${sagemaker}:endpoint/${value("EndpointName")}`, {
            "aws:ResourceTag/Project": at.project,
          }),
          ...sagemakerNeeds(
            at,
            `${sagemaker}:inference-component/${value("InferenceComponentName")}`,
            ["sagemaker:CreateInferenceComponent"],
            [
              "sagemaker:DescribeInferenceComponent",
              "sagemaker:UpdateInferenceComponent",
              "sagemaker:DeleteInferenceComponent",
            ],
          ),
        ];
      }
      return [
        ...cloudControl,
        ...sagemakerNeeds(
          at,
          `${sagemaker}:endpoint-config/${value("EndpointConfigName")}`,
          ["sagemaker:CreateEndpointConfig"],
          ["sagemaker:DescribeEndpointConfig", "sagemaker:DeleteEndpointConfig"],
        ),
        ...each(["iam:PassRole"], `arn:aws:iam::${at.account}:role/${value("ExecutionRoleArn")}`, {
          "iam:PassedToService": "sagemaker.amazonaws.com",
          "aws:ResourceTag/Project": at.project,
        }),
      ];
    },
  },
  aws_sagemaker_endpoint: {
    source:
      "provider sagemaker/endpoint.go (CreateEndpoint, DescribeEndpoint, UpdateEndpoint, DeleteEndpoint; tags); IAM reference: endpoint (aws:ResourceTag), CreateEndpoint and UpdateEndpoint also on the endpoint-config they name, CreateEndpoint and AddTags (aws:RequestTag)",
    named: true,
    needs: (v, at) => [
      ...sagemakerNeeds(
        at,
        `arn:aws:sagemaker:${at.region}:${at.account}:endpoint/${v.name}`,
        ["sagemaker:CreateEndpoint"],
        ["sagemaker:DescribeEndpoint", "sagemaker:UpdateEndpoint", "sagemaker:DeleteEndpoint"],
      ),
      ...each(
        ["sagemaker:CreateEndpoint", "sagemaker:UpdateEndpoint"],
        `arn:aws:sagemaker:${at.region}:${at.account}:endpoint-config/${at.nameOf(v.endpoint_config_name)}`,
        { "aws:ResourceTag/Project": at.project },
      ),
    ],
  },
  aws_appautoscaling_target: {
    source:
      "provider appautoscaling/target.go (RegisterScalableTarget with Tags on create, without on update; DescribeScalableTargets, DeregisterScalableTarget; tags); IAM reference: scalable-target (aws:ResourceTag), RegisterScalableTarget (aws:RequestTag, service-namespace); Application Auto Scaling guide, 'permissions for SageMaker': the caller also needs sagemaker:DescribeEndpoint and UpdateEndpointWeightsAndCapacities, and the service-linked role",
    named: false,
    needs: (v, at) => {
      const [kind, endpoint] = String(v.resource_id).split("/");
      // An inference component's copies: the caller describes the component and sets its copy count.
      const tagged = { "aws:ResourceTag/Project": at.project };
      const scaled =
        kind === "inference-component"
          ? each(
              ["sagemaker:DescribeInferenceComponent", "sagemaker:UpdateInferenceComponentRuntimeConfig"],
              `arn:aws:sagemaker:${at.region}:${at.account}:inference-component/${endpoint}`,
              tagged,
            )
          : each(
              ["sagemaker:DescribeEndpoint", "sagemaker:UpdateEndpointWeightsAndCapacities"],
              `arn:aws:sagemaker:${at.region}:${at.account}:endpoint/${endpoint}`,
              tagged,
            );
      const target = `arn:aws:application-autoscaling:${at.region}:${at.account}:scalable-target/${ID}`;
      return [
        // Created with the provider's default tags (RegisterScalableTarget with Tags); a later register
        // (min or max changed) sends none and acts on the tagged target.
        ...each(["application-autoscaling:RegisterScalableTarget"], target, {
          "aws:RequestTag/Project": at.project,
          "application-autoscaling:service-namespace": "sagemaker",
        }),
        ...each(
          [
            "application-autoscaling:RegisterScalableTarget",
            "application-autoscaling:DeregisterScalableTarget",
            "application-autoscaling:TagResource",
            "application-autoscaling:ListTagsForResource",
          ],
          target,
          tagged,
        ),
        ...each(["application-autoscaling:DescribeScalableTargets"], "*"),
        ...scaled,
        ...each(
          ["iam:CreateServiceLinkedRole"],
          `arn:aws:iam::${at.account}:role/aws-service-role/sagemaker.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint`,
          { "iam:AWSServiceName": "sagemaker.application-autoscaling.amazonaws.com" },
        ),
      ];
    },
  },
  aws_appautoscaling_policy: {
    source:
      "provider appautoscaling/policy.go (PutScalingPolicy, DescribeScalingPolicies, DeleteScalingPolicy); target tracking creates and deletes its CloudWatch alarms (TargetTracking-<resource id>-AlarmHigh/Low-<uuid>) with the caller's permissions",
    named: false,
    needs: (v, at) => [
      ...each(
        ["application-autoscaling:PutScalingPolicy", "application-autoscaling:DeleteScalingPolicy"],
        `arn:aws:application-autoscaling:${at.region}:${at.account}:scalable-target/${ID}`,
        projectTag(at),
      ),
      ...each(["application-autoscaling:DescribeScalingPolicies"], "*"),
      // Only target tracking makes alarms of its own; a step policy is an action of an alarm the stack makes.
      ...(v.policy_type === "StepScaling"
        ? []
        : each(
            ["cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms", "cloudwatch:DescribeAlarms"],
            `arn:aws:cloudwatch:${at.region}:${at.account}:alarm:TargetTracking-${at.nameOf(v.resource_id)}-AlarmHigh-0000`,
          )),
    ],
  },
  aws_appautoscaling_scheduled_action: {
    source:
      "provider appautoscaling/scheduled_action.go (PutScheduledAction, DescribeScheduledActions, DeleteScheduledAction)",
    named: false,
    needs: (_, at) => [
      ...each(
        ["application-autoscaling:PutScheduledAction", "application-autoscaling:DeleteScheduledAction"],
        `arn:aws:application-autoscaling:${at.region}:${at.account}:scalable-target/${ID}`,
        projectTag(at),
      ),
      ...each(["application-autoscaling:DescribeScheduledActions"], "*"),
    ],
  },
  aws_lambda_function: {
    source:
      "provider lambda/function.go (CreateFunction with iam:PassRole, GetFunction, GetFunctionCodeSigningConfig, ListVersionsByFunction, UpdateFunctionCode, UpdateFunctionConfiguration, PutFunctionConcurrency, DeleteFunctionConcurrency, DeleteFunction; tags: TagResource, UntagResource, ListTags; layers: GetLayerVersion); IAM reference: function, layerVersion",
    named: true,
    needs: (v, at) => [
      // Created with the provider's default tags, Project among them; changed and deleted carrying it.
      // Tags given at creation are authorized as TagResource too, on a function that has none yet.
      ...each(
        ["lambda:CreateFunction", "lambda:TagResource"],
        `arn:aws:lambda:${at.region}:${at.account}:function:${v.function_name}`,
        {
          "aws:RequestTag/Project": at.project,
        },
      ),
      ...each(
        [
          // Reads too: a function's configuration holds its settings.
          "lambda:GetFunction",
          "lambda:GetFunctionConfiguration",
          "lambda:GetFunctionCodeSigningConfig",
          "lambda:ListVersionsByFunction",
          "lambda:ListTags",
          "lambda:UpdateFunctionCode",
          "lambda:UpdateFunctionConfiguration",
          "lambda:PutFunctionConcurrency",
          "lambda:DeleteFunctionConcurrency",
          "lambda:TagResource",
          "lambda:UntagResource",
          "lambda:DeleteFunction",
        ],
        `arn:aws:lambda:${at.region}:${at.account}:function:${v.function_name}`,
        { "aws:ResourceTag/Project": at.project },
      ),
      ...each(["iam:PassRole"], `arn:aws:iam::${at.account}:role/${at.nameOf(v.role)}`, {
        "iam:PassedToService": "lambda.amazonaws.com",
        "aws:ResourceTag/Project": at.project,
      }),
      ...((v.layers as string[] | undefined) ?? []).map((layer) => ({
        action: "lambda:GetLayerVersion",
        resource: layer,
      })),
    ],
  },
  aws_lambda_permission: {
    source: "provider lambda/permission.go (AddPermission, GetPolicy, RemovePermission); IAM reference: function",
    named: true,
    needs: (v, at) => [
      ...each(
        ["lambda:GetPolicy", "lambda:RemovePermission"],
        `arn:aws:lambda:${at.region}:${at.account}:function:${at.nameOf(v.function_name)}`,
        {
          "aws:ResourceTag/Project": at.project,
        },
      ),
      // The principal the permission lets in (the product's are all API Gateway).
      ...each(
        ["lambda:AddPermission"],
        `arn:aws:lambda:${at.region}:${at.account}:function:${at.nameOf(v.function_name)}`,
        {
          "aws:ResourceTag/Project": at.project,
          "lambda:Principal": v.principal,
        },
      ),
    ],
  },
  aws_cloudwatch_log_group: {
    source:
      "provider logs/group.go (CreateLogGroup, PutRetentionPolicy, DescribeLogGroups by prefix, DeleteLogGroup; tags: TagResource, UntagResource, ListTagsForResource; CreateLogGroupInput carries Tags); IAM reference: log-group (aws:ResourceTag), CreateLogGroup (aws:RequestTag)",
    named: true,
    needs: (v, at) => [
      // CreateLogGroup carries the tags; retention is put on the group just created, tagged.
      ...taggedNeeds(
        at,
        `arn:aws:logs:${at.region}:${at.account}:log-group:${v.name}`,
        ["logs:CreateLogGroup", "logs:TagResource"],
        [
          "logs:PutRetentionPolicy",
          "logs:DeleteRetentionPolicy",
          "logs:DeleteLogGroup",
          "logs:TagResource",
          "logs:UntagResource",
          "logs:ListTagsForResource",
        ],
      ),
      // IAM reference: DescribeLogGroups has no resource types, so only "*" grants it.
      ...each(["logs:DescribeLogGroups"], "*"),
    ],
  },
  aws_cloudwatch_metric_alarm: {
    source:
      "provider cloudwatch/metric_alarm.go (PutMetricAlarm with Tags on create and update, DescribeAlarms, DeleteAlarms; tags: TagResource, UntagResource, ListTagsForResource); IAM reference: alarm (aws:ResourceTag), PutMetricAlarm (aws:RequestTag)",
    named: true,
    needs: (v, at) => [
      ...taggedNeeds(
        at,
        `arn:aws:cloudwatch:${at.region}:${at.account}:alarm:${v.alarm_name}`,
        ["cloudwatch:PutMetricAlarm", "cloudwatch:TagResource"],
        [
          "cloudwatch:PutMetricAlarm",
          "cloudwatch:DeleteAlarms",
          "cloudwatch:TagResource",
          "cloudwatch:UntagResource",
          "cloudwatch:ListTagsForResource",
        ],
      ),
      // The provider reads alarms by listing them; the list shows names, so it is granted on every alarm.
      ...each(["cloudwatch:DescribeAlarms"], `arn:aws:cloudwatch:${at.region}:${at.account}:alarm:*`),
    ],
  },
  aws_dynamodb_table: {
    source:
      "provider dynamodb/table.go (CreateTable with Tags, DescribeTable while it becomes ACTIVE, UpdateTimeToLive and DescribeTimeToLive, UpdateContinuousBackups and DescribeContinuousBackups for point-in-time recovery, ListTagsOfResource, TagResource, UntagResource, UpdateTable, DeleteTable); IAM reference: table (aws:ResourceTag), CreateTable and TagResource (aws:RequestTag)",
    named: true,
    needs: (v, at) =>
      taggedNeeds(
        at,
        `arn:aws:dynamodb:${at.region}:${at.account}:table/${v.name}`,
        ["dynamodb:CreateTable", "dynamodb:TagResource"],
        [
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
      ),
  },
  aws_secretsmanager_secret: {
    source:
      "provider secretsmanager/secret.go (CreateSecret, DescribeSecret, GetResourcePolicy on read, UpdateSecret, TagResource, UntagResource, DeleteSecret); IAM reference: Secret (the ARN ends in a random 6-character suffix; aws:RequestTag on CreateSecret and TagResource, aws:ResourceTag on every action)",
    named: true,
    needs: (v, at) => {
      const secret = `arn:aws:secretsmanager:${at.region}:${at.account}:secret:${v.name}-AbCdEf`;
      return [
        ...each(["secretsmanager:CreateSecret", "secretsmanager:TagResource"], secret, {
          "aws:RequestTag/Project": at.project,
        }),
        ...each(
          [
            "secretsmanager:DescribeSecret",
            "secretsmanager:GetResourcePolicy",
            "secretsmanager:UpdateSecret",
            "secretsmanager:TagResource",
            "secretsmanager:UntagResource",
            "secretsmanager:DeleteSecret",
          ],
          secret,
          { "aws:ResourceTag/Project": at.project },
        ),
      ];
    },
  },
  aws_secretsmanager_secret_version: {
    source:
      "provider secretsmanager/secret_version.go (PutSecretValue, GetSecretValue on read, UpdateSecretVersionStage and ListSecretVersionIds on update and delete); IAM reference: Secret (aws:ResourceTag)",
    named: true,
    needs: (v, at) =>
      each(
        [
          "secretsmanager:PutSecretValue",
          "secretsmanager:GetSecretValue",
          "secretsmanager:UpdateSecretVersionStage",
          "secretsmanager:ListSecretVersionIds",
        ],
        // secret_id references the secret, resolved to its name.
        `arn:aws:secretsmanager:${at.region}:${at.account}:secret:${v.secret_id}-AbCdEf`,
        { "aws:ResourceTag/Project": at.project },
      ),
  },
  aws_cloudwatch_dashboard: {
    source:
      "provider cloudwatch/dashboard.go (PutDashboard, GetDashboard, DeleteDashboards); IAM reference: dashboard (no region)",
    named: true,
    needs: (v, at) =>
      each(
        ["cloudwatch:PutDashboard", "cloudwatch:GetDashboard", "cloudwatch:DeleteDashboards"],
        `arn:aws:cloudwatch::${at.account}:dashboard/${v.dashboard_name}`,
      ),
  },
  aws_sns_topic: {
    source:
      "provider sns/topic.go (CreateTopic with Tags, GetTopicAttributes, SetTopicAttributes, DeleteTopic; tags); IAM reference: topic (aws:ResourceTag), CreateTopic (aws:RequestTag)",
    named: true,
    needs: (v, at) =>
      taggedNeeds(
        at,
        `arn:aws:sns:${at.region}:${at.account}:${v.name}`,
        ["sns:CreateTopic", "sns:TagResource"],
        [
          "sns:GetTopicAttributes",
          "sns:SetTopicAttributes",
          "sns:DeleteTopic",
          "sns:TagResource",
          "sns:UntagResource",
          "sns:ListTagsForResource",
        ],
      ),
  },
  aws_sns_topic_subscription: {
    source:
      "provider sns/topic_subscription.go (Subscribe, GetSubscriptionAttributes, SetSubscriptionAttributes, Unsubscribe); IAM reference: all four are authorised on the topic",
    named: true,
    needs: (v, at) =>
      each(
        ["sns:Subscribe", "sns:GetSubscriptionAttributes", "sns:SetSubscriptionAttributes", "sns:Unsubscribe"],
        `arn:aws:sns:${at.region}:${at.account}:${at.nameOf(v.topic_arn)}`,
        // The topic carries the provider's default tags.
        { "aws:ResourceTag/Project": at.project },
      ),
  },
  aws_api_gateway_rest_api: {
    source:
      "provider apigateway/rest_api.go (POST /restapis, PUT /restapis/{id} with the body, GET, PATCH, DELETE; tags via /tags/{arn}); IAM reference: RestApi, RestApis",
    named: false,
    needs: (_, at) => [
      // Created with the provider's default tags, then known by them (ABAC: "API Gateway resources that can be tagged").
      ...each(["apigateway:POST"], apigw(at, "/restapis"), { "aws:RequestTag/Project": at.project }),
      ...each(
        ["apigateway:PUT", "apigateway:GET", "apigateway:PATCH", "apigateway:DELETE"],
        apigw(at, `/restapis/${ID}`),
        projectTag(at),
      ),
      // A later change of the stack's tags (never of Project, which the create set).
      ...each(
        ["apigateway:PUT", "apigateway:DELETE", "apigateway:GET"],
        apigw(at, `/tags/${encodeURIComponent(apigw(at, `/restapis/${ID}`))}`),
        {
          "aws:TagKeys": ["Stage", "ManagedBy"],
        },
      ),
    ],
  },
  aws_api_gateway_deployment: {
    source:
      "provider apigateway/deployment.go (POST /restapis/{id}/deployments, GET and DELETE /restapis/{id}/deployments/{id}); IAM reference: Deployments, Deployment",
    named: false,
    needs: (_, at) => [
      // A REST API's children inherit its tags for access control.
      ...each(["apigateway:POST"], apigw(at, `/restapis/${ID}/deployments`), projectTag(at)),
      ...each(["apigateway:GET", "apigateway:DELETE"], apigw(at, `/restapis/${ID}/deployments/${ID}`), projectTag(at)),
    ],
  },
  aws_api_gateway_stage: {
    source:
      "provider apigateway/stage.go (POST /restapis/{id}/stages, GET, PATCH, DELETE /restapis/{id}/stages/{name}); IAM reference: Stages, Stage",
    named: false,
    needs: (v, at) => [
      ...each(["apigateway:POST"], apigw(at, `/restapis/${ID}/stages`), projectTag(at)),
      ...each(
        ["apigateway:GET", "apigateway:PATCH", "apigateway:DELETE"],
        apigw(at, `/restapis/${ID}/stages/${v.stage_name}`),
        projectTag(at),
      ),
    ],
  },
  aws_api_gateway_method_settings: {
    source: "provider apigateway/method_settings.go (PATCH and GET /restapis/{id}/stages/{name}); IAM reference: Stage",
    named: false,
    needs: (_, at) =>
      each(["apigateway:PATCH", "apigateway:GET"], apigw(at, `/restapis/${ID}/stages/v1`), projectTag(at)),
  },
  aws_api_gateway_api_key: {
    source:
      "provider apigateway/api_key.go (POST /apikeys, GET /apikeys/{id} with its value, PATCH, DELETE); IAM reference: ApiKeys, ApiKey",
    named: false,
    needs: (_, at) => [
      ...each(["apigateway:POST"], apigw(at, "/apikeys"), { "aws:RequestTag/Project": at.project }),
      // The key carries the provider's default tags: the plan role reads only keys tagged with its project.
      ...each(["apigateway:GET", "apigateway:PATCH", "apigateway:DELETE"], apigw(at, `/apikeys/${ID}`), {
        "aws:ResourceTag/Project": at.project,
      }),
    ],
  },
  aws_api_gateway_usage_plan: {
    source:
      "provider apigateway/usage_plan.go (POST /usageplans, GET, PATCH, DELETE /usageplans/{id}); IAM reference: UsagePlans, UsagePlan",
    named: false,
    needs: (_, at) => [
      ...each(["apigateway:POST"], apigw(at, "/usageplans"), { "aws:RequestTag/Project": at.project }),
      // Tagged with the project (default tags): the plan role reads only such plans.
      ...each(["apigateway:GET", "apigateway:PATCH", "apigateway:DELETE"], apigw(at, `/usageplans/${ID}`), {
        "aws:ResourceTag/Project": at.project,
      }),
    ],
  },
  aws_api_gateway_usage_plan_key: {
    source:
      "provider apigateway/usage_plan_key.go (POST /usageplans/{id}/keys, GET and DELETE /usageplans/{id}/keys/{key}); IAM reference: UsagePlanKeys, UsagePlanKey",
    named: false,
    needs: (_, at) => [
      // A usage plan's keys inherit its tags for access control ("API Gateway resources that can be tagged").
      ...each(["apigateway:POST"], apigw(at, `/usageplans/${ID}/keys`), projectTag(at)),
      ...each(["apigateway:GET", "apigateway:DELETE"], apigw(at, `/usageplans/${ID}/keys/${ID}`), {
        "aws:ResourceTag/Project": at.project,
      }),
    ],
  },
  aws_api_gateway_domain_name: {
    source:
      "provider apigateway/domain_name.go (POST /domainnames, GET, PATCH, DELETE /domainnames/{name}; the regional certificate is read: acm:DescribeCertificate); IAM reference: DomainNames, DomainName",
    named: true,
    needs: (v, at) => [
      ...each(["apigateway:POST"], apigw(at, "/domainnames")),
      ...each(["apigateway:GET", "apigateway:PATCH", "apigateway:DELETE"], apigw(at, `/domainnames/${v.domain_name}`)),
      ...each(["acm:DescribeCertificate"], v.regional_certificate_arn),
    ],
  },
  aws_api_gateway_base_path_mapping: {
    source:
      "provider apigateway/base_path_mapping.go (POST /domainnames/{name}/basepathmappings, GET, DELETE /domainnames/{name}/basepathmappings/{path}); IAM reference: BasePathMappings",
    named: true,
    needs: (v, at) => {
      const domain = at.nameOf(v.domain_name);
      return [
        ...each(["apigateway:POST"], apigw(at, `/domainnames/${domain}/basepathmappings`)),
        ...each(
          ["apigateway:GET", "apigateway:DELETE"],
          apigw(at, `/domainnames/${domain}/basepathmappings/${v.base_path || "(none)"}`),
        ),
      ];
    },
  },
  aws_route53_record: {
    source:
      "provider route53/record.go (ChangeResourceRecordSets, GetChange while it waits, ListResourceRecordSets to read; GetHostedZone); IAM reference: hostedzone, change",
    named: true,
    needs: (v) => [
      ...each(
        ["route53:ChangeResourceRecordSets", "route53:ListResourceRecordSets", "route53:GetHostedZone"],
        `arn:aws:route53:::hostedzone/${v.zone_id}`,
      ),
      ...each(["route53:GetChange"], "arn:aws:route53:::change/C0000000000"),
    ],
  },
  terraform_data: { source: "Terraform's built-in provider: no AWS call", named: true, needs: () => [] },
};

/** Data sources the stacks read, and what reading them calls. */
export const DATA_ACTIONS: Readonly<Record<string, Row>> = {
  aws_partition: {
    source: "provider meta/partition_data_source.go: computed locally, no call",
    named: true,
    needs: () => [],
  },
  aws_caller_identity: {
    source: "provider meta/caller_identity_data_source.go (sts:GetCallerIdentity, which no policy can deny)",
    named: false,
    needs: () => each(["sts:GetCallerIdentity"], "*"),
  },
  aws_secretsmanager_secret_version: {
    source: "provider secretsmanager/secret_version_data_source.go (GetSecretValue); IAM reference: Secret",
    named: true,
    needs: (v) => each(["secretsmanager:GetSecretValue"], v.secret_id),
  },
};
