import { createHash } from "node:crypto";
import { existsSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { buildSync, type BuildOptions } from "esbuild";
import { deterministicZip } from "./zip";

/** Handlers live in functions/<name>/index.ts. */
export const FUNCTIONS_DIR = resolve(__dirname, "..", "functions");
const BUILD_DIR = resolve(__dirname, "..", ".build", "functions");

/** Lambda runtime the bundles target; nodejs20.x is past its deprecation date. */
export const LAMBDA_RUNTIME = "nodejs22.x";

export function esbuildOptions(entry: string): BuildOptions & { write: false } {
  return {
    entryPoints: [entry],
    outfile: "index.js",
    bundle: true,
    platform: "node",
    target: "node22",
    format: "cjs",
    minify: true,
    // Bundling the SDK pins its version and loads faster than the runtime's copy.
    external: [],
    legalComments: "none",
    charset: "utf8",
    write: false,
    logLevel: "silent",
  };
}

export interface HandlerBundle {
  readonly handler: string;
  /** Path of the deterministic zip. */
  readonly zipPath: string;
  /** Base64 SHA-256 of the zip, the form Lambda's source_code_hash expects. */
  readonly sha256: string;
  readonly codeBytes: number;
  readonly zipBytes: number;
}

const cache = new Map<string, HandlerBundle>();

/** Bundles functions/<handler>/index.ts once per process into a content-addressed zip. */
export function bundleHandler(handler: string): HandlerBundle {
  const hit = cache.get(handler);
  if (hit) return hit;
  const result = buildSync(esbuildOptions(join(FUNCTIONS_DIR, handler, "index.ts")));
  const code = Buffer.from(result.outputFiles[0].contents);
  const zip = deterministicZip({ "index.js": code });
  const sha256 = createHash("sha256").update(zip).digest("base64");
  const hex = createHash("sha256").update(zip).digest("hex").slice(0, 16);
  const zipPath = join(BUILD_DIR, `${handler}-${hex}.zip`);
  if (!existsSync(zipPath)) {
    mkdirSync(BUILD_DIR, { recursive: true });
    // Write then rename: parallel test workers may bundle the same handler at once.
    const partial = `${zipPath}.${process.pid}.tmp`;
    writeFileSync(partial, zip);
    renameSync(partial, zipPath);
  }
  const bundle = { handler, zipPath, sha256, codeBytes: code.length, zipBytes: zip.length };
  cache.set(handler, bundle);
  return bundle;
}
