import { localConfig } from "../helpers/local";
import { startLocalStack } from "../../local/dev-server";
import { KEY, describeAborts, type Upstream } from "../helpers/aborts";

// 500 clients per route leave mid-stream; the emulator must see each call cancelled (helpers/aborts.ts).
jest.setTimeout(120_000);

describeAborts("against the emulator", async () => {
  const stack = await startLocalStack({
    config: localConfig(),
    port: 0,
    apiKey: KEY,
    emulator: { endless: true, firstTokenDelayMs: 5, tokenDelayMs: 20 },
  });
  const emulator = stack.emulator!;
  const stoppedAt = new Map<string, number>();
  // The emulator keeps its last calls only; read them into the map as they come.
  const poll = setInterval(() => {
    for (const c of emulator.cancelled)
      stoppedAt.set(String(c.body.inputs ?? (c.body.messages as { content: string }[])?.[0]?.content), c.at);
  }, 5);
  const upstream: Upstream = {
    stoppedAt,
    open: async () => (await emulator.connections()) + emulator.openStreams,
  };
  return { stack, upstream, stop: async () => (clearInterval(poll), await stack.stop()) };
});
