import { apiError } from "../helpers/api-error";
import { localConfig as config, post } from "../helpers/local";
import { startLocalStack, type LocalStack } from "../../local/dev-server";
import { VOCABULARY } from "../../local/emulator/serving-container";

// `npm run local` in-process: the document's routes, its key check, CORS, and the emulator or a real server behind.

describe("local server with the emulator", () => {
  let stack: LocalStack;
  beforeAll(async () => {
    process.env.LOG_LEVEL = "silent";
    stack = await startLocalStack({
      config: config({ api: { corsOrigins: ["https://chat.example.com"] } }),
      port: 0,
      apiKey: "k",
      emulator: {},
    });
  });
  afterAll(() => stack.stop());

  it("serves the API with the key", async () => {
    const res = await post(
      `${stack.url}/mistral-7b/invoke`,
      { inputs: "hi", parameters: { max_new_tokens: 2 } },
      { "x-api-key": "k" },
    );
    expect([res.status, await res.json()]).toEqual([200, { generated_text: VOCABULARY.slice(0, 2).join("") }]);
  });

  it("rejects every route without the API key, or with a wrong one, as Bearer or x-api-key: 401 in OpenAI's shape", async () => {
    for (const [path, method] of [
      ["/mistral-7b/invoke", "POST"],
      ["/mistral-7b/stream", "POST"],
      ["/v1/chat/completions", "POST"],
      ["/v1/models", "GET"],
    ]) {
      for (const headers of [
        {},
        { "x-api-key": "wrong" },
        { authorization: "Bearer wrong" },
        { authorization: "Basic k" },
      ] as Record<string, string>[]) {
        const res = await fetch(`${stack.url}${path}`, { method, headers, body: method === "POST" ? "{}" : undefined });
        expect([path, headers, res.status, (await res.json()).error]).toEqual([
          path,
          headers,
          401,
          { message: expect.any(String), type: "invalid_request_error", param: null, code: "invalid_api_key" },
        ]);
      }
    }
    expect(stack.emulator!.calls).toHaveLength(1);
  });

  it("takes the key as Authorization: Bearer, as OpenAI clients send it, or as x-api-key", async () => {
    for (const headers of [
      { authorization: "Bearer k" },
      { Authorization: "bearer k" },
      { "x-api-key": "k" },
    ] as Record<string, string>[]) {
      const res = await fetch(`${stack.url}/v1/models`, { headers });
      expect([headers, res.status]).toEqual([headers, 200]);
    }
  });

  it("answers 404 for routes and methods the OpenAPI document does not have", async () => {
    for (const [path, method] of [
      ["/nope", "GET"],
      ["/mistral-7b/invoke", "GET"],
      ["/other/invoke", "POST"],
      ["/v1/audio/speech", "POST"],
      ["/v1/completions", "GET"],
    ]) {
      const res = await fetch(`${stack.url}${path}`, {
        method,
        headers: { "x-api-key": "k" },
        body: method === "POST" ? "{}" : undefined,
      });
      expect([path, method, res.status, (await res.json()).error.code]).toEqual([path, method, 404, "unknown_route"]);
    }
  });

  it("validates bodies as API Gateway does, before any handler runs", async () => {
    const res = await post(`${stack.url}/mistral-7b/invoke`, { inputs: 5 }, { "x-api-key": "k" });
    expect([res.status, (await res.json()).error]).toEqual([
      400,
      apiError("invalid_request", "Invalid request body").error,
    ]);
  });

  it("answers CORS preflight without a key, and lets only the configured origin read answers", async () => {
    const preflight = await fetch(`${stack.url}/v1/chat/completions`, {
      method: "OPTIONS",
      headers: { origin: "https://chat.example.com" },
    });
    expect(preflight.status).toBe(200);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("https://chat.example.com");
    expect(preflight.headers.get("access-control-allow-headers")).toBe(
      "content-type,x-api-key,authorization,x-amzn-sagemaker-custom-attributes",
    );
    const allowed = await fetch(`${stack.url}/v1/models`, {
      headers: { "x-api-key": "k", origin: "https://chat.example.com" },
    });
    expect(allowed.headers.get("access-control-allow-origin")).toBe("https://chat.example.com");
    const other = await fetch(`${stack.url}/v1/models`, {
      headers: { "x-api-key": "k", origin: "https://evil.example" },
    });
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("serves the chat page at /", async () => {
    const res = await fetch(`${stack.url}/`);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(await res.text()).toContain('<script src="app.js"></script>');
    expect((await fetch(`${stack.url}/app.js`)).status).toBe(200);
  });
});
