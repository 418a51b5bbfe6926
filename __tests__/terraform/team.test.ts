import { join } from "node:path";
import { describePlannedConfig } from "../helpers/plan-suite";
import { ROOT } from "../helpers/synth";

// Two stages and the CI stack from one config.
// terraform plan validates first; the default config's suite runs terraform validate itself.
describePlannedConfig(join(ROOT, "examples", "team.json"), { validate: false });
