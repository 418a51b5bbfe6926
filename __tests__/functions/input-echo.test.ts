import { apiEvent, call, startRig, type HandlerRig } from "../helpers/handlers";
import { MAX_ECHO_CHARS } from "../../functions/lib/errors";

// What a client sends is repeated in an error only as a short prefix: a 400 KB model name or field
// name is neither echoed nor logged whole, and a consumer's key learns only its own models' names.
let rig: HandlerRig;
beforeAll(async () => {
  rig = await startRig();
});
afterAll(() => rig.stop());

const messages = [{ role: "user", content: "hi" }];
const longName = "m".repeat(400 * 1024);
const asConsumer = (event: ReturnType<typeof apiEvent>, models: string[]) => {
  (event.requestContext as any).authorizer = { consumer: "search-team", models: JSON.stringify(models) };
  return event;
};

describe("a client's input in error messages", () => {
  it.each([
    ["/v1/chat/completions", { messages }],
    ["/v1/completions", { prompt: "x" }],
    ["/v1/embeddings", { input: "x" }],
  ])("%s: a model name over 256 characters is a 400 naming the field, not repeating the name", async (path, body) => {
    const answer = await call(rig.openai, apiEvent("POST", path, { model: longName, ...body }));
    expect(answer.statusCode).toBe(400);
    expect(answer.json.error).toMatchObject({ param: "model", message: "model must have at most 256 characters." });
    expect(answer.body.length).toBeLessThan(300);
  });

  it("an unknown model of 256 characters is named by a short prefix only", async () => {
    const answer = await call(
      rig.openai,
      apiEvent("POST", "/v1/chat/completions", { model: "x".repeat(256), messages }),
    );
    expect(answer.statusCode).toBe(404);
    expect(answer.json.error.message).toContain(`No model named "${"x".repeat(MAX_ECHO_CHARS)}…"`);
    expect(answer.json.error.message).not.toContain("x".repeat(MAX_ECHO_CHARS + 1));
  });

  it("an unsupported field with a 100 KB name is named by a short prefix, and at most five are listed", async () => {
    const body: Record<string, unknown> = { model: "mistral", messages, ["k".repeat(100 * 1024)]: 1 };
    for (let i = 0; i < 10; i++) body[`extra_${i}`] = i;
    const answer = await call(rig.openai, apiEvent("POST", "/v1/chat/completions", body));
    expect(answer.statusCode).toBe(400);
    expect(answer.body.length).toBeLessThan(1000);
    expect(answer.json.error.message).toMatch(/and 6 more\.$/);
  });

  it("embeddings on a text model lists only the embedding models the caller's key may use", async () => {
    const allowed = await call(
      rig.openai,
      asConsumer(apiEvent("POST", "/v1/embeddings", { model: "mistral", input: "x" }), ["mistral", "bge"]),
    );
    expect(allowed.json.error.message).toBe(
      '"mistral" generates text and has no embeddings. Embedding models here: bge.',
    );
    const denied = await call(
      rig.openai,
      asConsumer(apiEvent("POST", "/v1/embeddings", { model: "mistral", input: "x" }), ["mistral"]),
    );
    expect(denied.json.error.message).toBe(
      '"mistral" generates text and has no embeddings. Embedding models here: none.',
    );
  });
});
