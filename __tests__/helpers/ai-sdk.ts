import { execFile } from "node:child_process";

/**
 * Runs an ES module script in a plain Node child (the Vercel AI SDK and the OpenAI Agents SDK ship ES
 * modules, which jest's CommonJS runtime cannot load) with BASE_URL and KEY, and the variables given,
 * in its environment; what the script writes to stdout is parsed as JSON.
 */
export function runModule(script: string, env: Record<string, string>): Promise<any> {
  return new Promise((resolve, reject) =>
    execFile(
      process.execPath,
      ["--input-type=module", "-e", script],
      { cwd: __dirname, env: { ...process.env, ...env } },
      (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(JSON.parse(stdout))),
    ),
  );
}

/**
 * The AI SDK with `provider` on BASE_URL and KEY: createOpenAICompatible (chat completions), or with
 * `openai: true` createOpenAI, whose provider(model) speaks the Responses API. `imports` names what
 * the body uses from "ai"; the body's return value is printed as JSON.
 */
export function runAiSdk(
  body: string,
  env: { readonly baseURL: string; readonly key: string },
  imports = "generateText, streamText",
  options: { readonly openai?: boolean } = {},
): Promise<any> {
  const provider = options.openai
    ? `import { createOpenAI } from "@ai-sdk/openai";
       const provider = createOpenAI({ baseURL: process.env.BASE_URL, apiKey: process.env.KEY });`
    : `import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
       const provider = createOpenAICompatible({ name: "llm-api", baseURL: process.env.BASE_URL, apiKey: process.env.KEY });`;
  const script = `
    ${provider}
    import { ${imports} } from "ai";
    const out = await (async () => { ${body} })();
    process.stdout.write(JSON.stringify(out));`;
  return runModule(script, { BASE_URL: env.baseURL, KEY: env.key });
}
