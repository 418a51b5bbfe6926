import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { bundleHandler, bundleKey, forgetBundles } from "../../packaging/bundle";
import { esbuildOptions } from "../../deployment/lambda/esbuild-options";
import { deterministicZip } from "../../deployment/lambda/zip";
import { tempDir } from "../helpers/temp";

// Python's zipfile is an independent reader of the archive format.
function unzipWithPython(zip: Buffer): Record<string, string> {
  const file = join(tempDir("llm-api-zip-"), "a.zip");
  writeFileSync(file, zip);
  const script =
    "import json,sys,zipfile; z=zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; print(json.dumps({n: z.read(n).decode() for n in z.namelist()}))";
  return JSON.parse(execFileSync("python3", ["-c", script, file], { encoding: "utf8" }));
}

describe("bundling", () => {
  it("zips to the same bytes for the same files, whatever their order", () => {
    const a = deterministicZip({ "index.js": Buffer.from("exports.handler=1"), "b.txt": Buffer.from("b") });
    const b = deterministicZip({ "b.txt": Buffer.from("b"), "index.js": Buffer.from("exports.handler=1") });
    expect(a.equals(b)).toBe(true);
    expect(deterministicZip({ "index.js": Buffer.from("exports.handler=2") }).equals(a)).toBe(false);
    expect(unzipWithPython(a)).toEqual({ "b.txt": "b", "index.js": "exports.handler=1" });
  });

  it("zips to the same bytes in every time zone, with readable Unix modes", () => {
    const zip = () => deterministicZip({ "index.js": Buffer.from("exports.handler=1") });
    const zone = process.env.TZ;
    try {
      process.env.TZ = "UTC";
      const utc = zip();
      process.env.TZ = "Pacific/Kiritimati";
      expect(zip().equals(utc)).toBe(true);
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
    // Central directory entry: "made by" Unix (3) and mode 0100644 in the external attributes.
    const central = zip().indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    expect(zip()[central + 5]).toBe(3);
    expect(zip().readUInt32LE(central + 38) >>> 16).toBe(0o100644);
  });

  it("bundles a handler once into a minified CommonJS file with the SDK inside, under the size budget", () => {
    const bundle = bundleHandler("invoke");
    expect(bundleHandler("invoke")).toBe(bundle);
    const files = unzipWithPython(readFileSync(bundle.zipPath));
    expect(Object.keys(files)).toEqual(["index.js", "index.js.map"]);
    expect(files["index.js"].endsWith("//# sourceMappingURL=index.js.map\n")).toBe(true);
    const map = JSON.parse(files["index.js.map"]);
    expect(map.sources).toContain("functions/invoke/index.ts");
    expect(map.sourcesContent).toBeUndefined();
    // The SageMaker runtime client is inside: its REST route is, and no require of it remains.
    expect(files["index.js"].includes("/endpoints/{EndpointName}/invocations")).toBe(true);
    expect(/require\("@(aws-sdk\/client-sagemaker-runtime|smithy\/[a-z-]+)"\)/.test(files["index.js"])).toBe(false);
    expect(bundle.codeBytes).toBeLessThan(500 * 1024);
    expect(bundle.sha256).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(esbuildOptions("x.ts")).toMatchObject({
      bundle: true,
      minify: true,
      platform: "node",
      format: "cjs",
      external: [],
      mainFields: ["module", "main"],
    });
  });

  it("reuses the last build while no input changed, with the same bytes and hash", () => {
    const first = bundleHandler("invoke");
    forgetBundles();
    const again = bundleHandler("invoke");
    expect(again).not.toBe(first);
    expect(again).toEqual(first);
    expect(first.zipPath.endsWith(`invoke-${bundleKey("invoke")}.zip`)).toBe(true);
    expect(bundleKey("invoke")).not.toBe(bundleKey("stream"));
  });
});
