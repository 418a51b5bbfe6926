import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

/**
 * Finds a browser the way users have one: CHROMIUM_PATH, then an installed Chromium, Chrome or
 * Edge (Linux, macOS), then the Chromium that the `@sparticuz/chromium` devDependency carries in
 * its npm tarball (Linux x64; unpacked to the temp folder on first use, nothing downloaded).
 * LLM_API_BROWSER=bundled skips the installed ones; LLM_API_SKIP_BROWSER=1 skips the tests, loudly.
 */
export const INSTALLED_BROWSERS = [
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/usr/bin/google-chrome",
  "/usr/bin/google-chrome-stable",
  "/usr/bin/microsoft-edge",
  "/snap/bin/chromium",
  "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
  "/Applications/Chromium.app/Contents/MacOS/Chromium",
  "/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge",
];

export type BrowserSource = { readonly kind: "path"; readonly path: string } | { readonly kind: "bundled" };

export interface Host {
  readonly env: NodeJS.ProcessEnv;
  readonly platform: NodeJS.Platform;
  readonly arch: string;
  readonly exists: (path: string) => boolean;
}
const thisHost: Host = { env: process.env, platform: process.platform, arch: process.arch, exists: existsSync };

/** Where the browser comes from on this host, or why there is none. */
export function findBrowser(host: Host = thisHost): BrowserSource | string {
  if (host.env.CHROMIUM_PATH) {
    return host.exists(host.env.CHROMIUM_PATH)
      ? { kind: "path", path: host.env.CHROMIUM_PATH }
      : `CHROMIUM_PATH=${host.env.CHROMIUM_PATH} does not exist`;
  }
  if (host.env.LLM_API_BROWSER !== "bundled") {
    const installed = INSTALLED_BROWSERS.find((path) => host.exists(path));
    if (installed) return { kind: "path", path: installed };
  }
  if (host.platform === "linux" && host.arch === "x64") return { kind: "bundled" };
  return `no Chromium, Chrome or Edge found (looked at CHROMIUM_PATH and ${INSTALLED_BROWSERS.length} install paths), and the npm-shipped Chromium is for Linux x64 only: install one or set CHROMIUM_PATH`;
}

/** Whether to run the browser tests: true, or a loud skip when asked for, or an error saying how to get a browser. */
export function browserAvailable(): boolean {
  const found = findBrowser();
  if (typeof found !== "string") return true;
  if (process.env.LLM_API_SKIP_BROWSER === "1") {
    process.stderr.write(`\n*** BROWSER TESTS SKIPPED (LLM_API_SKIP_BROWSER=1): ${found} ***\n\n`);
    return false;
  }
  throw new Error(`Browser tests need a browser: ${found} (LLM_API_SKIP_BROWSER=1 skips them on purpose)`);
}

// The machine's network may be closed: background services would only fail to connect.
const QUIET = [
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export async function launchChromium(source: BrowserSource | string = findBrowser()): Promise<Browser> {
  if (typeof source === "string") throw new Error(source);
  if (source.kind === "path")
    return chromium.launch({ executablePath: source.path, headless: true, args: ["--no-sandbox", ...QUIET] });
  const bundled = unpackBundledChromium();
  // Its args are made for one page per Lambda: --single-process ends the browser with its first page.
  const args = bundled.args.filter((arg) => arg !== "--single-process");
  return chromium.launch({ executablePath: bundled.path, headless: true, args: [...args, ...QUIET] });
}

/** The package is an ES module, which jest's CommonJS runtime cannot load: a plain Node child unpacks it. */
function unpackBundledChromium(): { path: string; args: string[] } {
  const script =
    'import c from "@sparticuz/chromium"; process.stdout.write(JSON.stringify({ path: await c.executablePath(), args: c.args }));';
  return JSON.parse(
    execFileSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", cwd: __dirname }),
  );
}
