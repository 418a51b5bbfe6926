import fc from "fast-check";
import { parseConfig } from "../../config/load";
import { startLocalStack, type LocalStack } from "../../local/dev-server";
import { apiEvent, call } from "../helpers/handlers";
import type { AnyHandler } from "../../local/lambda-runtime";

// Thousands of generated bodies against every route of the local stack (real handlers, emulator behind).
jest.setTimeout(180_000);

let stack: LocalStack;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
const counts = { requests: 0, ok: 0, client: 0, server: 0 };

beforeAll(async () => {
  process.on("unhandledRejection", onUnhandled);
  process.env.LOG_LEVEL = "silent";
  const config = parseConfig({
    region: "us-east-1",
    models: [
      {
        name: "mistral-7b",
        huggingFace: { modelId: "mistralai/Mistral-7B-Instruct-v0.2" },
        instance: { type: "ml.g5.2xlarge" },
      },
    ],
  });
  stack = await startLocalStack({ config, port: 0, apiKey: "k", emulator: {} });
});
afterAll(async () => {
  process.off("unhandledRejection", onUnhandled);
  await stack.stop();
  console.log(
    `request fuzzing: ${counts.requests} requests, ${counts.ok} 2xx, ${counts.client} 4xx, ${counts.server} 5xx, ${unhandled.length} unhandled rejections`,
  );
});

// Inherited names too: a lookup on a plain object finds Object.prototype's members for them.
const GENERATE_KEYS = [
  "max_new_tokens",
  "temperature",
  "top_p",
  "top_k",
  "repetition_penalty",
  "stop",
  "do_sample",
  "seed",
  "details",
  "bogus",
  "constructor",
  "toString",
  "hasOwnProperty",
];
const scalar = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.string(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 6 }),
);
const nested = (depth: number) => "[".repeat(depth) + "]".repeat(depth);

/** JSON text, or raw bytes that are not JSON or not UTF-8. */
const rawBodies = fc.oneof(
  fc.uint8Array({ maxLength: 512 }).map((b) => Buffer.from(b)),
  fc.constantFrom(
    "NaN",
    "-Infinity",
    '{"inputs": NaN}',
    '{"inputs": "x", "parameters": {"temperature": -Infinity}}',
    "",
    "null",
    "[]",
    "{",
    '{"inputs":"\\ud800"}',
    '{"inputs":"x","parameters":{"constructor":{}}}',
    '{"inputs":"x","parameters":{"__proto__":{"max_new_tokens":5}}}',
    '{"__proto__":{"inputs":"x"}}',
    '{"model":"mistral-7b","messages":[{"role":"user","content":"x","__proto__":{}}],"constructor":1}',
  ),
  fc.integer({ min: 1, max: 20_000 }).map((d) => nested(d)),
  fc.integer({ min: 1, max: 3000 }).map((d) => `{"inputs":"x","parameters":{"stop":${nested(d)}}}`),
  fc.constant(JSON.stringify({ inputs: "x".repeat(700 * 1024) })),
  fc.jsonValue({ maxDepth: 5 }).map((v) => JSON.stringify(v)),
);

const generateBodies = fc
  .record(
    {
      inputs: fc.oneof(
        fc.string(),
        fc.string({ minLength: 2000, maxLength: 20_000 }),
        fc.integer(),
        fc.constant(null),
        fc.array(fc.string()),
      ),
      parameters: fc.oneof(
        fc.dictionary(fc.constantFrom(...GENERATE_KEYS), scalar, { maxKeys: 5 }),
        fc.string(),
        fc.constant(null),
      ),
      extra: scalar,
    },
    { requiredKeys: [] },
  )
  .map((b) => JSON.stringify(b));

const chatBodies = fc
  .record(
    {
      model: fc.oneof(fc.constant("mistral-7b"), fc.string()),
      messages: fc.oneof(
        fc.array(
          fc.record(
            {
              role: fc.constantFrom("user", "system", "assistant", "developer", "tool", "wizard"),
              content: fc.oneof(
                fc.string(),
                fc.integer(),
                fc.constant(null),
                fc.array(fc.record({ type: fc.constantFrom("text", "image_url"), text: scalar })),
              ),
              tool_call_id: fc.oneof(fc.string(), fc.integer()),
              tool_calls: fc.oneof(
                fc.array(
                  fc.record({
                    id: fc.string(),
                    type: fc.constantFrom("function", "x"),
                    function: fc.record({ name: fc.string(), arguments: scalar }),
                  }),
                  { maxLength: 2 },
                ),
                scalar,
              ),
            },
            { requiredKeys: [] },
          ),
          { maxLength: 4 },
        ),
        fc.string(),
      ),
      stream: fc.oneof(fc.boolean(), fc.string()),
      temperature: fc.oneof(fc.double(), fc.integer({ min: -5, max: 5 })),
      top_p: fc.double(),
      max_tokens: fc.oneof(fc.integer({ min: -10, max: 100_000 }), fc.double()),
      stop: fc.oneof(fc.string(), fc.array(fc.string(), { maxLength: 6 }), fc.integer()),
      n: fc.integer({ min: 0, max: 3 }),
      tools: fc.oneof(
        fc.array(fc.string(), { maxLength: 2 }),
        fc.array(
          fc.record({
            type: fc.constantFrom("function", "x"),
            function: fc.record({ name: fc.string(), parameters: fc.oneof(scalar, fc.jsonValue({ maxDepth: 3 })) }),
          }),
          { maxLength: 2 },
        ),
      ),
      tool_choice: fc.oneof(
        fc.constantFrom("auto", "none", "required", "bogus"),
        fc.record({ type: fc.constant("function"), function: fc.record({ name: fc.string() }) }),
        scalar,
      ),
      response_format: fc.oneof(
        fc.record(
          {
            type: fc.constantFrom("text", "json_object", "json_schema", "xml"),
            json_schema: fc.record({ name: fc.string(), schema: fc.jsonValue({ maxDepth: 3 }) }),
          },
          { requiredKeys: [] },
        ),
        scalar,
      ),
      logprobs: fc.oneof(fc.boolean(), scalar),
      top_logprobs: fc.integer({ min: -2, max: 30 }),
    },
    { requiredKeys: [] },
  )
  .map((b) => JSON.stringify(b));

async function send(method: string, path: string, body: string | Buffer | undefined): Promise<void> {
  const res = await fetch(`${stack.url}${path}`, {
    method,
    headers: { "x-api-key": "k", "content-type": "application/json" },
    body: method === "GET" ? undefined : (body as unknown as string | undefined),
  });
  const text = await res.text();
  counts.requests++;
  if (res.status >= 500) {
    counts.server++;
    throw new Error(`${method} ${path} -> ${res.status}: ${text.slice(0, 300)}`);
  }
  if (res.status >= 400) {
    counts.client++;
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    const error = JSON.parse(text).error;
    expect([typeof error.type, typeof error.message]).toEqual(["string", "string"]);
  } else counts.ok++;
}

const RUNS = 1500;
describe("request fuzzing", () => {
  it.each([
    ["POST", "/mistral-7b/invoke"],
    ["POST", "/mistral-7b/stream"],
  ])("%s %s answers every generated body with 2xx or a JSON 4xx, never 5xx", async (method, path) => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(generateBodies, rawBodies, chatBodies), (body) => send(method, path, body)),
      { numRuns: RUNS },
    );
  });

  it("POST /v1/completions answers every generated body with 2xx or a JSON 4xx, never 5xx", async () => {
    const completionBodies = fc
      .record(
        {
          model: fc.oneof(fc.constant("mistral-7b"), fc.string()),
          prompt: fc.oneof(fc.string(), fc.array(fc.string(), { maxLength: 3 }), scalar),
          max_tokens: fc.oneof(fc.integer({ min: -10, max: 100_000 }), scalar),
          stream: fc.oneof(fc.boolean(), scalar),
          stop: fc.oneof(fc.string(), fc.array(scalar, { maxLength: 6 })),
          echo: scalar,
          suffix: scalar,
          logprobs: scalar,
          best_of: fc.integer({ min: 0, max: 3 }),
          temperature: fc.oneof(fc.double(), scalar),
        },
        { requiredKeys: [] },
      )
      .map((b) => JSON.stringify(b));
    await fc.assert(
      fc.asyncProperty(fc.oneof(completionBodies, rawBodies, chatBodies), (body) =>
        send("POST", "/v1/completions", body),
      ),
      { numRuns: RUNS },
    );
  });

  it("POST /v1/chat/completions answers every generated body with 2xx or a JSON 4xx, never 5xx", async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(chatBodies, rawBodies, generateBodies), (body) =>
        send("POST", "/v1/chat/completions", body),
      ),
      { numRuns: RUNS },
    );
  });

  it("GET /v1/models survives whatever else happened, and nothing was left unhandled", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constant(undefined), (body) => send("GET", "/v1/models", body)),
      { numRuns: 50 },
    );
    expect(unhandled).toEqual([]);
    expect(counts.server).toBe(0);
  });
});

// The handlers themselves, without the gateway's validation in front: they must hold on their own.
describe("handler fuzzing (no gateway validation)", () => {
  const handlers = (): Record<string, AnyHandler> => stack.handlers;

  it.each([
    ["invoke", "/mistral-7b/invoke"],
    ["stream", "/mistral-7b/stream"],
    ["openai", "/v1/chat/completions"],
    ["openai", "/v1/completions"],
  ])("%s on %s answers every generated body with 2xx or a JSON 4xx", async (name, path) => {
    const handler = handlers()[name];
    await fc.assert(
      fc.asyncProperty(fc.oneof(generateBodies, chatBodies, rawBodies), async (body) => {
        const raw = Buffer.isBuffer(body) ? body.toString("base64") : body;
        const event = { ...apiEvent("POST", path, undefined, raw), isBase64Encoded: Buffer.isBuffer(body) };
        const answer = await call(handler, event);
        counts.requests++;
        expect(answer.statusCode).toBeLessThan(500);
        if (answer.statusCode >= 400)
          expect([typeof answer.json?.error?.type, typeof answer.json?.error?.message]).toEqual(["string", "string"]);
      }),
      { numRuns: 500 },
    );
  });
});
