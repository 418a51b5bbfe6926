import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { unzipSync } from "fflate";
import { PROJECT_ROOT } from "../config/paths";
import { RuntimeApi, type InvokeOptions, type RuntimeAnswer } from "./runtime-api";

/**
 * A function zip run as Lambda runs it: unpacked into a task root and started
 * under AWS's runtime interface client (aws-lambda-ric) on Node 22, polling a
 * local Runtime API. scripts/setup-ric.sh installs the client under local/ric.
 */
const RIC_MODULES = join(PROJECT_ROOT, "local", "ric", "node_modules");

export interface RuntimeClient {
  /** Node 22 binary. */
  readonly node: string;
  /** The client's entry point. */
  readonly entry: string;
}

/** The installed runtime client, or why it is not there. */
export function findRuntimeClient(): RuntimeClient | string {
  const entry = join(RIC_MODULES, "aws-lambda-ric", "index.mjs");
  if (!existsSync(join(RIC_MODULES, "aws-lambda-ric", "rapid-client.node")))
    return "AWS's Lambda runtime client is not installed: run `bash scripts/setup-ric.sh` (needs cmake, make and g++; about a minute)";
  const nodePackage = existsSync(RIC_MODULES)
    ? readdirSync(RIC_MODULES).find((name) => name.startsWith("node-linux-"))
    : undefined;
  const node = nodePackage ? join(RIC_MODULES, nodePackage, "bin", "node") : "";
  if (!existsSync(node)) return "Node 22 for the runtime client is missing: run `bash scripts/setup-ric.sh`";
  return { node, entry };
}

export interface LambdaProcessOptions {
  readonly zipPath: string;
  /** @default "index.handler" */
  readonly handler?: string;
  readonly environment?: Readonly<Record<string, string>>;
  /** @default "local" */
  readonly functionName?: string;
  /** @default 512 */
  readonly memorySizeMb?: number;
  /** Receives each line the function process prints (its logs). */
  readonly onLog?: (line: string) => void;
}

/** One runtime process, reused across invocations like a warm Lambda container. */
export class LambdaProcess {
  private exited: Error | undefined;

  private constructor(
    private readonly api: RuntimeApi,
    private readonly child: ChildProcess,
    private readonly taskRoot: string,
    /** performance.now() when the process was started. */
    readonly startedAt: number,
  ) {}

  /** Milliseconds from process start to the end of init (the runtime's first poll for work). */
  async initMs(): Promise<number> {
    return (await this.api.ready) - this.startedAt;
  }

  static async start(client: RuntimeClient, options: LambdaProcessOptions): Promise<LambdaProcess> {
    const taskRoot = mkdtempSync(join(tmpdir(), "llm-api-task-"));
    for (const [name, bytes] of Object.entries(unzipSync(readFileSync(options.zipPath)))) {
      mkdirSync(dirname(join(taskRoot, name)), { recursive: true });
      writeFileSync(join(taskRoot, name), bytes);
    }
    const api = new RuntimeApi();
    const address = await api.start();
    const functionName = options.functionName ?? "local";
    const startedAt = performance.now();
    const child = spawn(client.node, [client.entry], {
      cwd: taskRoot,
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        PATH: process.env.PATH,
        LANG: "en_US.UTF-8",
        TZ: ":UTC",
        // What Lambda's nodejs22.x sets for a function with loggingConfig.logFormat JSON.
        AWS_EXECUTION_ENV: "AWS_Lambda_nodejs22.x",
        AWS_LAMBDA_RUNTIME_API: address,
        LAMBDA_TASK_ROOT: taskRoot,
        _HANDLER: options.handler ?? "index.handler",
        AWS_LAMBDA_FUNCTION_NAME: functionName,
        AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(options.memorySizeMb ?? 512),
        AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${functionName}`,
        AWS_LAMBDA_LOG_STREAM_NAME: "local",
        AWS_LAMBDA_LOG_FORMAT: "JSON",
        AWS_REGION: "us-east-1",
        AWS_DEFAULT_REGION: "us-east-1",
        ...options.environment,
      },
    });
    const process_ = new LambdaProcess(api, child, taskRoot, startedAt);
    const lines = (stream: NodeJS.ReadableStream) => {
      let rest = "";
      stream.setEncoding("utf8");
      stream.on("data", (text: string) => {
        const parts = (rest + text).split("\n");
        rest = parts.pop() ?? "";
        for (const line of parts) if (line) options.onLog?.(line);
      });
    };
    lines(child.stdout!);
    lines(child.stderr!);
    child.once("exit", (code, signal) => {
      process_.exited = new Error(`the runtime process exited (${signal ?? code})`);
      api.failAll(process_.exited);
    });
    return process_;
  }

  invoke(event: unknown, options?: InvokeOptions): Promise<RuntimeAnswer> {
    if (this.exited) return Promise.reject(this.exited);
    return this.api.invoke(event, options);
  }

  async stop(): Promise<void> {
    if (!this.exited) {
      const gone = new Promise((resolve) => this.child.once("exit", resolve));
      this.child.kill("SIGKILL");
      await gone;
    }
    await this.api.stop();
    rmSync(this.taskRoot, { recursive: true, force: true });
  }
}
