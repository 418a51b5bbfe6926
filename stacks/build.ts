import type { App } from "cdktf";
import type { Config } from "../config/schema";
import { apiStackName, stateStackName } from "../modules/names";
import { StateStack } from "./state-stack";
import { LlmApiStack } from "./llm-api-stack";

/** Every stack of one config: the state bucket and the API stage. */
export function buildStacks(app: App, config: Config): { state: StateStack; api: LlmApiStack } {
  return {
    state: new StateStack(app, stateStackName(config.project), { config }),
    api: new LlmApiStack(app, apiStackName(config.project, config.stage), { config }),
  };
}
