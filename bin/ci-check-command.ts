import { GetPolicyCommand, GetPolicyVersionCommand, type IAMClient } from "@aws-sdk/client-iam";
import { boundaryArn } from "../deployment/iam/boundary";
import { ciScope } from "../deployment/iam/ci-policies";
import { ciPolicyDrift } from "../deployment/iam/ci-drift";
import { ciPolicyArn, ciRolePages } from "../deployment/iam/ci-role-pages";
import type { PolicyDocument } from "../deployment/iam/iam-policies";
import { ciStackName } from "../deployment/names";
import { commandLine, configFrom } from "./args";

export interface CiCheck {
  readonly current: boolean;
  readonly report: string;
}

/**
 * `npm run ci-check -- --role-arn <a CI role's ARN> [--markdown] [--config FILE]`: whether the deploy
 * role's policies, as the CI stack deployed them, are the ones this config needs. The deploy role
 * may create only the names its stages create, so a new model, stage or alarm needs the CI stack
 * applied (by an administrator) before the deploy that creates it: the deploy workflow stops here
 * instead of failing halfway with AccessDenied, and the pull-request comment says so before merge.
 */
export async function ciCheck(
  argv: readonly string[],
  iam: IAMClient,
  env: NodeJS.ProcessEnv = process.env,
): Promise<CiCheck> {
  const { values } = commandLine(
    "npm run ci-check -- --role-arn <a CI role's ARN> [--markdown] [--config FILE]",
    { "role-arn": { type: "string" }, markdown: { type: "boolean" } },
    false,
    argv,
  );
  const config = configFrom(values.config);
  if (!config.ci)
    throw new Error(
      "The config has no `ci`: there are no CI roles to check. Fix: add ci (docs/deploy.md, CI roles), or run this from the config that has it",
    );
  const roleArn = values["role-arn"] ?? env.ROLE_ARN ?? "";
  const role = /^arn:([a-z-]+):iam::(\d{12}):role\//.exec(roleArn);
  if (!role)
    throw new Error(
      `--role-arn (or ROLE_ARN) must be a CI role's ARN (it gives the account and partition), like arn:aws:iam::123456789012:role/${config.project}-ci-deploy. Got: "${roleArn}"`,
    );
  const [, partition, account] = role;
  const scope = {
    ...ciScope(config, partition, account),
    boundaryArn: boundaryArn(partition, account, config.project),
  };
  const expected = ciRolePages(scope).deploy;
  const arns = expected.map((_, i) => ciPolicyArn(partition, account, config.project, "deploy", i + 1));
  const deployed = await Promise.all(arns.map((arn) => deployedDocument(iam, arn)));
  const drift = ciPolicyDrift(expected, deployed);
  return {
    current: drift.length === 0,
    report: reportOf(drift, ciStackName(config.project), values.markdown === true),
  };
}

/** A managed policy's default version, or undefined when there is no such policy. */
async function deployedDocument(iam: IAMClient, arn: string): Promise<PolicyDocument | undefined> {
  try {
    const { Policy } = await iam.send(new GetPolicyCommand({ PolicyArn: arn }));
    const { PolicyVersion } = await iam.send(
      new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: Policy?.DefaultVersionId }),
    );
    // IAM returns the document URL-encoded (RFC 3986).
    return JSON.parse(decodeURIComponent(PolicyVersion?.Document ?? "{}")) as PolicyDocument;
  } catch (err) {
    if ((err as Error).name === "NoSuchEntityException") return undefined;
    // A CI stack from before this check does not let the role read its policies: it needs applying too.
    if ((err as Error).name === "AccessDenied" || (err as Error).name === "AccessDeniedException") return undefined;
    throw err;
  }
}

function reportOf(drift: readonly string[], stack: string, markdown: boolean): string {
  if (drift.length === 0) return markdown ? "" : "The deploy role's policies are the ones this config needs.";
  const fix = `An administrator applies the CI stack first (npx cdktf deploy ${stack}); until then the deploy stops before it changes anything.`;
  if (!markdown)
    return [`The deploy role's policies are not the ones this config needs:`, ...drift.map((d) => `  ${d}`), fix].join(
      "\n",
    );
  return [
    `> [!WARNING]`,
    `> **CI roles:** the deploy role's policies are not the ones this change needs (${drift.join("; ")}). ${fix}`,
  ].join("\n");
}
