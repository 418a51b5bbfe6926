import { VOCABULARY } from "../../local/emulator/serving-container";
import { apiEvent, call, sseEvents, startRig, type HandlerRig } from "../helpers/handlers";

// The same three routes against an endpoint playing the LMI (vLLM) container: JSON answers and JSON-lines streams.
let rig: HandlerRig;
beforeAll(async () => (rig = await startRig()));
afterAll(() => rig.stop());
beforeEach(() => rig.emulator.behave("ep-vllm", {}));

const messages = [{ role: "user", content: "Say hello" }];

describe("a vLLM (LMI) model", () => {
  it("answers /invoke from LMI's single-object response", async () => {
    const answer = await call(
      rig.invoke,
      apiEvent("POST", "/vllm/invoke", { inputs: "hi", parameters: { max_new_tokens: 3 } }),
    );
    expect([answer.statusCode, answer.json]).toEqual([200, { generated_text: VOCABULARY.slice(0, 3).join("") }]);
    expect(rig.emulator.calls.at(-1)).toMatchObject({
      endpoint: "ep-vllm",
      body: { inputs: "hi", parameters: { max_new_tokens: 3 } },
    });
  });

  it.each([0, 1, 4, 9])(
    "streams /stream from LMI's JSON lines, cut into %i-byte parts (0: whole lines)",
    async (bytes) => {
      rig.emulator.behave("ep-vllm", bytes ? { chunkBytes: bytes } : {});
      const answer = await call(
        rig.stream,
        apiEvent("POST", "/vllm/stream", { inputs: "hi", parameters: { details: true } }),
      );
      const events = sseEvents(answer.body);
      expect(events.filter((e) => e.event === "token").map((e) => e.data.text)).toEqual(VOCABULARY);
      expect(events.at(-1)).toEqual({
        event: "done",
        data: {
          generated_text: VOCABULARY.join(""),
          finish_reason: "eos_token",
          usage: { completion_tokens: VOCABULARY.length },
        },
      });
    },
  );

  it("answers a buffered chat completion through LMI's chat schema", async () => {
    const answer = await call(
      rig.openai,
      apiEvent("POST", "/v1/chat/completions", { model: "vllm", messages, max_tokens: 2 }),
    );
    expect(answer.json.choices[0].message.content).toBe(VOCABULARY.slice(0, 2).join(""));
    expect(rig.emulator.calls.at(-1)!.body).toMatchObject({ messages, max_tokens: 2, stream: false });
  });

  it("relays LMI's JSON-line chat chunks as OpenAI SSE chunks ending in [DONE]", async () => {
    rig.emulator.behave("ep-vllm", { chunkBytes: 7 });
    const answer = await call(
      rig.openai,
      apiEvent("POST", "/v1/chat/completions", { model: "vllm", messages, stream: true }),
    );
    const lines = answer.body
      .split("\n\n")
      .filter(Boolean)
      .map((l) => l.replace(/^data: /, ""));
    expect(lines.at(-1)).toBe("[DONE]");
    const chunks = lines.slice(0, -1).map((l) => JSON.parse(l));
    expect(chunks.map((c) => c.choices[0].delta.content).join("")).toBe(VOCABULARY.join(""));
    expect(chunks[0].choices[0].delta.role).toBe("assistant");
    expect(chunks.at(-1).choices[0].finish_reason).toBe("stop");
    for (const c of chunks) expect(c).toMatchObject({ object: "chat.completion.chunk", model: "vllm" });
  });

  it("turns an error line midway into an SSE error event", async () => {
    rig.emulator.behave("ep-vllm", { cutAfterTokens: 2, cutWith: "tgi-error" });
    const events = sseEvents((await call(rig.stream, apiEvent("POST", "/vllm/stream", { inputs: "hi" }))).body);
    expect(events.map((e) => e.event)).toEqual(["token", "token", "error"]);
    expect(events[2].data.error.code).toBe("model_error");
  });
});
