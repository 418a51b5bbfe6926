import { resolve as resolvePath } from "node:path";
import { streamTimeoutEnvironment } from "./stream-environment";
import { functionSettingsOf, type Capacity, type Config, type ExistingEndpointConfig, type FunctionSettings, type ModelConfig } from "../config/schema";
import { PROJECT_ROOT } from "../config/paths";
import { requestSchemaOf } from "../config/files";
import { invokePath, type ModelRoute } from "../contract/routes";
import { METRICS_NAMESPACE_ENV, STAGE_ENV } from "../contract/metrics";
import { apiAlarmSpecs, budgetAlarmSpecs, componentAlarmSpecs, endpointAlarmSpecs, functionAlarmSpecs, type AlarmSpec } from "./alarm-specs";
import type { DashboardInput } from "./dashboard";
import type { DirectAnswer } from "./api-routes";
import type { PolicyStatement } from "./iam-policies";
import { containerSpec, type ContainerSpec } from "./model-container";
import { directAnswerOf, existingEndpointRoute, modelRoute } from "./model-routes";
import { resourceNames, type ResourceNames } from "./names";
import { componentOf, sharedEndpointsOf, type ResolvedComponent, type ResolvedSharedEndpoint } from "./inference-component";
import { stateTableName, wakeOf, type WakeSpec } from "./wake";
import type { ResolvedConsumer } from "./consumer";
import { functionBudgets, type BudgetedConsumer } from "./budgets";
import type { BudgetSettings } from "../contract/budget";
export type { ResolvedConsumer } from "./consumer";

/**
 * The deployment of one stage as data: every model with its endpoint, integration,
 * functions and alarms, named and settled. Stacks, the local server, the OpenAPI
 * document, the cost estimate and the dashboard all read this one value.
 */
export interface Deployment {
  readonly config: Config;
  readonly stage: string;
  readonly names: ResourceNames;
  readonly models: readonly ResolvedModel[];
  /** The OpenAI-compatible function: it picks the model from the request, so it may call every endpoint. */
  readonly chat: ResolvedFunction;
  /** With auth "apiKey": reads the key from Bearer or x-api-key for API Gateway to check. */
  readonly authorizer?: ResolvedFunction;
  /** Every function of the stage, for alarms and the dashboard. */
  readonly functions: readonly ResolvedFunction[];
  readonly apiAlarms: readonly AlarmSpec[];
  readonly dashboard: DashboardInput;
  /** The config's shared endpoints, which placed models run on. */
  readonly sharedEndpoints: readonly ResolvedSharedEndpoint[];
  /** The stage's table: requests held while models wake from zero, and consumers' token budgets (if either). */
  readonly stateTable?: string;
  /** One key and usage plan each, limited to their models; none means one key for all. */
  readonly consumers?: readonly ResolvedConsumer[];
}

export interface ResolvedModel {
  /** As clients name it: path /<name>/invoke and the OpenAI `model`. */
  readonly name: string;
  /** How the handlers reach the endpoint. */
  readonly route: ModelRoute;
  readonly endpoint: ManagedEndpoint | ExistingEndpoint;
  readonly integration: LambdaIntegration | DirectIntegration | SharedIntegration;
}

/** Served by the shared OpenAI-compatible function only (embedding models at /v1/embeddings): no routes of its own. */
export interface SharedIntegration {
  readonly kind: "shared";
}

/** An endpoint this stack creates. */
export interface ManagedEndpoint {
  readonly kind: "managed";
  readonly endpointName: string;
  readonly modelNamePrefix: string;
  readonly rolePrefix: string;
  readonly rolePath: string;
  readonly capacity: Capacity;
  readonly container: ContainerSpec;
  readonly alarms: readonly AlarmSpec[];
  /** Placed on a shared endpoint, or scaling to zero alone: the model is this inference component. */
  readonly component?: ResolvedComponent;
}

/** An endpoint managed elsewhere that the API adopts. */
export interface ExistingEndpoint {
  readonly kind: "existing";
  readonly endpointName: string;
}

export interface LambdaIntegration {
  readonly kind: "lambda";
  /** An own handler's /invoke body schema, or false for no gateway check. @default - the generate request */
  readonly requestSchema?: Record<string, unknown> | false;
  readonly invoke: ResolvedFunction;
  readonly stream: ResolvedFunction;
}

/** API Gateway calls InvokeEndpoint itself for /invoke, with a role of its own; there is no /stream. */
export interface DirectIntegration {
  readonly kind: "direct";
  readonly rolePrefix: string;
  readonly rolePath: string;
  /** Where generated_text is in the model's answer: TGI answers a list, LMI an object. */
  readonly answer: DirectAnswer;
}

export type HandlerKind = "invoke" | "stream" | "chat" | "authorizer";

/** A Lambda function with everything InvokerFunction needs but the code and the partition. */
export interface ResolvedFunction {
  /** Construct id: stable, so Terraform addresses stay put. */
  readonly id: string;
  readonly functionName: string;
  readonly handler: HandlerKind;
  /** A user's own handler file, bundled in place of the built-in one. @default - functions/<handler> */
  readonly entry?: string;
  readonly rolePrefix: string;
  /** IAM path of its role (projectRolePath). */
  readonly rolePath: string;
  readonly region: string;
  readonly timeoutSeconds: number;
  readonly memorySizeMb: number;
  readonly logRetentionDays: number;
  readonly corsOrigins: readonly string[];
  readonly tracing: boolean;
  readonly reservedConcurrency?: number;
  readonly environment?: Readonly<Record<string, string>>;
  readonly layers?: readonly string[];
  readonly extraStatements?: readonly PolicyStatement[];
  /** The only endpoints it may invoke. */
  readonly endpoints: readonly { readonly model: string; readonly route: ModelRoute }[];
  readonly alarms: readonly AlarmSpec[];
  /** Holds requests while the models it calls wake from zero copies. */
  readonly wake?: WakeSpec;
  /** Keeps the token budgets of the consumers that may call its models. */
  readonly budgets?: BudgetSettings;
}

type FunctionSpec = Pick<ResolvedFunction, "id" | "functionName" | "handler" | "rolePrefix" | "timeoutSeconds" | "endpoints"> &
  Partial<Pick<ResolvedFunction, "entry" | "memorySizeMb">>;

export function resolve(config: Config, stage: string): Deployment {
  const names = resourceNames(config.project, stage);
  const allModels = [...config.models, ...config.existingEndpoints].map((m) => m.name);
  const budgeted: BudgetedConsumer[] = (config.api.consumers ?? []).map((c) => ({ name: c.name, models: c.models ?? allModels, budget: c.budget }));

  const fn = (spec: FunctionSpec, settings?: FunctionSettings): ResolvedFunction => ({
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
    ...functionBudgets(spec.endpoints, budgeted, stateTableName(names.prefix)),
    memorySizeMb: settings?.memorySizeMb ?? spec.memorySizeMb ?? config.lambda.memorySizeMb,
    alarms: functionAlarmSpecs(spec.functionName, spec.timeoutSeconds, config.alarms),
  });

  const lambdaIntegration = (name: string, route: ModelRoute, settings?: FunctionSettings): LambdaIntegration => {
    const endpoints = [{ model: name, route }];
    const schema = settings?.requestSchema;
    return {
      kind: "lambda",
      ...(schema === undefined ? {} : { requestSchema: schema === false ? false : requestSchemaOf(schema) }),
      invoke: fn(
        {
          id: `invoke-${name}`,
          functionName: names.function(name, "invoke"),
          handler: "invoke",
          // A user's own /invoke handler, bundled by the same path as the built-in ones.
          entry: settings?.handler ? resolvePath(PROJECT_ROOT, settings.handler) : undefined,
          rolePrefix: names.rolePrefix(`${name}-fn`),
          timeoutSeconds: settings?.timeoutSeconds ?? config.lambda.timeoutSeconds,
          endpoints,
        },
        settings,
      ),
      stream: fn(
        {
          id: `stream-${name}`,
          functionName: names.function(name, "stream"),
          handler: "stream",
          rolePrefix: names.rolePrefix(`${name}-st`),
          timeoutSeconds: settings?.streamTimeoutSeconds ?? config.lambda.streamTimeoutSeconds,
          endpoints,
        },
        settings,
      ),
    };
  };

  const managed = (m: ModelConfig): ResolvedModel => {
    const container = containerSpec(m.source, m.capacity, config.region, m.networkIsolation);
    // A placed model is called on its shared endpoint; every other has an endpoint of its own.
    const component = componentOf(m, names, container);
    const endpointName = names.endpoint(component?.shared ?? m.name);
    const route = { ...modelRoute(m, endpointName), ...(component ? { component: component.name } : {}) };
    return {
      name: m.name,
      route,
      endpoint: {
        kind: "managed",
        endpointName,
        modelNamePrefix: names.modelPrefix(m.name),
        rolePrefix: names.rolePrefix(`${m.name}-sm`),
        rolePath: names.rolePath,
        capacity: m.capacity,
        container,
        alarms: component ? componentAlarmSpecs(component, config.alarms) : endpointAlarmSpecs(m.capacity, endpointName, config.alarms),
        ...(component ? { component } : {}),
      },
      integration:
        route.task === "embedding"
          ? { kind: "shared" }
          : m.integration.kind === "direct"
            ? { kind: "direct", rolePrefix: names.rolePrefix(`${m.name}-gw`), rolePath: names.rolePath, answer: directAnswerOf(m) }
            : lambdaIntegration(m.name, route, functionSettingsOf(m)),
    };
  };

  const existing = (e: ExistingEndpointConfig): ResolvedModel => {
    const route = existingEndpointRoute(e);
    return { name: e.name, route, endpoint: { kind: "existing", endpointName: e.endpointName }, integration: lambdaIntegration(e.name, route, e.lambda) };
  };

  const models = [...config.models.map(managed), ...config.existingEndpoints.map(existing)];
  const chat = fn({
    id: "chat",
    functionName: names.sharedFunction("chat"),
    handler: "chat",
    rolePrefix: names.rolePrefix("chat-fn"),
    timeoutSeconds: config.lambda.streamTimeoutSeconds,
    endpoints: models.map((m) => ({ model: m.name, route: m.route })),
  });
  const authorizer =
    config.api.auth === "apiKey"
      ? fn({
          id: "authorizer",
          functionName: names.sharedFunction("authorizer"),
          handler: "authorizer",
          rolePrefix: names.rolePrefix("auth-fn"),
          timeoutSeconds: 10,
          memorySizeMb: 256,
          endpoints: [],
        })
      : undefined;
  const functions = [
    ...models.flatMap((m) => (m.integration.kind === "lambda" ? [m.integration.invoke, m.integration.stream] : [])),
    chat,
    ...(authorizer ? [authorizer] : []),
  ];

  const consumers = config.api.consumers?.map((c) => ({
    name: c.name,
    models: c.models ?? models.map((m) => m.name),
    throttle: c.throttle ?? config.api.throttle,
    quota: c.quota ?? config.api.quota,
    keyName: names.consumerKey(c.name),
    usagePlanName: names.consumerPlan(c.name),
    keySecretArn: c.keySecretArn,
    ...(c.budget ? { budget: c.budget } : {}),
  }));

  const sharedEndpoints = sharedEndpointsOf(config.endpoints, names);

  return {
    config,
    stage,
    names,
    sharedEndpoints,
    ...(functions.some((f) => f.wake || f.budgets) ? { stateTable: stateTableName(names.prefix) } : {}),
    consumers,
    models,
    chat,
    authorizer,
    functions,
    apiAlarms: [
      ...apiAlarmSpecs(
        names.api,
        stage,
        config.alarms,
        models.filter((m) => m.integration.kind !== "shared").map((m) => invokePath(m.name)),
      ),
      ...(consumers ?? []).flatMap((c) => (c.budget?.alarms ? budgetAlarmSpecs(names.prefix, config.project, stage, c.name) : [])),
    ],
    dashboard: {
      region: config.region,
      endpoints: models
        .filter((m) => m.endpoint.kind === "existing" || !m.endpoint.component)
        .map((m) => ({
          name: m.endpoint.endpointName,
          // Adopted endpoints are taken to be real-time: their instance metrics are drawn.
          instance: m.endpoint.kind === "existing" || m.endpoint.capacity.kind === "instance",
        })),
      components: models.flatMap((m) => (m.endpoint.kind === "managed" && m.endpoint.component ? [m.endpoint.component.name] : [])),
      apiName: names.api,
      stage,
      functions: functions.map((f) => f.functionName),
      ...(consumers ? { consumers: { namespace: config.project, names: consumers.map((c) => c.name) } } : {}),
    },
  };
}
