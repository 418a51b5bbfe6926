import { commandLine, configFrom } from "./args";
import { startLocalStack } from "../local/dev-server";

// Lambda runs Node 22; the SDK's notice that it will drop Node 20 is not this tool's to show.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

/**
 * `npm run local [-- --port 8787] [--host 127.0.0.1] [--tgi-url http://localhost:8080] [--cold-start SECONDS] [--config FILE]`;
 * --cold-start plays the models that scale to zero as idle: the first call wakes them, they answer that much later;
 * the key comes from LLM_API_KEY (or --api-key, which other users of the machine can read in `ps`).
 */
async function main(): Promise<void> {
  const { values } = commandLine(
    "npm run local [-- --port 8787] [--host 127.0.0.1] [--tgi-url URL] [--api-key KEY] [--cold-start SECONDS] [--config FILE]",
    {
      port: { type: "string" },
      host: { type: "string" },
      "tgi-url": { type: "string" },
      "api-key": { type: "string" },
      "cold-start": { type: "string" },
    },
  );
  const config = configFrom(values.config);
  const port = Number(values.port ?? process.env.PORT ?? 8787);
  const coldStartSeconds = values["cold-start"] === undefined ? undefined : Number(values["cold-start"]);
  if (coldStartSeconds !== undefined && !(coldStartSeconds >= 0))
    throw new Error(`--cold-start takes seconds, e.g. 20; got "${values["cold-start"]}"`);
  const stack = await startLocalStack({
    config,
    port,
    host: values.host,
    tgiUrl: values["tgi-url"],
    apiKey: process.env.LLM_API_KEY ?? values["api-key"],
    coldStartSeconds,
  });
  const model = stack.models[0];
  // With consumers, the first one's key in the examples; each consumer's key is listed.
  const firstKey = stack.apiKey ?? Object.values(stack.keys ?? {})[0];
  const key = firstKey ? ` -H 'authorization: Bearer ${firstKey}'` : "";
  const keys = stack.keys
    ? Object.entries(stack.keys)
        .map(([consumer, k]) => `\n    ${consumer}: ${k}`)
        .join("")
    : ` ${stack.apiKey ?? "(none: api.auth is not apiKey)"}`;
  const budgeted = (config.api.consumers ?? []).flatMap((c) =>
    c.budget ? [`${c.name} ${c.budget.tokens} tokens a ${c.budget.period}`] : [],
  );
  const usage = `AWS_ENDPOINT_URL_DYNAMODB=${stack.stateTable?.url} AWS_REGION=${config.region} AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local npm run usage -- --budgets${values.config ? ` --config ${values.config}` : ""}`;
  const budgets =
    budgeted.length && stack.stateTable ? `\n  budgets:  ${budgeted.join("; ")}\n            ${usage}` : "";
  console.log(`LLM API running locally at ${stack.url}
  models:   ${stack.models.join(", ")}
  backend:  ${stack.backend}
  API key${stack.keys ? "s" : ""}: ${keys}${budgets}
  chat:     open ${stack.url}/ in a browser

curl ${stack.url}/${model}/invoke${key} -H 'content-type: application/json' -d '{"inputs":"Hello","parameters":{"max_new_tokens":32}}'
curl -N ${stack.url}/${model}/stream${key} -H 'content-type: application/json' -d '{"inputs":"Hello"}'
curl ${stack.url}/v1/chat/completions${key} -H 'content-type: application/json' -d '{"model":"${model}","messages":[{"role":"user","content":"Hello"}]}'

import OpenAI from "openai";
const client = new OpenAI({ baseURL: "${stack.url}/v1", apiKey: "${firstKey ?? "unused"}" });
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
