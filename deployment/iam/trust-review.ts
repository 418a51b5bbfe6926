/**
 * Who a role's trust policy lets in, for the pull-request comment. IAM cannot bound it: the IAM
 * service reference gives CreateRole the condition keys aws:RequestTag, aws:TagKeys,
 * iam:PermissionsBoundary and iam:RoleTemplateARN, none of which reads the trust policy. The stage
 * roles' boundary caps what any principal could do with such a role; a reviewer sees who it is.
 * The product's own roles trust AWS services (with aws:SourceAccount) and GitHub's OIDC provider.
 */
type Principal = string | readonly string[] | Readonly<Record<string, string | readonly string[]>>;
interface Statement {
  readonly Effect?: string;
  readonly Principal?: Principal;
}

const GITHUB_OIDC = /^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\/token\.actions\.githubusercontent\.com$/;

/** The principals of a trust policy that are neither an AWS service nor GitHub's OIDC provider; [] when the policy is not known yet. */
export function foreignPrincipals(policy: unknown): string[] {
  if (typeof policy !== "string") return [];
  let statements: readonly Statement[];
  try {
    statements = [(JSON.parse(policy) as { Statement?: Statement | Statement[] }).Statement ?? []].flat();
  } catch {
    return [];
  }
  const foreign: string[] = [];
  for (const st of statements) {
    if (st.Effect !== "Allow" || st.Principal === undefined) continue;
    if (typeof st.Principal === "string" || Array.isArray(st.Principal)) {
      foreign.push(...[st.Principal].flat());
      continue;
    }
    for (const [kind, values] of Object.entries(st.Principal as Record<string, string | string[]>)) {
      for (const value of [values].flat()) {
        if (kind === "Service") continue;
        if (kind === "Federated" && GITHUB_OIDC.test(value)) continue;
        foreign.push(`${kind} ${value}`);
      }
    }
  }
  return foreign;
}
