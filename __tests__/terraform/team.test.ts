import { join } from "node:path";
import { describePlannedConfig } from "../helpers/plan-suite";
import { ROOT } from "../helpers/synth";

// Two stages and the CI stack from one config.
describePlannedConfig(join(ROOT, "examples", "team.json"));
