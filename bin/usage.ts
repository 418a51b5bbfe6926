import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { usage } from "./usage-command";

/** npm run usage: see usage-command.ts. */
usage(process.argv.slice(2), { cloudwatch: new CloudWatchClient({}), dynamodb: new DynamoDBClient({}) }).then(
  (report) => console.log(report),
  (err: Error) => {
    console.error(err.message);
    process.exit(1);
  },
);
