import { connect } from "node:net";
import { localConfig as config, post } from "../helpers/local";
import { startLocalStack, type LocalStack } from "../../local/dev-server";
import { RECORDED_CALLS } from "../../local/emulator/sagemaker-emulator";

// The local server as exposed as a developer's laptop is: other sites in the browser, slow clients, long sessions.
let stack: LocalStack;
beforeAll(async () => {
  process.env.LOG_LEVEL = "silent";
  stack = await startLocalStack({ config: config(), port: 0, apiKey: "the-key", emulator: {}, requestTimeoutMs: 400 });
});
afterAll(() => stack.stop());

const port = () => Number(new URL(stack.url).port);

/** A raw HTTP/1.1 exchange, so the Host header and path are exactly as written. */
function raw(text: string, waitMs = 3000): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port(), "127.0.0.1");
    let answer = "";
    socket.on("data", (d) => (answer += d.toString("utf8")));
    socket.on("close", () => resolve(answer));
    socket.setTimeout(waitMs, () => socket.destroy());
    socket.write(text);
  });
}

describe("local server hardening", () => {
  it("answers only loopback host names, so a page on another site cannot reach it by DNS rebinding", async () => {
    const foreign = await raw(
      "GET /v1/models HTTP/1.1\r\nHost: attacker.example:80\r\nx-api-key: the-key\r\nConnection: close\r\n\r\n",
    );
    expect(foreign).toMatch(/^HTTP\/1\.1 403 /);
    expect(foreign).toContain("is not served here");
    for (const host of [`localhost:${port()}`, `127.0.0.1:${port()}`]) {
      expect(
        await raw(`GET /v1/models HTTP/1.1\r\nHost: ${host}\r\nx-api-key: the-key\r\nConnection: close\r\n\r\n`),
      ).toMatch(/^HTTP\/1\.1 200 /);
    }
  });

  it("routes the path as sent, as API Gateway does: //x/model/invoke is no route", async () => {
    const answer = await raw(
      `POST //x/mistral-7b/invoke HTTP/1.1\r\nHost: 127.0.0.1\r\nx-api-key: the-key\r\ncontent-type: application/json\r\ncontent-length: 15\r\nConnection: close\r\n\r\n{"inputs":"hi"}`,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 404 /);
    expect(answer).toContain('"type":"not_found_error"');
  });

  it("ends a request whose body never finishes arriving", async () => {
    const started = Date.now();
    const answer = await raw(
      `POST /mistral-7b/invoke HTTP/1.1\r\nHost: 127.0.0.1\r\nx-api-key: the-key\r\ncontent-length: 1000\r\n\r\n{"inputs":`,
      5000,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it("checks the key in full: a prefix, a longer key or another case is refused", async () => {
    for (const key of ["the-ke", "the-key-", "THE-KEY", ""]) {
      const res = await post(`${stack.url}/mistral-7b/invoke`, { inputs: "x" }, { "x-api-key": key });
      expect([key, res.status]).toEqual([key, 401]);
    }
    expect((await post(`${stack.url}/mistral-7b/invoke`, { inputs: "x" }, { "x-api-key": "the-key" })).status).toBe(
      200,
    );
  });

  it("keeps only the emulator's recent calls, so large prompts do not pile up", async () => {
    const prompt = "p".repeat(100 * 1024);
    for (let i = 0; i < RECORDED_CALLS + 30; i++)
      await post(`${stack.url}/mistral-7b/invoke`, { inputs: `${i} ${prompt}` }, { "x-api-key": "the-key" });
    expect(stack.emulator!.calls).toHaveLength(RECORDED_CALLS);
    expect(String(stack.emulator!.calls.at(-1)!.body.inputs).startsWith(`${RECORDED_CALLS + 29} `)).toBe(true);
  });
});
