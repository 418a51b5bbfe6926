import { join } from "node:path";
import { describePlannedConfig } from "../helpers/plan-suite";
import { ROOT } from "../helpers/synth";

// A direct model beside a lambda model with its own settings and handler, a custom domain and data capture.
// terraform plan validates first; the default config's suite runs terraform validate itself.
describePlannedConfig(join(ROOT, "examples", "integrations.json"), { validate: false });
