import OpenAI from "openai";
import type { ModelRoute } from "../../contract/routes";
import { resetWakes } from "../../functions/lib/wake";
import { apiError } from "../helpers/api-error";
import {
  apiEvent,
  call,
  sseEvents,
  startOpenAiServer,
  startRig,
  TEST_MODELS,
  type HandlerRig,
} from "../helpers/handlers";

/**
 * Models that scale to zero, through the real SageMaker runtime SDK against the emulator playing an
 * inference component with no copies. Every route names the component on each call; the first
 * request after idle asks SageMaker for a copy (once per wake, however many requests find the model
 * asleep), is held while the copy starts, and gets the model's answer: a stream commits its 200 at
 * once and sends comment lines meanwhile, a buffered request waits silently. A request held longer
 * than it may be is refused with Retry-After 59 (or, on a stream already open, an error event).
 */
jest.setTimeout(30_000);
const COLD: Record<string, ModelRoute> = {
  ...TEST_MODELS,
  mistral: { ...TEST_MODELS.mistral, component: "ic-mistral" },
  bge: { ...TEST_MODELS.bge, component: "ic-bge" },
};
const WAKE_MS = 400;
/** Long enough for any hold here: the function's time bounds a hold too (less a minute to answer). */
const FUNCTION_MS = 900_000;
const WAKE = { holdSeconds: 20, heldPerModel: 50, retryMs: 100, heartbeatMs: 150 };
let rig: HandlerRig;
beforeAll(async () => (rig = await startRig(COLD, undefined, WAKE)));
afterAll(async () => rig.stop());
beforeEach(() => {
  resetWakes();
  rig.emulator.wakeCalls.length = 0;
  // The alarm would act only after a minute: here every copy is the handlers' own wake.
  for (const endpoint of ["ep-mistral", "ep-bge"])
    rig.emulator.behave(endpoint, { zeroCopies: { wakeAfterMs: WAKE_MS, alarmAfterMs: 60_000 } });
});

const send = (handler: "invoke" | "stream" | "openai", path: string, body: unknown) => () =>
  call(rig[handler], apiEvent("POST", path, body), FUNCTION_MS);
const chat = { model: "mistral", messages: [{ role: "user", content: "hi" }] };
const ROUTES: [string, () => ReturnType<typeof call>][] = [
  ["/mistral/invoke", send("invoke", "/mistral/invoke", { inputs: "x" })],
  ["/mistral/stream", send("stream", "/mistral/stream", { inputs: "x" })],
  ["/v1/chat/completions", send("openai", "/v1/chat/completions", chat)],
  ["/v1/chat/completions, streamed", send("openai", "/v1/chat/completions", { ...chat, stream: true })],
  ["/v1/completions", send("openai", "/v1/completions", { model: "mistral", prompt: "hi" })],
  ["/v1/completions, streamed", send("openai", "/v1/completions", { model: "mistral", prompt: "hi", stream: true })],
  ["/v1/responses", send("openai", "/v1/responses", { model: "mistral", input: "hi" })],
  ["/v1/responses, streamed", send("openai", "/v1/responses", { model: "mistral", input: "hi", stream: true })],
  ["/v1/embeddings", send("openai", "/v1/embeddings", { model: "bge", input: ["a", "b"] })],
];

describe("a model at zero copies", () => {
  it.each(ROUTES)(
    "%s: the first request is held while a copy starts, and gets the model's answer",
    async (_, request) => {
      const started = performance.now();
      const answer = await request();
      expect(answer.statusCode).toBe(200);
      expect(performance.now() - started).toBeGreaterThanOrEqual(WAKE_MS);
      expect(rig.emulator.wakeCalls.map((c) => c.component)).toHaveLength(1);
      if (answer.headers["content-type"]?.startsWith("text/event-stream")) {
        // The 200 and a comment line went out at once, long before the model's first token.
        expect(answer.chunks[0].text).toMatch(/^: mistral is starting/);
        expect(answer.chunks[0].at - started).toBeLessThan(WAKE_MS / 2);
        expect(sseEvents(answer.body).length).toBeGreaterThan(1);
        expect(answer.body).not.toContain("model_starting");
      } else expect(answer.json.error ?? null).toBeNull();
    },
  );

  it("asks SageMaker for a copy once per wake, however many requests find the model asleep", async () => {
    const answers = await Promise.all(Array.from({ length: 8 }, () => ROUTES[2][1]()));
    expect(answers.map((a) => a.statusCode)).toEqual(Array(8).fill(200));
    expect(rig.emulator.wakeCalls.map((c) => c.component)).toEqual(["ic-mistral"]);
  });

  it("keeps a held stream alive with a comment line every heartbeat", async () => {
    rig.emulator.behave("ep-mistral", { zeroCopies: { wakeAfterMs: 1000, alarmAfterMs: 60_000 } });
    const answer = await ROUTES[3][1]();
    const comments = answer.body.split("\n").filter((l) => l.startsWith(": still starting, 0:0"));
    expect(comments.length).toBeGreaterThanOrEqual(4);
    expect(sseEvents(answer.body).at(-1)!.data).toBe("[DONE]");
  });

  it("costs a warm model nothing: no wake, one call to the model", async () => {
    rig.emulator.behave("ep-mistral", {});
    rig.emulator.calls.length = 0;
    expect((await ROUTES[2][1]()).statusCode).toBe(200);
    expect([rig.emulator.calls.length, rig.emulator.wakeCalls.length]).toEqual([1, 0]);
  });

  it("names the inference component on every call to SageMaker, and only for models that are one", async () => {
    for (const endpoint of ["ep-mistral", "ep-bge"]) rig.emulator.behave(endpoint, {});
    rig.emulator.calls.length = 0;
    await ROUTES[2][1]();
    await call(
      rig.openai,
      apiEvent("POST", "/v1/chat/completions", { model: "vllm", messages: [{ role: "user", content: "hi" }] }),
    );
    await ROUTES[8][1]();
    expect(rig.emulator.calls.map((c) => [c.endpoint, c.headers["x-amzn-sagemaker-inference-component"]])).toEqual([
      ["ep-mistral", "ic-mistral"],
      ["ep-vllm", undefined],
      ["ep-bge", "ic-bge"],
    ]);
  });

  it("reaches the openai SDK, configured with a base URL and a key only, as the answer to its first request", async () => {
    const server = await startOpenAiServer(rig, "sk-test");
    try {
      const client = new OpenAI({ baseURL: server.baseURL, apiKey: "sk-test" });
      const answer = await client.chat.completions.create({
        model: "mistral",
        messages: [{ role: "user", content: "hi" }],
      });
      expect(answer.choices[0].message.content).toBeTruthy();
      const stream = await client.chat.completions.create({
        model: "mistral",
        stream: true,
        messages: [{ role: "user", content: "again" }],
      });
      let text = "";
      for await (const c of stream) text += c.choices[0]?.delta?.content ?? "";
      expect(text.length).toBeGreaterThan(5);
    } finally {
      await server.stop();
    }
  });
});

describe("a model that takes longer to start than a request may be held", () => {
  beforeEach(() => rig.emulator.behave("ep-mistral", { zeroCopies: { wakeAfterMs: 60_000, alarmAfterMs: 60_000 } }));
  const short = (handler: "stream" | "openai", path: string, body: unknown) =>
    call(
      rig[handler],
      apiEvent("POST", path, body),
      62_500 /* a hold of 1.5 s: the function's time, less a second, less a minute to answer */,
    );

  it("refuses a buffered request after its hold: 503 model_starting with Retry-After 59, which every client measured honours", async () => {
    const answer = await short("openai", "/v1/chat/completions", chat);
    expect([answer.statusCode, answer.headers["retry-after"], answer.json]).toEqual([
      503,
      "59",
      apiError(
        "model_starting",
        "The model is still starting after this request waited for it as long as it may; retry after 59 s.",
      ),
    ]);
  });

  it("ends a held stream, whose 200 has gone out, with a model_starting error event, never a success", async () => {
    const answer = await short("openai", "/v1/chat/completions", { ...chat, stream: true });
    expect(answer.statusCode).toBe(200);
    const events = sseEvents(answer.body);
    expect(events.at(-1)!.data.error).toMatchObject({ code: "model_starting" });
    expect(answer.body).not.toContain("[DONE]");
    const own = await short("stream", "/mistral/stream", { inputs: "x" });
    expect(sseEvents(own.body).map((e) => e.event)).toEqual(["error"]);
  });

  it("refuses at once, but still wakes the model, when the function has no time left to hold the request", async () => {
    const answer = await call(rig.openai, apiEvent("POST", "/v1/chat/completions", { ...chat, stream: true }), 29_000);
    expect([answer.statusCode, answer.headers["retry-after"], answer.json.error.code]).toEqual([
      503,
      "59",
      "model_starting",
    ]);
    expect(answer.json.error.message).toMatch(
      /^The model is starting: it scaled to zero while idle, and this request woke it/,
    );
    expect(rig.emulator.wakeCalls.map((c) => c.component)).toEqual(["ic-mistral"]);
  });
});
