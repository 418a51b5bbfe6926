import { functionSettingsOf, type Config } from "./schema";
import { misfit } from "./fit";

/**
 * Things a valid config can still run into on a first deploy in a fresh account: limits that are
 * per account and not visible in the config. Printed at synth; they never stop it.
 */
export function configWarnings(config: Config): string[] {
  const warnings: string[] = [];
  config.models.forEach((m, i) => {
    const capacity = m.capacity;
    if (capacity.kind !== "instance" || !capacity.deployment) return;
    const fleet = capacity.autoscaling?.maxCapacity ?? capacity.initialCount;
    warnings.push(
      `models[${i}].deployment: a blue/green update starts a second fleet beside the first, so up to ${2 * fleet} ${capacity.type} instances run at once. ` +
        `Check the account's SageMaker quota "${capacity.type} for endpoint usage" (Service Quotas) covers that, or the update fails.`,
    );
  });
  config.models.forEach((m, i) => {
    // Deployment guardrails exclusions (SageMaker developer guide): Marketplace containers update all at once.
    if (m.source.kind !== "modelPackage" || m.capacity.kind !== "instance" || !m.capacity.deployment) return;
    warnings.push(
      `models[${i}].deployment: SageMaker applies no deployment guardrails to AWS Marketplace model packages: it replaces the fleet all at once, ` +
        `with no baking period and no rollback, so the ${m.capacity.deployment.strategy} update configured here does nothing for such a package. ` +
        `Fix: remove models[${i}].deployment (or keep it for a package of your own account, which does get guardrails).`,
    );
  });
  config.models.forEach((m, i) => {
    if (m.source.kind !== "huggingFace" || !m.source.fitCheck) return;
    const fit = misfit(m.source, m.capacity);
    if (!fit) return;
    warnings.push(
      `models[${i}]: about ${fit.weightsGb.toFixed(0)} GB of weights (an estimate: ${fit.billions}B parameters read from the model id, ${fit.bytesPerParameter} bytes each) ` +
        `will not fit ${fit.where} with room for the KV cache, so the endpoint would fail to start. ` +
        `Fix: a larger instance, a quantization, or set models[${i}].huggingFace.fitCheck to false if the estimate is wrong.`,
    );
  });
  const settings = [
    ...config.models.map((m, i) => ({ at: `models[${i}]`, lambda: functionSettingsOf(m) })),
    ...config.existingEndpoints.map((e, i) => ({ at: `existingEndpoints[${i}]`, lambda: functionSettingsOf(e) })),
  ];
  const reserved = settings.flatMap(({ at, lambda }) =>
    lambda?.reservedConcurrency ? [{ at, n: lambda.reservedConcurrency }] : [],
  );
  if (reserved.length > 0) {
    // Each model with reserved concurrency has two functions (invoke and stream) that reserve it.
    const total = reserved.reduce((sum, r) => sum + 2 * r.n, 0);
    warnings.push(
      `${reserved.map((r) => `${r.at}.lambda.reservedConcurrency`).join(", ")}: the functions reserve ${total} concurrent executions in all. ` +
        `Lambda keeps 100 of the account's quota unreserved, and new accounts can start with a quota as low as 10, where any reservation fails. ` +
        `Check "Concurrent executions" in Service Quotas, or leave reservedConcurrency out.`,
    );
  }
  return warnings;
}
