import { join } from "node:path";
import { describePlannedConfig } from "../helpers/plan-suite";
import { ROOT } from "../helpers/synth";

// A chat model and an embedding model (Text Embeddings Inference on serverless), one API.
describePlannedConfig(join(ROOT, "examples", "embeddings.json"));
