import {
  COMMENT_LIMIT,
  COMMENT_MARKER,
  renderComment,
  summarizePlan,
  type PlanJson,
} from "../../deployment/operations/plan-summary";

const plan = (...changes: [string, string[]][]): PlanJson => ({
  resource_changes: changes.map(([address, actions]) => ({ address, change: { actions } })),
});

describe("plan summary", () => {
  it("counts creates, updates, replacements and destroys, and ignores reads and no-ops", () => {
    const summary = summarizePlan(
      "llm-api-prod",
      plan(
        ["aws_lambda_function.a", ["create"]],
        ["aws_lambda_function.b", ["update"]],
        ["aws_sagemaker_endpoint_configuration.c", ["create", "delete"]],
        ["aws_sagemaker_model.d", ["delete", "create"]],
        ["aws_cloudwatch_log_group.e", ["delete"]],
        ["data.aws_secretsmanager_secret_version.f", ["read"]],
        ["aws_iam_role.g", ["no-op"]],
      ),
    );
    expect(summary).toEqual({
      stack: "llm-api-prod",
      create: 1,
      update: 1,
      replace: 2,
      destroy: 1,
      risky: [
        "replace aws_sagemaker_endpoint_configuration.c",
        "replace aws_sagemaker_model.d (destroyed first: downtime)",
        "destroy aws_cloudwatch_log_group.e",
      ],
    });
  });

  it("names what forces a replacement, says an endpoint replaced is downtime, and that an endpoint update restarts at initialCount", () => {
    const summary = summarizePlan("llm-api-prod", {
      resource_changes: [
        {
          address: "module.m.aws_sagemaker_endpoint.endpoint",
          type: "aws_sagemaker_endpoint",
          change: {
            actions: ["delete", "create"],
            replace_paths: [["deployment_config", 0, "auto_rollback_configuration"]],
          },
        },
        { address: "aws_sagemaker_endpoint.other", type: "aws_sagemaker_endpoint", change: { actions: ["update"] } },
        {
          address: "aws_sagemaker_model.m",
          type: "aws_sagemaker_model",
          change: { actions: ["create", "delete"], replace_paths: [["name"]] },
        },
      ],
    });
    expect(summary.risky).toEqual([
      "replace module.m.aws_sagemaker_endpoint.endpoint because of deployment_config.0.auto_rollback_configuration (destroyed first: no model until the new endpoint is InService, typically 10-20 minutes)",
      "update aws_sagemaker_endpoint.other: the endpoint restarts at its initial instance count (initialCount), and autoscaling takes it from there",
      "replace aws_sagemaker_model.m because of name",
    ]);
  });

  it("renders a table, a warning per risky change and each full plan folded away, under the marker", () => {
    const comment = renderComment([summarizePlan("llm-api-dev", plan(["aws_lambda_function.a", ["delete"]]))], {
      "llm-api-dev": "  - aws_lambda_function.a",
    });
    expect(comment.split("\n").slice(0, 6)).toEqual([
      COMMENT_MARKER,
      "### Terraform plan",
      "",
      "| stack | create | update | replace | destroy |",
      "| --- | ---: | ---: | ---: | ---: |",
      "| `llm-api-dev` | 0 | 0 | 0 | 1 |",
    ]);
    expect(comment).toContain("- :warning: `llm-api-dev`: destroy aws_lambda_function.a");
    expect(comment).toContain(
      "<details><summary>llm-api-dev: full plan</summary>\n\n```\n  - aws_lambda_function.a\n```\n\n</details>",
    );
  });

  it("cuts long plans so the comment stays under GitHub's limit", () => {
    const huge = "x".repeat(200_000);
    const comment = renderComment([summarizePlan("a", plan()), summarizePlan("b", plan())], { a: huge, b: huge });
    expect(comment.length).toBeLessThan(COMMENT_LIMIT);
    expect(comment).toContain("more characters: see the workflow log");
  });
});
