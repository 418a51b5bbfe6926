import { randomBytes } from "node:crypto";
import type { StreamTimeouts } from "../contract/stream-timeouts";
import { readFileSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { stagesOf, type Config } from "../config/schema";
import { PROJECT_ROOT } from "../config/paths";
import { placeholderDocument } from "../deployment/openapi/placeholder-document";
import { resolveStage, type Deployment } from "../deployment/resolve";
import type { ModelRoute } from "../contract/routes";
import { LOOPBACK_HOSTS, createLocalApi } from "./api-server";
import { SageMakerEmulator, type Behaviour } from "./emulator/sagemaker-emulator";
import { formatsOf } from "./emulator/serving-container";
import { contextsOf } from "./emulator/context-limit";
import { boundHandlers, type BufferedHandler, type StreamingHandler } from "./lambda-runtime";
import { createRuntimeClient } from "../functions/lib/client";
import type { HandlerSettings } from "../functions/lib/settings";
import { startBridge } from "./upstream-bridge";
import { startStateTable } from "./state-table";
import type { WakeSettings } from "../functions/lib/settings";
import type { BudgetSettings } from "../contract/budget";

/**
 * The whole API on one local port: the routes of the generated OpenAPI document,
 * the real handlers, and behind them either the built-in emulator or a model
 * server the user runs (--tgi-url). Also serves the chat page at /. Each stack
 * runs the handlers inside its own settings, so one process can run several.
 */
export interface LocalStackOptions {
  readonly config: Config;
  /** 0 picks a free port. */
  readonly port?: number;
  readonly host?: string;
  /** A TGI, vLLM or other OpenAI-compatible server; without it, the emulator answers. */
  readonly tgiUrl?: string;
  readonly apiKey?: string;
  /** How the emulator behaves (a token delay makes streaming visible). */
  readonly emulator?: Behaviour;
  /** Keys to use for the config's consumers, by name. @default - random keys */
  readonly consumerKeys?: Readonly<Record<string, string>>;
  /** How long a client may take to send its request. @default 30 s */
  readonly requestTimeoutMs?: number;
  /** @default - the config's lambda.firstTokenTimeoutSeconds and streamIdleTimeoutSeconds */
  readonly streamTimeouts?: StreamTimeouts;
  /**
   * Play the models that run as inference components as scaled to zero: the first call wakes them,
   * and they answer this many seconds later (the emulator only). @default - they are up
   */
  readonly coldStartSeconds?: number;
  /** How requests are held while models wake (tests shorten the retries). @default - the config's and the functions' */
  readonly wake?: Partial<WakeSettings>;
  /** How long a budget's reservation lives unrenewed (tests shorten it). @default RESERVATION_LEASE_SECONDS */
  readonly budgetLeaseSeconds?: number;
}

export interface LocalStack {
  readonly url: string;
  readonly apiKey?: string;
  /** With consumers: the key of each. */
  readonly keys?: Readonly<Record<string, string>>;
  readonly models: readonly string[];
  readonly backend: string;
  /** Where the handlers call SageMaker: the emulator, or the bridge to the user's server. */
  readonly runtimeUrl: string;
  readonly emulator?: SageMakerEmulator;
  /** The stage table on loopback, when models scale to zero or consumers have budgets. */
  readonly stateTable?: { readonly url: string; readonly name: string };
  /** The stack's handlers, bound to its settings (for calling them without the API in front). */
  readonly handlers: {
    readonly invoke: BufferedHandler;
    readonly stream: StreamingHandler;
    readonly openai: StreamingHandler;
  };
  stop(): Promise<void>;
}

/** The handlers' routes of every model: the deployed MODELS variable, for the first stage. */
export function localRoutes(deployment: Deployment): Record<string, ModelRoute> {
  return Object.fromEntries(deployment.models.map((m) => [m.name, m.route]));
}

const file = (name: string) => readFileSync(join(PROJECT_ROOT, "local", "chat", name));

export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const { config } = options;
  const deployment = resolveStage(config, stagesOf(config)[0]);
  const routes = localRoutes(deployment);
  const { runtimeUrl, backend, emulator, stop: stopBackend } = await startBackend(options, routes);

  // Models that scale to zero: their held requests are counted in the stage table, here on loopback,
  // and their wakes asked of the emulator's SageMaker control plane. Budgets are kept there too, whatever the backend.
  const budgets = deployment.openai.budgets;
  const wantTable = deployment.stateTable && (emulator || budgets);
  const table = wantTable ? await startStateTable(deployment.stateTable!, config.region) : undefined;
  // The handlers run inside this stack's settings: nothing global changes, so stacks can share a process.
  const settings = localSettings(options, { routes, runtimeUrl, table, budgets });
  const handlers = boundHandlers(settings);

  const document = placeholderDocument(deployment, "local");
  const { apiKey, consumers } = localKeys(options, deployment);
  // Loopback names only, unless the user chose to listen elsewhere: then that name, or any on a wildcard address.
  const host = options.host ?? "127.0.0.1";
  const allowedHosts = LOOPBACK_HOSTS.includes(host)
    ? undefined
    : ["0.0.0.0", "::"].includes(host)
      ? ("any" as const)
      : [...LOOPBACK_HOSTS, host];
  const server: Server = createLocalApi({
    document,
    handlers: { "local:invoke": handlers.invoke, "local:stream": handlers.stream, "local:openai": handlers.openai },
    apiKey,
    consumers,
    allowedHosts,
    requestTimeoutMs: options.requestTimeoutMs,
    staticFiles: {
      "/": { type: "text/html; charset=utf-8", body: file("index.html") },
      "/app.js": { type: "text/javascript; charset=utf-8", body: file("app.js") },
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 8787, host, resolve);
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${address.address}:${address.port}`,
    apiKey: consumers ? undefined : apiKey,
    keys: consumers && Object.fromEntries(consumers.map((c) => [c.name, c.key])),
    models: Object.keys(routes),
    backend,
    runtimeUrl,
    emulator,
    ...(table ? { stateTable: { url: table.url, name: table.name } } : {}),
    handlers,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await stopBackend();
      await table?.stop();
      settings.runtime?.destroy();
    },
  };
}

/** The API key, or with consumers a key each, limited to its models as deployed. */
function localKeys(options: LocalStackOptions, deployment: Deployment) {
  const apiKey =
    options.config.api.auth === "apiKey" ? (options.apiKey ?? `local-${randomBytes(12).toString("hex")}`) : undefined;
  const consumers = deployment.consumers?.map((c) => ({
    name: c.name,
    key: options.consumerKeys?.[c.name] ?? `local-${c.name}-${randomBytes(9).toString("hex")}`,
    models: c.models,
    quota: c.quota?.limit,
  }));
  return { apiKey, consumers };
}

/** What answers the handlers' SageMaker calls: a bridge to the user's model server, or the emulator. */
async function startBackend(
  options: LocalStackOptions,
  routes: Record<string, ModelRoute>,
): Promise<{ runtimeUrl: string; backend: string; emulator?: SageMakerEmulator; stop: () => Promise<void> }> {
  if (options.tgiUrl) {
    const bridge = await startBridge(options.tgiUrl);
    return { runtimeUrl: bridge.url, backend: `${options.tgiUrl} (model ${bridge.upstreamModel})`, stop: bridge.stop };
  }
  const behaviour = options.emulator ?? { firstTokenDelayMs: 150, tokenDelayMs: 40 };
  const emulator = new SageMakerEmulator(
    Object.values(routes).map((r) => r.endpoint),
    behaviour,
    formatsOf(Object.values(routes)),
    contextsOf(Object.values(routes)),
  );
  if (options.coldStartSeconds !== undefined)
    for (const r of Object.values(routes).filter((route) => route.component))
      emulator.behave(r.endpoint, { ...behaviour, zeroCopies: { wakeAfterMs: 1000 * options.coldStartSeconds } });
  const runtimeUrl = await emulator.start();
  return { runtimeUrl, backend: "built-in emulator (deterministic tokens)", emulator, stop: () => emulator.stop() };
}

/** The handlers' settings for this stack, as the deployed stack sets them, with loopback stand-ins for AWS. */
function localSettings(
  options: LocalStackOptions,
  at: {
    routes: Record<string, ModelRoute>;
    runtimeUrl: string;
    table?: { name: string; url: string };
    budgets?: BudgetSettings;
  },
): HandlerSettings {
  const { config } = options;
  const { routes, runtimeUrl, table, budgets } = at;
  return {
    models: routes,
    corsOrigins: config.api.corsOrigins,
    streamTimeouts: options.streamTimeouts ?? {
      firstTokenMs: 1000 * config.lambda.firstTokenTimeoutSeconds,
      idleMs: 1000 * config.lambda.streamIdleTimeoutSeconds,
    },
    runtime: createRuntimeClient({
      endpoint: runtimeUrl,
      region: config.region,
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
    }),
    wake: {
      holdSeconds: config.lambda.wakeHoldSeconds,
      heldPerModel: config.lambda.heldRequestsPerModel,
      ...(table ? { table: table.name } : {}),
      ...options.wake,
    },
    endpoints: { sagemaker: runtimeUrl, ...(table ? { dynamodb: table.url } : {}) },
    ...(budgets
      ? { budgets: { ...budgets, ...(options.budgetLeaseSeconds ? { leaseSeconds: options.budgetLeaseSeconds } : {}) } }
      : {}),
  };
}
