import { join } from "node:path";
import { describePlannedConfig } from "../helpers/plan-suite";
import { ROOT } from "../helpers/synth";

// One TGI and one vLLM (LMI) model.
// terraform plan validates first; the default config's suite runs terraform validate itself.
describePlannedConfig(join(ROOT, "examples", "backends.json"), { validate: false });
