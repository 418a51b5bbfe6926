import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ModelRoute } from "../../contract/routes";
import { VOCABULARY } from "../../local/emulator/serving-container";
import { codexOrSkip, opencodeOrSkip, privateEnv, runAgent } from "../helpers/agents";
import { startOpenAiServer, startRig, type HandlerRig, type OpenAiServer } from "../helpers/handlers";

// The coding agents teams point at their own models, run headless as a user would, configured with
// only a base URL, a key and a model name, against the API's handlers and the emulator. Each
// completes a turn in which the model calls one of the agent's tools (the emulator calls the first
// tool offered), the agent runs it and sends its output back, and the model answers.
jest.setTimeout(120_000);
const codex = codexOrSkip();
const opencode = opencodeOrSkip();

const KEY = "agent-key";
// 8,192-token models: opencode asks for 32,000 output tokens, which must be fitted (output-budget.ts).
const MODELS: Record<string, ModelRoute> = {
  coder: { endpoint: "ep-coder", chat: "messages", stream: true, contextTokens: 8192 },
  "coder-vllm": {
    endpoint: "ep-coder-vllm",
    chat: "messages",
    stream: true,
    server: "lmi",
    autoTools: true,
    contextTokens: 8192,
  },
};
const ANSWER = VOCABULARY.join("");

interface Seen {
  readonly path: string;
  readonly body: Record<string, any>;
}
let rig: HandlerRig;
let server: OpenAiServer;
let home: string;
let seen: Seen[] = [];
beforeAll(async () => {
  if (!codex && !opencode) return;
  process.env.LOG_LEVEL = "silent";
  rig = await startRig(MODELS);
  // What the agents sent, as the OpenAI function received it.
  // (Object.assign keeps the mark that makes the local API stream the handler's answer.)
  const chat = Object.assign((...args: Parameters<typeof rig.openai>) => {
    seen.push({ path: args[0].path, body: JSON.parse(args[0].body ?? "{}") });
    return rig.openai(...args);
  }, rig.openai);
  server = await startOpenAiServer({ ...rig, openai: chat }, KEY);
  home = mkdtempSync(join(tmpdir(), "llm-api-agents-"));
});
afterAll(async () => {
  await server?.stop();
  await rig?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});
beforeEach(() => {
  seen = [];
});

/** The chat calls the model got since the test began, in order. */
const modelCalls = (since: number) =>
  rig.emulator.calls.slice(since).map((c) => c.body as { tools?: { function: { name: string } }[]; messages: any[] });

/** Every tool result the agent sent back answers a call the model made. */
function toolRoundTrip(calls: ReturnType<typeof modelCalls>): { called: string[]; answered: string[] } {
  const last = calls.at(-1)!;
  const called = last.messages.flatMap((m) => (m.tool_calls ?? []).map((c: { id: string }) => c.id));
  const answered = last.messages.filter((m) => m.role === "tool").map((m) => m.tool_call_id as string);
  return { called, answered };
}

const workdir = (name: string) => mkdtempSync(join(home, `${name}-`));

(codex ? describe : describe.skip)("Codex CLI 0.169, `codex exec` on the Responses API", () => {
  /** A private CODEX_HOME with a custom provider on the API, and `extra` config lines. */
  function codexHome(model: string, extra = ""): string {
    const dir = workdir("codex-home");
    writeFileSync(
      join(dir, "config.toml"),
      `model = "${model}"
model_provider = "llm-api"
${extra}
[model_providers.llm-api]
name = "llm-api"
base_url = "${server.baseURL}"
env_key = "LLM_API_KEY"
wire_api = "responses"
`,
    );
    return dir;
  }

  const run = (codexHomeDir: string) =>
    runAgent(
      process.execPath,
      [
        codex!.path,
        "exec",
        "--skip-git-repo-check",
        "--dangerously-bypass-approvals-and-sandbox",
        "Look around, then say hello.",
      ],
      {
        cwd: workdir("codex-work"),
        env: privateEnv(home, { CODEX_HOME: codexHomeDir, LLM_API_KEY: KEY }),
      },
    );

  it.each(["coder", "coder-vllm"])(
    "completes a turn with a tool call on its default config (namespace and web_search tools included): %s",
    async (model) => {
      const since = rig.emulator.calls.length;
      const result = await run(codexHome(model));
      expect([result.status, result.stdout.trim().split("\n").at(-1)]).toEqual([0, ANSWER]);
      // What Codex sent: its multi-agent namespace and the web search tool, on every turn.
      const first = seen.find((s) => s.path === "/v1/responses")!.body;
      expect(first.tools.map((t: { type: string }) => t.type)).toEqual(
        expect.arrayContaining(["function", "namespace", "web_search"]),
      );
      expect(first.include).toEqual(["reasoning.encrypted_content"]);
      expect(first.client_metadata).toEqual(expect.any(Object));
      // What the model saw: the namespace's functions under joined names, no web search.
      const calls = modelCalls(since);
      const names = calls[0].tools!.map((t) => t.function.name);
      expect(names).toEqual(expect.arrayContaining(["exec_command", "multi_agent_v1__spawn_agent"]));
      expect(names.some((n) => n.includes("web_search"))).toBe(false);
      const { called, answered } = toolRoundTrip(calls);
      expect(called.length).toBeGreaterThan(0);
      expect(answered).toEqual(called);
    },
  );

  it("and on a function-tool-only config", async () => {
    const since = rig.emulator.calls.length;
    const result = await run(codexHome("coder", 'web_search = "disabled"\n\n[agents]\nenabled = false\n'));
    expect([result.status, result.stdout.trim().split("\n").at(-1)]).toEqual([0, ANSWER]);
    const first = seen.find((s) => s.path === "/v1/responses")!.body;
    expect(first.tools.map((t: { type: string }) => t.type)).toEqual(first.tools.map(() => "function"));
    const calls = modelCalls(since);
    expect(calls[0].tools!.map((t) => t.function.name).filter((n) => n.includes("__"))).toEqual([]);
    const { called, answered } = toolRoundTrip(calls);
    expect([called.length > 0, answered]).toEqual([true, called]);
  });
});

(opencode ? describe : describe.skip)("opencode 1.18, `opencode run`", () => {
  /** A project whose opencode.json names one custom provider on the API, on `npm`'s AI SDK provider. */
  function project(npm: string, model: string): string {
    const dir = workdir("opencode");
    const provider = {
      npm,
      name: "llm-api",
      options: { baseURL: server.baseURL, apiKey: "{env:LLM_API_KEY}" },
      models: { [model]: { name: model } },
    };
    writeFileSync(
      join(dir, "opencode.json"),
      JSON.stringify({
        $schema: "https://opencode.ai/config.json",
        provider: { "llm-api": provider },
        model: `llm-api/${model}`,
      }),
    );
    return dir;
  }

  // vLLM refuses a 32,000-token budget on an 8,192-token model, so it is fitted; TGI 3.3.6 takes it
  // (it checks only the first 1,024 tokens) and stops where the context is full.
  it.each([
    ["@ai-sdk/openai-compatible", "/v1/chat/completions", "coder-vllm", true],
    ["@ai-sdk/openai", "/v1/responses", "coder-vllm", true],
    ["@ai-sdk/openai", "/v1/responses", "coder", false],
  ])(
    "completes a turn with a tool call on %s (%s, model %s), its 32,000-token budget served",
    async (npm, path, model, fitted) => {
      const since = rig.emulator.calls.length;
      const env = privateEnv(home, {
        LLM_API_KEY: KEY,
        OPENCODE_DISABLE_MODELS_FETCH: "true",
        OPENCODE_DISABLE_AUTOUPDATE: "true",
      });
      const result = await runAgent(opencode!.path, ["run", "Look around, then say hello."], {
        cwd: project(npm, model),
        env,
      });
      expect([result.status, result.stdout]).toEqual([0, expect.stringContaining(ANSWER)]);
      expect(new Set(seen.map((s) => s.path))).toEqual(new Set([path]));
      const calls = modelCalls(since);
      const { called, answered } = toolRoundTrip(calls);
      expect([called.length > 0, answered]).toEqual([true, called]);
      // opencode's budget, and where the server refused it, the one that fits beside the prompt.
      const budgets = calls.map((c) => (c as { max_tokens?: number }).max_tokens);
      expect(budgets).toContain(32000);
      expect(budgets.some((b) => b !== undefined && b < 8192)).toBe(fitted);
    },
  );
});
