import { BadRequestError, NotFoundError } from "openai";
import { TEST_MODELS } from "../helpers/handlers";
import { useOpenAiFixture } from "../helpers/openai-fixture";

// What OpenAI clients send and read by default, through the same document the stack imports.
const KEY = "defaults-test-key";
const fixture = useOpenAiFixture(KEY);

/** Every optional field OpenAI takes as null, null. */
const NULL_CHAT_FIELDS = {
  max_tokens: null,
  max_completion_tokens: null,
  temperature: null,
  top_p: null,
  stop: null,
  seed: null,
  n: null,
  frequency_penalty: null,
  presence_penalty: null,
  logprobs: null,
  top_logprobs: null,
  stream: null,
  stream_options: null,
  user: null,
  tools: null,
  tool_choice: null,
  parallel_tool_calls: null,
  response_format: null,
  metadata: null,
  store: null,
  service_tier: null,
};

describe("what OpenAI clients send by default", () => {
  it("takes a chat body full of nulls as the fields left out", async () => {
    const completion = await fixture.openai.chat.completions.create({
      model: "mistral",
      messages: [{ role: "user", content: "Hi", name: null }],
      ...NULL_CHAT_FIELDS,
    } as never);
    expect(completion.object).toBe("chat.completion");
    expect(completion.choices[0].message.content).toEqual(expect.any(String));
  });

  it("takes nulls in legacy completions and embeddings too", async () => {
    const text = await fixture.openai.completions.create({
      model: "falcon",
      prompt: "Hi",
      max_tokens: null,
      temperature: null,
      stop: null,
      echo: null,
      suffix: null,
      logprobs: null,
      user: null,
    } as never);
    expect(text.choices[0].text).toEqual(expect.any(String));
    const vectors = await fixture.openai.embeddings.create({
      model: "bge",
      input: "Hi",
      dimensions: null,
      user: null,
    } as never);
    expect(vectors.data).toHaveLength(1);
  });

  it.each([
    [{ n: 2 }, "n", "n must be at most 1."],
    [{ temperature: 3 }, "temperature", "temperature must be at most 2."],
    [{ messages: [{ role: "wizard", content: "x" }] }, "messages[0].role", expect.stringContaining("must be one of")],
  ])("raises BadRequestError with param and code for %j", async (change, param, message) => {
    const error = await fixture.openai.chat.completions
      .create({ model: "mistral", messages: [{ role: "user", content: "x" }], ...change } as never)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestError);
    const { status, type, code, param: said } = error as BadRequestError;
    expect([status, type, said, code, (error as BadRequestError).error]).toEqual([
      400,
      "invalid_request_error",
      param,
      "invalid_request",
      { message, type: "invalid_request_error", param, code: "invalid_request" },
    ]);
  });

  it("refuses an unknown field of /v1/completions by name, as chat does", async () => {
    const error = await fixture.openai.completions
      .create({ model: "falcon", prompt: "x", logit_bias: { 1: 2 } } as never)
      .catch((e: unknown) => e);
    expect([
      (error as BadRequestError).status,
      (error as BadRequestError).param,
      (error as BadRequestError).code,
    ]).toEqual([400, "logit_bias", "unsupported_parameter"]);
  });

  it("retrieves a model, and answers 404 in OpenAI's shape for one it does not have", async () => {
    const model = await fixture.openai.models.retrieve("vllm");
    expect(model).toEqual({ id: "vllm", object: "model", created: 0, owned_by: "llm-api" });
    expect(Object.keys(TEST_MODELS)).toContain(model.id);
    const error = await fixture.openai.models.retrieve("gpt-4o").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect([(error as NotFoundError).type, (error as NotFoundError).code, (error as NotFoundError).param]).toEqual([
      "not_found_error",
      "model_not_found",
      "model",
    ]);
  });

  it("answers an unknown route with 404 naming it, not Missing Authentication Token", async () => {
    const res = await fetch(`${fixture.server.baseURL}/assistants`, {
      method: "POST",
      headers: { authorization: `Bearer ${KEY}` },
      body: "{}",
    });
    expect([res.status, await res.json()]).toEqual([
      404,
      {
        error: {
          message: "Unknown route: POST /v1/assistants",
          type: "not_found_error",
          param: null,
          code: "unknown_route",
        },
        requestId: expect.any(String),
      },
    ]);
  });
});
