import { join } from "node:path";
import { describePlannedConfig } from "../helpers/plan-suite";
import { ROOT } from "../helpers/synth";

describePlannedConfig(join(ROOT, "llm-api.config.json"));
