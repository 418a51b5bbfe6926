import { join } from "node:path";
import { describePlannedConfig } from "../helpers/plan-suite";
import { ROOT } from "../helpers/synth";

// A centralized multi-team API migrated from the source system: a gated model, a base model chatting by
// prompt, a Marketplace model package (isolated, with its EULA attribute), a direct custom image, an
// embedding model and an adopted endpoint.
// terraform plan validates first; the default config's suite runs terraform validate itself.
describePlannedConfig(join(ROOT, "examples", "central-api.json"), { validate: false });
