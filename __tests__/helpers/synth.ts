import { unzipSync } from "fflate";
import { BUILD_DIR } from "../../packaging/bundle";
import { SETTINGS_FILE } from "../../contract/routes";
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { App, TerraformStack, Testing } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { loadConfig, parseConfig } from "../../config/load";
import type { Config, ConfigInput } from "../../config/schema";
import { buildStacks } from "../../stacks/build";
import { installLockFile } from "../../stacks/lock-file";
import { tempDir } from "./temp";

export const ROOT = resolve(__dirname, "..", "..");

/** The configs the product ships: the default and every example. */
export const SHIPPED_CONFIGS: readonly string[] = [
  join(ROOT, "llm-api.config.json"),
  ...readdirSync(join(ROOT, "examples"))
    .filter((f) => f.endsWith(".json"))
    .map((f) => join(ROOT, "examples", f)),
];

export interface SynthResult {
  readonly outdir: string;
  /** Parsed cdk.tf.json per stack name. */
  readonly stacks: Record<string, StackJson>;
}

export interface StackJson {
  resource?: Record<string, Record<string, Record<string, unknown>>>;
  data?: Record<string, Record<string, Record<string, unknown>>>;
  output?: Record<string, Record<string, unknown>>;
  terraform?: { backend?: Record<string, Record<string, unknown>> } & Record<string, unknown>;
  provider?: Record<string, unknown[]>;
}

/** A minimal valid config, with overrides. */
export function testConfig(overrides: Partial<ConfigInput> = {}): Config {
  return parseConfig({
    region: "us-east-1",
    models: [
      {
        name: "mistral-7b",
        huggingFace: { modelId: "mistralai/Mistral-7B-Instruct-v0.2" },
        instance: { type: "ml.g5.2xlarge" },
      },
    ],
    ...overrides,
  });
}

/** Synthesises every stack of a config into a fresh directory, as `cdktf synth` does. */
export function synth(config: Config | string): SynthResult {
  const parsed = typeof config === "string" ? loadConfig(config) : config;
  const outdir = tempDir("llm-api-synth-");
  const app = new App({ outdir });
  buildStacks(app, parsed);
  app.synth();
  const names = installLockFile(outdir);
  const stacks: Record<string, StackJson> = {};
  for (const name of names)
    stacks[name] = JSON.parse(readFileSync(join(outdir, "stacks", name, "cdk.tf.json"), "utf8"));
  return { outdir, stacks };
}

/** Resources of one type as [{ name, values }]. */
export function resources(stack: StackJson, type: string): { name: string; values: Record<string, any> }[] {
  return Object.entries(stack.resource?.[type] ?? {}).map(([name, values]) => ({
    name,
    values: values as Record<string, any>,
  }));
}

export function only(stack: StackJson, type: string): Record<string, any> {
  const found = resources(stack, type);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0].values;
}

/**
 * Parses a JSON document that holds Terraform interpolations. An interpolation
 * may contain quotes (`${split(":", x)}`), valid for Terraform but not for
 * JSON.parse, so each one is escaped first; the parsed strings keep its text.
 */
export function parseTemplateJson(text: string): any {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    if (text[i] === "$" && text[i + 1] === "{") {
      let depth = 0;
      let j = i + 1;
      for (; j < text.length; j++) {
        if (text[j] === "{") depth++;
        else if (text[j] === "}" && --depth === 0) break;
      }
      out += JSON.stringify(text.slice(i, j + 1)).slice(1, -1);
      i = j;
    } else out += text[i];
  }
  return JSON.parse(out);
}

/** Synthesises one construct inside a bare stack with an AWS provider. */
export function synthConstruct(build: (stack: TerraformStack) => void): StackJson {
  const app = Testing.app({ outdir: tempDir("llm-api-construct-") });
  const stack = new TerraformStack(app, "test");
  new AwsProvider(stack, "aws", { region: "us-east-1" });
  build(stack);
  return JSON.parse(Testing.synth(stack));
}

/**
 * The model table a synthesised function runs with: MODELS in its environment, else the settings file
 * in its zip (the OpenAI function's), read from the zip its source_code_hash names.
 */
export function functionModels(fn: Record<string, any>): Record<string, unknown> {
  const env = fn.environment?.variables ?? {};
  if (env.MODELS) return JSON.parse(env.MODELS);
  return settingsFileOf(fn).models;
}

/** The consumers' budgets a synthesised function keeps: BUDGETS in its environment, else its settings file's; undefined without. */
export function functionBudgets(
  fn: Record<string, any>,
): { table: string; consumers: Record<string, unknown> } | undefined {
  const env = fn.environment?.variables ?? {};
  if (env.MODELS) return env.BUDGETS ? JSON.parse(env.BUDGETS) : undefined;
  return settingsFileOf(fn).budgets;
}

function settingsFileOf(fn: Record<string, any>): Record<string, any> {
  const hex = Buffer.from(fn.source_code_hash, "base64").toString("hex").slice(0, 16);
  const zip = unzipSync(readFileSync(join(BUILD_DIR, `openai-${hex}.zip`)));
  return JSON.parse(Buffer.from(zip[SETTINGS_FILE]).toString("utf8"));
}
