import type { IConstruct } from "constructs";
import type { IAspect } from "cdktf";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";

/**
 * Puts one permissions boundary on every IAM role of the scope it is added to, those of today's
 * modules and any added later, so no role of a stage stack can escape it (see deployment/iam/boundary.ts).
 */
export class PermissionsBoundary implements IAspect {
  constructor(private readonly policyArn: string) {}

  visit(node: IConstruct): void {
    if (node instanceof IamRole) node.permissionsBoundary = this.policyArn;
  }
}
