import type { z } from "zod";
import type { existingEndpointSchema, modelSchema } from "./model-schema";
import type { sharedEndpointSchema } from "./placement-schema";
import { defaultStreamTimeoutSeconds } from "./scale-to-zero";

/**
 * The file names a model's alternatives as sibling keys (huggingFace | modelPackageArn | custom,
 * instance | serverless), which reads well and lets the checks say "set exactly one of".
 * Once those checks pass, the parsed config carries each choice as a tagged union instead,
 * so code downstream narrows on `kind` and never asserts that a field is there.
 */
type RawModel = z.output<typeof modelSchema>;

export type FunctionSettings = NonNullable<RawModel["lambda"]>;
export type HuggingFaceSettings = NonNullable<RawModel["huggingFace"]>;
export type HuggingFaceSource = {
  readonly kind: "huggingFace";
  readonly server: RawModel["server"];
} & HuggingFaceSettings;
export type ModelSource =
  | HuggingFaceSource
  | { readonly kind: "modelPackage"; readonly arn: string }
  | ({ readonly kind: "custom" } & NonNullable<RawModel["custom"]>);

/**
 * A real-time endpoint, with what only instances have: scaling, blue/green updates, data capture,
 * start-up timeouts. A model placed on a shared endpoint is one too, on that endpoint's instance type:
 * its copies are its autoscaling, and `placement` says where and with how much of an instance.
 */
export type InstanceCapacity = { readonly kind: "instance" } & NonNullable<RawModel["instance"]> &
  Pick<
    RawModel,
    "autoscaling" | "deployment" | "dataCapture" | "modelDownloadTimeoutSeconds" | "startupHealthCheckTimeoutSeconds"
  > & {
    readonly placement?: Placement;
  };
export type SharedEndpointConfig = z.output<typeof sharedEndpointSchema>;
export interface Placement {
  readonly endpoint: string;
  readonly gpus?: number;
  readonly memoryMb: number;
}
export type ServerlessCapacity = { readonly kind: "serverless" } & NonNullable<RawModel["serverless"]>;
export type Capacity = InstanceCapacity | ServerlessCapacity;

/** lambda: the invoker functions (with their settings); direct: API Gateway calls SageMaker itself. */
export type Integration =
  { readonly kind: "lambda"; readonly settings?: FunctionSettings } | { readonly kind: "direct" };

export interface ModelConfig {
  readonly name: string;
  readonly source: ModelSource;
  readonly capacity: Capacity;
  readonly integration: Integration;
  /** No network for the container: on by default for model packages. */
  readonly networkIsolation: boolean;
  /** X-Amzn-SageMaker-Custom-Attributes unless the client sends its own. */
  readonly customAttributes?: string;
  /** How chat reaches the model. @default - per backend (see modelRoute) */
  readonly chat?: "messages" | "prompt" | "none";
  /** A vision model: image parts as data: URLs, and https: URLs if httpsImages. */
  readonly vision?: { readonly httpsImages: boolean };
}

export type ExistingEndpointConfig = z.output<typeof existingEndpointSchema>;

/** The settings of a model's functions; a direct integration has none. */
export const functionSettingsOf = (m: ModelConfig | ExistingEndpointConfig): FunctionSettings | undefined =>
  "integration" in m ? (m.integration.kind === "lambda" ? m.integration.settings : undefined) : m.lambda;

function sourceOf(m: RawModel): ModelSource {
  if (m.huggingFace) return { kind: "huggingFace", server: m.server, ...m.huggingFace };
  if (m.modelPackageArn) return { kind: "modelPackage", arn: m.modelPackageArn };
  if (m.custom) return { kind: "custom", ...m.custom };
  throw new Error(`models "${m.name}": no source passed the checks`);
}

function capacityOf(m: RawModel, endpoints: readonly SharedEndpointConfig[]): Capacity {
  if (m.serverless) return { kind: "serverless", ...m.serverless };
  const { autoscaling, deployment, dataCapture, modelDownloadTimeoutSeconds, startupHealthCheckTimeoutSeconds } = m;
  if (m.instance) {
    return {
      kind: "instance",
      ...m.instance,
      autoscaling,
      deployment,
      dataCapture,
      modelDownloadTimeoutSeconds,
      startupHealthCheckTimeoutSeconds,
    };
  }
  const host = m.placement && endpoints.find((e) => e.name === m.placement?.endpoint);
  if (m.placement && host) {
    // What is left of the placement is its target tracking (metric and target), as autoscaling has it.
    const { endpoint, gpus, memoryMb, minCopies, maxCopies, ...tracking } = m.placement;
    return {
      kind: "instance",
      type: host.instanceType,
      initialCount: 1,
      volumeSizeGb: host.volumeSizeGb,
      autoscaling: {
        minCapacity: minCopies,
        maxCapacity: maxCopies,
        ...tracking,
        scaleInCooldownSeconds: 300,
        scaleOutCooldownSeconds: 60,
        schedules: [],
      },
      placement: { endpoint, gpus, memoryMb },
      modelDownloadTimeoutSeconds,
      startupHealthCheckTimeoutSeconds,
    };
  }
  throw new Error(`models "${m.name}": no capacity passed the checks`);
}

export function shapeModel(m: RawModel, endpoints: readonly SharedEndpointConfig[] = []): ModelConfig {
  return {
    name: m.name,
    source: sourceOf(m),
    capacity: capacityOf(m, endpoints),
    integration: m.integration === "direct" ? { kind: "direct" } : { kind: "lambda", settings: m.lambda },
    networkIsolation: m.networkIsolation ?? m.modelPackageArn !== undefined,
    customAttributes: m.customAttributes,
    chat: m.chat,
    ...(m.vision ? { vision: m.vision === true ? { httpsImages: false } : m.vision } : {}),
  };
}

export function shapeConfig<
  T extends {
    readonly models: readonly RawModel[];
    readonly endpoints: readonly SharedEndpointConfig[];
    readonly lambda: { readonly streamTimeoutSeconds?: number };
  },
>(
  raw: T,
): Omit<T, "models" | "lambda"> & {
  readonly models: readonly ModelConfig[];
  readonly lambda: T["lambda"] & { readonly streamTimeoutSeconds: number };
} {
  const lambda = {
    ...raw.lambda,
    streamTimeoutSeconds: raw.lambda.streamTimeoutSeconds ?? defaultStreamTimeoutSeconds(raw.models),
  };
  return { ...raw, lambda, models: raw.models.map((m) => shapeModel(m, raw.endpoints)) };
}
