import { localConfig as config } from "../helpers/local";
import { startLocalStack, type LocalStack } from "../../local/dev-server";

// Two allowed origins: API Gateway's own errors cannot tell them apart, so they name none; the
// handlers name the caller's origin when it is listed, and every answer that depends on it says so.
const A = "https://a.example";
const B = "https://b.example";
let stack: LocalStack;
beforeAll(async () => {
  process.env.LOG_LEVEL = "silent";
  stack = await startLocalStack({
    config: config({ api: { corsOrigins: [A, B] } }),
    port: 0,
    apiKey: "k",
    emulator: {},
  });
});
afterAll(() => stack.stop());

const models = (origin: string, key?: string) =>
  fetch(`${stack.url}/v1/models`, { headers: { origin, ...(key ? { "x-api-key": key } : {}) } });

describe("CORS with two allowed origins", () => {
  it("a gateway-made error (no key) lets no origin read it, listed or not", async () => {
    for (const origin of [A, B, "https://evil.example"]) {
      const res = await models(origin);
      expect([origin, res.status, res.headers.get("access-control-allow-origin")]).toEqual([origin, 401, null]);
    }
  });

  it("a handler's answer names each listed origin, never another, and varies by Origin either way", async () => {
    for (const origin of [A, B]) {
      const res = await models(origin, "k");
      expect([res.status, res.headers.get("access-control-allow-origin"), res.headers.get("vary")]).toEqual([
        200,
        origin,
        "origin",
      ]);
      // A page reads the request id, the tools left out and Retry-After only when they are exposed.
      expect(res.headers.get("access-control-expose-headers")).toBe(
        "x-request-id, x-ignored-tools, retry-after, x-budget-remaining-tokens",
      );
    }
    const other = await models("https://evil.example", "k");
    expect([other.status, other.headers.get("access-control-allow-origin"), other.headers.get("vary")]).toEqual([
      200,
      null,
      "origin",
    ]);
  });
});
