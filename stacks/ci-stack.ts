import { stackAccount } from "../modules/stack-account";
import { Construct } from "constructs";
import { TerraformOutput, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { boundaryPolicyName, stageBoundaryStatements } from "../deployment/iam/boundary";
import { ciPolicyName, ciRolePages } from "../deployment/iam/ci-role-pages";
import { projectRolePath } from "../deployment/names";
import type { Config } from "../config/schema";
import {
  GITHUB_OIDC_HOST,
  ciScope,
  deploySubjects,
  githubTrustPolicy,
  planSubjects,
  type CiScope,
} from "../deployment/iam/ci-policies";
import { policyDocument, type PolicyDocument } from "../deployment/iam/iam-policies";
import { useStateBackend } from "./backend";
import { stateBackendOf } from "../deployment/resolve";
import { defaultTags } from "../deployment/tags";

export interface CiStackProps {
  readonly config: Config;
  readonly ci: NonNullable<Config["ci"]>;
}

/**
 * The roles GitHub Actions assumes through OIDC: a read-only plan role for pull
 * requests and a deploy role for the main branch's environment. Deployed once by
 * an administrator; the workflows never get long-lived keys.
 */
export class CiStack extends TerraformStack {
  readonly planRole: IamRole;
  readonly deployRole: IamRole;

  constructor(scope: Construct, id: string, props: CiStackProps) {
    super(scope, id);
    const { config, ci } = props;
    new AwsProvider(this, "aws", { region: config.region, defaultTags: [{ tags: defaultTags(config, "ci") }] });
    useStateBackend(this, stateBackendOf(config), id);
    const partition = new DataAwsPartition(this, "partition").partition;

    // One GitHub provider per account: reuse it when the config names it.
    const providerArn =
      ci.oidcProviderArn ??
      new IamOpenidConnectProvider(this, "github-oidc", {
        url: `https://${GITHUB_OIDC_HOST}`,
        clientIdList: ["sts.amazonaws.com"],
      }).arn;

    this.planRole = new IamRole(this, "plan-role", {
      name: `${config.project}-ci-plan`,
      description: `Read-only plans of ${ci.repository} pull requests`,
      assumeRolePolicy: githubTrustPolicy(providerArn, planSubjects(ci.repository, ci.planEnvironment)),
      maxSessionDuration: 3600,
    });
    this.deployRole = new IamRole(this, "deploy-role", {
      name: `${config.project}-ci-deploy`,
      description: `Deploys of ${ci.repository} from ${ci.branch} (environment ${ci.environment})`,
      assumeRolePolicy: githubTrustPolicy(providerArn, deploySubjects(ci.repository, ci.environment)),
      maxSessionDuration: 3600,
    });

    // The account, as every ARN of the stack names it: one sts:GetCallerIdentity, known at plan.
    const account = stackAccount(this);
    const reach: CiScope = ciScope(config, partition, account);
    // The ceiling of every role the stage stacks create; the deploy role may create roles only under it.
    const boundary = new IamPolicy(this, "stage-boundary", {
      name: boundaryPolicyName(config.project),
      description: `Permissions boundary of the roles of ${config.project}'s stage stacks`,
      policy: JSON.stringify(policyDocument(stageBoundaryStatements(config, partition, account))),
    });
    // Managed policies, not an inline one: the resources named one by one pass a role's 10,240
    // characters of inline policy (ci-role-pages.ts). Plans read what deploys manage, and nothing
    // else of the account (no ReadOnlyAccess).
    const pages = ciRolePages({ ...reach, boundaryArn: boundary.arn });
    this.attachPages(config.project, "deploy", this.deployRole, pages.deploy);
    this.attachPages(config.project, "plan", this.planRole, pages.plan);

    new TerraformOutput(this, "stage_boundary_arn", {
      value: boundary.arn,
      description: "Permissions boundary of every role the stage stacks create.",
    });
    new TerraformOutput(this, "plan_role_arn", {
      value: this.planRole.arn,
      description: "GitHub secret AWS_PLAN_ROLE_ARN (pull-request plans).",
    });
    new TerraformOutput(this, "deploy_role_arn", {
      value: this.deployRole.arn,
      description: "GitHub secret AWS_DEPLOY_ROLE_ARN (deploys from the environment).",
    });
  }

  /** A role's policy pages as managed policies <project>-ci-<role>-<n>, attached to it. */
  private attachPages(project: string, role: "deploy" | "plan", to: IamRole, pages: readonly PolicyDocument[]): void {
    pages.forEach((page, i) => {
      const policy = new IamPolicy(this, `${role}-policy-${i + 1}`, {
        name: ciPolicyName(project, role, i + 1),
        path: projectRolePath(project),
        description: `${role === "deploy" ? "Deploys" : "Pull-request plans"} of ${project}'s stages (${i + 1} of ${pages.length})`,
        policy: JSON.stringify(page),
      });
      new IamRolePolicyAttachment(this, `${role}-policy-${i + 1}-attachment`, { role: to.name, policyArn: policy.arn });
    });
  }
}
