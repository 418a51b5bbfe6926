import { join } from "node:path";
import { describePlannedConfig } from "../helpers/plan-suite";
import { ROOT } from "../helpers/synth";

// A chat model and an embedding model (Text Embeddings Inference on serverless), one API.
// terraform plan validates first; the default config's suite runs terraform validate itself.
describePlannedConfig(join(ROOT, "examples", "embeddings.json"), { validate: false });
