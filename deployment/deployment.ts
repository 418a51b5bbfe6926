import type { Config } from "../config/schema";
import type { ModelRoute } from "../contract/routes";
import type { BudgetSettings } from "../contract/budget";
import type { AlarmSpec } from "./operations/alarm-specs";
import type { DashboardInput } from "./operations/dashboard";
import type { DirectAnswer } from "./openapi/api-routes";
import type { PolicyStatement } from "./iam/iam-policies";
import type { ResourceNames } from "./names";
import type { ResolvedSharedEndpoint } from "./sagemaker/inference-component";
import type { Hosting } from "./sagemaker/hosting";
import type { WakeSpec } from "./lambda/wake";
import type { ResolvedConsumer } from "./consumer";

/**
 * The deployment of one stage as data: every model with its endpoint, integration,
 * functions and alarms, named and settled. Stacks, the local server, the OpenAPI
 * document, the cost estimate and the dashboard all read this one value.
 */
export interface Deployment {
  readonly project: string;
  readonly region: string;
  readonly stage: string;
  /** On every resource (the provider's default tags): the config's, and Project, Stage, ManagedBy. */
  readonly tags: Readonly<Record<string, string>>;
  /** Where the stack's Terraform state lives: S3 with native locking, or a local file without `state`. */
  readonly backend?: StateBackend;
  /** With CI, every role the stack creates carries the project's permissions boundary. */
  readonly bounded: boolean;
  readonly api: ResolvedApi;
  /** Alarms on or off, and where they notify: a topic the stack makes for an email, or one given. */
  readonly alarms: { readonly enabled: boolean; readonly email?: string; readonly topicArn?: string };
  /** X-Ray on the API stage. */
  readonly tracing: boolean;
  readonly names: ResourceNames;
  readonly models: readonly ResolvedModel[];
  /** The OpenAI-compatible function: it picks the model from the request, so it may call every endpoint. */
  readonly openai: ResolvedFunction;
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
  /** Where it runs: an endpoint of its own, a component, or an adopted endpoint. */
  readonly hosting: Hosting;
  readonly integration: LambdaIntegration | DirectIntegration | SharedIntegration;
}

/** Served by the shared OpenAI-compatible function only (embedding models at /v1/embeddings): no routes of its own. */
export interface SharedIntegration {
  readonly kind: "shared";
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

export type HandlerKind = "invoke" | "stream" | "openai" | "authorizer";

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

/** The REST API's own settings, with the config's defaults applied. */
export interface ResolvedApi {
  readonly auth: Config["api"]["auth"];
  readonly throttle: Config["api"]["throttle"];
  readonly quota?: Config["api"]["quota"];
  readonly corsOrigins: readonly string[];
  readonly accessLogRetentionDays: number;
  readonly domain?: Config["api"]["domain"];
}

/** The S3 bucket and key prefix of every stack's state, and its region. */
export interface StateBackend {
  readonly bucket: string;
  readonly keyPrefix: string;
  readonly region: string;
}
