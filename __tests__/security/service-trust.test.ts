import { loadConfig } from "../../config/load";
import { resources, synth, SHIPPED_CONFIGS } from "../helpers/synth";
import { simulatorOrSkip } from "../helpers/iam-simulator";

/**
 * Every role a service assumes, in every stack of every example, trusts that service for this
 * account only (the confused deputy): simulated as IAM evaluates a trust policy, the service acting
 * for this account may assume it, the same service acting for another account may not.
 */
const ACCOUNT = "123456789012";
const OTHER = "999999999999";
const simulator = simulatorOrSkip();
const suite = simulator ? describe : describe.skip;
const CONFIGS = SHIPPED_CONFIGS;

interface Trust {
  readonly Statement: { Principal: { Service: string } }[];
}

/** Who assumes the role: the service, acting for an account (with the source its requests carry, where AWS documents one). */
async function assume(
  trust: Trust,
  service: string,
  region: string,
  account: string,
  keys: "both" | "none" = "both",
): Promise<string> {
  const source: Record<string, string> =
    service === "sagemaker.amazonaws.com"
      ? {
          "aws:SourceArn": `arn:aws:sagemaker:${region}:${account}:endpoint/some-endpoint`,
          "aws:SourceAccount": account,
        }
      : { "aws:SourceAccount": account };
  const result = await simulator!(
    {
      identityPolicies: [],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: trust,
      request: {
        action: "sts:AssumeRole",
        principal: service,
        resource: { accountId: ACCOUNT, resource: `arn:aws:iam::${ACCOUNT}:role/the-role` },
        contextVariables: keys === "both" ? source : {},
      },
    },
    {},
  );
  if (result.resultType === "error") throw new Error(JSON.stringify(result.errors));
  return result.overallResult;
}

// Without the simulator nothing is synthesised either: the skipped suite costs nothing.
const roles = (simulator ? CONFIGS : []).flatMap((file) => {
  const config = loadConfig(file);
  const { stacks } = synth(config);
  return Object.entries(stacks).flatMap(([stackName, stack]) =>
    resources(stack, "aws_iam_role")
      .map((r) => ({
        label: `${file.split("/").pop()} ${stackName} ${r.name}`,
        region: config.region,
        trust: JSON.parse(
          String(r.values.assume_role_policy)
            .replace(/\$\{data\.aws_caller_identity\.caller\.account_id\}/g, ACCOUNT)
            .replace(/\$\{data\.aws_partition\.[^}]+\.partition\}/g, "aws"),
        ) as Trust,
      }))
      .filter((r) => r.trust.Statement.some((st) => st.Principal?.Service)),
  );
});

suite("service roles trust their service for this account only", () => {
  it("finds the service roles of every example (the check can fail)", () => {
    const services = new Set(roles.flatMap((r) => r.trust.Statement.map((st) => st.Principal.Service)));
    expect([...services].sort()).toEqual([
      "apigateway.amazonaws.com",
      "lambda.amazonaws.com",
      "sagemaker.amazonaws.com",
    ]);
  });

  it.each(roles.map((r) => [r.label, r] as const))("%s", async (_label, role) => {
    const service = role.trust.Statement[0].Principal.Service;
    expect([service, await assume(role.trust, service, role.region, ACCOUNT)]).toEqual([service, "Allowed"]);
    expect([service, await assume(role.trust, service, role.region, OTHER)]).toEqual([service, "ImplicitlyDenied"]);
    // SageMaker's hosting documents the source it sends, so it is required; the others only bind where sent.
    const unsourced = service === "sagemaker.amazonaws.com" ? "ImplicitlyDenied" : "Allowed";
    expect([service, await assume(role.trust, service, role.region, ACCOUNT, "none")]).toEqual([service, unsourced]);
    const stranger = service === "lambda.amazonaws.com" ? "ec2.amazonaws.com" : "lambda.amazonaws.com";
    expect(await assume(role.trust, stranger, role.region, ACCOUNT)).toBe("ImplicitlyDenied");
  });
});
