import { resolve as resolvePath } from "node:path";
import { streamTimeoutEnvironment } from "./lambda/stream-environment";
import {
  functionSettingsOf,
  stagesOf,
  type Config,
  type ExistingEndpointConfig,
  type FunctionSettings,
  type ModelConfig,
} from "../config/schema";
import { PROJECT_ROOT } from "../config/paths";
import { requestSchemaOf } from "../config/files";
import { invokePath, type ModelRoute } from "../contract/routes";
import { METRICS_NAMESPACE_ENV, STAGE_ENV } from "../contract/metrics";
import { componentAlarmSpecs, endpointAlarmSpecs } from "./operations/alarm-specs";
import { apiAlarmSpecs, budgetAlarmSpecs, functionAlarmSpecs } from "./operations/api-alarm-specs";
import { dashboardInputOf } from "./operations/dashboard";
import { containerSpec, type ContainerSpec } from "./sagemaker/model-container";
import { directAnswerOf, existingEndpointRoute, modelRoute } from "./sagemaker/model-routes";
import { resourceNames, type ResourceNames } from "./names";
import { componentOf, sharedEndpointsOf } from "./sagemaker/inference-component";
import { stateTableName, wakeOf } from "./lambda/wake";
import { functionBudgets, type BudgetedConsumer } from "./lambda/budgets";
import type { Deployment, LambdaIntegration, ResolvedFunction, ResolvedModel } from "./deployment";
export type {
  Hosting,
  CreatedHosting,
  InstanceHosting,
  ServerlessHosting,
  ScaleToZeroHosting,
  PlacedHosting,
  ExistingHosting,
} from "./sagemaker/hosting";
export type { InstanceCapacity, ServerlessCapacity } from "./sagemaker/capacity";
import type { CreatedHosting } from "./sagemaker/hosting";
import { componentOfHosting } from "./sagemaker/hosting";
import { stageSettingsOf } from "./stage-settings";
import { consumersOf } from "./consumer";

// What resolve returns is declared in deployment.ts; importers find it here as well.
export { stateBackendOf } from "./stage-settings";
export type { ResolvedConsumer } from "./consumer";
export type {
  Deployment,
  ResolvedModel,
  SharedIntegration,
  LambdaIntegration,
  DirectIntegration,
  HandlerKind,
  ResolvedFunction,
  ResolvedApi,
  StateBackend,
} from "./deployment";

type FunctionSpec = Pick<
  ResolvedFunction,
  "id" | "functionName" | "handler" | "rolePrefix" | "timeoutSeconds" | "endpoints"
> &
  Partial<Pick<ResolvedFunction, "entry" | "memorySizeMb">>;

export function resolveStage(config: Config, stage: string): Deployment {
  const names = resourceNames(config.project, stage);
  const allModels = [...config.models, ...config.existingEndpoints].map((m) => m.name);
  const budgeted: BudgetedConsumer[] = (config.api.consumers ?? []).map((c) => ({
    name: c.name,
    models: c.models ?? allModels,
    budget: c.budget,
  }));
  const at: Resolving = { config, stage, names, budgeted };
  const models = [
    ...config.models.map((m) => managedModel(at, m)),
    ...config.existingEndpoints.map((e) => existingModel(at, e)),
  ];
  const openai = openaiFunctionOf(at, models);
  const authorizer = config.api.auth === "apiKey" ? authorizerOf(at) : undefined;
  const functions = [
    ...models.flatMap((m) => (m.integration.kind === "lambda" ? [m.integration.invoke, m.integration.stream] : [])),
    openai,
    ...(authorizer ? [authorizer] : []),
  ];
  const consumers = consumersOf(config, names, models);
  return {
    ...stageSettingsOf(config, stage),
    stage,
    names,
    sharedEndpoints: sharedEndpointsOf(config.endpoints, names),
    ...(functions.some((f) => f.wake || f.budgets) ? { stateTable: stateTableName(names.prefix) } : {}),
    consumers,
    models,
    openai,
    authorizer,
    functions,
    apiAlarms: [
      ...apiAlarmSpecs(
        names.api,
        stage,
        config.alarms,
        models.filter((m) => m.integration.kind !== "shared").map((m) => invokePath(m.name)),
      ),
      ...(consumers ?? []).flatMap((c) =>
        c.budget?.alarms ? budgetAlarmSpecs(names.prefix, config.project, stage, c.name) : [],
      ),
    ],
    dashboard: dashboardInputOf({
      region: config.region,
      project: config.project,
      stage,
      apiName: names.api,
      models,
      functions,
      consumers,
    }),
  };
}

/** What every step of resolving one stage reads. */
interface Resolving {
  readonly config: Config;
  readonly stage: string;
  readonly names: ResourceNames;
  /** Every consumer with the models it may call, and its budget if it has one. */
  readonly budgeted: readonly BudgetedConsumer[];
}

/** A function with the stage's settings, its model's (or the defaults), its metrics' namespace, its wake and budget settings. */
function functionOf(at: Resolving, spec: FunctionSpec, settings?: FunctionSettings): ResolvedFunction {
  const { config, stage, names } = at;
  return {
    region: config.region,
    rolePath: names.rolePath,
    logRetentionDays: config.lambda.logRetentionDays,
    corsOrigins: config.api.corsOrigins,
    tracing: config.lambda.tracing,
    reservedConcurrency: settings?.reservedConcurrency,
    // Where the handlers' metrics go (one EMF record per request); the authorizer writes none.
    environment:
      spec.handler === "authorizer"
        ? settings?.environment
        : {
            ...settings?.environment,
            [METRICS_NAMESPACE_ENV]: config.project,
            [STAGE_ENV]: stage,
            ...(spec.handler === "invoke" ? {} : streamTimeoutEnvironment(config)),
          },
    layers: settings?.layers,
    extraStatements: settings?.extraStatements.map((st, i) => ({ ...st, Sid: st.Sid || `Extra${i}` })),
    ...spec,
    ...wakeOf(spec.endpoints, names.prefix, config.lambda),
    ...functionBudgets(spec.endpoints, at.budgeted, stateTableName(names.prefix)),
    memorySizeMb: settings?.memorySizeMb ?? spec.memorySizeMb ?? config.lambda.memorySizeMb,
    alarms: functionAlarmSpecs(spec.functionName, spec.timeoutSeconds, config.alarms),
  };
}

/** A model's own /invoke and /stream functions. */
function lambdaIntegrationOf(
  at: Resolving,
  name: string,
  route: ModelRoute,
  settings?: FunctionSettings,
): LambdaIntegration {
  const { config, names } = at;
  const endpoints = [{ model: name, route }];
  const schema = settings?.requestSchema;
  const invoke = {
    id: `invoke-${name}`,
    functionName: names.function(name, "invoke"),
    handler: "invoke" as const,
    // A user's own /invoke handler, bundled by the same path as the built-in ones.
    entry: settings?.handler ? resolvePath(PROJECT_ROOT, settings.handler) : undefined,
    rolePrefix: names.rolePrefix(`${name}-fn`),
    timeoutSeconds: settings?.timeoutSeconds ?? config.lambda.timeoutSeconds,
    endpoints,
  };
  const stream = {
    id: `stream-${name}`,
    functionName: names.function(name, "stream"),
    handler: "stream" as const,
    rolePrefix: names.rolePrefix(`${name}-st`),
    timeoutSeconds: settings?.streamTimeoutSeconds ?? config.lambda.streamTimeoutSeconds,
    endpoints,
  };
  return {
    kind: "lambda",
    ...(schema === undefined ? {} : { requestSchema: schema === false ? false : requestSchemaOf(schema) }),
    invoke: functionOf(at, invoke, settings),
    stream: functionOf(at, stream, settings),
  };
}

/** A model this stack serves: its container, where it runs, its integration. */
function managedModel(at: Resolving, m: ModelConfig): ResolvedModel {
  const { names } = at;
  const container = containerSpec(m.source, m.capacity, at.config.region, m.networkIsolation);
  const hosting = hostingOf(at, m, container);
  const component = componentOfHosting(hosting);
  const route = { ...modelRoute(m, hosting.endpointName), ...(component ? { component: component.name } : {}) };
  return {
    name: m.name,
    route,
    hosting,
    integration:
      route.task === "embedding"
        ? { kind: "shared" }
        : m.integration.kind === "direct"
          ? {
              kind: "direct",
              rolePrefix: names.rolePrefix(`${m.name}-gw`),
              rolePath: names.rolePath,
              answer: directAnswerOf(m),
            }
          : lambdaIntegrationOf(at, m.name, route, functionSettingsOf(m)),
  };
}

/** Where a model of this stack runs: an endpoint of its own (instances or serverless), or an inference component. */
function hostingOf(at: Resolving, m: ModelConfig, container: ContainerSpec): CreatedHosting {
  const { config, names } = at;
  const created = {
    modelNamePrefix: names.modelPrefix(m.name),
    rolePrefix: names.rolePrefix(`${m.name}-sm`),
    rolePath: names.rolePath,
    container,
  };
  if (m.capacity.kind === "serverless") {
    const { kind: _, ...capacity } = m.capacity;
    const endpointName = names.endpoint(m.name);
    return {
      kind: "serverless",
      endpointName,
      ...created,
      capacity,
      alarms: endpointAlarmSpecs(m.capacity, endpointName, config.alarms),
    };
  }
  const { kind: _, placement: __, ...capacity } = m.capacity;
  const placed = componentOf(m, names, container);
  if (!placed) {
    const endpointName = names.endpoint(m.name);
    return {
      kind: "instance",
      endpointName,
      ...created,
      capacity,
      alarms: endpointAlarmSpecs(m.capacity, endpointName, config.alarms),
    };
  }
  // A placed model is called on its shared endpoint; one that scales to zero on its own.
  const endpointName = names.endpoint(placed.kind === "placed" ? placed.sharedEndpoint : m.name);
  return {
    ...placed,
    endpointName,
    ...created,
    capacity,
    alarms: componentAlarmSpecs(placed.component, config.alarms),
  };
}

/** An endpoint managed elsewhere, adopted: its own functions, no endpoint of this stack. */
function existingModel(at: Resolving, e: ExistingEndpointConfig): ResolvedModel {
  const route = existingEndpointRoute(e);
  return {
    name: e.name,
    route,
    hosting: { kind: "existing", endpointName: e.endpointName },
    integration: lambdaIntegrationOf(at, e.name, route, e.lambda),
  };
}

/**
 * The OpenAI-compatible function, which may call every model. Its construct id, name and role prefix
 * say "chat", as they did before the handler was named for what it serves: a deployed stage keeps its
 * function, role and Terraform addresses.
 */
function openaiFunctionOf(at: Resolving, models: readonly ResolvedModel[]): ResolvedFunction {
  const { config, names } = at;
  return functionOf(at, {
    id: "chat",
    functionName: names.sharedFunction("chat"),
    handler: "openai",
    rolePrefix: names.rolePrefix("chat-fn"),
    timeoutSeconds: config.lambda.streamTimeoutSeconds,
    endpoints: models.map((m) => ({ model: m.name, route: m.route })),
  });
}

/** With auth "apiKey": the function that reads the key from Bearer or x-api-key. */
function authorizerOf(at: Resolving): ResolvedFunction {
  const { names } = at;
  return functionOf(at, {
    id: "authorizer",
    functionName: names.sharedFunction("authorizer"),
    handler: "authorizer",
    rolePrefix: names.rolePrefix("auth-fn"),
    timeoutSeconds: 10,
    memorySizeMb: 256,
    endpoints: [],
  });
}
/** Every stage of the config, resolved once: callers that ask again for the same config get the same values. */
const resolved = new WeakMap<Config, readonly Deployment[]>();
export function resolveStages(config: Config): readonly Deployment[] {
  let stages = resolved.get(config);
  if (!stages) resolved.set(config, (stages = stagesOf(config).map((stage) => resolveStage(config, stage))));
  return stages;
}
