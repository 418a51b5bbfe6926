import { startStandIn } from "./stand-in";

/**
 * A Secrets Manager stand-in for offline plans: GetSecretValue over the service's JSON protocol,
 * answering a fixed token for any secret; and STS's GetCallerIdentity (account 123456789012). It runs in a child process because the tests run
 * Terraform synchronously, which would block a server in this one. Terraform reaches it through
 * the provider's `endpoints` override (see planOffline).
 */
// As long as a real Hugging Face token, and long enough for an imported API key (32 characters at least).
export const FAKE_TOKEN = "hf_offline_plan_token_0123456789abcdefgh";

const SERVER = `
const http = require("node:http");
const server = http.createServer((req, res) => {
  let body = "";
  req.on("data", (c) => (body += c));
  req.on("end", () => {
    const target = req.headers["x-amz-target"];
    // STS's query protocol, for the caller-identity data source of stacks with a permissions boundary.
    if (!target && new URLSearchParams(body).get("Action") === "GetCallerIdentity") {
      res.writeHead(200, { "content-type": "text/xml" });
      return res.end('<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/offline-plan</Arn><UserId>AIDAOFFLINEPLAN</UserId><Account>123456789012</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000001</RequestId></ResponseMetadata></GetCallerIdentityResponse>');
    }
    // MODE_FILE "fail": Secrets Manager failing (a 500); "silent": never answering. CALLS_FILE counts the calls.
    const fs = require("node:fs");
    if (process.env.CALLS_FILE && target === "secretsmanager.GetSecretValue") fs.appendFileSync(process.env.CALLS_FILE, "call\\n");
    const mode = process.env.MODE_FILE && fs.existsSync(process.env.MODE_FILE) ? fs.readFileSync(process.env.MODE_FILE, "utf8").trim() : "";
    if (mode === "silent") return;
    if (mode === "fail") {
      res.writeHead(500, { "content-type": "application/x-amz-json-1.1" });
      return res.end(JSON.stringify({ __type: "InternalServiceError", message: "Secrets Manager is failing" }));
    }
    if (target !== "secretsmanager.GetSecretValue") {
      res.writeHead(400, { "content-type": "application/x-amz-json-1.1" });
      return res.end(JSON.stringify({ __type: "InvalidRequestException", message: "only GetSecretValue: " + target }));
    }
    const id = JSON.parse(body).SecretId;
    const name = id.split(":").pop();
    res.writeHead(200, { "content-type": "application/x-amz-json-1.1" });
    // With TOKENS_FILE, the secrets are read from it at every call, so a test can change one.
    const tokens = process.env.TOKENS_FILE ? require("node:fs").readFileSync(process.env.TOKENS_FILE, "utf8") : process.env.TOKENS;
    res.end(JSON.stringify({ ARN: id, Name: name, SecretString: JSON.parse(tokens || "{}")[name] ?? process.env.TOKEN, VersionId: "00000000-0000-0000-0000-000000000001", VersionStages: ["AWSCURRENT"], CreatedDate: 1764460800 }));
  });
});
server.listen(0, "127.0.0.1", () => process.stdout.write(String(server.address().port) + "\\n"));
`;

export interface FakeSecretsManager {
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * Answers `token` for every secret, or the token named for a secret (by the last part of its ARN) in
 * `bySecret`, or in the JSON file `bySecret` names, read at every call.
 */
export async function startFakeSecretsManager(
  token = FAKE_TOKEN,
  bySecret: Record<string, string> | { readonly file: string } = {},
  /** modeFile: "fail" or "silent" in it makes every call fail or hang; callsFile gets a line per GetSecretValue. */
  control: { readonly modeFile?: string; readonly callsFile?: string } = {},
): Promise<FakeSecretsManager> {
  return startStandIn(SERVER, {
    TOKEN: token,
    ...("file" in bySecret ? { TOKENS_FILE: String(bySecret.file) } : { TOKENS: JSON.stringify(bySecret) }),
    ...(control.modeFile ? { MODE_FILE: control.modeFile } : {}),
    ...(control.callsFile ? { CALLS_FILE: control.callsFile } : {}),
  });
}
