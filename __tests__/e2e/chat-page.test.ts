import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { parseConfig } from "../../config/load";
import { startLocalStack, type LocalStack } from "../../local/dev-server";
import { VOCABULARY } from "../../local/emulator/serving-container";
import { ROOT } from "../helpers/synth";
import { browserAvailable, findBrowser, launchChromium, type BrowserSource } from "../helpers/browser";

// The chat page in headless Chromium, served by the local stack with the emulator behind it.
jest.setTimeout(60_000);
const ARTIFACTS = join(ROOT, "test-artifacts");

// The browser found on this machine, and also the npm-shipped Chromium where that is another one,
// so the suite is shown to pass on a machine without a system browser.
const found = browserAvailable() ? (findBrowser() as BrowserSource) : undefined;
const sources: [string, BrowserSource][] = found
  ? [[found.kind === "path" ? found.path : "npm-shipped Chromium", found]]
  : [];
if (found?.kind === "path" && process.platform === "linux" && process.arch === "x64")
  sources.push(["npm-shipped Chromium", { kind: "bundled" }]);
const describeBrowsers = sources.length
  ? describe.each(sources)
  : describe.skip.each([["none", { kind: "bundled" } as BrowserSource]]);

describeBrowsers("chat page in %s", (_, source) => {
  let stack: LocalStack;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    process.env.LOG_LEVEL = "silent";
    const config = parseConfig({
      region: "us-east-1",
      models: [
        {
          name: "mistral-7b",
          huggingFace: { modelId: "mistralai/Mistral-7B-Instruct-v0.2" },
          instance: { type: "ml.g5.2xlarge" },
        },
        // A model that scales to zero: its requests are held while it wakes.
        {
          name: "idle",
          huggingFace: { modelId: "mistralai/Mistral-7B-Instruct-v0.2" },
          instance: { type: "ml.g6e.xlarge" },
          autoscaling: { minCapacity: 0, maxCapacity: 1, targetValue: 10 },
        },
      ],
    });
    stack = await startLocalStack({
      config,
      port: 0,
      apiKey: "browser-test-key",
      emulator: { firstTokenDelayMs: 100, tokenDelayMs: 60 },
      wake: { retryMs: 200, heartbeatMs: 500 },
    });
    browser = await launchChromium(source);
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });
  beforeEach(async () => {
    page = await browser.newPage();
    await page.goto(`${stack.url}/`);
  });
  afterEach(() => page.close());

  async function connect(key: string) {
    await page.getByTestId("api-key").fill(key);
    await page.getByTestId("connect").click();
  }

  it("streams an answer into the page token by token", async () => {
    await connect("browser-test-key");
    await page.waitForFunction(() => (document.getElementById("model") as HTMLSelectElement).options.length > 0);
    expect(await page.getByTestId("model").inputValue()).toBe("mistral-7b");
    // Count every change to the answer's text while it streams.
    await page.evaluate(() => {
      (window as unknown as { updates: number }).updates = 0;
      new MutationObserver(() => (window as unknown as { updates: number }).updates++).observe(
        document.getElementById("messages")!,
        {
          subtree: true,
          characterData: true,
          childList: true,
        },
      );
    });
    await page.getByTestId("prompt").fill("Say hello");
    await page.getByTestId("send").click();
    await page.waitForFunction(() => document.getElementById("status")!.textContent === "Done.");
    const answer = page.locator('[data-role="assistant"]').last();
    expect(await answer.textContent()).toBe(VOCABULARY.join(""));
    const updates = await page.evaluate(() => (window as unknown as { updates: number }).updates);
    expect(updates).toBeGreaterThan(VOCABULARY.length / 2);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, "chat-page.png"), fullPage: true });
  });

  it("stops a stream midway and keeps what arrived", async () => {
    await connect("browser-test-key");
    await page.waitForFunction(() => (document.getElementById("model") as HTMLSelectElement).options.length > 0);
    await page.getByTestId("prompt").fill("Tell me a story");
    await page.getByTestId("send").click();
    const answer = page.locator('[data-role="assistant"]').last();
    await page.waitForFunction(() => (document.querySelector('[data-role="assistant"]')?.textContent ?? "").length > 0);
    await page.getByTestId("stop").click();
    await page.waitForFunction(() => document.getElementById("status")!.textContent === "Stopped.");
    const text = (await answer.textContent()) ?? "";
    expect(text.length).toBeGreaterThan(0);
    expect(text.length).toBeLessThan(VOCABULARY.join("").length);
    expect(await answer.getAttribute("class")).toContain("stopped");
    await page.waitForTimeout(300);
    expect(await answer.textContent()).toBe(text);
  });

  it("shows a clear message for a wrong API key", async () => {
    await connect("not-the-key");
    await page.waitForFunction(() => document.getElementById("error")!.textContent !== "");
    expect(await page.getByTestId("error").textContent()).toBe(
      "The API key was refused (401). Check the key for this stage.",
    );
  });

  it("shows a clear message when the model is down", async () => {
    stack.emulator!.behave("llm-api-v1-mistral-7b", { notReady: true });
    await connect("browser-test-key");
    await page.waitForFunction(() => (document.getElementById("model") as HTMLSelectElement).options.length > 0);
    await page.getByTestId("prompt").fill("Hello?");
    await page.getByTestId("send").click();
    await page.waitForFunction(() => document.getElementById("error")!.textContent !== "");
    expect(await page.getByTestId("error").textContent()).toBe(
      "The model is not in service (503): it may be starting, updating or scaled in. Try again later.",
    );
    expect(await page.locator('[data-role="assistant"]').count()).toBe(0);
    stack.emulator!.behave("llm-api-v1-mistral-7b", { firstTokenDelayMs: 100, tokenDelayMs: 60 });
  });

  it("holds one request while a model that scaled to zero starts, shows how long (m:ss), then the answer", async () => {
    stack.emulator!.behave("llm-api-v1-idle", {
      zeroCopies: { wakeAfterMs: 2500, alarmAfterMs: 60_000 },
      firstTokenDelayMs: 10,
      tokenDelayMs: 10,
    });
    const asked: string[] = [];
    page.on("request", (r) => (r.url().endsWith("/v1/chat/completions") ? asked.push(r.method()) : undefined));
    await connect("browser-test-key");
    await page.waitForFunction(() => (document.getElementById("model") as HTMLSelectElement).options.length > 1);
    await page.getByTestId("model").selectOption("idle");
    await page.getByTestId("prompt").fill("Hello?");
    await page.getByTestId("send").click();
    await page.waitForFunction(() => /^Starting, 0:0[1-9]/.test(document.getElementById("status")!.textContent!));
    expect(await page.getByTestId("error").textContent()).toBe("");
    await page.waitForFunction(() => document.getElementById("status")!.textContent === "Done.", undefined, {
      timeout: 20_000,
    });
    expect(await page.locator('[data-role="assistant"]').last().textContent()).toBe(VOCABULARY.join(""));
    expect(await page.getByTestId("error").textContent()).toBe("");
    // One request, held: not one refused request every few seconds.
    expect(asked).toEqual(["POST"]);
  });
});
