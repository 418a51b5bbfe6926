import { summarizePlan } from "../../deployment/operations/plan-summary";
import { foreignPrincipals } from "../../deployment/iam/trust-review";
import { assumeRolePolicy } from "../../deployment/iam/iam-policies";
import { loadConfig } from "../../config/load";
import { stagesOf } from "../../config/schema";
import { SHIPPED_CONFIGS, synth } from "../helpers/synth";

// Trust policies IAM cannot bound at CreateRole: the pull-request comment names who a role lets in.
const trust = (Principal: unknown) =>
  JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Principal }] });

describe("foreignPrincipals", () => {
  it("passes AWS services and GitHub's OIDC provider, as the product's roles trust them", () => {
    expect(
      foreignPrincipals(
        JSON.stringify(
          assumeRolePolicy("lambda.amazonaws.com", { partition: "aws", region: "us-east-1", account: "123456789012" }),
        ),
      ),
    ).toEqual([]);
    expect(
      foreignPrincipals(
        trust({ Federated: "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" }),
      ),
    ).toEqual([]);
  });

  it("names everyone else: anyone, an account, a user, another identity provider", () => {
    expect(foreignPrincipals(trust("*"))).toEqual(["*"]);
    expect(
      foreignPrincipals(trust({ AWS: ["arn:aws:iam::999999999999:root", "arn:aws:iam::123456789012:user/ci"] })),
    ).toEqual(["AWS arn:aws:iam::999999999999:root", "AWS arn:aws:iam::123456789012:user/ci"]);
    expect(foreignPrincipals(trust({ Federated: "arn:aws:iam::123456789012:oidc-provider/gitlab.com" }))).toEqual([
      "Federated arn:aws:iam::123456789012:oidc-provider/gitlab.com",
    ]);
  });

  it("reads nothing into a policy not known at plan, or not JSON", () => {
    expect([
      foreignPrincipals(undefined),
      foreignPrincipals(true),
      foreignPrincipals("${aws_iam_openid_connect_provider.github.arn}"),
    ]).toEqual([[], [], []]);
  });
});

describe("the plan summary", () => {
  it("warns about a role created or changed to trust someone other than a service or GitHub", () => {
    const role = (address: string, actions: string[], Principal: unknown) => ({
      address,
      type: "aws_iam_role",
      change: { actions, after: { assume_role_policy: trust(Principal) } },
    });
    const summary = summarizePlan("llm-api-v1", {
      resource_changes: [
        role("aws_iam_role.fn", ["create"], { Service: "lambda.amazonaws.com" }),
        role("aws_iam_role.backdoor", ["update"], { AWS: "arn:aws:iam::999999999999:root" }),
      ],
    });
    expect(summary.risky).toEqual([
      "aws_iam_role.backdoor trusts AWS arn:aws:iam::999999999999:root, which is neither an AWS service nor GitHub's OIDC provider: check who may assume it",
    ]);
  });
});

describe("the product's own stage roles", () => {
  it.each(SHIPPED_CONFIGS.map((f) => [f.split("/").slice(-2).join("/"), f]))(
    "%s: every stage role trusts an AWS service only",
    (_name, file) => {
      const config = loadConfig(file);
      const { stacks } = synth(config);
      const policies = stagesOf(config).flatMap((stage) =>
        Object.values(stacks[`${config.project}-${stage}`].resource?.aws_iam_role ?? {}).map(
          (r) => (r as { assume_role_policy: string }).assume_role_policy,
        ),
      );
      expect(policies.length).toBeGreaterThan(0);
      expect(policies.flatMap(foreignPrincipals)).toEqual([]);
    },
  );
});
