import { bundleHandler, bundleWithData } from "../../packaging/bundle";
import { SETTINGS_FILE } from "../../contract/routes";
import { SageMakerEmulator } from "../../local/emulator/sagemaker-emulator";
import { contextsOf } from "../../local/emulator/context-limit";
import { LambdaProcess, findRuntimeClient, type RuntimeClient } from "../../testing/lambda-process";
import type { ModelRoute } from "../../functions/lib/models";
import { optionalTool } from "./optional-tool";

/**
 * The runtime client, or null with a loud notice when it is not installed.
 * Under CI=true a missing client fails the run: CI must test the functions as Lambda runs them.
 */
export function runtimeClientOrSkip(): RuntimeClient | null {
  return optionalTool("ric", findRuntimeClient);
}

export interface FunctionLog {
  readonly function: string;
  readonly line: string;
}

export interface RealRuntimeRig {
  readonly emulator: SageMakerEmulator;
  readonly functions: Readonly<Record<"invoke" | "stream" | "openai" | "authorizer", LambdaProcess>>;
  readonly logs: FunctionLog[];
  stop(): Promise<void>;
}

/** The four function zips the stack deploys, each in its own runtime process, against the emulator. */
export async function startRealRuntime(
  client: RuntimeClient,
  models: Record<string, ModelRoute>,
  extraEnvironment: Readonly<Record<string, string>> = {},
): Promise<RealRuntimeRig> {
  // Every model plays TGI; a model with a context refuses budgets past it as TGI does.
  const emulator = new SageMakerEmulator(
    Object.values(models).map((m) => m.endpoint),
    {},
    {},
    contextsOf(Object.values(models)),
  );
  const url = await emulator.start();
  const logs: FunctionLog[] = [];
  const environment = {
    AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME: url,
    // The emulator is SageMaker's control plane too: the handlers' wakes of components that scaled to zero.
    AWS_ENDPOINT_URL_SAGEMAKER: url,
    AWS_ACCESS_KEY_ID: "emulator",
    AWS_SECRET_ACCESS_KEY: "emulator",
    // As the stack sets them: the handlers' EMF records go to stdout.
    METRICS_NAMESPACE: "llm-api",
    STAGE: "v1",
    ...extraEnvironment,
  };
  // As the stack deploys them: the OpenAI function finds its model table in its zip, the others in MODELS.
  const start = (name: "invoke" | "stream" | "openai" | "authorizer") =>
    LambdaProcess.start(client, {
      zipPath:
        name === "openai"
          ? bundleWithData("openai", { [SETTINGS_FILE]: JSON.stringify({ models }) }).zipPath
          : bundleHandler(name).zipPath,
      functionName: `llm-api-test-${name}`,
      environment: name === "openai" ? environment : { ...environment, MODELS: JSON.stringify(models) },
      onLog: (line) => logs.push({ function: name, line }),
    });
  const [invoke, stream, openai, authorizer] = await Promise.all([
    start("invoke"),
    start("stream"),
    start("openai"),
    start("authorizer"),
  ]);
  return {
    emulator,
    functions: { invoke, stream, openai, authorizer },
    logs,
    stop: async () => {
      await Promise.all([invoke.stop(), stream.stop(), openai.stop(), authorizer.stop()]);
      await emulator.stop();
    },
  };
}
