import { IAMClient } from "@aws-sdk/client-iam";
import { ciCheck } from "./ci-check-command";

// Lambda runs Node 22; the SDK's notice that it will drop Node 20 is not this tool's to show.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

/** npm run ci-check: see ci-check-command.ts. With --markdown (the pull-request comment) a difference is a warning, not a failure. */
const markdown = process.argv.includes("--markdown");
ciCheck(process.argv.slice(2), new IAMClient({})).then(
  ({ current, report }) => {
    if (report) console.log(report);
    if (!current && !markdown) process.exit(1);
  },
  (err: Error) => {
    console.error(err.message);
    process.exit(1);
  },
);
