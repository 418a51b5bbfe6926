import { OPENAI_ROUTES as OPENAI_ROUTE_LIST } from "../../contract/routes";
import { join } from "node:path";
import { loadConfig } from "../../config/load";
import { stagesOf, type Config } from "../../config/schema";
import { parseTemplateJson, synth, type StackJson } from "./synth";
import { planStacksOffline, requireTerraform, type PlannedStack } from "./terraform";
import { startFakeSecretsManager } from "./fake-secrets-manager";
import { COMMENT_MARKER, renderComment, summarizePlan } from "../../deployment/operations/plan-summary";

type Statement = { Sid: string; Action: string | string[]; Resource: string | string[] };

const asList = (v: string | string[]) => (Array.isArray(v) ? v : [v]);
/** How the API reaches a model: its own functions, API Gateway directly, or only the shared OpenAI function (embedding models). */
const reachOf = (m: Config["models"][number]) =>
  m.source.kind === "huggingFace" && m.source.server === "tei" ? "shared" : m.integration.kind;
/** The OpenAI-compatible routes of the shared function: chat, completions, embeddings, models. */
const OPENAI_ROUTES = OPENAI_ROUTE_LIST.length;
const countOf = (planned: PlannedStack, type: string) =>
  planned.plan.resource_changes.filter((r) => r.type === type).length;
const expression = (planned: PlannedStack, address: string, key: string) =>
  planned.plan.configuration.root_module.resources.find((r) => r.address === address)?.expressions[key]?.constant_value;

/**
 * Real terraform init + offline plan (which validates first) of every stack of one config, with
 * assertions on the plan; `validate: false` skips the separate `terraform validate` report.
 */
export function describePlannedConfig(file: string, options: { validate?: boolean } = {}): void {
  jest.setTimeout(300_000);
  const describeTf = requireTerraform() ? describe : describe.skip;
  describeTf(`terraform: ${file.split("/").slice(-2).join("/")}`, () => {
    let config: Config;
    let stacks: Record<string, StackJson>;
    let planned: Record<string, PlannedStack> = {};

    beforeAll(async () => {
      config = loadConfig(file);
      const result = synth(config);
      stacks = result.stacks;
      const secrets = await startFakeSecretsManager();
      try {
        planned = planStacksOffline(
          Object.fromEntries(Object.keys(stacks).map((name) => [name, join(result.outdir, "stacks", name)])),
          secrets.url,
          options,
        );
      } finally {
        await secrets.stop();
      }
    });

    // The first stage's stack stands for all: they differ only in names.
    const apiStack = () => planned[`${config.project}-${stagesOf(config)[0]}`];
    const stateStack = () => planned[`${config.project}-state`];

    it("validates and plans every stack as creates only, reading the token secrets at plan time", () => {
      expect(Object.keys(planned).sort()).toEqual(
        [
          ...stagesOf(config).map((s) => `${config.project}-${s}`),
          `${config.project}-state`,
          ...(config.ci ? [`${config.project}-ci`] : []),
        ].sort(),
      );
      for (const p of Object.values(planned)) {
        expect(p.validate).toMatchObject({ valid: true, error_count: 0 });
        expect(p.plan.resource_changes.length).toBeGreaterThan(0);
        // No data source is left to read at apply: a deferred token read would make model names unknown.
        for (const change of p.plan.resource_changes)
          expect([change.address, change.change.actions]).toEqual([change.address, ["create"]]);
      }
      for (const model of apiStack().plan.resource_changes.filter((r) => r.type === "aws_sagemaker_model"))
        expect([model.address, model.change.after.name]).toEqual([
          model.address,
          expect.stringMatching(/^[a-z0-9-]+-[0-9a-f]{8}$/),
        ]);
    });

    it("plans one model, endpoint config and endpoint per model, and autoscaling only where configured", () => {
      const p = apiStack();
      const models = config.models.length;
      const scaled = config.models.filter((m) => m.capacity.kind === "instance" && m.capacity.autoscaling).length;
      const served = models + config.existingEndpoints.length;
      expect(countOf(p, "aws_sagemaker_model")).toBe(models);
      expect(countOf(p, "aws_sagemaker_endpoint_configuration")).toBe(models);
      expect(countOf(p, "aws_sagemaker_endpoint")).toBe(models);
      expect(countOf(p, "aws_appautoscaling_target")).toBe(scaled);
      expect(countOf(p, "aws_appautoscaling_policy")).toBe(scaled);
      // Per model: buffered and streaming invokers (none for a direct integration); one OpenAI-compatible function
      // for all; with API keys, the authorizer that reads them.
      const ownFunctions = served - config.models.filter((m) => reachOf(m) !== "lambda").length;
      const keys = config.api.auth === "apiKey" ? 1 : 0;
      expect(countOf(p, "aws_lambda_function")).toBe(2 * ownFunctions + 1 + keys);
      expect(countOf(p, "aws_lambda_permission")).toBe(2 * ownFunctions + OPENAI_ROUTES + keys);
      expect(countOf(p, "aws_api_gateway_rest_api")).toBe(1);
      expect(countOf(p, "aws_api_gateway_usage_plan_key")).toBe(
        config.api.auth === "apiKey" ? (config.api.consumers?.length ?? 1) : 0,
      );
      const endpointNames = p.plan.resource_changes
        .filter((r) => r.type === "aws_sagemaker_endpoint")
        .map((r) => r.change.after.name);
      expect(endpointNames.sort()).toEqual(
        config.models.map((m) => `${config.project}-${stagesOf(config)[0]}-${m.name}`).sort(),
      );
    });

    it('never grants SageMaker invoke on Resource "*", and names exactly the served endpoints', () => {
      const p = apiStack();
      const policies = p.plan.resource_changes.filter((r) => r.type === "aws_iam_role_policy");
      expect(policies.length).toBeGreaterThan(0);
      const invokeResources: string[] = [];
      for (const policy of policies) {
        // Policies holding ARNs are unknown until apply; the plan's configuration has their template.
        const text = policy.change.after_unknown.policy
          ? expression(p, policy.address, "policy")
          : policy.change.after.policy;
        const statements = parseTemplateJson(text).Statement as Statement[];
        for (const s of statements) {
          if (!asList(s.Action).some((a) => a.startsWith("sagemaker:Invoke"))) continue;
          expect(asList(s.Resource)).not.toContain("*");
          invokeResources.push(...asList(s.Resource));
        }
      }
      // Each model appears in its invoke and stream functions' policies and in the chat function's;
      // a direct model in the chat function's and its API Gateway role's; an embedding model in the chat function's only.
      const grantsOf = (m: Config["models"][number]) => ({ lambda: 3, direct: 2, shared: 1 })[reachOf(m)];
      expect(invokeResources).toHaveLength(
        config.models.reduce((n, m) => n + grantsOf(m), 0) + 3 * config.existingEndpoints.length,
      );
      for (const e of config.existingEndpoints)
        expect(invokeResources.some((r) => r.endsWith(`:endpoint/${e.endpointName.toLowerCase()}`))).toBe(true);
      // Managed endpoints by ARNs built from their names, so no policy waits on (or is replaced with) an endpoint.
      for (const stage of stagesOf(config).slice(0, 1))
        for (const m of config.models)
          expect([
            m.name,
            invokeResources.filter((r) => r.endsWith(`:endpoint/${config.project}-${stage}-${m.name}`)).length,
          ]).toEqual([m.name, grantsOf(m)]);
      expect(invokeResources.filter((r) => r.includes("aws_sagemaker_endpoint."))).toEqual([]);
    });

    it("replaces endpoint configs and API deployments create-before-destroy, and redeploys on a body change", () => {
      const stack = stacks[`${config.project}-${stagesOf(config)[0]}`];
      const lifecycle = (type: string) =>
        Object.values(stack.resource?.[type] ?? {}).map(
          (r) => (r as { lifecycle?: Record<string, unknown> }).lifecycle,
        );
      expect(lifecycle("aws_sagemaker_endpoint_configuration")).toEqual(
        config.models.map(() => ({ create_before_destroy: true })),
      );
      expect(lifecycle("aws_api_gateway_deployment")).toEqual([{ create_before_destroy: true }]);
      const p = apiStack();
      for (const c of p.plan.resource_changes.filter((r) => r.type === "aws_sagemaker_endpoint_configuration")) {
        expect(c.change.after.name_prefix).toMatch(new RegExp(`^${config.project}-${stagesOf(config)[0]}-`));
        expect(c.change.after_unknown.name).toBe(true);
      }
      const deployment = p.plan.resource_changes.find((r) => r.type === "aws_api_gateway_deployment")!;
      expect(expression(p, deployment.address, "triggers")).toEqual({
        redeployment: expect.stringMatching(/^\$\{sha256\(aws_api_gateway_rest_api\.[^.]+\.body\)\}$/),
      });
    });

    it("requires authorization on every method of the planned API body", () => {
      const p = apiStack();
      const api = p.plan.resource_changes.find((r) => r.type === "aws_api_gateway_rest_api")!;
      const body = parseTemplateJson(expression(p, api.address, "body"));
      type Operation = { security: unknown[]; "x-amazon-apigateway-integration": { httpMethod: string; type: string } };
      const all = Object.values(body.paths as Record<string, Record<string, Operation>>).flatMap((path) =>
        Object.entries(path),
      );
      // CORS preflight (OPTIONS) is a keyless mock by design: browsers send no key on it, and it reaches no Lambda.
      const preflights = all.filter(([method]) => method === "options").map(([, op]) => op);
      expect(preflights.length).toBe(config.api.corsOrigins.length > 0 ? Object.keys(body.paths).length : 0);
      for (const op of preflights) expect(op["x-amazon-apigateway-integration"].type).toBe("mock");
      const operations = all.filter(([method]) => method !== "options").map(([, op]) => op);
      const direct = config.models.filter((m) => reachOf(m) === "direct").length;
      const routesOf = (m: Config["models"][number]) => ({ lambda: 2, direct: 1, shared: 0 })[reachOf(m)];
      expect(operations).toHaveLength(
        config.models.reduce((n, m) => n + routesOf(m), 0) + 2 * config.existingEndpoints.length + OPENAI_ROUTES,
      );
      const scheme =
        config.api.auth === "apiKey" ? [{ api_key: [], bearer: [] }] : config.api.auth === "iam" ? [{ sigv4: [] }] : [];
      for (const op of operations) {
        expect(op.security).toEqual(scheme);
        expect(op["x-amazon-apigateway-integration"]).toMatchObject({
          type: direct && op["x-amazon-apigateway-integration"].type === "aws" ? "aws" : "aws_proxy",
          httpMethod: "POST",
        });
      }
      // The key comes from the authorizer, which reads Bearer or x-api-key.
      if (config.api.auth === "apiKey") expect(body["x-amazon-apigateway-api-key-source"]).toBe("AUTHORIZER");
    });

    it("streams the /stream and OpenAI routes through Lambda response streaming in the planned body", () => {
      const p = apiStack();
      const api = p.plan.resource_changes.find((r) => r.type === "aws_api_gateway_rest_api")!;
      const body = parseTemplateJson(expression(p, api.address, "body"));
      const streamed = [
        ...[
          ...config.models.filter((m) => reachOf(m) === "lambda").map((m) => m.name),
          ...config.existingEndpoints.map((e) => e.name),
        ].map((m) => [`/${m}/stream`, "post"]),
        ["/v1/chat/completions", "post"],
        ["/v1/completions", "post"],
        ["/v1/embeddings", "post"],
        ["/v1/models", "get"],
      ];
      for (const [path, method] of streamed) {
        const integration = body.paths[path][method]["x-amazon-apigateway-integration"];
        expect([path, integration.responseTransferMode, integration.timeoutInMillis]).toEqual([path, "STREAM", 900000]);
        expect(integration.uri).toMatch(
          /^arn:\$\{data\.aws_partition\.[^.]+\.partition\}:apigateway:[a-z0-9-]+:lambda:path\/2021-11-15\/functions\/\$\{aws_lambda_function\.[^.]+\.arn\}\/response-streaming-invocations$/,
        );
      }
      for (const m of config.models.filter((x) => reachOf(x) !== "shared"))
        expect(
          body.paths[`/${m.name}/invoke`].post["x-amazon-apigateway-integration"].responseTransferMode,
        ).toBeUndefined();
      for (const m of config.models.filter((x) => reachOf(x) === "shared"))
        expect(body.paths[`/${m.name}/invoke`]).toBeUndefined();
      for (const m of config.models.filter((x) => x.integration.kind === "direct"))
        expect(body.paths[`/${m.name}/stream`]).toBeUndefined();
    });

    it("summarizes each stack's plan for the pull-request comment from terraform show -json", () => {
      for (const [name, p] of Object.entries(planned)) {
        const summary = summarizePlan(name, p.plan);
        const creates = p.plan.resource_changes.filter((r) => r.mode === "managed").length;
        expect(summary).toEqual({ stack: name, create: creates, update: 0, replace: 0, destroy: 0, risky: [] });
      }
      const comment = renderComment(
        Object.entries(planned).map(([name, p]) => summarizePlan(name, p.plan)),
        Object.fromEntries(Object.keys(planned).map((name) => [name, `plan of ${name}`])),
      );
      expect(comment.startsWith(COMMENT_MARKER)).toBe(true);
      for (const name of Object.keys(planned)) expect(comment).toContain(`<summary>${name}: full plan</summary>`);
    });

    // A config without CI has no CI stack: the test is skipped, not passed empty.
    const withCi = loadConfig(file).ci ? it : it.skip;
    withCi(
      "plans the CI roles' policies as managed policies attached to them, each within IAM's 6,144 characters where the plan knows it",
      () => {
        const p = planned[`${config.project}-ci`];
        const policies = p.plan.resource_changes.filter(
          (r) => r.type === "aws_iam_policy" && /-ci-(deploy|plan)-\d+$/.test(r.change.after.name),
        );
        const attachments = p.plan.resource_changes.filter((r) => r.type === "aws_iam_role_policy_attachment");
        expect(policies.length).toBeGreaterThanOrEqual(2);
        expect(attachments.length).toBe(policies.length);
        expect(p.plan.resource_changes.filter((r) => r.type === "aws_iam_role_policy")).toEqual([]);
        // The pages naming the boundary (created in the same apply) are known only then; the others now.
        const known = policies.filter((r) => !r.change.after_unknown.policy);
        expect(known.length).toBeGreaterThan(0);
        for (const r of known)
          expect([r.address, JSON.stringify(JSON.parse(r.change.after.policy)).length <= 6144]).toEqual([
            r.address,
            true,
          ]);
      },
    );

    it("plans the state bucket versioned, encrypted, private, TLS-only and protected from destroy", () => {
      const p = stateStack();
      expect(countOf(p, "aws_s3_bucket_versioning")).toBe(1);
      const versioning = p.plan.resource_changes.find((r) => r.type === "aws_s3_bucket_versioning")!;
      expect(versioning.change.after.versioning_configuration).toEqual([
        expect.objectContaining({ status: "Enabled" }),
      ]);
      const sse = p.plan.resource_changes.find((r) => r.type === "aws_s3_bucket_server_side_encryption_configuration")!;
      expect(sse.change.after.rule[0].apply_server_side_encryption_by_default[0].sse_algorithm).toBe("AES256");
      const block = p.plan.resource_changes.find((r) => r.type === "aws_s3_bucket_public_access_block")!;
      expect(block.change.after).toMatchObject({
        block_public_acls: true,
        block_public_policy: true,
        ignore_public_acls: true,
        restrict_public_buckets: true,
      });
      const policy = p.plan.resource_changes.find((r) => r.type === "aws_s3_bucket_policy")!;
      const statements = parseTemplateJson(expression(p, policy.address, "policy")).Statement;
      expect(statements).toEqual([
        expect.objectContaining({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": false } } }),
      ]);
      const stack = stacks[`${config.project}-state`];
      expect(Object.values(stack.resource!.aws_s3_bucket)[0]).toMatchObject({ lifecycle: { prevent_destroy: true } });
    });
  });
}
