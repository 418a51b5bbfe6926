import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { localConfig } from "../helpers/local";
import { startLocalStack } from "../../local/dev-server";
import { KEY, describeAborts, type Upstream } from "../helpers/aborts";

// The same through `npm run local --tgi-url`: the bridge must abort its call to the model server.
// A file of its own: the handlers read their settings once per process (module registry).
jest.setTimeout(120_000);

describeAborts("through the bridge to an OpenAI-style model server", async () => {
  const stoppedAt = new Map<string, number>();
  let streams = 0;
  const server: Server = createServer(async (req, res) => {
    if (req.url === "/v1/models") return res.end(JSON.stringify({ data: [{ id: "m" }] }));
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    const id: string = body.prompt ?? body.messages[0].content;
    streams++;
    res.writeHead(200, { "content-type": "text/event-stream" });
    const tick = setInterval(() => {
      const choice =
        body.prompt !== undefined
          ? { text: " w", finish_reason: null }
          : { delta: { content: " w" }, finish_reason: null };
      res.write(`data: ${JSON.stringify({ choices: [choice] })}\n\n`);
    }, 20);
    res.on("close", () => {
      clearInterval(tick);
      streams--;
      stoppedAt.set(id, performance.now());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const stack = await startLocalStack({
    config: localConfig(),
    port: 0,
    apiKey: KEY,
    tgiUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
  });
  const upstream: Upstream = {
    stoppedAt,
    open: () => new Promise((resolve) => server.getConnections((_, n) => resolve(n + streams))),
  };
  return {
    stack,
    upstream,
    stop: async () => {
      await stack.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
});
