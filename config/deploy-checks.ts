import type { z } from "zod";
import { checkBudgets } from "./budgets";
import { num, obj, type Issue } from "./loose";

/**
 * Checks for configs that parse but would fail at deploy or leak: secrets in plain environments,
 * ARNs from another region, TGI limits it refuses to start with, and network isolation where the
 * model must download its weights. They read a value that may be partly invalid, so defensively.
 */
type Loose = Record<string, unknown>;

const list = (v: unknown): Loose[] => (Array.isArray(v) ? v.filter((x): x is Loose => obj(x) !== undefined) : []);

/** A Hugging Face user access token (hf_ and at least 30 letters or digits). */
const HF_TOKEN = /\bhf_[A-Za-z0-9]{30,}\b/;
const SECRET_NAME = /(TOKEN|SECRET|PASSWORD|API_KEY|CREDENTIALS)$/i;
/** The region part of an ARN: arn:partition:service:region:account:... */
const regionOf = (arn: unknown) => (typeof arn === "string" ? arn.split(":")[3] : undefined);

export function checkDeployable(value: unknown, ctx: z.RefinementCtx<unknown>): void {
  // A file holding null, a list or a number has already been reported as not an object.
  const config = obj(value);
  if (!config) return;
  const issue: Issue = (path, message) => ctx.addIssue({ code: "custom", path, message, input: undefined });
  const region = typeof config.region === "string" ? config.region : undefined;
  list(config.models).forEach((m, i) => checkModel(m, ["models", i], region, issue));
  checkConsumers(config, issue);
  checkBudgets(config, issue);
  const certificate = obj(obj(config.api)?.domain)?.certificateArn;
  const certRegion = regionOf(certificate);
  if (region && certRegion && certRegion !== region) {
    issue(
      ["api", "domain", "certificateArn"],
      `is in ${certRegion}, but a regional API Gateway domain needs a certificate in the API's region (${region}). Fix: request or import the certificate in ACM in ${region} and give that ARN`,
    );
  }
}

function checkModel(m: Loose, at: (string | number)[], region: string | undefined, issue: Issue): void {
  const hf = obj(m.huggingFace);
  const environment = obj(obj(m.custom)?.environment) ?? {};
  for (const [name, value] of Object.entries(environment)) {
    if (SECRET_NAME.test(name) || (typeof value === "string" && HF_TOKEN.test(value))) {
      issue(
        [...at, "custom", "environment", name],
        "looks like a secret, and this environment is written into the Terraform JSON and the plan. Fix: store it in Secrets Manager and have the container read it (huggingFace models take tokenSecretArn)",
      );
    }
  }
  const secretRegion = regionOf(hf?.tokenSecretArn);
  if (region && secretRegion && secretRegion !== region) {
    issue(
      [...at, "huggingFace", "tokenSecretArn"],
      `is in ${secretRegion}, but the stack reads it in ${region}, where this ARN does not exist. Fix: replicate the secret to ${region} (Secrets Manager replication) and give the replica's ARN`,
    );
  }
  const maxInput = num(hf?.maxInputTokens);
  const prefill = num(hf?.maxBatchPrefillTokens);
  if (maxInput !== undefined && prefill !== undefined && prefill < maxInput) {
    issue(
      [...at, "huggingFace", "maxBatchPrefillTokens"],
      `${prefill} is below maxInputTokens (${maxInput}); TGI refuses to start when one prompt cannot fit a prefill batch. Fix: raise maxBatchPrefillTokens to at least ${maxInput}`,
    );
  }
  const onInstance = m.instance !== undefined || m.placement !== undefined;
  const served = hf && onInstance && m.server !== "tei";
  if (m.chat === "messages" && !served) {
    issue(
      [...at, "chat"],
      '"messages" needs a backend with a chat API: TGI or vLLM serving a huggingFace model on an instance. Fix: use "prompt", or remove it for the default',
    );
  }
  if (m.chat !== undefined && m.server === "tei")
    issue([...at, "chat"], "an embedding model has no chat. Fix: remove it");
  if (hf?.task !== undefined && (onInstance || m.server === "tei")) {
    issue(
      [...at, "huggingFace", "task"],
      "is read by the CPU inference toolkit of serverless endpoints only; TGI, vLLM and TEI know their task. Fix: remove it",
    );
  }
  if (m.networkIsolation === true && hf && hf.weightsS3Uri === undefined) {
    issue(
      [...at, "networkIsolation"],
      "would stop the container from downloading the model from the Hugging Face Hub at start. Fix: remove it, or load the weights from S3 (huggingFace.weightsS3Uri)",
    );
  }
}

/** Consumers: API keys, so auth apiKey; each named once; each limited to models the API serves. */
function checkConsumers(config: Loose, issue: Issue): void {
  const api = obj(config.api);
  if (!Array.isArray(api?.consumers)) return;
  if (api.auth !== undefined && api.auth !== "apiKey")
    issue(["api", "consumers"], 'consumers get API keys. Fix: use auth "apiKey", or remove consumers');
  const served = new Set([...list(config.models), ...list(config.existingEndpoints)].map((m) => m.name));
  const seen = new Set<unknown>();
  list(api.consumers).forEach((c, i) => {
    if (seen.has(c.name))
      issue(
        ["api", "consumers", i, "name"],
        `"${String(c.name)}" is listed twice. Fix: give each consumer its own name`,
      );
    seen.add(c.name);
    const keyRegion = regionOf(c.keySecretArn);
    const region = typeof config.region === "string" ? config.region : undefined;
    if (region && keyRegion && keyRegion !== region)
      issue(
        ["api", "consumers", i, "keySecretArn"],
        `is in ${keyRegion}, but the stack reads it in ${region}. Fix: replicate the secret to ${region} and give the replica's ARN`,
      );
    (Array.isArray(c.models) ? c.models : []).forEach((model, j) => {
      if (typeof model === "string" && !served.has(model))
        issue(
          ["api", "consumers", i, "models", j],
          `"${model}" is not a model of this API. Fix: use one of ${[...served].join(", ")}`,
        );
    });
  });
}
