/**
 * The pull-request comment: per stack, how many resources a plan creates,
 * updates, replaces and destroys, from `terraform show -json`, with each full
 * plan folded away below. One marker lets the workflow update its own comment.
 */
export const COMMENT_MARKER = "<!-- llm-api-plan -->";
/** GitHub refuses comments over 65,536 characters. */
export const COMMENT_LIMIT = 65_000;

export interface PlanJson {
  readonly resource_changes?: readonly { readonly address: string; readonly change: { readonly actions: readonly string[] } }[];
}

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
  for (const { address, change } of plan.resource_changes ?? []) {
    const actions = change.actions.join(",");
    if (actions === "create") counts.create++;
    else if (actions === "update") counts.update++;
    else if (actions === "delete") {
      counts.destroy++;
      risky.push(`destroy ${address}`);
    } else if (actions === "create,delete" || actions === "delete,create") {
      counts.replace++;
      risky.push(`replace ${address}${actions === "delete,create" ? " (destroyed first: downtime)" : ""}`);
    }
    // "read" and "no-op" change nothing.
  }
  return { stack, ...counts, risky };
}

const fence = (text: string) => `\`\`\`\n${text.replace(/```/g, "ʼʼʼ")}\n\`\`\``;

/** The comment's Markdown; full plans are cut so the whole fits in one comment. */
export function renderComment(summaries: readonly StackSummary[], fullPlans: Readonly<Record<string, string>>, footer = ""): string {
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
    const shown = plan.length > each ? `${plan.slice(0, each)}\n... (${plan.length - each} more characters: see the workflow log)` : plan;
    return `<details><summary>${s.stack}: full plan</summary>\n\n${fence(shown)}\n\n</details>`;
  });
  return [head, ...details, footer].filter(Boolean).join("\n");
}
