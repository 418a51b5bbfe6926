import { configFromCommandLine } from "../config/cli";
import { startLocalStack } from "../local/dev-server";

/**
 * `npm run local [-- --port 8787] [--host 127.0.0.1] [--tgi-url http://localhost:8080] [--config FILE]`;
 * the key comes from LLM_API_KEY (or --api-key, which other users of the machine can read in `ps`).
 */
function flag(name: string): string | undefined {
  const args = process.argv.slice(2);
  const at = args.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (at < 0) return undefined;
  return args[at].includes("=") ? args[at].slice(name.length + 3) : args[at + 1];
}

async function main(): Promise<void> {
  const config = configFromCommandLine();
  const port = Number(flag("port") ?? process.env.PORT ?? 8787);
  const stack = await startLocalStack({ config, port, host: flag("host"), tgiUrl: flag("tgi-url"), apiKey: process.env.LLM_API_KEY ?? flag("api-key") });
  const model = stack.models[0];
  const key = stack.apiKey ? ` -H 'authorization: Bearer ${stack.apiKey}'` : "";
  console.log(`LLM API running locally at ${stack.url}
  models:   ${stack.models.join(", ")}
  backend:  ${stack.backend}
  API key:  ${stack.apiKey ?? "(none: api.auth is not apiKey)"}
  chat:     open ${stack.url}/ in a browser

curl ${stack.url}/${model}/invoke${key} -H 'content-type: application/json' -d '{"inputs":"Hello","parameters":{"max_new_tokens":32}}'
curl -N ${stack.url}/${model}/stream${key} -H 'content-type: application/json' -d '{"inputs":"Hello"}'
curl ${stack.url}/v1/chat/completions${key} -H 'content-type: application/json' -d '{"model":"${model}","messages":[{"role":"user","content":"Hello"}]}'

import OpenAI from "openai";
const client = new OpenAI({ baseURL: "${stack.url}/v1", apiKey: "${stack.apiKey ?? "unused"}" });
const reply = await client.chat.completions.create({ model: "${model}", messages: [{ role: "user", content: "Hello" }] });

Ctrl+C stops it.`);
  const stop = () => void stack.stop().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

void main().catch((err: Error) => {
  console.error(`Cannot start the local API: ${err.message}`);
  process.exit(1);
});
