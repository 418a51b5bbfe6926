import { join } from "node:path";
import { describePlannedConfig } from "../helpers/plan-suite";
import { ROOT } from "../helpers/synth";

// terraform plan validates first; the default config's suite runs terraform validate itself.
describePlannedConfig(join(ROOT, "examples", "multi-model.json"), { validate: false });
