import type { Config } from "../config/schema";

/** Tags on every resource, so cost reports can group by project and stage. */
export function defaultTags(config: Config, stage: string): Record<string, string> {
  return { ...config.tags, Project: config.project, Stage: stage, ManagedBy: "cdktf" };
}
