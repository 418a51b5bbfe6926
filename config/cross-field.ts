import type { z } from "zod";
import {
  FLEET_START_SECONDS,
  PROVIDER_ENDPOINT_WAIT_SECONDS,
  blueGreenSeconds,
  trafficSteps,
  type DeploymentSettings,
} from "./deployment-time";
import { GPU_INSTANCE_TYPES, gpuCount } from "../reference/instance-types";
import { LINEAR_STEP_PERCENT } from "../reference/provider-ranges";
import { num, obj, type Issue } from "./loose";
import { checkReservedNames } from "./reserved-names";
import { checkHoldFits, checkScaleToZero } from "./scale-to-zero";
import { checkPlacements } from "./placement";
import { checkSettings, checkUniqueNames } from "./settings-checks";
import { checkRegion, REGION } from "./region-checks";

/** Rules that span fields of the config; single fields are checked by their schemas. */

const list = (v: unknown): Record<string, unknown>[] =>
  Array.isArray(v) ? v.filter((x) => typeof x === "object" && x !== null) : [];

/**
 * Checks that span fields. It may see a partly invalid value (single-field
 * problems are reported beside these), so it reads everything defensively.
 */
export function checkCrossFields(config: Record<string, unknown>, ctx: z.RefinementCtx<unknown>): void {
  // A file holding null, a list or a number has already been reported as not an object.
  if (obj(config) === undefined) return;
  const issue: Issue = (path, message) => ctx.addIssue({ code: "custom", path, message, input: undefined });
  const models = list(config.models);
  const existing = list(config.existingEndpoints);

  if (
    Array.isArray(config.models) &&
    Array.isArray(config.existingEndpoints) &&
    models.length + existing.length === 0
  ) {
    issue(["models"], "no model to serve. Fix: add an entry to models (or existingEndpoints)");
  }

  checkUniqueNames(models, existing, issue);
  checkReservedNames(config, issue);
  checkPlacements(config, issue);
  checkHoldFits(config, issue);
  models.forEach((m, i) => checkModel(m, ["models", i], issue));
  existing.forEach((e, i) => checkStatements(obj(e.lambda), ["existingEndpoints", i], issue));

  if (typeof config.region === "string" && REGION.test(config.region)) checkRegion(config.region, models, issue);

  checkSettings(config, models, issue);
}

/** Extra IAM statements may not grant "*": least privilege is the default the product keeps. */
function checkStatements(fn: Record<string, unknown> | undefined, at: (string | number)[], issue: Issue): void {
  const wide = (v: unknown) => v === "*" || (Array.isArray(v) && v.includes("*"));
  list(fn?.extraStatements).forEach((st, i) => {
    if (wide(st.Action) || wide(st.Resource))
      issue(
        [...at, "lambda", "extraStatements", i],
        'grants "*". Fix: name the actions and the resource ARNs the handler needs',
      );
  });
}

function checkModel(m: Record<string, unknown>, at: (string | number)[], issue: Issue): void {
  checkSourceAndCapacity(m, at, issue);
  checkServer(m, at, issue);
  checkHuggingFaceLimits(m, at, issue);
  checkUpdates(m, at, issue);
  checkScaleToZero(m, at, issue);
  checkAutoscaling(m, at, issue);
}

/** Exactly one model source and one kind of capacity. */
function checkSourceAndCapacity(m: Record<string, unknown>, at: (string | number)[], issue: Issue): void {
  const sources = (["huggingFace", "modelPackageArn", "custom"] as const).filter((k) => m[k] !== undefined);
  if (sources.length !== 1) {
    issue(
      at,
      `${sources.length === 0 ? "no model source" : `${sources.length} model sources (${sources.join(", ")})`}. Fix: set exactly one of huggingFace, modelPackageArn or custom`,
    );
  }
  const capacities = (["instance", "serverless", "placement"] as const).filter((k) => m[k] !== undefined);
  if (capacities.length !== 1) {
    issue(
      at,
      `${capacities.length === 0 ? "none of instance, serverless or placement is set" : `${capacities.join(" and ")} are set`}. Fix: set exactly one of instance (real-time), serverless, or placement (on a shared endpoint)`,
    );
  }
}

/** What the serving container can do: vLLM and TEI on instances, tool parsers and quantizations they know, vision on a chat server, a GPU type. */
function checkServer(m: Record<string, unknown>, at: (string | number)[], issue: Issue): void {
  const instance = obj(m.instance);
  const hf = obj(m.huggingFace);
  // A model placed on a shared endpoint runs on that endpoint's instances.
  const onInstance = instance !== undefined || obj(m.placement) !== undefined;
  if (m.server === "vllm" && !(hf && onInstance)) {
    issue(
      [...at, "server"],
      '"vllm" serves a huggingFace model on an instance. Fix: use "tgi" (the default), or give huggingFace and instance',
    );
  }
  if (hf?.toolCallParser !== undefined && m.server !== "vllm" && m.server !== "tei") {
    issue(
      [...at, "huggingFace", "toolCallParser"],
      'is a vLLM setting; TGI picks tools by grammar without one. Fix: remove it, or set server "vllm"',
    );
  }
  if (m.server === "vllm" && hf?.quantize !== undefined && !["awq", "gptq", "fp8"].includes(String(hf.quantize))) {
    issue(
      [...at, "huggingFace", "quantize"],
      `"${String(hf.quantize)}" is not a vLLM quantization in this product. Fix: use awq, gptq or fp8, or server "tgi"`,
    );
  }
  if (m.server === "tei") checkEmbeddingModel(m, at, issue);
  if (m.vision !== undefined && !(hf && onInstance && m.server !== "tei" && m.chat !== "prompt" && m.chat !== "none")) {
    issue(
      [...at, "vision"],
      "takes images through the chat API of TGI or vLLM on an instance. Fix: remove it, or serve the model with huggingFace on an instance",
    );
  }
  if (obj(m.vision)?.httpsImages === true && m.networkIsolation === true) {
    issue(
      [...at, "vision", "httpsImages"],
      "needs the container to fetch images, which networkIsolation forbids. Fix: set one of them to false",
    );
  }
  const type = instance?.type;
  // TEI runs on CPU instances too; TGI and vLLM need a GPU.
  if (hf && m.server !== "tei" && typeof type === "string" && hf.image === undefined && gpuCount(type) === undefined) {
    issue(
      [...at, "instance", "type"],
      `"${type}" is not a known GPU instance type for the TGI image. Fix: use one of ${GPU_INSTANCE_TYPES.join(", ")}`,
    );
  }
}

/** TGI's settings only where TGI runs, weights from S3 without a Hub revision, token limits in order and together. */
function checkHuggingFaceLimits(m: Record<string, unknown>, at: (string | number)[], issue: Issue): void {
  const hf = obj(m.huggingFace);
  const serverless = obj(m.serverless);
  if (
    hf &&
    serverless &&
    ["quantize", "maxInputTokens", "maxTotalTokens", "maxBatchPrefillTokens"].some((k) => hf[k] !== undefined)
  ) {
    issue(
      [...at, "huggingFace"],
      "quantize and token limits are TGI settings, and serverless endpoints run the CPU transformers image instead. Fix: remove them, or use an instance",
    );
  }
  if (hf?.weightsS3Uri !== undefined && serverless) {
    issue(
      [...at, "huggingFace", "weightsS3Uri"],
      "weights from S3 are for models on instances (TGI, vLLM, TEI); the serverless CPU image downloads from the Hub. Fix: remove it, or use an instance",
    );
  }
  if (hf?.weightsS3Uri !== undefined && hf.revision !== undefined) {
    issue(
      [...at, "huggingFace", "revision"],
      "names a Hub commit, but weightsS3Uri loads the weights from S3. Fix: remove revision (pin the files you upload)",
    );
  }
  const maxInput = num(hf?.maxInputTokens);
  const maxTotal = num(hf?.maxTotalTokens);
  if (maxInput !== undefined && maxTotal !== undefined && maxInput >= maxTotal) {
    issue(
      [...at, "huggingFace", "maxInputTokens"],
      `${maxInput} must be less than maxTotalTokens (${maxTotal}), which counts prompt and generated tokens. Fix: lower maxInputTokens or raise maxTotalTokens`,
    );
  }
  if (hf && (hf.maxInputTokens === undefined) !== (hf.maxTotalTokens === undefined)) {
    issue([...at, "huggingFace"], "maxInputTokens and maxTotalTokens go together. Fix: set both or neither");
  }
}

/** The integration, data capture and blue/green updates, where the capacity allows them and the provider waits long enough. */
function checkUpdates(m: Record<string, unknown>, at: (string | number)[], issue: Issue): void {
  const serverless = obj(m.serverless);
  if (m.integration === "direct" && obj(m.lambda)) {
    issue(
      [...at, "lambda"],
      'a direct integration runs no function of its own. Fix: remove lambda, or use integration "lambda"',
    );
  }
  checkStatements(obj(m.lambda), at, issue);
  if (m.dataCapture !== undefined && serverless) {
    issue(
      [...at, "dataCapture"],
      "serverless endpoints cannot capture data. Fix: remove dataCapture, or use an instance",
    );
  }
  if (m.deployment !== undefined && serverless) {
    issue([...at, "deployment"], "blue/green updates need instances. Fix: remove deployment, or use an instance");
  }
  const deployment = obj(m.deployment) as DeploymentSettings | undefined;
  const step = num(deployment?.stepPercent);
  if (deployment?.strategy === "linear" && step !== undefined && step < LINEAR_STEP_PERCENT.min) {
    issue(
      [...at, "deployment", "stepPercent"],
      `${step} % is smaller than SageMaker's linear steps allow (${LINEAR_STEP_PERCENT.min}-${LINEAR_STEP_PERCENT.max} % of the fleet). Fix: a stepPercent of ${LINEAR_STEP_PERCENT.min} or more, or strategy "canary"`,
    );
  }
  if (deployment && blueGreenSeconds(deployment) > PROVIDER_ENDPOINT_WAIT_SECONDS) {
    const minutes = Math.round(blueGreenSeconds(deployment) / 60);
    issue(
      [...at, "deployment"],
      `an update would take about ${minutes} minutes (${trafficSteps(deployment)} traffic steps × waitSeconds, terminationWaitSeconds and ~${FLEET_START_SECONDS / 60} minutes to start the new fleet), longer than the ${PROVIDER_ENDPOINT_WAIT_SECONDS / 60} minutes Terraform's AWS provider waits for the endpoint, so the apply would fail midway. Fix: fewer steps (a larger stepPercent, or canary), or a shorter waitSeconds`,
    );
  }
}

/** Schedules that change something, within bounds; min within max, and the initial count between them. */
function checkAutoscaling(m: Record<string, unknown>, at: (string | number)[], issue: Issue): void {
  const serverless = obj(m.serverless);
  const instance = obj(m.instance);
  const scaling = obj(m.autoscaling);
  list(scaling?.schedules).forEach((sched, i) => {
    const low = num(sched.minCapacity);
    const high = num(sched.maxCapacity);
    if (low === undefined && high === undefined)
      issue([...at, "autoscaling", "schedules", i], "changes nothing. Fix: set minCapacity, maxCapacity or both");
    if (low !== undefined && high !== undefined && low > high)
      issue(
        [...at, "autoscaling", "schedules", i, "minCapacity"],
        `${low} is greater than maxCapacity (${high}). Fix: make minCapacity <= maxCapacity`,
      );
    if (low === 0 && num(scaling?.minCapacity) !== 0)
      issue(
        [...at, "autoscaling", "schedules", i, "minCapacity"],
        "0 is for a model that scales to zero: an endpoint's own instances stay at 1 or more. Fix: autoscaling.minCapacity 0, or a schedule minimum of 1",
      );
  });
  if (scaling && serverless) {
    issue(
      [...at, "autoscaling"],
      "serverless endpoints scale by themselves. Fix: remove autoscaling, or use an instance",
    );
  }
  const min = num(scaling?.minCapacity);
  const max = num(scaling?.maxCapacity);
  if (min !== undefined && max !== undefined && min > max) {
    issue(
      [...at, "autoscaling", "minCapacity"],
      `${min} is greater than maxCapacity (${max}). Fix: make minCapacity <= maxCapacity`,
    );
  }
  const initial = num(instance?.initialCount);
  if (
    initial !== undefined &&
    min !== undefined &&
    max !== undefined &&
    min <= max &&
    (initial < min || initial > max)
  ) {
    issue(
      [...at, "instance", "initialCount"],
      `${initial} is outside autoscaling ${min}..${max}. Fix: set initialCount within that range`,
    );
  }
}

/** An embedding model (TEI): a Hugging Face model, served at /v1/embeddings by the shared function only. */
function checkEmbeddingModel(m: Record<string, unknown>, at: (string | number)[], issue: Issue): void {
  const hf = obj(m.huggingFace);
  if (!hf)
    issue(
      [...at, "server"],
      '"tei" serves a Hugging Face embedding model. Fix: give huggingFace.modelId, or use another server',
    );
  const generation = ["quantize", "maxInputTokens", "maxTotalTokens", "maxBatchPrefillTokens", "toolCallParser"].filter(
    (k) => hf?.[k] !== undefined,
  );
  if (generation.length > 0)
    issue(
      [...at, "huggingFace", generation[0]],
      `is a text-generation setting; TEI serves embeddings. Fix: remove ${generation.join(", ")}`,
    );
  if (m.integration === "direct" || m.lambda !== undefined)
    issue(
      [...at, m.lambda !== undefined ? "lambda" : "integration"],
      "an embedding model has no /invoke route or functions of its own: /v1/embeddings serves it. Fix: remove it",
    );
}
