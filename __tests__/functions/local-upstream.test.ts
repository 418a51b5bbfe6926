import { apiError } from "../helpers/api-error";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { localConfig as config, post } from "../helpers/local";
import { startLocalStack, type LocalStack } from "../../local/dev-server";

// `npm run local --tgi-url` in-process (its own file: handlers load once per process, with one backend).

describe("local server in front of a model server the user runs (--tgi-url)", () => {
  // A stand-in for vLLM or TGI: OpenAI routes only, with a served model name it insists on.
  let upstream: Server;
  let stack: LocalStack;
  const seen: Record<string, any>[] = [];
  beforeAll(async () => {
    upstream = createServer(async (req, res) => {
      if (req.method === "GET" && req.url === "/v1/models")
        return res.end(JSON.stringify({ data: [{ id: "mistralai/Mistral-7B-Instruct-v0.2" }] }));
      let raw = "";
      for await (const c of req) raw += c;
      const body = JSON.parse(raw);
      seen.push({ url: req.url, body });
      if (body.model !== "mistralai/Mistral-7B-Instruct-v0.2")
        return res.writeHead(404).end(JSON.stringify({ error: "model not found" }));
      if (body.max_tokens === 999)
        return res
          .writeHead(400, { "content-type": "application/json" })
          .end(JSON.stringify({ error: "too many tokens" }));
      // A server that answers nonsense, or dies after its first token.
      if (body.max_tokens === 998)
        return res.writeHead(200, { "content-type": "application/json" }).end("<html>502 Bad Gateway</html>");
      if (body.max_tokens === 997) {
        res.writeHead(200, { "content-type": "text/event-stream" });
        return res.write(`data: ${JSON.stringify({ choices: [{ text: "Hi", finish_reason: null }] })}\n\n`, () =>
          setTimeout(() => res.destroy(), 20),
        );
      }
      const words = ["Hi", " there", "!"];
      if (!body.stream) {
        const choice =
          req.url === "/v1/completions"
            ? { text: words.join(""), finish_reason: "stop" }
            : { message: { role: "assistant", content: words.join("") }, finish_reason: "stop" };
        return res.end(
          JSON.stringify({ choices: [choice], usage: { prompt_tokens: 3, completion_tokens: 3, total_tokens: 6 } }),
        );
      }
      res.writeHead(200, { "content-type": "text/event-stream" });
      // As vLLM and TGI do, the last chunk carries the finish reason.
      for (const [i, w] of words.entries()) {
        const finish_reason = i === words.length - 1 ? "stop" : null;
        const choice =
          req.url === "/v1/completions" ? { text: w, finish_reason } : { delta: { content: w }, finish_reason };
        res.write(`data: ${JSON.stringify({ choices: [choice] })}\n\n`);
      }
      res.end("data: [DONE]\n\n");
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
    await new Promise((resolve) => upstream.close(resolve));
  });

  it("turns a generate call into the server's /v1/completions and back", async () => {
    const res = await post(
      `${stack.url}/mistral-7b/invoke`,
      { inputs: "Hello", parameters: { max_new_tokens: 7, temperature: 0.5 } },
      { "x-api-key": "k" },
    );
    expect(await res.json()).toEqual({ generated_text: "Hi there!" });
    expect(seen.at(-1)).toEqual({
      url: "/v1/completions",
      body: {
        model: "mistralai/Mistral-7B-Instruct-v0.2",
        prompt: "Hello",
        max_tokens: 7,
        stream: false,
        temperature: 0.5,
      },
    });
  });

  it("streams the server's tokens through /stream", async () => {
    const res = await post(`${stack.url}/mistral-7b/stream`, { inputs: "Hello" }, { "x-api-key": "k" });
    const text = await res.text();
    expect(text.match(/event: token\ndata: (.*)\n/g)!.map((l) => JSON.parse(l.split("data: ")[1]).text)).toEqual([
      "Hi",
      " there",
      "!",
    ]);
    expect(text).toContain('event: done\ndata: {"generated_text":"Hi there!","finish_reason":"eos_token"}');
  });

  it("passes chat to the server's /v1/chat/completions, streamed", async () => {
    const res = await post(
      `${stack.url}/v1/chat/completions`,
      { model: "mistral-7b", messages: [{ role: "user", content: "Hello" }], stream: true },
      { "x-api-key": "k" },
    );
    const chunks = (await res.text())
      .split("\n\n")
      .filter(Boolean)
      .map((b) => b.slice(6));
    expect(chunks.at(-1)).toBe("[DONE]");
    expect(
      chunks
        .slice(0, -1)
        .map((c) => JSON.parse(c).choices[0].delta.content)
        .join(""),
    ).toBe("Hi there!");
    expect(seen.at(-1)!.url).toBe("/v1/chat/completions");
  });

  it("passes the server's 4xx through as the model's own", async () => {
    const res = await post(
      `${stack.url}/mistral-7b/invoke`,
      { inputs: "Hello", parameters: { max_new_tokens: 999 } },
      { "x-api-key": "k" },
    );
    expect([res.status, (await res.json()).error]).toEqual([
      400,
      apiError("model_rejected_request", "too many tokens").error,
    ]);
  });

  it("reports a server that answers nonsense as the model failing, not as an endpoint that is not ready", async () => {
    const res = await post(
      `${stack.url}/mistral-7b/invoke`,
      { inputs: "Hello", parameters: { max_new_tokens: 998 } },
      { "x-api-key": "k" },
    );
    expect([res.status, (await res.json()).error.code]).toEqual([424, "model_error"]);
  });

  it("ends the stream with an error event when the server dies after its first token, instead of hanging", async () => {
    const started = Date.now();
    const res = await post(
      `${stack.url}/mistral-7b/stream`,
      { inputs: "Hello", parameters: { max_new_tokens: 997 } },
      { "x-api-key": "k" },
    );
    const text = await res.text();
    expect(text).toContain("event: token");
    expect(text).not.toContain("event: done");
    expect(text).toMatch(
      /event: error\ndata: \{"error":\{"message":".*","type":"server_error","param":null,"code":"(model_stream_error|upstream_error)"/,
    );
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
