import { join } from "node:path";
import { describePlannedConfig } from "../helpers/plan-suite";
import { ROOT } from "../helpers/synth";

// One TGI and one vLLM (LMI) model.
describePlannedConfig(join(ROOT, "examples", "backends.json"));
