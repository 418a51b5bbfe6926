import type { PolicyDocument } from "./iam-policies";
import { boundaryArn } from "./boundary";
import { planRoleStatements, type CiScope } from "./ci-policies";
import { deployRoleStatements } from "./deploy-role";
import { laidOut, pageLayout } from "./policy-pages";
import { projectRolePath } from "../names";

/** The ARN of a CI role's nth managed policy, as the CI stack names it. */
export const ciPolicyName = (project: string, role: "deploy" | "plan", n: number): string =>
  `${project}-ci-${role}-${n}`;
export const ciPolicyArn = (
  partition: string,
  account: string,
  project: string,
  role: "deploy" | "plan",
  n: number,
): string => `arn:${partition}:iam::${account}:policy${projectRolePath(project)}${ciPolicyName(project, role, n)}`;

/** The longest partition name (aws-us-gov) and a 12-digit account: no real ARN of the stack is longer. */
const LONGEST = { partition: "aws-us-gov", account: "123456789012" };

/**
 * The CI roles' policies as managed policies of at most 6,144 characters each. Names one by one take
 * more than a role's 10,240 characters of inline policy (examples/central-api.json: about 20,000 for
 * the deploy role). The layout is measured with the longest values the references in the ARNs can
 * take, so a page that fits here fits at apply.
 */
export function ciRolePages(scope: CiScope): { readonly deploy: PolicyDocument[]; readonly plan: PolicyDocument[] } {
  const measuring: CiScope = {
    ...scope,
    ...LONGEST,
    boundaryArn: boundaryArn(LONGEST.partition, LONGEST.account, scope.project),
  };
  const statementsOf = (s: CiScope) => {
    const deploy = deployRoleStatements(s);
    return { deploy, plan: planRoleStatements(s, deploy) };
  };
  const real = statementsOf(scope);
  const measured = statementsOf(measuring);
  return {
    deploy: laidOut(real.deploy, pageLayout(measured.deploy)),
    plan: laidOut(real.plan, pageLayout(measured.plan)),
  };
}
