import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./synth";
import { optionalTool } from "./optional-tool";

/**
 * The coding agents, pinned in tools/agents and installed only by scripts/setup-agents.sh (native
 * binaries of about 600 MB, kept out of `npm ci`). Each is run headless, in a process of its own,
 * with a private home so nothing of the machine's own configuration reaches it.
 */
const AGENTS = join(ROOT, "tools", "agents", "node_modules");
const SETUP = "bash scripts/setup-agents.sh";

/** An installed agent: the file to run. */
export interface Agent {
  readonly path: string;
}

/** Codex CLI's launcher, which starts the native binary of this platform; or null after a banner. */
export function codexOrSkip(): Agent | null {
  const launcher = join(AGENTS, "@openai", "codex", "bin", "codex.js");
  const native = join(AGENTS, "@openai", `codex-${process.platform}-${process.arch}`);
  return optionalTool("codex", () => {
    if (!existsSync(launcher)) return `Codex CLI is not installed (${SETUP})`;
    return existsSync(native) ? { path: launcher } : `Codex CLI has no build for ${process.platform}-${process.arch}`;
  });
}

/** opencode's Linux x64 baseline binary (the one build tools/agents pins); or null after a banner. */
export function opencodeOrSkip(): Agent | null {
  const binary = join(AGENTS, "opencode-linux-x64-baseline", "bin", "opencode");
  return optionalTool("opencode", () => {
    if (process.platform !== "linux" || process.arch !== "x64")
      return `the pinned opencode build is for linux-x64, not ${process.platform}-${process.arch}`;
    return existsSync(binary) ? { path: binary } : `opencode is not installed (${SETUP})`;
  });
}

export interface AgentRun {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs an agent to its end, with no input (Codex reads standard input until it closes). Asynchronous
 * on purpose: the API it calls runs in this process, so a synchronous spawn would stall the very
 * server the agent waits on.
 */
export function runAgent(
  command: string,
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<AgentRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ["ignore", "pipe", "pipe"],
      timeout: options.timeoutMs ?? 120_000,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString("utf8")));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString("utf8")));
    child.on("error", reject);
    child.on("close", (code) => resolve({ status: code ?? 1, stdout, stderr }));
  });
}

/** An environment with nothing of the machine's own: the given home, the PATH, and the variables given. */
export function privateEnv(home: string, extra: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: home,
    XDG_CONFIG_HOME: join(home, ".config"),
    XDG_DATA_HOME: join(home, ".local", "share"),
    XDG_CACHE_HOME: join(home, ".cache"),
    XDG_STATE_HOME: join(home, ".local", "state"),
    ...extra,
  };
}
