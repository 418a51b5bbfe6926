import { apiEvent, call, sseEvents, startRig, type HandlerRig } from "../helpers/handlers";
import { emfProblems } from "../helpers/emf";
import { answerFor } from "../../local/emulator/serving-container";
import { emfRecord } from "../../functions/lib/metering";

// One EMF record per request on every route, fitting the specification, with the tokens the response reported.
let rig: HandlerRig;
let lines: string[] = [];
const write = process.stdout.write.bind(process.stdout);

beforeAll(async () => {
  process.env.LOG_LEVEL = "silent";
  process.env.METRICS_NAMESPACE = "llm-api";
  process.env.STAGE = "v1";
  rig = await startRig();
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = String(chunk);
    if (text.startsWith('{"_aws"')) {
      lines.push(text);
      return true;
    }
    return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stdout.write;
});
afterAll(async () => {
  process.stdout.write = write;
  delete process.env.METRICS_NAMESPACE;
  delete process.env.STAGE;
  await rig.stop();
});
beforeEach(() => {
  lines = [];
});

const records = () => lines.map((l) => JSON.parse(l) as Record<string, any>);
const withConsumer = (event: ReturnType<typeof apiEvent>) => ({
  ...event,
  requestContext: {
    ...event.requestContext,
    authorizer: { consumer: "team-a", models: '["mistral","vllm","bge","falcon"]' },
  },
});

describe("metering", () => {
  it.each([
    ["invoke", "POST", "/mistral/invoke", { inputs: "hi", parameters: { max_new_tokens: 3, details: true } }],
    ["stream", "POST", "/mistral/stream", { inputs: "hi", parameters: { max_new_tokens: 3 } }],
    [
      "openai",
      "POST",
      "/v1/chat/completions",
      { model: "mistral", messages: [{ role: "user", content: "hi" }], max_tokens: 3 },
    ],
    [
      "openai",
      "POST",
      "/v1/chat/completions",
      {
        model: "vllm",
        stream: true,
        stream_options: { include_usage: true },
        messages: [{ role: "user", content: "hi" }],
        max_tokens: 3,
      },
    ],
    ["openai", "POST", "/v1/completions", { model: "falcon", prompt: "hi", max_tokens: 3, stream: true }],
    ["openai", "POST", "/v1/embeddings", { model: "bge", input: ["a", "b"] }],
    ["openai", "POST", "/v1/responses", { model: "mistral", input: "hi", max_output_tokens: 3 }],
    ["openai", "POST", "/v1/responses", { model: "vllm", input: "hi", max_output_tokens: 3, stream: true }],
  ] as const)("%s %s %s writes one record that fits the EMF specification", async (handler, method, path, body) => {
    const answer = await call(rig[handler], withConsumer(apiEvent(method, path, body)));
    expect(answer.statusCode).toBe(200);
    expect(records()).toHaveLength(1);
    const [record] = records();
    expect(emfProblems(record)).toEqual([]);
    expect(record).toMatchObject({
      Stage: "v1",
      Consumer: "team-a",
      Requests: 1,
      Errors: 0,
      Duration: expect.any(Number),
    });
    expect(record._aws.CloudWatchMetrics[0]).toMatchObject({
      Namespace: "llm-api",
      Dimensions: [
        ["Stage", "Model"],
        ["Stage", "Consumer"],
        ["Stage", "Consumer", "Model"],
      ],
    });
  });

  it("counts the tokens the response reported: chat usage, and generated tokens of the generate API", async () => {
    const chat = await call(
      rig.openai,
      apiEvent("POST", "/v1/chat/completions", {
        model: "mistral",
        messages: [{ role: "user", content: "hi there" }],
        max_tokens: 4,
      }),
    );
    const usage = chat.json.usage;
    expect(records().at(-1)).toMatchObject({
      Model: "mistral",
      Consumer: "default",
      InputTokens: usage.prompt_tokens,
      OutputTokens: usage.completion_tokens,
    });
    const streamed = await call(
      rig.openai,
      apiEvent("POST", "/v1/chat/completions", {
        model: "mistral",
        stream: true,
        stream_options: { include_usage: true },
        messages: [{ role: "user", content: "hi" }],
        max_tokens: 2,
      }),
    );
    const reported = sseEvents(streamed.body).find((e) => e.data?.usage)?.data.usage;
    expect(records().at(-1)).toMatchObject({
      InputTokens: reported.prompt_tokens,
      OutputTokens: reported.completion_tokens,
      TimeToFirstToken: expect.any(Number),
    });
    const generated = await call(
      rig.stream,
      apiEvent("POST", "/falcon/stream", { inputs: "hi", parameters: { max_new_tokens: 3 } }),
    );
    const done = sseEvents(generated.body).find((e) => e.event === "done")?.data;
    expect(records().at(-1)).toMatchObject({ Model: "falcon", OutputTokens: done.usage.completion_tokens });
    expect(done.usage.completion_tokens).toBe(3);
  });

  // Each streamed route, with a client that does not ask for usage: the meter still gets both counts
  // from the backend (the handler asks it), and the client sees no usage chunk it did not ask for.
  const hi = [{ role: "user", content: "one two three" }];
  it.each([
    [
      "chat completions on TGI",
      "openai",
      "/v1/chat/completions",
      { model: "mistral", stream: true, messages: hi, max_tokens: 2 },
    ],
    [
      "chat completions on vLLM",
      "openai",
      "/v1/chat/completions",
      { model: "vllm", stream: true, messages: hi, max_tokens: 2 },
    ],
    [
      "chat on a prompt-mode TGI model",
      "openai",
      "/v1/chat/completions",
      { model: "falcon", stream: true, messages: hi, max_tokens: 2 },
    ],
    [
      "completions",
      "openai",
      "/v1/completions",
      { model: "falcon", prompt: "one two three", max_tokens: 2, stream: true },
    ],
    [
      "responses on TGI",
      "openai",
      "/v1/responses",
      { model: "mistral", input: "one two three", max_output_tokens: 2, stream: true },
    ],
    [
      "responses on vLLM",
      "openai",
      "/v1/responses",
      { model: "vllm", input: "one two three", max_output_tokens: 2, stream: true },
    ],
    ["the generate stream", "stream", "/falcon/stream", { inputs: "one two three", parameters: { max_new_tokens: 2 } }],
  ] as const)(
    "%s meters prompt and completion tokens the client did not ask for",
    async (_route, handler, path, body) => {
      const answer = await call(rig[handler], apiEvent("POST", path, body));
      expect(answer.statusCode).toBe(200);
      const sent = rig.emulator.calls.at(-1)!.body;
      if (path === "/v1/chat/completions" && body.model !== "falcon")
        expect(sent.stream_options).toEqual({ include_usage: true });
      // The prompt's tokens as the backend counted them (a prompt-mode model's include its chat template).
      expect(records().at(-1)).toMatchObject({
        InputTokens: answerFor(sent).promptTokens,
        OutputTokens: 2,
        UsageMissing: 0,
      });
      const chunks = sseEvents(answer.body).map((e) => e.data);
      expect(chunks.filter((c) => c?.usage && path === "/v1/chat/completions")).toEqual([]);
    },
  );

  it("counts a success whose backend reported no prompt tokens as UsageMissing, with nothing guessed", async () => {
    const answer = await call(
      rig.invoke,
      apiEvent("POST", "/falcon/invoke", { inputs: "one two three", parameters: { max_new_tokens: 2, details: true } }),
    );
    expect(answer.statusCode).toBe(200);
    const record = records().at(-1)!;
    expect(record).toMatchObject({ OutputTokens: 2, UsageMissing: 1 });
    expect(record.InputTokens).toBeUndefined();
    expect(emfProblems(record)).toEqual([]);
  });

  it("counts a refused request as an error, and a model name no config holds as '-' (cardinality stays bounded)", async () => {
    const answer = await call(
      rig.openai,
      apiEvent("POST", "/v1/chat/completions", {
        model: "made-up-model-1234",
        messages: [{ role: "user", content: "hi" }],
      }),
    );
    expect(answer.statusCode).toBe(404);
    expect(records().at(-1)).toMatchObject({ Model: "-", Errors: 1, StatusCode: 404 });
    expect(emfProblems(records().at(-1)!)).toEqual([]);
  });

  it("records a budget's share used (Percent) and a refusal for it, the two metrics its alarms watch", () => {
    const base = { model: "mistral", consumer: "team-a", durationMs: 5 };
    const used = emfRecord({ ...base, status: 200, budgetUsedPercent: 81.5 }, "llm-api", "v1", ["mistral"]);
    const refused = emfRecord({ ...base, status: 429, budgetRefused: true }, "llm-api", "v1", ["mistral"]);
    expect([emfProblems(used), emfProblems(refused)]).toEqual([[], []]);
    expect(used).toMatchObject({ BudgetUsed: 81.5, Consumer: "team-a" });
    expect(used._aws).toMatchObject({
      CloudWatchMetrics: [{ Metrics: expect.arrayContaining([{ Name: "BudgetUsed", Unit: "Percent" }]) }],
    });
    expect(refused).toMatchObject({ BudgetRefusals: 1, Errors: 1 });
    expect(emfRecord({ ...base, status: 200 }, "llm-api", "v1", ["mistral"])).not.toHaveProperty("BudgetUsed");
  });

  it("the check can fail: a record missing a dimension member is refused", () => {
    expect(
      emfProblems({
        _aws: {
          Timestamp: 1,
          CloudWatchMetrics: [
            { Namespace: "n", Dimensions: [["Stage"]], Metrics: [{ Name: "Requests", Unit: "Count" }] },
          ],
        },
        Requests: 1,
      }),
    ).toEqual(["dimension Stage is not a string member"]);
  });
});
