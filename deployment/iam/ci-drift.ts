import { isDeepStrictEqual } from "node:util";
import type { PolicyDocument, PolicyStatement } from "./iam-policies";

/**
 * How the deploy role's deployed policies differ from what this config needs (lines; none when they
 * grant the same). IAM grants the union of a role's policies, so statements are compared across
 * pages, a statement cut into parts (Sid, Sid2, ...) joined again; and as values, not text: IAM
 * keeps a document as Terraform sent it, which may order keys differently.
 */
export function ciPolicyDrift(
  expected: readonly PolicyDocument[],
  deployed: readonly (PolicyDocument | undefined)[],
): string[] {
  if (deployed.every((page) => page === undefined))
    return [
      `none of its ${expected.length} policies could be read (the CI stack is not applied, or is from before this check)`,
    ];
  const want = joined(expected);
  const have = joined(deployed.flatMap((page) => (page ? [page] : [])));
  const missing = [...want.keys()].filter((sid) => !have.has(sid));
  const changed = [...want.keys()].filter((sid) => have.has(sid) && !isDeepStrictEqual(have.get(sid), want.get(sid)));
  const extra = [...have.keys()].filter((sid) => !want.has(sid));
  return [
    ...(missing.length ? [`missing ${missing.join(", ")}`] : []),
    ...(changed.length ? [`changed ${changed.join(", ")}`] : []),
    ...(extra.length ? [`no longer needed ${extra.join(", ")}`] : []),
  ];
}

/** Statements by Sid, each one's parts (Sid, Sid2, ...) joined in order. */
function joined(pages: readonly PolicyDocument[]): Map<string, PolicyStatement> {
  const parts = pages.flatMap((page) => page.Statement);
  const partIndex = (sid: string) => Number(/\d+$/.exec(sid)?.[0] ?? 1);
  const bySid = new Map<string, PolicyStatement[]>();
  for (const st of parts) {
    const sid = st.Sid.replace(/\d+$/, "");
    bySid.set(sid, [...(bySid.get(sid) ?? []), st]);
  }
  return new Map(
    [...bySid].map(([sid, list]) => {
      const ordered = [...list].sort((a, b) => partIndex(a.Sid) - partIndex(b.Sid));
      const resources = ordered.flatMap((st) => [st.Resource].flat());
      return [sid, { ...ordered[0], Sid: sid, Resource: ordered.length === 1 ? ordered[0].Resource : resources }];
    }),
  );
}
