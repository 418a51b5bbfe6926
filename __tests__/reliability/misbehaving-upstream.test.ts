import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { localConfig as config, post } from "../helpers/local";
import { startLocalStack, type LocalStack } from "../../local/dev-server";
import { MAX_LINE_CHARS } from "../../functions/lib/lines";
import { MAX_EVENT_CHARS } from "../../functions/lib/sse";

// `npm run local --tgi-url` in front of a model server that misbehaves on purpose: every failure is
// bounded in time and memory and reaches the client as the status and message the README gives.
jest.setTimeout(60_000);
const MB = 1024 * 1024;

/** Writes `total` bytes of `piece` with backpressure, stopping when the reader goes away. */
async function pour(res: ServerResponse, piece: string, total: number): Promise<void> {
  const chunk = Buffer.from(piece.repeat(Math.max(1, Math.floor((64 * 1024) / piece.length))));
  for (let sent = 0; sent < total && !res.destroyed; sent += chunk.length)
    await new Promise<void>((resolve) => res.write(chunk, () => resolve()));
  res.end();
}

const sse = (body: unknown) => `data: ${JSON.stringify(body)}\n\n`;

/** What the model server does, chosen by the prompt (or the last message). */
const MODES: Record<string, (res: ServerResponse, chat: boolean) => void | Promise<void>> = {
  "error-200mb": (res) => {
    res.writeHead(400, { "content-type": "application/json" });
    return pour(res, "bad request ", 200 * MB);
  },
  reset: (res) => void res.socket?.destroy(),
  "zero-tokens": (res) => {
    res.writeHead(200, { "content-type": "text/event-stream" });
    res.end("data: [DONE]\n\n");
  },
  "line-16mb": (res) => {
    res.writeHead(200, { "content-type": "text/event-stream" });
    res.end(`data: ${"x".repeat(16 * MB)}\n\n`);
  },
  "event-256mb": (res) => {
    res.writeHead(200, { "content-type": "text/event-stream" });
    return pour(res, "data: yyyyyyyyyyyyyyyyyyyyyyyyyyyyyy\n", 256 * MB);
  },
  "object-text": (res, chat) => {
    res.writeHead(200, { "content-type": "text/event-stream" });
    const choice = chat
      ? { delta: { content: { html: "<b>" } }, finish_reason: null }
      : { text: { html: "<b>" }, finish_reason: null };
    res.end(sse({ choices: [choice] }) + "data: [DONE]\n\n");
  },
};

let upstream: Server;
let stack: LocalStack;
beforeAll(async () => {
  upstream = createServer(async (req, res) => {
    if (req.method === "GET") return res.end(JSON.stringify({ data: [{ id: "served" }] }));
    let raw = "";
    for await (const c of req) raw += c;
    const body = JSON.parse(raw);
    const chat = req.url === "/v1/chat/completions";
    const mode = chat ? body.messages.at(-1).content : body.prompt;
    await MODES[mode](res, chat);
  });
  await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
  process.env.LOG_LEVEL = "silent";
  stack = await startLocalStack({
    config: config(),
    port: 0,
    apiKey: "k",
    tgiUrl: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`,
  });
});
afterAll(async () => {
  await stack.stop();
  upstream.closeAllConnections();
  await new Promise((resolve) => upstream.close(resolve));
});

const key = { authorization: "Bearer k" };
const generate = (mode: string) => post(`${stack.url}/mistral-7b/stream`, { inputs: mode }, key);
const chat = (mode: string) =>
  post(
    `${stack.url}/v1/chat/completions`,
    { model: "mistral-7b", messages: [{ role: "user", content: mode }], stream: true },
    key,
  );

/** Runs `act` while sampling the process's memory; returns its result and the peak growth in MB. */
async function peakGrowth<T>(act: () => Promise<T>): Promise<{ result: T; growthMb: number }> {
  global.gc?.();
  const base = process.memoryUsage().rss;
  let peak = base;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
  try {
    const result = await act();
    return { result, growthMb: (Math.max(peak, process.memoryUsage().rss) - base) / MB };
  } finally {
    clearInterval(sampler);
  }
}

describe("a misbehaving model server behind the local stack", () => {
  it("a 200 MB error body is read up to the cap: the client gets the model's 400 quickly, and memory stays bounded", async () => {
    const started = Date.now();
    const { result, growthMb } = await peakGrowth(async () => {
      const res = await post(`${stack.url}/mistral-7b/invoke`, { inputs: "error-200mb" }, key);
      return { status: res.status, body: await res.json() };
    });
    expect(result.status).toBe(400);
    expect(result.body.error.code).toBe("model_rejected_request");
    expect(result.body.error.message.startsWith("bad request bad request")).toBe(true);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(growthMb).toBeLessThan(100);
  });

  it("a connection reset is a 502", async () => {
    const res = await post(`${stack.url}/mistral-7b/invoke`, { inputs: "reset" }, key);
    expect([res.status, (await res.json()).error.code]).toEqual([502, "upstream_error"]);
  });

  it.each([
    ["/stream", generate],
    ["chat", chat],
  ])("%s: a stream with zero tokens is a 502, never a 200", async (_, send) => {
    const res = await send("zero-tokens");
    const body = await res.json();
    expect([res.status, body.error.code]).toEqual([502, expect.stringMatching(/upstream_error|model_stream_error/)]);
    expect(body.error.message).toMatch(/incomplete|ended before/);
  });

  it.each([
    ["/stream", generate],
    ["chat", chat],
  ])("%s: a 16 MB line in one piece ends the call, and the client is told the line was too long", async (_, send) => {
    const res = await send("line-16mb");
    const body = await res.json();
    expect(res.status).toBe(502);
    expect(body.error.message).toContain(`a line longer than ${MAX_LINE_CHARS} characters`);
  });

  it("chat: 256 MB of short data lines in one event ends the call at the event cap, with memory bounded", async () => {
    const { result, growthMb } = await peakGrowth(async () => {
      const res = await chat("event-256mb");
      return { status: res.status, body: await res.json() };
    });
    expect(result.status).toBe(502);
    expect(result.body.error.message).toBe(
      `The model sent an event larger than ${MAX_EVENT_CHARS} characters; the stream was ended.`,
    );
    expect(growthMb).toBeLessThan(150);
  });

  it("/stream: 256 MB of short data lines in one event ends the call at the event cap, and the client is told so", async () => {
    const res = await generate("event-256mb");
    expect(res.status).toBe(502);
    expect((await res.json()).error.message).toContain(`an event larger than ${MAX_EVENT_CHARS} characters`);
  });

  it.each([
    ["/stream", generate],
    ["chat", chat],
  ])("%s: text that is not text is refused, not passed on", async (_, send) => {
    const res = await send("object-text");
    const body = await res.json();
    expect(res.status).toBe(502);
    expect(body.error.message).toMatch(/that is not text|is not text/);
    expect(JSON.stringify(body)).not.toContain("<b>");
  });
});
