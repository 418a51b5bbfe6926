import { INSTALLED_BROWSERS, findBrowser, type Host } from "../helpers/browser";

// Where the browser tests find their browser, on made-up hosts.
const host = (over: Partial<Host> & { files?: string[] } = {}): Host => ({
  env: {},
  platform: "linux",
  arch: "x64",
  exists: (path) => (over.files ?? []).includes(path),
  ...over,
});

describe("findBrowser", () => {
  it("takes CHROMIUM_PATH first, and names it when it does not exist", () => {
    expect(findBrowser(host({ env: { CHROMIUM_PATH: "/opt/c" }, files: ["/opt/c", "/usr/bin/chromium"] }))).toEqual({
      kind: "path",
      path: "/opt/c",
    });
    expect(findBrowser(host({ env: { CHROMIUM_PATH: "/opt/c" } }))).toBe("CHROMIUM_PATH=/opt/c does not exist");
  });

  it("then an installed browser, on Linux and macOS", () => {
    expect(findBrowser(host({ files: ["/usr/bin/google-chrome"] }))).toEqual({
      kind: "path",
      path: "/usr/bin/google-chrome",
    });
    const mac = "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome";
    expect(findBrowser(host({ platform: "darwin", arch: "arm64", files: [mac] }))).toEqual({ kind: "path", path: mac });
  });

  it("then the npm-shipped Chromium on Linux x64, also when LLM_API_BROWSER=bundled passes over an installed one", () => {
    expect(findBrowser(host())).toEqual({ kind: "bundled" });
    expect(findBrowser(host({ env: { LLM_API_BROWSER: "bundled" }, files: INSTALLED_BROWSERS }))).toEqual({
      kind: "bundled",
    });
  });

  it("fails when there is none, saying what it looked for", () => {
    expect(findBrowser(host({ arch: "arm64" }))).toMatch(
      /^no Chromium, Chrome or Edge found .* Linux x64 only: install one or set CHROMIUM_PATH$/,
    );
  });
});
