import { join } from "node:path";
import { parseTemplateJson, resources, ROOT, synth } from "../helpers/synth";

// Security defaults, across every stack of every example config.
const all = [
  "llm-api.config.json",
  "examples/multi-model.json",
  "examples/team.json",
  "examples/backends.json",
].flatMap((file) => Object.entries(synth(join(ROOT, file)).stacks).map(([name, stack]) => ({ file, name, stack })));

describe("security defaults", () => {
  it("keeps every log group for a limited time", () => {
    const groups = all.flatMap(({ stack }) => resources(stack, "aws_cloudwatch_log_group"));
    expect(groups.length).toBeGreaterThan(10);
    for (const g of groups) expect(g.values.retention_in_days).toBeGreaterThan(0);
  });

  it("writes access logs for every API stage and requires a key on every route but CORS preflight", () => {
    for (const { stack } of all) {
      for (const stage of resources(stack, "aws_api_gateway_stage"))
        expect(stage.values.access_log_settings.destination_arn).toMatch(/aws_cloudwatch_log_group/);
      for (const api of resources(stack, "aws_api_gateway_rest_api")) {
        const body = parseTemplateJson(api.values.body);
        for (const [path, item] of Object.entries(
          body.paths as Record<string, Record<string, { security: unknown[] }>>,
        )) {
          for (const [method, op] of Object.entries(item))
            expect([path, method, op.security]).toEqual([
              path,
              method,
              method === "options" ? [] : [{ api_key: [], bearer: [] }],
            ]);
        }
      }
    }
  });

  it("never puts a secret in a Lambda or container environment: tokens come from Secrets Manager at deploy time", () => {
    let tokens = 0;
    for (const { stack } of all) {
      const envs = [
        ...resources(stack, "aws_lambda_function").map((f) => f.values.environment?.variables ?? {}),
        ...resources(stack, "aws_sagemaker_model").map((m) => m.values.primary_container.environment ?? {}),
      ] as Record<string, string>[];
      for (const env of envs) {
        for (const [key, value] of Object.entries(env)) {
          expect([key, /\bhf_[A-Za-z0-9]{16,}/.test(value)]).toEqual([key, false]);
          if (/(^|_)(TOKEN|SECRET|PASSWORD|API_KEY)$/.test(key)) {
            expect(value).toMatch(/^\$\{data\.aws_secretsmanager_secret_version\.[^.]+\.secret_string\}$/);
            tokens++;
          }
        }
      }
    }
    expect(tokens).toBe(1);
  });

  it("keeps the state bucket private, encrypted, versioned, TLS-only and protected from destroy", () => {
    for (const { name, stack } of all.filter((s) => s.name === "llm-api-state")) {
      expect([name, resources(stack, "aws_s3_bucket")[0].values.lifecycle]).toEqual([name, { prevent_destroy: true }]);
      expect(resources(stack, "aws_s3_bucket_public_access_block")[0].values).toMatchObject({
        block_public_acls: true,
        block_public_policy: true,
        ignore_public_acls: true,
        restrict_public_buckets: true,
      });
      expect(resources(stack, "aws_s3_bucket_versioning")[0].values.versioning_configuration).toEqual({
        status: "Enabled",
      });
      expect(
        resources(stack, "aws_s3_bucket_server_side_encryption_configuration")[0].values.rule[0]
          .apply_server_side_encryption_by_default.sse_algorithm,
      ).toBe("AES256");
      const deny = parseTemplateJson(resources(stack, "aws_s3_bucket_policy")[0].values.policy).Statement[0];
      expect(deny).toMatchObject({
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Condition: { Bool: { "aws:SecureTransport": false } },
      });
    }
  });
});
