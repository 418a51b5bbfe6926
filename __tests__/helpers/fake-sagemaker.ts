import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "./temp";
import { startStandIn } from "./stand-in";

/**
 * A SageMaker control plane on loopback, for Terraform's real apply: models, endpoint configs and
 * endpoints over the service's JSON 1.1 protocol (X-Amz-Target: SageMaker.<Operation>), each
 * described back as it was created, so the provider reads what it wrote. An update either moves the
 * endpoint to the new config or, while `rollBack(true)`, reports Updating and then InService on the
 * config it had before: what SageMaker does when a blue/green update is rolled back. It runs in a child
 * process (Terraform runs synchronously in the test's) and journals every call and its resources to
 * a file the test reads.
 */
const SERVER = `
const http = require("node:http");
const fs = require("node:fs");
const ACCOUNT = "123456789012";
const arn = (kind, name) => "arn:aws:sagemaker:us-east-1:" + ACCOUNT + ":" + kind + "/" + name.toLowerCase();
const state = { models: {}, configs: {}, endpoints: {}, calls: [] };
const save = () => fs.writeFileSync(process.env.JOURNAL, JSON.stringify(state));
const notFound = (what, name) => ({ status: 400, body: { __type: "ValidationException", message: "Could not find " + what + " \\"" + arn(what, name) + "\\"." } });
const now = () => Date.now() / 1000;

const operations = {
  CreateModel: (r) => ((state.models[r.ModelName] = { ...r, ModelArn: arn("model", r.ModelName), CreationTime: now() }), { ModelArn: arn("model", r.ModelName) }),
  DescribeModel: (r) => state.models[r.ModelName] || notFound("model", r.ModelName),
  DeleteModel: (r) => (state.models[r.ModelName] ? (delete state.models[r.ModelName], {}) : notFound("model", r.ModelName)),
  CreateEndpointConfig: (r) => ((state.configs[r.EndpointConfigName] = { ...r, EndpointConfigArn: arn("endpoint-config", r.EndpointConfigName), CreationTime: now() }), { EndpointConfigArn: arn("endpoint-config", r.EndpointConfigName) }),
  DescribeEndpointConfig: (r) => state.configs[r.EndpointConfigName] || notFound("endpoint configuration", r.EndpointConfigName),
  DeleteEndpointConfig: (r) => (state.configs[r.EndpointConfigName] ? (delete state.configs[r.EndpointConfigName], {}) : notFound("endpoint configuration", r.EndpointConfigName)),
  CreateEndpoint: (r) => {
    state.endpoints[r.EndpointName] = { EndpointName: r.EndpointName, EndpointArn: arn("endpoint", r.EndpointName), EndpointConfigName: r.EndpointConfigName, EndpointStatus: "InService", CreationTime: now(), LastModifiedTime: now() };
    return { EndpointArn: arn("endpoint", r.EndpointName) };
  },
  UpdateEndpoint: (r) => {
    const e = state.endpoints[r.EndpointName];
    if (!e) return notFound("endpoint", r.EndpointName);
    if (!state.configs[r.EndpointConfigName]) return notFound("endpoint configuration", r.EndpointConfigName);
    // The update runs: one look shows Updating, the next its outcome.
    const rollback = fs.existsSync(process.env.ROLLBACK_FILE) && fs.readFileSync(process.env.ROLLBACK_FILE, "utf8") === "1";
    e.pending = rollback ? e.EndpointConfigName : r.EndpointConfigName;
    e.EndpointStatus = "Updating";
    return { EndpointArn: e.EndpointArn };
  },
  DescribeEndpoint: (r) => {
    const e = state.endpoints[r.EndpointName];
    if (!e) return notFound("endpoint", r.EndpointName);
    const { pending, ...seen } = e;
    if (pending !== undefined) {
      // Rolled back: InService again, on the config it ran before the update.
      Object.assign(e, { EndpointConfigName: pending, EndpointStatus: "InService", LastModifiedTime: now() });
      delete e.pending;
    }
    return seen;
  },
  DeleteEndpoint: (r) => (state.endpoints[r.EndpointName] ? (delete state.endpoints[r.EndpointName], {}) : notFound("endpoint", r.EndpointName)),
  ListTags: () => ({ Tags: [] }),
  AddTags: () => ({ Tags: [] }),
  DeleteTags: () => ({}),
};

http
  .createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      const operation = String(req.headers["x-amz-target"] || "").replace(/^SageMaker\\./, "");
      const request = body ? JSON.parse(body) : {};
      state.calls.push({ operation, name: request.EndpointName || request.EndpointConfigName || request.ModelName || request.ResourceArn });
      const handler = operations[operation];
      const result = handler ? handler(request) : { status: 400, body: { __type: "UnknownOperationException", message: operation } };
      save();
      const status = result && result.status ? result.status : 200;
      res.writeHead(status, { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": "00000000-0000-0000-0000-000000000001" });
      res.end(JSON.stringify(result && result.status ? result.body : result));
    });
  })
  .listen(0, "127.0.0.1", function () {
    save();
    process.stdout.write(String(this.address().port) + "\\n");
  });
`;

export interface SageMakerJournal {
  readonly models: Record<string, unknown>;
  readonly configs: Record<string, unknown>;
  readonly endpoints: Record<string, { EndpointConfigName: string; EndpointStatus: string }>;
  readonly calls: { operation: string; name?: string }[];
}

export interface FakeSageMaker {
  readonly url: string;
  /** Whether the next updates are rolled back. */
  rollBack(on: boolean): void;
  /** What the stand-in holds now, and every call so far. */
  journal(): SageMakerJournal;
  stop(): Promise<void>;
}

export async function startFakeSageMaker(): Promise<FakeSageMaker> {
  const dir = tempDir("llm-api-sagemaker-");
  const journal = join(dir, "journal.json");
  const rollback = join(dir, "rollback");
  const standIn = await startStandIn(SERVER, { JOURNAL: journal, ROLLBACK_FILE: rollback });
  return {
    ...standIn,
    rollBack: (on) => writeFileSync(rollback, on ? "1" : "0"),
    journal: () => JSON.parse(readFileSync(journal, "utf8")) as SageMakerJournal,
  };
}
