import type { Config } from "../../config/schema";

import { budgetStatement, dynamodbTableArn, endpointArn, policyDocument, type PolicyStatement } from "./iam-policies";
import { sagemakerExecutionStatements } from "./execution-policies";
import { stateTableName } from "../lambda/wake";
import { resolveStages, type Deployment } from "../resolve";
import { componentOfHosting } from "../sagemaker/hosting";
import { MANAGED_POLICY_MAX_CHARS } from "../../reference/aws-limits";

/**
 * The permissions boundary of every role a stage stack creates. The CI stack (deployed by an
 * administrator) creates it; the deploy role may create roles and write their policies only with it
 * attached (deploy-role.ts), so whatever a deploy job writes into a role, the role can do no more
 * than this: invoke the project's endpoints, write their logs and metrics, pull the configured model
 * images and data, and what the config's own extra statements name. Nothing here reaches IAM or STS.
 */
export const boundaryPolicyName = (project: string): string => `${project}-stage-boundary`;

export const boundaryArn = (partition: string, account: string, project: string): string =>
  `arn:${partition}:iam::${account}:policy/${boundaryPolicyName(project)}`;

export function stageBoundaryStatements(config: Config, partition: string, account: string): PolicyStatement[] {
  const stages = resolveStages(config);
  const at: Scope = {
    partition,
    region: config.region,
    account,
    stages,
    named: (arn) => stages.map((d) => arn(`${config.project}-${d.stage}-`)),
    // The project's own resources carry its Project tag; a name alone can match another project's
    // (project "llm", stage "api" against project "llm-api").
    tagged: { StringEquals: { "aws:ResourceTag/Project": config.project } },
  };
  const adopted = config.existingEndpoints.map((e) => endpointArn(partition, at.region, account, e.endpointName));
  return [
    ...invokeStatements(at, adopted),
    ...stageTableStatements(at),
    ...projectResourceStatements(at),
    ...UNSCOPED_STATEMENTS,
    ...modelContainerStatements(at),
    ...extraStatementsOf(stages),
  ];
}

/** Where the boundary is written for: the account, the project's stages, its name prefixes and its tag. */
interface Scope {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  readonly stages: readonly Deployment[];
  /** One ARN per stage, from the stage's name prefix (<project>-<stage>-). */
  readonly named: (arn: (prefix: string) => string) => string[];
  readonly tagged: { readonly StringEquals: Record<string, string> };
}

const scalesToZero = (stages: readonly Deployment[]) =>
  stages.some((d) => d.models.some((m) => componentOfHosting(m.hosting) !== undefined));

/** Invoke the project's endpoints (and components), by tag; adopted endpoints, someone else's, by exact ARN. */
function invokeStatements(at: Scope, adopted: readonly string[]): PolicyStatement[] {
  const { partition, region, account, named } = at;
  const invoke = ["sagemaker:InvokeEndpoint", "sagemaker:InvokeEndpointWithResponseStream"];
  return [
    {
      Sid: "InvokeProjectEndpoints",
      Effect: "Allow",
      Action: invoke,
      Resource: [
        ...named((prefix) => `arn:${partition}:sagemaker:${region}:${account}:endpoint/${prefix}*`),
        // Models that scale to zero are called as inference components, authorized on the component too.
        ...(scalesToZero(at.stages)
          ? named((prefix) => `arn:${partition}:sagemaker:${region}:${account}:inference-component/${prefix}*`)
          : []),
      ],
      Condition: at.tagged,
    },
    ...(adopted.length
      ? [{ Sid: "InvokeAdoptedEndpoints", Effect: "Allow" as const, Action: invoke, Resource: [...adopted] }]
      : []),
  ];
}

/** The stage table: components woken and held requests counted (models that scale to zero), budgets kept (consumers with one). */
function stageTableStatements(at: Scope): PolicyStatement[] {
  const { partition, region, account, named, stages } = at;
  const tables = stages.map((d) => dynamodbTableArn(partition, region, account, stateTableName(d.names.prefix)));
  const wake: PolicyStatement[] = [
    {
      Sid: "WakeProjectComponents",
      Effect: "Allow",
      Action: ["sagemaker:DescribeInferenceComponent", "sagemaker:UpdateInferenceComponentRuntimeConfig"],
      Resource: named((prefix) => `arn:${partition}:sagemaker:${region}:${account}:inference-component/${prefix}*`),
      Condition: at.tagged,
    },
    { Sid: "CountHeldRequests", Effect: "Allow", Action: "dynamodb:UpdateItem", Resource: tables },
  ];
  const budgets = stages.some((d) => d.functions.some((f) => f.budgets));
  return [
    ...(scalesToZero(stages) ? wake : []),
    ...(budgets ? [{ ...budgetStatement(tables), Sid: "KeepProjectBudgets" }] : []),
  ];
}

/** The project's log groups, and the authorizer's key table (by tag). */
function projectResourceStatements(at: Scope): PolicyStatement[] {
  const { partition, region, account, named } = at;
  return [
    {
      Sid: "WriteProjectLogs",
      Effect: "Allow",
      Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
      Resource: [
        ...named((prefix) => `arn:${partition}:logs:${region}:${account}:log-group:/aws/lambda/${prefix}*`),
        ...named(
          (prefix) => `arn:${partition}:logs:${region}:${account}:log-group:/aws/sagemaker/Endpoints/${prefix}*`,
        ),
      ],
    },
    {
      // The authorizer's key table.
      Sid: "ReadKeyTables",
      Effect: "Allow",
      Action: "secretsmanager:GetSecretValue",
      Resource: named((prefix) => `arn:${partition}:secretsmanager:${region}:${account}:secret:${prefix}*`),
      Condition: at.tagged,
    },
  ];
}

/**
 * No resource-level permissions for these (IAM service reference): "*", as the roles' own statements.
 * Metrics only in SageMaker's endpoint namespace: the roles that publish are the models' execution
 * roles (the functions' metrics are EMF lines in their logs), so no role can write another namespace.
 */
const UNSCOPED_STATEMENTS: readonly PolicyStatement[] = [
  {
    Sid: "PublishMetrics",
    Effect: "Allow",
    Action: "cloudwatch:PutMetricData",
    Resource: "*",
    Condition: { StringLike: { "cloudwatch:namespace": "/aws/sagemaker/Endpoints" } },
  },
  { Sid: "EcrLogin", Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
  { Sid: "WriteTraces", Effect: "Allow", Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], Resource: "*" },
];

/** The model containers' own needs, with the exact ARNs their execution roles name, merged by kind. */
function modelContainerStatements(at: Scope): PolicyStatement[] {
  const { partition, region, account } = at;
  const modelNeeds = at.stages.flatMap((d) =>
    d.models.flatMap((m) =>
      m.hosting.kind === "existing"
        ? []
        : sagemakerExecutionStatements({
            partition,
            region,
            account,
            endpointName: m.hosting.endpointName,
            image: m.hosting.container.image,
            modelDataUrl: m.hosting.container.modelDataUrl,
            modelDataPrefix: m.hosting.container.modelDataPrefix,
            modelPackage: m.hosting.container.modelPackageName !== undefined,
            dataCapture: m.hosting.kind === "serverless" ? undefined : m.hosting.capacity.dataCapture,
          }),
    ),
  );
  const resourcesOf = (sid: string) => [
    ...new Set(modelNeeds.filter((s) => s.Sid === sid).flatMap((s) => [s.Resource].flat())),
  ];
  const merged = (sid: string, action: string | readonly string[]): PolicyStatement[] => {
    const resources = resourcesOf(sid);
    return resources.length ? [{ Sid: sid, Effect: "Allow", Action: action, Resource: resources }] : [];
  };
  const listings = [
    ...new Map(modelNeeds.filter((s) => s.Sid === "ListModelData").map((s) => [JSON.stringify(s), s])).values(),
  ].map((s, i) => ({
    ...s,
    Sid: `ListModelData${i}`,
  }));
  return [
    ...merged("PullModelImage", ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"]),
    ...merged("ReadModelData", "s3:GetObject"),
    // Each listing keeps its own s3:prefix condition: merged, they would list whole buckets.
    ...listings,
    ...merged("WriteDataCapture", "s3:PutObject"),
    ...merged("EncryptDataCapture", ["kms:GenerateDataKey", "kms:Encrypt"]),
  ];
}

/** The config's extra statements of every function, each once. */
function extraStatementsOf(stages: readonly Deployment[]): PolicyStatement[] {
  const extra = stages
    .flatMap((d) => d.functions)
    .flatMap((f) => f.extraStatements ?? [])
    .map((st, i) => ({ ...st, Sid: `Extra${i}` }));
  return [...new Map(extra.map((st) => [JSON.stringify({ ...st, Sid: "" }), st])).values()];
}

/**
 * What AWS would refuse only at apply: a boundary over the managed-policy size limit (images, buckets
 * and extra statements add to it). Measured without white space, as AWS counts, with a 12-digit account.
 */
export function boundaryProblems(config: Config): string[] {
  if (!config.ci) return [];
  const size = JSON.stringify(policyDocument(stageBoundaryStatements(config, "aws", "123456789012"))).length;
  return size > MANAGED_POLICY_MAX_CHARS
    ? [
        `ci: the stage roles' permissions boundary would be ${size} characters; AWS allows ${MANAGED_POLICY_MAX_CHARS} in a managed policy (not raisable). Fix: fewer distinct images, buckets or extra statements per config, or split the stages into configs`,
      ]
    : [];
}
