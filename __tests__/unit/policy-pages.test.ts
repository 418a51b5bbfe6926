import { readdirSync } from "node:fs";
import { join } from "node:path";
import { loadConfig } from "../../config/load";
import { boundaryArn } from "../../deployment/iam/boundary";
import { ciScope } from "../../deployment/iam/ci-policies";
import { ciRolePages } from "../../deployment/iam/ci-role-pages";
import { deployRoleStatements } from "../../deployment/iam/deploy-role";
import type { PolicyStatement } from "../../deployment/iam/iam-policies";
import { laidOut, pageLayout } from "../../deployment/iam/policy-pages";
import { MANAGED_POLICY_MAX_CHARS } from "../../reference/aws-limits";
import { ROOT } from "../helpers/synth";

const statement = (Sid: string, resources: number, length = 40): PolicyStatement => ({
  Sid,
  Effect: "Allow",
  Action: "lambda:GetFunction",
  Resource: Array.from(
    { length: resources },
    (_, i) => `arn:aws:lambda:us-east-1:123456789012:function:${String(i).padStart(length, "x")}`,
  ),
});
const size = (page: unknown) => JSON.stringify(page).length;
/** Every statement's resources, its parts (Sid, Sid2, ...) joined in order. */
const joined = (pages: { Statement: readonly PolicyStatement[] }[]) => {
  const bySid = new Map<string, string[]>();
  const parts = pages.flatMap((p) => p.Statement).sort((a, b) => a.Sid.localeCompare(b.Sid, "en", { numeric: true }));
  for (const st of parts) {
    const sid = st.Sid.replace(/\d+$/, "");
    bySid.set(sid, [...(bySid.get(sid) ?? []), ...[st.Resource].flat()]);
  }
  return Object.fromEntries(bySid);
};

describe("managed policy pages", () => {
  it("keeps every page within IAM's 6,144 characters and loses or repeats no resource", () => {
    const statements = [statement("Small", 3), statement("Huge", 300), statement("Medium", 40), statement("Tiny", 1)];
    const pages = laidOut(statements, pageLayout(statements));
    for (const page of pages) expect(size(page)).toBeLessThanOrEqual(MANAGED_POLICY_MAX_CHARS);
    expect(joined(pages)).toEqual(Object.fromEntries(statements.map((st) => [st.Sid, st.Resource])));
    // The huge statement is cut into parts; the small ones fill the room the parts leave.
    expect(
      pages.flatMap((p) => p.Statement.map((st) => st.Sid)).filter((sid) => sid.startsWith("Huge")).length,
    ).toBeGreaterThan(2);
    expect(pages.length).toBeLessThanOrEqual(
      Math.ceil(statements.reduce((n, st) => n + size(st), 0) / MANAGED_POLICY_MAX_CHARS) + 1,
    );
  });

  it("lays out statements of the same shape by a layout measured on longer values, and refuses other statements", () => {
    const long = [statement("A", 50, 60), statement("B", 5, 60)];
    const short = [statement("A", 50, 10), statement("B", 5, 10)];
    const pages = laidOut(short, pageLayout(long));
    expect(pages.map((p) => p.Statement.map((st) => st.Sid))).toEqual(
      laidOut(long, pageLayout(long)).map((p) => p.Statement.map((st) => st.Sid)),
    );
    expect(() => laidOut([statement("A", 49), statement("B", 5)], pageLayout(long))).toThrow(/other statements/);
  });

  it("refuses a statement that no page can hold", () => {
    expect(() => pageLayout([statement("One", 1, 7000)])).toThrow(/does not fit a managed policy/);
  });

  it("fits the CI roles of every example config, at the longest partition and account, in pages of 6,144 characters", () => {
    const examples = readdirSync(join(ROOT, "examples")).filter((f) => f.endsWith(".json"));
    for (const file of examples) {
      const config = loadConfig(join(ROOT, "examples", file));
      const scope = {
        ...ciScope(config, "aws-us-gov", "123456789012"),
        boundaryArn: boundaryArn("aws-us-gov", "123456789012", config.project),
      };
      const pages = ciRolePages(scope);
      for (const page of [...pages.deploy, ...pages.plan])
        expect([file, size(page) <= MANAGED_POLICY_MAX_CHARS]).toEqual([file, true]);
      const sids = pages.deploy.flatMap((p) => p.Statement.map((st) => st.Sid.replace(/\d+$/, "")));
      expect([file, [...new Set(sids)].sort()]).toEqual([
        file,
        [...new Set(deployRoleStatements(scope).map((st) => st.Sid.replace(/\d+$/, "")))].sort(),
      ]);
    }
  });
});
