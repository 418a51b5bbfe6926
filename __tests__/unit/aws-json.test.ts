import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  DescribeInferenceComponentCommand,
  SageMakerClient,
  UpdateInferenceComponentRuntimeConfigCommand,
} from "@aws-sdk/client-sagemaker";
import { DynamoDBClient, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import { AwsCallError, awsJsonCall } from "../../functions/lib/aws-json";
import { createRuntimeClient } from "../../functions/lib/client";
import { withSettings } from "../../functions/lib/settings";

/**
 * The functions' own SigV4 JSON calls (functions/lib/aws-json.ts, written to keep the SDK's large
 * SageMaker and DynamoDB clients out of the bundles) against what those clients send for the same
 * operations: the same target, content type, body and signing scope. And errors read as the SDK
 * names them.
 */
interface Seen {
  readonly path: string;
  readonly target: string;
  readonly contentType: string;
  readonly body: unknown;
  /** Credential=<key>/<date>/<region>/<service>/aws4_request, without the date. */
  readonly scope: string;
  readonly signed: string[];
}

let server: Server;
let url: string;
const seen: Seen[] = [];
let answer: { status: number; body: unknown } = { status: 200, body: {} };
const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" };

const scopeOf = (req: IncomingMessage) => {
  const auth = String(req.headers.authorization);
  const [, key, , region, service] = /Credential=([^/]+)\/(\d+)\/([^/]+)\/([^/]+)\/aws4_request/.exec(auth)!;
  return { scope: `${key}/${region}/${service}`, signed: /SignedHeaders=([^,]+)/.exec(auth)![1].split(";") };
};

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      seen.push({
        path: req.url ?? "",
        target: String(req.headers["x-amz-target"]),
        contentType: String(req.headers["content-type"]),
        body: JSON.parse(body),
        ...scopeOf(req),
      });
      res.writeHead(answer.status, { "content-type": "application/x-amz-json-1.0" }).end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  seen.length = 0;
  answer = { status: 200, body: {} };
});

/** Our call, with the container's runtime client pointed at the region and credentials given. */
const ours = <T>(service: "sagemaker" | "dynamodb", operation: string, input: unknown) =>
  withSettings(
    {
      models: {},
      corsOrigins: [],
      streamTimeouts: { firstTokenMs: 1, idleMs: 1 },
      runtime: createRuntimeClient({ region: "eu-west-1", credentials }),
      endpoints: { [service]: url },
    },
    () => awsJsonCall<T>(service, operation, input),
  );
const sdk = { region: "eu-west-1", credentials, maxAttempts: 1 };

describe("the functions' own calls to SageMaker's control plane and DynamoDB", () => {
  it.each([
    [
      "DescribeInferenceComponent",
      { InferenceComponentName: "ic-a" },
      () => new DescribeInferenceComponentCommand({ InferenceComponentName: "ic-a" }),
    ],
    [
      "UpdateInferenceComponentRuntimeConfig",
      { InferenceComponentName: "ic-a", DesiredRuntimeConfig: { CopyCount: 1 } },
      () =>
        new UpdateInferenceComponentRuntimeConfigCommand({
          InferenceComponentName: "ic-a",
          DesiredRuntimeConfig: { CopyCount: 1 },
        }),
    ],
  ] as const)("send %s as @aws-sdk/client-sagemaker does", async (operation, input, command) => {
    await ours("sagemaker", operation, input);
    const client = new SageMakerClient({ ...sdk, endpoint: url });
    await client.send(command() as never).catch(() => undefined);
    client.destroy();
    const [mine, theirs] = seen;
    expect({ ...mine, signed: undefined }).toEqual({ ...theirs, signed: undefined });
    expect(mine.scope).toBe("AKIDEXAMPLE/eu-west-1/sagemaker");
    expect(mine.signed).toEqual(expect.arrayContaining(["host", "x-amz-date", "x-amz-target", "content-type"]));
  });

  it("send UpdateItem as @aws-sdk/client-dynamodb does", async () => {
    const input = {
      TableName: "t-state",
      Key: { pk: { S: "hold" }, sk: { S: "m" } },
      UpdateExpression: "SET #held = #held + :one",
      ConditionExpression: "#until > :now AND #held < :cap",
      ExpressionAttributeNames: { "#held": "held", "#until": "until" },
      ExpressionAttributeValues: { ":one": { N: "1" }, ":now": { N: "5" }, ":cap": { N: "50" } },
      ReturnValues: "ALL_NEW",
    } as const;
    await ours("dynamodb", "UpdateItem", input);
    const client = new DynamoDBClient({ ...sdk, endpoint: url });
    await client.send(new UpdateItemCommand(input)).catch(() => undefined);
    client.destroy();
    const [mine, theirs] = seen;
    expect({ ...mine, signed: undefined }).toEqual({ ...theirs, signed: undefined });
    expect(mine.scope).toBe("AKIDEXAMPLE/eu-west-1/dynamodb");
  });

  it("names an error as the service's type, as the SDK does", async () => {
    answer = {
      status: 400,
      body: {
        __type: "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException",
        message: "The conditional request failed",
      },
    };
    const mine = await ours("dynamodb", "UpdateItem", { TableName: "t" }).catch((e: unknown) => e);
    const client = new DynamoDBClient({ ...sdk, endpoint: url });
    const theirs = await client.send(new UpdateItemCommand({ TableName: "t", Key: {} })).catch((e: unknown) => e);
    client.destroy();
    expect(mine).toBeInstanceOf(AwsCallError);
    expect([(mine as Error).name, (mine as Error).message, (mine as AwsCallError).statusCode]).toEqual([
      (theirs as Error).name,
      (theirs as Error).message,
      400,
    ]);
  });
});
