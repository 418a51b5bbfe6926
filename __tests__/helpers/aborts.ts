import { request } from "node:http";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import type { LocalStack } from "../../local/dev-server";

/**
 * Clients that leave mid-stream, 500 at a time per route: each must cancel the model call within a
 * second, leave no socket open, be logged once, and leave the server's memory where it was.
 */
setFlagsFromString("--expose_gc");
const gc = runInNewContext("gc") as () => void;

const STREAMS = 500;
const AT_ONCE = 25;
export const KEY = "cancel-test-key";

interface Aborted {
  readonly id: string;
  readonly at: number;
}

/** Starts a streamed request, and as soon as the first token arrives, goes away. */
function abortAfterFirstToken(url: string, path: string, body: unknown, id: string): Promise<Aborted> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}${path}`,
      { method: "POST", headers: { "content-type": "application/json", "x-api-key": KEY } },
      (res) => {
        if (res.statusCode !== 200) return reject(new Error(`${path}: status ${res.statusCode}`));
        res.on("data", (chunk: Buffer) => {
          const text = chunk.toString("utf8");
          if (!text.includes("event: token") && !text.includes('"content"')) return;
          const at = performance.now();
          req.destroy();
          resolve({ id, at });
        });
      },
    );
    req.on("error", () => undefined);
    req.end(JSON.stringify(body));
  });
}

const bodies = {
  stream: (id: string) => ({ path: "/mistral-7b/stream", body: { inputs: id } }),
  openai: (id: string) => ({
    path: "/v1/chat/completions",
    body: { model: "mistral-7b", stream: true, messages: [{ role: "user", content: id }] },
  }),
};

/** Logged records of one outcome, from the handlers' JSON lines. */
const records = (lines: string[], outcome: string) =>
  lines.map((l) => JSON.parse(l)).filter((r) => r.outcome === outcome);

async function settle(check: () => Promise<boolean> | boolean, ms = 3000): Promise<void> {
  for (const started = Date.now(); Date.now() - started < ms; await new Promise((r) => setTimeout(r, 20)))
    if (await check()) return;
}

export interface Upstream {
  /** Per request id: performance.now() when the model stopped generating for it. */
  readonly stoppedAt: Map<string, number>;
  open(): Promise<number>;
}

export function describeAborts(
  name: string,
  start: () => Promise<{ stack: LocalStack; upstream: Upstream; stop(): Promise<void> }>,
) {
  describe(`clients leaving mid-stream, ${name}`, () => {
    let stack: LocalStack;
    let upstream: Upstream;
    let stop: () => Promise<void>;
    const lines: string[] = [];
    beforeAll(async () => {
      process.env.LOG_LEVEL = "warn";
      jest.spyOn(console, "log").mockImplementation((line: string) => void lines.push(line));
      jest.spyOn(console, "error").mockImplementation((line: string) => void lines.push(line));
      ({ stack, upstream, stop } = await start());
    });
    afterAll(async () => {
      jest.restoreAllMocks();
      await stop();
    });

    it.each(["stream", "openai"] as const)(
      `%s: ${STREAMS} aborted streams each cancel the model within 1 s, leave no socket, are logged once, and free their memory`,
      async (route) => {
        const run = async (count: number, tag: string) => {
          const late: string[] = [];
          for (let batch = 0; batch < count / AT_ONCE; batch++) {
            const ids = Array.from({ length: AT_ONCE }, (_, i) => `${tag}-${route}-${batch * AT_ONCE + i}`);
            const aborted = await Promise.all(
              ids.map((id) => abortAfterFirstToken(stack.url, bodies[route](id).path, bodies[route](id).body, id)),
            );
            await settle(() => aborted.every((a) => upstream.stoppedAt.has(a.id)), 2000);
            for (const a of aborted) {
              const stopped = upstream.stoppedAt.get(a.id);
              if (stopped === undefined || stopped - a.at > 1000)
                late.push(
                  `${a.id}: ${stopped === undefined ? "still generating" : `${(stopped - a.at).toFixed(0)} ms`}`,
                );
            }
          }
          return late;
        };
        await run(AT_ONCE * 2, "warm");
        await settle(async () => (await upstream.open()) === 0);
        gc();
        const before = process.memoryUsage().heapUsed;
        const logged = records(lines, "client_closed").length;

        const late = await run(STREAMS, "abort");
        expect(late).toEqual([]);
        await settle(async () => (await upstream.open()) === 0);
        expect(await upstream.open()).toBe(0);
        await settle(() => records(lines, "client_closed").length >= logged + STREAMS);
        expect(records(lines, "client_closed").length - logged).toBe(STREAMS);
        expect(records(lines, "error")).toEqual([]);
        gc();
        expect((process.memoryUsage().heapUsed - before) / 2 ** 20).toBeLessThan(20);
      },
    );
  });
}
