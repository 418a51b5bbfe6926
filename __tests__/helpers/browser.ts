import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

/** Debian's Chromium, which .ci/run installs with apt when it is missing. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/**
 * Launches headless Chromium, or fails loudly saying how to get it.
 * LLM_API_SKIP_BROWSER=1 turns that into an announced skip.
 */
export function browserAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.LLM_API_SKIP_BROWSER === "1") {
    process.stderr.write(`\n*** BROWSER TESTS SKIPPED (LLM_API_SKIP_BROWSER=1): no Chromium at ${CHROMIUM} ***\n\n`);
    return false;
  }
  throw new Error(`Browser tests need Chromium at ${CHROMIUM}: apt-get install chromium (or set CHROMIUM_PATH; LLM_API_SKIP_BROWSER=1 skips them on purpose)`);
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // The machine's network is closed: background services would only fail to connect.
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}
