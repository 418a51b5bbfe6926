import { apiEvent, call, sseEvents, startRig, type HandlerRig } from "../helpers/handlers";
import { emfProblems } from "../helpers/emf";

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
  requestContext: { ...event.requestContext, authorizer: { consumer: "team-a", models: '["mistral","vllm","bge","falcon"]' } },
});

describe("metering", () => {
  it.each([
    ["invoke", "POST", "/mistral/invoke", { inputs: "hi", parameters: { max_new_tokens: 3, details: true } }],
    ["stream", "POST", "/mistral/stream", { inputs: "hi", parameters: { max_new_tokens: 3 } }],
    ["chat", "POST", "/v1/chat/completions", { model: "mistral", messages: [{ role: "user", content: "hi" }], max_tokens: 3 }],
    [
      "chat",
      "POST",
      "/v1/chat/completions",
      { model: "vllm", stream: true, stream_options: { include_usage: true }, messages: [{ role: "user", content: "hi" }], max_tokens: 3 },
    ],
    ["chat", "POST", "/v1/completions", { model: "falcon", prompt: "hi", max_tokens: 3, stream: true }],
    ["chat", "POST", "/v1/embeddings", { model: "bge", input: ["a", "b"] }],
    ["chat", "POST", "/v1/responses", { model: "mistral", input: "hi", max_output_tokens: 3 }],
    ["chat", "POST", "/v1/responses", { model: "vllm", input: "hi", max_output_tokens: 3, stream: true }],
  ] as const)("%s %s %s writes one record that fits the EMF specification", async (handler, method, path, body) => {
    const answer = await call(rig[handler], withConsumer(apiEvent(method, path, body)));
    expect(answer.statusCode).toBe(200);
    expect(records()).toHaveLength(1);
    const [record] = records();
    expect(emfProblems(record)).toEqual([]);
    expect(record).toMatchObject({ Stage: "v1", Consumer: "team-a", Requests: 1, Errors: 0, Duration: expect.any(Number) });
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
      rig.chat,
      apiEvent("POST", "/v1/chat/completions", { model: "mistral", messages: [{ role: "user", content: "hi there" }], max_tokens: 4 }),
    );
    const usage = chat.json.usage;
    expect(records().at(-1)).toMatchObject({ Model: "mistral", Consumer: "default", InputTokens: usage.prompt_tokens, OutputTokens: usage.completion_tokens });
    const streamed = await call(
      rig.chat,
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
    const generated = await call(rig.stream, apiEvent("POST", "/falcon/stream", { inputs: "hi", parameters: { max_new_tokens: 3 } }));
    const done = sseEvents(generated.body).find((e) => e.event === "done")?.data;
    expect(records().at(-1)).toMatchObject({ Model: "falcon", OutputTokens: done.usage.completion_tokens });
    expect(done.usage.completion_tokens).toBe(3);
  });

  it("counts a refused request as an error, and a model name no config holds as '-' (cardinality stays bounded)", async () => {
    const answer = await call(rig.chat, apiEvent("POST", "/v1/chat/completions", { model: "made-up-model-1234", messages: [{ role: "user", content: "hi" }] }));
    expect(answer.statusCode).toBe(404);
    expect(records().at(-1)).toMatchObject({ Model: "-", Errors: 1, StatusCode: 404 });
    expect(emfProblems(records().at(-1)!)).toEqual([]);
  });

  it("the check can fail: a record missing a dimension member is refused", () => {
    expect(
      emfProblems({
        _aws: { Timestamp: 1, CloudWatchMetrics: [{ Namespace: "n", Dimensions: [["Stage"]], Metrics: [{ Name: "Requests", Unit: "Count" }] }] },
        Requests: 1,
      }),
    ).toEqual(["dimension Stage is not a string member"]);
  });
});
