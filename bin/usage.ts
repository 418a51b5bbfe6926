import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { usage } from "./usage-command";

/** npm run usage: see usage-command.ts. */
usage(process.argv.slice(2), new CloudWatchClient({})).then(
  (report) => console.log(report),
  (err: Error) => {
    console.error(err.message);
    process.exit(1);
  },
);
