import type { PolicyStatement } from "./iam-policies";
import { secretStatements, stageNamed, stageRoleArns, stateStatements, type CiScope } from "./ci-policies";
import { boundaryArn } from "./boundary";
import { projectRolePath } from "../names";
import { componentStatements, components, stateTables } from "./component-policies";
import { scalingStatements } from "./scaling-policies";
import {
  alarms,
  alarmTopics,
  functions,
  keyTables,
  logGroups,
  sagemakerModels,
  stageRoles,
  taggedStatements,
} from "./tagged-policies";

/**
 * The deploy role's policy: every action a deploy of the stage stacks calls, each on resources
 * named for this project's stages only (see __tests__/security/deploy-actions.ts for the sources).
 */
const named = stageNamed;

/** What the provider reads of a role to refresh it. */
const ROLE_READS = [
  "iam:GetRole",
  "iam:GetRolePolicy",
  "iam:ListRolePolicies",
  "iam:ListAttachedRolePolicies",
  "iam:ListInstanceProfilesForRole",
] as const;

export function deployRoleStatements(scope: CiScope): PolicyStatement[] {
  return [
    ...stateStatements(scope, true),
    ...secretStatements(scope),
    // GetCallerIdentity has no resource-level permissions; the provider calls it to check credentials.
    { Sid: "WhoAmI", Effect: "Allow", Action: "sts:GetCallerIdentity", Resource: "*" },
    // The deploy workflow checks its own policies against the config before it deploys (bin/ci-check.ts).
    {
      Sid: "ReadCiPolicies",
      Effect: "Allow",
      Action: ["iam:GetPolicy", "iam:GetPolicyVersion"],
      Resource: `arn:${scope.partition}:iam::${scope.account}:policy${projectRolePath(scope.project)}${scope.project}-ci-*`,
    },
    ...stageRoleStatements(scope),
    // Roles, models, functions, key tables, log groups, alarms, topics and components: by the Project tag.
    ...taggedStatements(scope, [
      stageRoles(scope),
      sagemakerModels(scope),
      functions(scope),
      logGroups(scope),
      alarms(scope),
      alarmTopics(scope),
      // The authorizer's key table (salt and key hashes): one secret per stage, with consumers only.
      ...(scope.keyTables ? [keyTables(scope)] : []),
      ...(scope.components ? [components(scope)] : []),
      ...(scope.stateTables ? [stateTables(scope)] : []),
    ]),
    ...retireAndInvokeStatements(scope),
    ...apiAndMonitoringStatements(scope),
    ...(scope.components ? componentStatements(scope) : []),
    ...(scope.layerArns?.length
      ? [
          {
            Sid: "UseLayers",
            Effect: "Allow" as const,
            Action: "lambda:GetLayerVersion",
            Resource: [...scope.layerArns],
          },
        ]
      : []),
    ...(scope.domain ? domainStatements(scope, scope.domain) : []),
    ...scalingStatements(scope),
  ];
}

/** The stage roles: read, created and written under the boundary and the project's tag, passed to the three services that run them. */
function stageRoleStatements(scope: CiScope): PolicyStatement[] {
  const { partition: p, account: a } = scope;
  return [
    // Roles: created, and their policies written, only under the stage boundary; never a policy
    // attached, never the boundary removed or swapped, never a trust policy changed (IAM has no
    // boundary condition for UpdateAssumeRolePolicy: trust is set at creation, under the boundary).
    {
      Sid: "ReadStageRoles",
      Effect: "Allow",
      Action: [...ROLE_READS],
      Resource: stageRoleArns(scope),
    },
    {
      // Created only with the boundary and the project's tag in the request ...
      Sid: "CreateBoundedStageRoles",
      Effect: "Allow",
      Action: "iam:CreateRole",
      Resource: stageRoleArns(scope),
      Condition: {
        StringEquals: {
          "iam:PermissionsBoundary": scope.boundaryArn ?? boundaryArn(p, a, scope.project),
          "aws:RequestTag/Project": scope.project,
        },
      },
    },
    {
      // ... and written only while they carry both: a name that matches another project's pattern
      // (project "llm", stage "api" against project "llm-api") does not reach that project's roles.
      Sid: "WriteBoundedStageRoles",
      Effect: "Allow",
      Action: ["iam:PutRolePolicy", "iam:DeleteRolePolicy", "iam:PutRolePermissionsBoundary"],
      Resource: stageRoleArns(scope),
      Condition: {
        StringEquals: {
          "iam:PermissionsBoundary": scope.boundaryArn ?? boundaryArn(p, a, scope.project),
          "aws:ResourceTag/Project": scope.project,
        },
      },
    },
    {
      Sid: "PassStageRoles",
      Effect: "Allow",
      Action: "iam:PassRole",
      Resource: stageRoleArns(scope),
      Condition: {
        StringEquals: {
          "iam:PassedToService": ["sagemaker.amazonaws.com", "lambda.amazonaws.com", "apigateway.amazonaws.com"],
          "aws:ResourceTag/Project": scope.project,
        },
      },
    },
  ];
}

/** Roles left at IAM's default path, API Gateway's invoke permission on the functions, and Auto Scaling's service-linked role. */
function retireAndInvokeStatements(scope: CiScope): PolicyStatement[] {
  const { partition: p, account: a } = scope;
  return [
    {
      // Stage roles from before they moved under the project's path (IAM's default "/"): the apply
      // that moves them deletes them, so it may read and delete those of this project, nothing more.
      Sid: "RetireUnpathedStageRoles",
      Effect: "Allow",
      Action: [...ROLE_READS, "iam:DeleteRolePolicy", "iam:DeleteRole"],
      Resource: named(scope, (n) => `arn:${p}:iam::${a}:role/${n}`),
      Condition: { StringEquals: { "aws:ResourceTag/Project": scope.project } },
    },
    {
      // Only API Gateway may be let in: a function opened to "*" or another account is refused.
      Sid: "LetApiGatewayInvoke",
      Effect: "Allow",
      Action: "lambda:AddPermission",
      Resource: functions(scope).resources,
      Condition: {
        StringEquals: { "aws:ResourceTag/Project": scope.project, "lambda:Principal": "apigateway.amazonaws.com" },
      },
    },
    {
      Sid: "AutoscalingServiceRole",
      Effect: "Allow",
      Action: "iam:CreateServiceLinkedRole",
      Resource: `arn:${p}:iam::${a}:role/aws-service-role/sagemaker.application-autoscaling.amazonaws.com/*`,
      Condition: { StringEquals: { "iam:AWSServiceName": "sagemaker.application-autoscaling.amazonaws.com" } },
    },
  ];
}

/** The REST API and its keys and plans, log group listing, scaling and stage alarms, and the dashboards. */
function apiAndMonitoringStatements(scope: CiScope): PolicyStatement[] {
  const { partition: p, region: r, account: a } = scope;
  return [
    // The provider finds a log group by listing with its name as prefix. DescribeLogGroups has no
    // resource-level permissions (IAM service reference), and a listing reveals names only.
    { Sid: "ListLogGroups", Effect: "Allow", Action: "logs:DescribeLogGroups", Resource: "*" },
    // REST APIs, keys and usage plans: created with the project's tag, then used only while they carry
    // it (a REST API's stages, deployments and methods, and a plan's keys, inherit its tags for
    // access control: "API Gateway resources that can be tagged", API Gateway developer guide). No
    // /account: the account-wide CloudWatch role belongs to the state stack, deployed by an administrator.
    {
      Sid: "CreateProjectApis",
      Effect: "Allow",
      Action: "apigateway:POST",
      Resource: ["/restapis", "/apikeys", "/usageplans"].map((path) => `arn:${p}:apigateway:${r}::${path}`),
      Condition: { StringEquals: { "aws:RequestTag/Project": scope.project } },
    },
    {
      Sid: "ManageProjectApis",
      Effect: "Allow",
      Action: ["apigateway:GET", "apigateway:POST", "apigateway:PUT", "apigateway:PATCH", "apigateway:DELETE"],
      Resource: ["/restapis/*", "/apikeys/*", "/usageplans/*"].map((path) => `arn:${p}:apigateway:${r}::${path}`),
      Condition: { StringEquals: { "aws:ResourceTag/Project": scope.project } },
    },
    {
      // The tags endpoint has no resource tags to test (IAM service reference): any tag may be read or
      // changed but Project, which only a create sets, so no other API can be made this project's.
      Sid: "TagApisButProject",
      Effect: "Allow",
      Action: ["apigateway:GET", "apigateway:PUT", "apigateway:DELETE"],
      Resource: `arn:${p}:apigateway:${r}::/tags/*`,
      Condition: { "ForAllValues:StringNotEquals": { "aws:TagKeys": ["Project"] } },
    },
    {
      // Target tracking policies create and delete their alarms with the caller's permissions, and
      // without tags: these are known by name alone (the alarm's name holds the endpoint's).
      Sid: "ManageScalingAlarms",
      Effect: "Allow",
      Action: ["cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms"],
      Resource: named(scope, (n) => `arn:${p}:cloudwatch:${r}:${a}:alarm:TargetTracking-endpoint/${n}`),
    },
    {
      Sid: "ReadAlarms",
      Effect: "Allow",
      Action: "cloudwatch:DescribeAlarms",
      Resource: `arn:${p}:cloudwatch:${r}:${a}:alarm:*`,
    },
    {
      Sid: "ManageDashboards",
      Effect: "Allow",
      Action: ["cloudwatch:PutDashboard", "cloudwatch:GetDashboard", "cloudwatch:DeleteDashboards"],
      // Dashboards are global: no region in their ARN. The provider cannot tag them, so each stage's
      // one dashboard is named exactly: a pattern would reach another project's (see tagged-policies.ts).
      Resource: scope.stages.map((stage) => `arn:${p}:cloudwatch::${a}:dashboard/${scope.project}-${stage}`),
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
          {
            Sid: "WatchRecordChange",
            Effect: "Allow" as const,
            Action: "route53:GetChange",
            Resource: `arn:${p}:route53:::change/*`,
          },
        ]
      : []),
  ];
}
