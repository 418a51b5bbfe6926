import { execFile } from "node:child_process";

/**
 * The Vercel AI SDK ships ES modules only, which jest's CommonJS runtime cannot load: a script runs in
 * a plain Node child with `provider` (createOpenAICompatible on BASE_URL and KEY) and the imports it
 * names, and prints what it returns as JSON.
 */
export function runAiSdk(body: string, env: { readonly baseURL: string; readonly key: string }, imports = "generateText, streamText"): Promise<any> {
  const script = `
    import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
    import { ${imports} } from "ai";
    const provider = createOpenAICompatible({ name: "llm-api", baseURL: process.env.BASE_URL, apiKey: process.env.KEY });
    const out = await (async () => { ${body} })();
    process.stdout.write(JSON.stringify(out));`;
  return new Promise((resolve, reject) =>
    execFile(
      process.execPath,
      ["--input-type=module", "-e", script],
      { cwd: __dirname, env: { ...process.env, BASE_URL: env.baseURL, KEY: env.key } },
      (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(JSON.parse(stdout))),
    ),
  );
}
