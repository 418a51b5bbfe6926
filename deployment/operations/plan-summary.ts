/**
 * The pull-request comment: per stack, how many resources a plan creates,
 * updates, replaces and destroys, from `terraform show -json`, with each full
 * plan folded away below. One marker lets the workflow update its own comment.
 */
import { foreignPrincipals } from "../iam/trust-review";

export const COMMENT_MARKER = "<!-- llm-api-plan -->";
/** GitHub refuses comments over 65,536 characters. */
export const COMMENT_LIMIT = 65_000;

export interface PlanJson {
  readonly resource_changes?: readonly {
    readonly address: string;
    readonly type?: string;
    /** replace_paths: the attributes that force the replacement (Terraform's JSON plan). */
    readonly change: {
      readonly actions: readonly string[];
      readonly replace_paths?: readonly (readonly (string | number)[])[];
      /** The resource as the plan would leave it; an IAM role's assume_role_policy is read for who it trusts. */
      readonly after?: Readonly<Record<string, unknown>> | null;
    };
  }[];
}

const ENDPOINT = "aws_sagemaker_endpoint";

export interface StackSummary {
  readonly stack: string;
  readonly create: number;
  readonly update: number;
  readonly replace: number;
  readonly destroy: number;
  /** Addresses of what is replaced or destroyed: the lines a reviewer must not miss. */
  readonly risky: readonly string[];
}

export function summarizePlan(stack: string, plan: PlanJson): StackSummary {
  const counts = { create: 0, update: 0, replace: 0, destroy: 0 };
  const risky: string[] = [];
  for (const { address, type, change } of plan.resource_changes ?? []) {
    const actions = change.actions.join(",");
    if (actions === "create") counts.create++;
    else if (actions === "update") {
      counts.update++;
      // SageMaker starts the new endpoint config at its initial count; the provider cannot ask it to keep the current one.
      if (type === ENDPOINT)
        risky.push(
          `update ${address}: the endpoint restarts at its initial instance count (initialCount), and autoscaling takes it from there`,
        );
    } else if (actions === "delete") {
      counts.destroy++;
      risky.push(`destroy ${address}`);
    } else if (actions === "create,delete" || actions === "delete,create") {
      counts.replace++;
      const because = change.replace_paths?.length
        ? ` because of ${change.replace_paths.map((p) => p.join(".")).join(", ")}`
        : "";
      const downtime =
        actions !== "delete,create"
          ? ""
          : type === ENDPOINT
            ? " (destroyed first: no model until the new endpoint is InService, typically 10-20 minutes)"
            : " (destroyed first: downtime)";
      risky.push(`replace ${address}${because}${downtime}`);
    }
    // "read" and "no-op" change nothing.
    if (type === "aws_iam_role" && actions !== "delete" && actions !== "no-op" && actions !== "read")
      for (const principal of foreignPrincipals(change.after?.assume_role_policy))
        risky.push(
          `${address} trusts ${principal}, which is neither an AWS service nor GitHub's OIDC provider: check who may assume it`,
        );
  }
  return { stack, ...counts, risky };
}

const fence = (text: string) => `\`\`\`\n${text.replace(/```/g, "ʼʼʼ")}\n\`\`\``;

/** The comment's Markdown; full plans are cut so the whole fits in one comment. */
export function renderComment(
  summaries: readonly StackSummary[],
  fullPlans: Readonly<Record<string, string>>,
  footer = "",
): string {
  const head = [
    COMMENT_MARKER,
    "### Terraform plan",
    "",
    "| stack | create | update | replace | destroy |",
    "| --- | ---: | ---: | ---: | ---: |",
    ...summaries.map((s) => `| \`${s.stack}\` | ${s.create} | ${s.update} | ${s.replace} | ${s.destroy} |`),
    "",
    ...summaries.flatMap((s) => s.risky.map((line) => `- :warning: \`${s.stack}\`: ${line}`)),
    "",
  ].join("\n");
  const budget = Math.max(0, COMMENT_LIMIT - head.length - footer.length - summaries.length * 200);
  const each = Math.floor(budget / Math.max(1, summaries.length));
  const details = summaries.map((s) => {
    const plan = fullPlans[s.stack] ?? "";
    const shown =
      plan.length > each
        ? `${plan.slice(0, each)}\n... (${plan.length - each} more characters: see the workflow log)`
        : plan;
    return `<details><summary>${s.stack}: full plan</summary>\n\n${fence(shown)}\n\n</details>`;
  });
  return [head, ...details, footer].filter(Boolean).join("\n");
}
