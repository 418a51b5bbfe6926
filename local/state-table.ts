import type { AddressInfo } from "node:net";
import { DynamoDBClient, CreateTableCommand } from "@aws-sdk/client-dynamodb";
import dynalite from "dynalite";
import { STATE_TABLE_KEYS } from "../deployment/lambda/wake";

/**
 * The stage's DynamoDB table on loopback, for the local stack: dynalite (a DynamoDB implementation
 * on LevelDB, in memory here) speaks DynamoDB's own protocol, so the handlers reach it through the
 * same calls as deployed, with only the endpoint changed. Created with the keys the stack gives the
 * deployed table (modules/state-table.ts); without its TTL, which dynalite does not implement
 * (UpdateTimeToLive answers UnknownOperationException): a local session's few items stay.
 */
export interface LocalStateTable {
  readonly url: string;
  readonly name: string;
  stop(): Promise<void>;
}

export async function startStateTable(name: string, region: string): Promise<LocalStateTable> {
  // Imported, not import()ed: under scripts/run-ts.js on Node 20, v8-compile-cache compiles modules
  // without a dynamic-import callback, so import() of a package throws ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING
  // (npm run local crashed on a stage table). Loading it costs about 26 ms.
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new DynamoDBClient({
    endpoint: url,
    region,
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  try {
    await client.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: "PAY_PER_REQUEST",
        AttributeDefinitions: [
          { AttributeName: STATE_TABLE_KEYS.hash, AttributeType: "S" },
          { AttributeName: STATE_TABLE_KEYS.range, AttributeType: "S" },
        ],
        KeySchema: [
          { AttributeName: STATE_TABLE_KEYS.hash, KeyType: "HASH" },
          { AttributeName: STATE_TABLE_KEYS.range, KeyType: "RANGE" },
        ],
      }),
    );
  } finally {
    client.destroy();
  }
  return {
    url,
    name,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
      }),
  };
}
