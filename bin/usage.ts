import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { usage } from "./usage-command";

// Lambda runs Node 22; the SDK's notice that it will drop Node 20 is not this tool's to show.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

/** npm run usage: see usage-command.ts. */
usage(process.argv.slice(2), { cloudwatch: new CloudWatchClient({}), dynamodb: new DynamoDBClient({}) }).then(
  (report) => console.log(report),
  (err: Error) => {
    console.error(err.message);
    process.exit(1);
  },
);
