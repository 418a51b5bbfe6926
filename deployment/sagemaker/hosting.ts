import type { AlarmSpec } from "../operations/alarm-specs";
import type { ContainerSpec } from "./model-container";
import type { ComponentHost, ResolvedComponent } from "./inference-component";
import type { InstanceCapacity, ServerlessCapacity } from "./capacity";

/**
 * Where a model runs, one kind per way the config can place it, settled once by resolve and switched
 * on in one place (modules/model-api.ts). The kinds use the config's words:
 *
 * | kind            | config                                   | construct           |
 * |-----------------|------------------------------------------|---------------------|
 * | `instance`      | `instance`                               | LlmEndpoint         |
 * | `serverless`    | `serverless`                             | LlmEndpoint         |
 * | `scale-to-zero` | `instance` + `autoscaling.minCapacity 0` | ScaleToZeroEndpoint |
 * | `placed`        | `instance` + `placement`                 | PlacedModel         |
 * | `existing`      | `existingEndpoints[]`                    | none (adopted)      |
 */
export type Hosting = InstanceHosting | ServerlessHosting | ScaleToZeroHosting | PlacedHosting | ExistingHosting;

/** Every kind this stack creates: a model with its role, container and alarms. */
export type CreatedHosting = Exclude<Hosting, ExistingHosting>;

/** A model this stack creates, whatever it runs on. */
interface CreatedModel {
  /** The endpoint clients call: the model's own, or the shared endpoint it is placed on. */
  readonly endpointName: string;
  readonly modelNamePrefix: string;
  readonly rolePrefix: string;
  readonly rolePath: string;
  readonly container: ContainerSpec;
  readonly alarms: readonly AlarmSpec[];
}

/** A real-time endpoint of its own on instances: blue/green updates watched by its rollback alarms. */
export interface InstanceHosting extends CreatedModel {
  readonly kind: "instance";
  readonly capacity: InstanceCapacity;
}

/** A serverless endpoint of its own, billed per request. */
export interface ServerlessHosting extends CreatedModel {
  readonly kind: "serverless";
  readonly capacity: ServerlessCapacity;
}

/** An inference component alone on an endpoint of its own whose instances go to zero when idle. */
export interface ScaleToZeroHosting extends CreatedModel {
  readonly kind: "scale-to-zero";
  readonly capacity: InstanceCapacity;
  readonly component: ResolvedComponent;
  /** Its endpoint's instances, which SageMaker manages from 0. */
  readonly host: ComponentHost;
}

/** An inference component on a shared endpoint (endpoints[] of the config). */
export interface PlacedHosting extends CreatedModel {
  readonly kind: "placed";
  readonly capacity: InstanceCapacity;
  readonly component: ResolvedComponent;
  /** The shared endpoint's name in the config (endpoints[].name). */
  readonly sharedEndpoint: string;
}

/** An endpoint managed elsewhere that the API adopts. */
export interface ExistingHosting {
  readonly kind: "existing";
  readonly endpointName: string;
}

/** The model's inference component, for the kinds that are one. */
export const componentOfHosting = (hosting: Hosting): ResolvedComponent | undefined =>
  hosting.kind === "scale-to-zero" || hosting.kind === "placed" ? hosting.component : undefined;
