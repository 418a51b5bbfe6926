import OpenAI from "openai";
import { startOpenAiServer, startRig, type HandlerRig, type OpenAiServer } from "./handlers";

export interface OpenAiFixture {
  rig: HandlerRig;
  server: OpenAiServer;
  /** The official client, configured with the base URL and the key only. */
  openai: OpenAI;
}

/** Registers the suite's set-up and tear-down: the handler rig, the local OpenAI server with `key`, a client on it. */
export function useOpenAiFixture(key: string): OpenAiFixture {
  const fixture = {} as OpenAiFixture;
  beforeAll(async () => {
    process.env.LOG_LEVEL = "silent";
    fixture.rig = await startRig();
    fixture.server = await startOpenAiServer(fixture.rig, key);
    fixture.openai = new OpenAI({ baseURL: fixture.server.baseURL, apiKey: key, maxRetries: 0 });
  });
  afterAll(async () => {
    await fixture.server.stop();
    await fixture.rig.stop();
  });
  return fixture;
}
