import type { Config } from "../config/schema";
import type { Deployment, StateBackend } from "./deployment";
import { defaultTags } from "./tags";

/** What the stack reads of the config beside the models: already the deployment's own values. */
export function stageSettingsOf(
  config: Config,
  stage: string,
): Pick<Deployment, "project" | "region" | "tags" | "backend" | "bounded" | "api" | "alarms" | "tracing"> {
  const { api } = config;
  return {
    project: config.project,
    region: config.region,
    tags: defaultTags(config, stage),
    ...(config.state ? { backend: stateBackendOf(config) } : {}),
    bounded: config.ci !== undefined,
    api: {
      auth: api.auth,
      throttle: api.throttle,
      ...(api.quota ? { quota: api.quota } : {}),
      corsOrigins: api.corsOrigins,
      accessLogRetentionDays: api.accessLogRetentionDays,
      ...(api.domain ? { domain: api.domain } : {}),
    },
    alarms: { enabled: config.alarms.enabled, email: config.alarms.email, topicArn: config.alarms.topicArn },
    tracing: config.lambda.tracing,
  };
}

/** Where every stack of the config keeps its state, when the config has `state`. */
export function stateBackendOf(config: Config): StateBackend | undefined {
  return config.state
    ? { bucket: config.state.bucket, keyPrefix: config.state.keyPrefix, region: config.state.region ?? config.region }
    : undefined;
}
