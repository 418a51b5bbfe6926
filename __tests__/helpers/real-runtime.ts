import { bundleHandler } from "../../deployment/bundle";
import { SageMakerEmulator } from "../../local/emulator/sagemaker-emulator";
import { LambdaProcess, findRuntimeClient, type RuntimeClient } from "../../local/lambda-process";
import type { ModelRoute } from "../../functions/lib/models";

/**
 * The runtime client, or null with a loud notice when it is not installed.
 * Under CI=true a missing client fails the run: CI must test the functions as Lambda runs them.
 */
export function runtimeClientOrSkip(): RuntimeClient | null {
  const client = findRuntimeClient();
  if (typeof client !== "string") return client;
  if (process.env.CI === "true") throw new Error(`CI must run the functions under AWS's Lambda runtime client: ${client}`);
  process.stderr.write(`\n*** LAMBDA RUNTIME CLIENT TESTS SKIPPED: ${client} ***\n\n`);
  return null;
}

export interface FunctionLog {
  readonly function: string;
  readonly line: string;
}

export interface RealRuntimeRig {
  readonly emulator: SageMakerEmulator;
  readonly functions: Readonly<Record<"invoke" | "stream" | "chat" | "authorizer", LambdaProcess>>;
  readonly logs: FunctionLog[];
  stop(): Promise<void>;
}

/** The four function zips the stack deploys, each in its own runtime process, against the emulator. */
export async function startRealRuntime(client: RuntimeClient, models: Record<string, ModelRoute>): Promise<RealRuntimeRig> {
  const emulator = new SageMakerEmulator(Object.values(models).map((m) => m.endpoint));
  const url = await emulator.start();
  const logs: FunctionLog[] = [];
  const environment = {
    MODELS: JSON.stringify(models),
    AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME: url,
    AWS_ACCESS_KEY_ID: "emulator",
    AWS_SECRET_ACCESS_KEY: "emulator",
    // As the stack sets them: the handlers' EMF records go to stdout.
    METRICS_NAMESPACE: "llm-api",
    STAGE: "v1",
  };
  const start = (name: "invoke" | "stream" | "chat" | "authorizer") =>
    LambdaProcess.start(client, {
      zipPath: bundleHandler(name).zipPath,
      functionName: `llm-api-test-${name}`,
      environment,
      onLog: (line) => logs.push({ function: name, line }),
    });
  const [invoke, stream, chat, authorizer] = await Promise.all([start("invoke"), start("stream"), start("chat"), start("authorizer")]);
  return {
    emulator,
    functions: { invoke, stream, chat, authorizer },
    logs,
    stop: async () => {
      await Promise.all([invoke.stop(), stream.stop(), chat.stop(), authorizer.stop()]);
      await emulator.stop();
    },
  };
}
