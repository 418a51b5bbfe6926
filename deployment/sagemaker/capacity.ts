import type {
  InstanceCapacity as InstanceSettings,
  ServerlessCapacity as ServerlessSettings,
} from "../../config/schema";

/**
 * What a model's constructs read of its capacity, with the config's defaults applied. Where the
 * model runs (its own endpoint, a shared one, scale to zero) is the hosting's kind, not a field here.
 */
export type InstanceCapacity = Omit<InstanceSettings, "kind" | "placement">;
export type ServerlessCapacity = Omit<ServerlessSettings, "kind">;
