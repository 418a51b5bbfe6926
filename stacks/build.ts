import type { App } from "cdktf";
import type { Config } from "../config/schema";
import { resolveStages } from "../deployment/resolve";
import { apiStackName, ciStackName, stateStackName } from "../deployment/names";
import { StateStack } from "./state-stack";
import { LlmApiStack } from "./llm-api-stack";
import { CiStack } from "./ci-stack";

export interface Stacks {
  readonly state: StateStack;
  /** One API stack per stage. */
  readonly api: LlmApiStack[];
  readonly ci?: CiStack;
}

/** Every stack of one config: the state bucket, one API stack per stage, and the CI roles when asked. */
export function buildStacks(app: App, config: Config): Stacks {
  const state = new StateStack(app, stateStackName(config.project), { config });
  const api = resolveStages(config).map(
    (deployment) => new LlmApiStack(app, apiStackName(config.project, deployment.stage), { deployment }),
  );
  const ci = config.ci ? new CiStack(app, ciStackName(config.project), { config, ci: config.ci }) : undefined;
  return { state, api, ci };
}
