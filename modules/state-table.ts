import { Construct } from "constructs";
import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { STATE_TABLE_KEYS } from "../deployment/lambda/wake";

export interface StateTableProps {
  /** The table's name: <project>-<stage>-state. */
  readonly name: string;
}

/**
 * The stage's DynamoDB table: how many requests are held per model while it wakes from zero
 * (functions/lib/held.ts), and each consumer's token budget per period (functions/lib/budget.ts),
 * in partitions of their own. On demand (no capacity to plan, nothing billed while idle), with
 * point-in-time recovery and items that expire on their own (TTL); encrypted at rest as every
 * DynamoDB table is, under a key AWS owns (a customer managed key would add a KMS key to keep, and
 * the AWS managed one a KMS lookup to every refresh, for counters of held requests and tokens: no secret is stored). The
 * provider's default tags carry the Project tag.
 */
export class StateTable extends Construct {
  readonly table: DynamodbTable;

  constructor(scope: Construct, id: string, props: StateTableProps) {
    super(scope, id);
    this.table = new DynamodbTable(this, "table", {
      name: props.name,
      billingMode: "PAY_PER_REQUEST",
      hashKey: STATE_TABLE_KEYS.hash,
      rangeKey: STATE_TABLE_KEYS.range,
      attribute: [
        { name: STATE_TABLE_KEYS.hash, type: "S" },
        { name: STATE_TABLE_KEYS.range, type: "S" },
      ],
      ttl: { attributeName: STATE_TABLE_KEYS.expires, enabled: true },
      pointInTimeRecovery: { enabled: true },
    });
  }
}
