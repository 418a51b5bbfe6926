import { apiError } from "../helpers/api-error";
import { VOCABULARY } from "../../local/emulator/serving-container";
import { readProxyIntegration, readStreamIntegration, type GatewayAnswer } from "../../testing/api-gateway-view";
import type { Behaviour } from "../../local/emulator/sagemaker-emulator";
import { apiEvent, sseEvents } from "../helpers/handlers";
import { runtimeClientOrSkip, startRealRuntime, type RealRuntimeRig } from "../helpers/real-runtime";
import { emfProblems } from "../helpers/emf";
import { FIRST_TOKEN_TIMEOUT_ENV, STREAM_IDLE_TIMEOUT_ENV } from "../../contract/stream-timeouts";
import { STATE_TABLE_ENV } from "../../contract/wake";
import { startStateTable, type LocalStateTable } from "../../local/state-table";

// The function zips the stack deploys, run by AWS's own Lambda runtime interface client on Node 22,
// their answers read as API Gateway reads them: the proxy integration for invoke, STREAM for the others.
const client = runtimeClientOrSkip();
const suite = client ? describe : describe.skip;

const MODELS = {
  mistral: { endpoint: "ep-mistral", chat: "messages", stream: true },
  // A model that scales to zero: an inference component, woken and held for.
  idle: { endpoint: "ep-idle", chat: "messages", stream: true, component: "ic-idle" },
  // Another: a function asks for a copy of a component at most every 30 s, and the tests above woke ic-idle.
  held: { endpoint: "ep-held", chat: "messages", stream: true, component: "ic-held" },
  falcon: { endpoint: "ep-falcon", chat: "prompt", stream: true },
  tiny: { endpoint: "ep-tiny", chat: "prompt", stream: false },
  // TGI with MAX_TOTAL_TOKENS 8192: a prompt and an agent-sized budget that do not fit are refused.
  small: { endpoint: "ep-small", chat: "messages", stream: true, contextTokens: 8192 },
} as const;

let rig: RealRuntimeRig;
let table: LocalStateTable;
beforeAll(async () => {
  if (!client) return;
  // The stage table that counts held requests, on dynalite (DynamoDB's protocol on loopback).
  table = await startStateTable("llm-api-v1-state", "us-east-1");
  // Short stream timeouts, set as the stack sets them when the config differs from the defaults.
  rig = await startRealRuntime(client, MODELS, {
    [FIRST_TOKEN_TIMEOUT_ENV]: "2",
    [STREAM_IDLE_TIMEOUT_ENV]: "1",
    [STATE_TABLE_ENV]: table.name,
    AWS_ENDPOINT_URL_DYNAMODB: table.url,
  });
}, 60_000);
afterAll(() => Promise.all([rig?.stop(), table?.stop()]));
beforeEach(() => {
  for (const m of Object.values(MODELS)) rig?.emulator.behave(m.endpoint, {});
});

type Fn = "invoke" | "stream" | "openai";
async function send(
  fn: Fn,
  method: string,
  path: string,
  body?: unknown,
  timeoutMs = 29_000,
): Promise<GatewayAnswer & { json: any }> {
  const answer = await rig.functions[fn].invoke(apiEvent(method, path, body), { timeoutMs });
  const seen = fn === "invoke" ? readProxyIntegration(answer) : await readStreamIntegration(answer);
  let json: unknown;
  try {
    json = JSON.parse(seen.body);
  } catch {
    json = undefined;
  }
  return { ...seen, json };
}

const messages = [{ role: "user", content: "Say hello" }];
const big = "x".repeat(600 * 1024);
// Over the 4 MiB the OpenAI routes take (embedding batches, images).
const huge = "x".repeat(5 * 1024 * 1024);

suite("under AWS's Lambda runtime client, as API Gateway reads the answers", () => {
  describe("answers given as one JSON body", () => {
    const cases: [string, Fn, string, string, unknown, Behaviour, number, string][] = [
      ["invoke", "invoke", "POST", "/mistral/invoke", { inputs: "x" }, {}, 200, ""],
      ["invoke, bad body", "invoke", "POST", "/mistral/invoke", { inputs: 42 }, {}, 400, "invalid_request"],
      ["invoke, unknown model", "invoke", "POST", "/nope/invoke", { inputs: "x" }, {}, 404, "model_not_found"],
      [
        "invoke, model 422",
        "invoke",
        "POST",
        "/mistral/invoke",
        { inputs: "x" },
        { modelStatus: 422 },
        422,
        "model_rejected_request",
      ],
      ["models list", "openai", "GET", "/v1/models", undefined, {}, 200, ""],
      ["chat, not streamed", "openai", "POST", "/v1/chat/completions", { model: "mistral", messages }, {}, 200, ""],
      [
        "chat, prompt mode, not streamed",
        "openai",
        "POST",
        "/v1/chat/completions",
        { model: "falcon", messages },
        {},
        200,
        "",
      ],
      [
        "chat, unknown model",
        "openai",
        "POST",
        "/v1/chat/completions",
        { model: "gpt-4o", messages },
        {},
        404,
        "model_not_found",
      ],
      [
        "chat, unsupported parameter",
        "openai",
        "POST",
        "/v1/chat/completions",
        { model: "mistral", messages, n: 2 },
        {},
        400,
        "invalid_request",
      ],
      [
        "chat, too large",
        "openai",
        "POST",
        "/v1/chat/completions",
        { model: "mistral", messages: [{ role: "user", content: huge }] },
        {},
        413,
        "request_too_large",
      ],
      [
        "chat stream, model 422",
        "openai",
        "POST",
        "/v1/chat/completions",
        { model: "mistral", messages, stream: true },
        { modelStatus: 422 },
        422,
        "model_rejected_request",
      ],
      [
        "chat stream, model 500",
        "openai",
        "POST",
        "/v1/chat/completions",
        { model: "mistral", messages, stream: true },
        { modelStatus: 500 },
        424,
        "model_error",
      ],
      [
        "chat, model 429",
        "openai",
        "POST",
        "/v1/chat/completions",
        { model: "mistral", messages },
        { modelStatus: 429 },
        429,
        "model_overloaded",
      ],
      [
        "chat stream, not ready",
        "openai",
        "POST",
        "/v1/chat/completions",
        { model: "mistral", messages, stream: true },
        { notReady: true },
        503,
        "model_unavailable",
      ],
      [
        "responses, not streamed",
        "openai",
        "POST",
        "/v1/responses",
        { model: "mistral", input: "Say hello" },
        {},
        200,
        "",
      ],
      [
        "responses, stateful field",
        "openai",
        "POST",
        "/v1/responses",
        { model: "mistral", input: "x", previous_response_id: "r" },
        {},
        400,
        "unsupported_parameter",
      ],
      [
        "responses stream, model 500",
        "openai",
        "POST",
        "/v1/responses",
        { model: "mistral", input: "x", stream: true },
        { modelStatus: 500 },
        424,
        "model_error",
      ],
      ["stream, unknown model", "stream", "POST", "/nope/stream", { inputs: "x" }, {}, 404, "model_not_found"],
      [
        "stream, unsupported parameter",
        "stream",
        "POST",
        "/mistral/stream",
        { inputs: "x", parameters: { max_tokens: 5 } },
        {},
        400,
        "invalid_request",
      ],
      ["stream, too large", "stream", "POST", "/mistral/stream", { inputs: big }, {}, 413, "request_too_large"],
      [
        "stream, model 500",
        "stream",
        "POST",
        "/mistral/stream",
        { inputs: "x" },
        { modelStatus: 500 },
        424,
        "model_error",
      ],
      [
        "stream, SageMaker throttles",
        "stream",
        "POST",
        "/mistral/stream",
        { inputs: "x" },
        { throttle: true },
        429,
        "throttled",
      ],
      [
        "stream, unavailable",
        "stream",
        "POST",
        "/mistral/stream",
        { inputs: "x" },
        { unavailable: true },
        503,
        "model_unavailable",
      ],
    ];
    it.each(cases)(
      "%s: status, JSON content type and body arrive intact",
      async (_, fn, method, path, body, behaviour, status, type) => {
        rig.emulator.behave("ep-mistral", behaviour);
        const answer = await send(fn, method, path, body);
        expect(answer.statusCode).toBe(status);
        expect(answer.headers["content-type"]).toMatch(/^application\/json/);
        expect(answer.headers["x-request-id"]).toEqual(expect.any(String));
        if (type) expect(answer.json.error).toMatchObject({ code: type, message: expect.any(String) });
        else expect(answer.json).toEqual(expect.any(Object));
      },
    );

    it.each([
      ["invoke", "invoke", "/mistral/invoke", { inputs: "x" }],
      ["stream", "stream", "/mistral/stream", { inputs: "x" }],
      ["chat, streamed", "openai", "/v1/chat/completions", { model: "mistral", messages, stream: true }],
      ["responses, streamed", "openai", "/v1/responses", { model: "mistral", input: "x", stream: true }],
    ] as const)(
      "%s on a model at zero copies, with no time left to hold it: 503 model_starting with Retry-After 59, through the runtime's prelude",
      async (_, fn, path, body) => {
        rig.emulator.behave("ep-idle", { zeroCopies: { wakeAfterMs: 60_000, alarmAfterMs: 60_000 } });
        const answer = await send(
          fn,
          "POST",
          path.replace("mistral", "idle"),
          JSON.parse(JSON.stringify(body).replace('"mistral"', '"idle"')),
          3_000,
        );
        expect([answer.statusCode, answer.headers["retry-after"], answer.json.error.code]).toEqual([
          503,
          "59",
          "model_starting",
        ]);
      },
    );

    it("holds a streamed request to a model at zero copies: its 200 and a comment line at once, the answer once a copy is up", async () => {
      rig.emulator.behave("ep-held", { zeroCopies: { wakeAfterMs: 3_000, alarmAfterMs: 60_000 } });
      rig.emulator.wakeCalls.length = 0;
      const started = performance.now();
      const answer = await send(
        "openai",
        "POST",
        "/v1/chat/completions",
        { model: "held", messages, stream: true },
        900_000,
      );
      expect(answer.statusCode).toBe(200);
      expect(answer.chunks[0].text).toMatch(/^: held is starting/);
      expect(answer.chunks[0].at - started).toBeLessThan(2_000);
      expect(sseEvents(answer.body).at(-1)!.data).toBe("[DONE]");
      expect(rig.emulator.wakeCalls.map((c) => c.component)).toEqual(["ic-held"]);
      expect(rig.logs.some((l) => l.function === "openai" && l.line.includes('"wake_ready"'))).toBe(true);
    }, 60_000);

    it("the answers carry what each route promises", async () => {
      expect((await send("invoke", "POST", "/mistral/invoke", { inputs: "x" })).json).toEqual({
        generated_text: VOCABULARY.join(""),
      });
      expect((await send("openai", "GET", "/v1/models")).json.data.map((m: { id: string }) => m.id)).toEqual(
        Object.keys(MODELS),
      );
      const completion = (await send("openai", "POST", "/v1/chat/completions", { model: "mistral", messages })).json;
      expect(completion).toMatchObject({
        object: "chat.completion",
        model: "mistral",
        choices: [{ message: { role: "assistant", content: VOCABULARY.join("") } }],
      });
    });

    it.each([
      ["invoke", "/mistral/invoke", { inputs: "x" }],
      ["stream", "/mistral/stream", { inputs: "x" }],
      ["openai", "/v1/chat/completions", { model: "mistral", messages, stream: true }],
    ] as const)("%s: a model that does not answer before the deadline is a 504", async (fn, path, body) => {
      rig.emulator.behave("ep-mistral", { stallMs: 4000 });
      const answer = await send(fn, "POST", path, body, 2500);
      expect([answer.statusCode, answer.json.error.code]).toEqual([504, "timeout"]);
    });
  });

  describe("streamed answers", () => {
    it("stream: token events arrive in several chunks over time, then done", async () => {
      rig.emulator.behave("ep-mistral", { tokenDelayMs: 30 });
      const answer = await send("stream", "POST", "/mistral/stream", { inputs: "x" });
      expect([answer.statusCode, answer.headers["content-type"]]).toEqual([200, "text/event-stream; charset=utf-8"]);
      const events = sseEvents(answer.body);
      expect(events.filter((e) => e.event === "token").map((e) => e.data.text)).toEqual(VOCABULARY);
      expect(events.at(-1)).toMatchObject({ event: "done", data: { generated_text: VOCABULARY.join("") } });
      const tokenChunks = answer.chunks.filter((c) => c.text.includes("event: token"));
      expect(tokenChunks.length).toBeGreaterThanOrEqual(5);
      expect(tokenChunks.at(-1)!.at - tokenChunks[0].at).toBeGreaterThan(30 * (VOCABULARY.length - 3));
    });

    it("chat with max_tokens 32000 to an 8,192-token model: an answer that fits, buffered and streamed", async () => {
      const long = [{ role: "user", content: Array.from({ length: 7500 }, (_, i) => `w${i}`).join(" ") }];
      const since = rig.emulator.calls.length;
      const whole = await send("openai", "POST", "/v1/chat/completions", {
        model: "small",
        messages: long,
        max_tokens: 32000,
      });
      expect(whole.statusCode).toBe(200);
      expect(whole.json.usage.prompt_tokens).toBe(7500);
      expect(whole.json.usage.total_tokens).toBeLessThanOrEqual(8192);
      const streamed = await send("openai", "POST", "/v1/chat/completions", {
        model: "small",
        messages: long,
        max_tokens: 32000,
        stream: true,
      });
      const events = sseEvents(streamed.body).filter((e) => e.data?.choices);
      expect([streamed.statusCode, events.at(-1)?.data.choices[0].finish_reason]).toEqual([200, "stop"]);
      // Each refused once, then made with the 692 tokens left.
      expect(rig.emulator.calls.slice(since).map((c) => (c.body as { max_tokens: number }).max_tokens)).toEqual([
        32000, 692, 32000, 692,
      ]);
    });

    it("stream on a serverless model: one token event and done", async () => {
      const events = sseEvents((await send("stream", "POST", "/tiny/stream", { inputs: "x" })).body);
      expect(events.map((e) => e.event)).toEqual(["token", "done"]);
    });

    it("chat: OpenAI chunks arrive over time and end in [DONE]", async () => {
      rig.emulator.behave("ep-mistral", { tokenDelayMs: 30 });
      const answer = await send("openai", "POST", "/v1/chat/completions", { model: "mistral", messages, stream: true });
      expect([answer.statusCode, answer.headers["content-type"]]).toEqual([200, "text/event-stream; charset=utf-8"]);
      const data = answer.body.split("\n\n").filter(Boolean);
      expect(data.at(-1)).toBe("data: [DONE]");
      const text = data
        .slice(0, -1)
        .map((d) => JSON.parse(d.slice(6)).choices[0]?.delta?.content ?? "")
        .join("");
      expect(text).toBe(VOCABULARY.join(""));
      expect(answer.chunks.length).toBeGreaterThanOrEqual(5);
      expect(answer.chunks.at(-1)!.at - answer.chunks[0].at).toBeGreaterThan(30 * (VOCABULARY.length - 3));
    });

    it("responses: events arrive over time, in order, ending in response.completed", async () => {
      rig.emulator.behave("ep-mistral", { tokenDelayMs: 30 });
      const answer = await send("openai", "POST", "/v1/responses", {
        model: "mistral",
        input: "Say hello",
        stream: true,
      });
      expect([answer.statusCode, answer.headers["content-type"]]).toEqual([200, "text/event-stream; charset=utf-8"]);
      const events = sseEvents(answer.body);
      expect(events.map((e) => e.data.sequence_number)).toEqual(events.map((_, i) => i));
      expect(events.every((e) => e.event === e.data.type)).toBe(true);
      expect([events[0].event, events.at(-1)!.event]).toEqual(["response.created", "response.completed"]);
      const text = events.filter((e) => e.event === "response.output_text.delta").map((e) => e.data.delta);
      expect(text.join("")).toBe(VOCABULARY.join(""));
      expect(answer.chunks.at(-1)!.at - answer.chunks[0].at).toBeGreaterThan(30 * (VOCABULARY.length - 3));
    });

    it.each([
      ["stream", "/mistral/stream", { inputs: "x" }],
      ["openai", "/v1/chat/completions", { model: "mistral", messages, stream: true }],
    ] as const)(
      "%s: a model silent after its first token for the idle timeout ends with a timeout error event",
      async (fn, path, body) => {
        rig.emulator.behave("ep-mistral", { firstTokenDelayMs: 10, tokenDelayMs: 10_000 });
        const started = Date.now();
        const answer = await send(fn, "POST", path, body);
        expect(Date.now() - started).toBeLessThan(2500);
        expect(answer.statusCode).toBe(200);
        expect(sseEvents(answer.body).at(-1)!.data).toEqual(
          apiError("timeout", "The model sent nothing for 1 s; the stream was ended."),
        );
      },
    );

    it.each([
      ["stream", "/mistral/stream", { inputs: "x" }],
      ["openai", "/v1/chat/completions", { model: "mistral", messages, stream: true }],
    ] as const)(
      "%s: a model silent before its first token for the first-token timeout is a 504",
      async (fn, path, body) => {
        rig.emulator.behave("ep-mistral", { firstTokenDelayMs: 10_000 });
        const started = Date.now();
        const answer = await send(fn, "POST", path, body);
        expect(Date.now() - started).toBeLessThan(3500);
        expect([answer.statusCode, answer.json]).toEqual([
          504,
          apiError("timeout", "The model sent no token in 2 s; the call was cancelled."),
        ]);
      },
    );

    it("stream: a failure after the first token is an error event after the tokens so far", async () => {
      rig.emulator.behave("ep-mistral", { cutAfterTokens: 3, cutWith: "ModelStreamError" });
      const answer = await send("stream", "POST", "/mistral/stream", { inputs: "x" });
      const events = sseEvents(answer.body);
      expect(answer.statusCode).toBe(200);
      expect(events.filter((e) => e.event === "token")).toHaveLength(3);
      expect(events.at(-1)).toMatchObject({ event: "error", data: { error: { code: "model_stream_error" } } });
    });

    it("chat: a failure after the first token is an error object and no [DONE]", async () => {
      rig.emulator.behave("ep-mistral", { cutAfterTokens: 2, cutWith: "InternalStreamFailure" });
      const answer = await send("openai", "POST", "/v1/chat/completions", { model: "mistral", messages, stream: true });
      const data = answer.body.split("\n\n").filter(Boolean);
      expect(answer.statusCode).toBe(200);
      expect(data).not.toContain("data: [DONE]");
      expect(JSON.parse(data.at(-1)!.slice(6))).toMatchObject({ error: { code: "stream_failure" } });
    });
  });

  describe("the authorizer", () => {
    const call = (headers: Record<string, string>) =>
      rig.functions.authorizer.invoke({
        type: "REQUEST",
        methodArn: "arn:aws:execute-api:us-east-1:123456789012:abc123/v1/GET/v1/models",
        resource: "/v1/models",
        path: "/v1/models",
        httpMethod: "GET",
        headers,
      });
    const authorize = async (headers: Record<string, string>) => {
      const answer = await call(headers);
      expect(answer.mode).toBe("buffered");
      return JSON.parse(answer.body.toString("utf8"));
    };

    it('names the Bearer key as the usage identifier and allows the stage; without a key, fails with "Unauthorized" (API Gateway\'s 401)', async () => {
      expect(await authorize({ Authorization: "Bearer sk-test" })).toMatchObject({
        usageIdentifierKey: "sk-test",
        policyDocument: {
          Statement: [{ Effect: "Allow", Resource: "arn:aws:execute-api:us-east-1:123456789012:abc123/v1/*" }],
        },
      });
      const keyless = await call({});
      expect([keyless.mode, JSON.parse(keyless.body.toString("utf8")).errorMessage]).toEqual(["error", "Unauthorized"]);
    });
  });

  describe("logs, as Lambda's JSON log format records them", () => {
    it("a refused request is one WARN record whose message is an object with status, model and type", async () => {
      const before = rig.logs.length;
      await send("stream", "POST", "/nope/stream", { inputs: "x" });
      const records = rig.logs
        .slice(before)
        .filter((l) => l.function === "stream")
        .map((l) => JSON.parse(l.line))
        .filter((r) => !r._aws);
      expect(records).toEqual([
        expect.objectContaining({
          level: "WARN",
          requestId: expect.any(String),
          message: expect.objectContaining({ status: 404, model: "nope", type: "model_not_found" }),
        }),
      ]);
    });

    it("a served request is one INFO record with its status", async () => {
      const before = rig.logs.length;
      await send("invoke", "POST", "/mistral/invoke", { inputs: "x" });
      const records = rig.logs
        .slice(before)
        .filter((l) => l.function === "invoke")
        .map((l) => JSON.parse(l.line))
        .filter((r) => !r._aws);
      expect(records).toEqual([
        expect.objectContaining({ level: "INFO", message: expect.objectContaining({ status: 200, model: "mistral" }) }),
      ]);
    });

    it("the request's metrics are one EMF line of their own, not wrapped in a log record, so CloudWatch can extract them", async () => {
      const before = rig.logs.length;
      await send("openai", "POST", "/v1/chat/completions", {
        model: "mistral",
        messages: [{ role: "user", content: "hi" }],
      });
      // The handler meters after the answer has gone out: its lines may arrive a moment later.
      const chatLines = () => rig.logs.slice(before).filter((l) => l.function === "openai");
      for (let waited = 0; waited < 3000 && !chatLines().some((l) => l.line.includes("_aws")); waited += 50)
        await new Promise((r) => setTimeout(r, 50));
      const lines = chatLines().map((l) => JSON.parse(l.line));
      const emf = lines.filter((r) => r._aws);
      expect(emf).toHaveLength(1);
      expect(emfProblems(emf[0])).toEqual([]);
      expect(emf[0]).toMatchObject({ Stage: "v1", Model: "mistral", Requests: 1 });
      // The log record beside it is the runtime's JSON format; the EMF document is not inside one.
      expect(
        lines.filter((r) => r.level).every((r) => !JSON.stringify(r.message ?? "").includes("CloudWatchMetrics")),
      ).toBe(true);
    });
  });
});
