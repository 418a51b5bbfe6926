import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { buildSync, version as esbuildVersion } from "esbuild";
import { unzipSync } from "fflate";
import { deterministicZip } from "../deployment/lambda/zip";
import { esbuildOptions, FUNCTIONS_DIR } from "../deployment/lambda/esbuild-options";
import { PROJECT_ROOT } from "../config/paths";

/**
 * The build of the handlers' bundles: esbuild with the options deployment/ settles, deterministic
 * zips written under .build/functions and reused while no input changed. The one layer below the
 * constructs that writes files.
 */

const CONTRACT_DIR = join(PROJECT_ROOT, "contract");
export const BUILD_DIR = join(PROJECT_ROOT, ".build", "functions");

export interface HandlerBundle {
  readonly handler: string;
  /** Path of the deterministic zip. */
  readonly zipPath: string;
  /** Base64 SHA-256 of the zip, the form Lambda's source_code_hash expects. */
  readonly sha256: string;
  readonly codeBytes: number;
  readonly zipBytes: number;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)]))
    .sort();
}

/**
 * Everything a bundle depends on: handler sources, locked package versions and
 * build options. Same key, same bytes, so a cached bundle can stand in.
 */
let sharedInputs: string | undefined;

/** Hash of what every handler's bundle depends on; read once per process. */
function sharedInputsHash(): string {
  if (sharedInputs) return sharedInputs;
  const hash = createHash("sha256")
    .update(esbuildVersion)
    .update(JSON.stringify(esbuildOptions("entry")));
  hash.update(readFileSync(join(PROJECT_ROOT, "package-lock.json")));
  // The handlers and the request contract they import.
  for (const dir of [FUNCTIONS_DIR, CONTRACT_DIR]) {
    for (const file of filesUnder(dir)) hash.update(relative(PROJECT_ROOT, file)).update(readFileSync(file));
  }
  return (sharedInputs = hash.digest("hex"));
}

export function bundleKey(handler: string, entry?: string): string {
  const hash = createHash("sha256").update(handler).update(sharedInputsHash());
  if (entry) hash.update(entry);
  return hash.digest("hex").slice(0, 20);
}

function writeAtomically(path: string, data: Buffer | string): void {
  // Parallel test workers may write the same file at once.
  const partial = `${path}.${process.pid}.tmp`;
  writeFileSync(partial, data);
  renameSync(partial, path);
}

const memo = new Map<string, HandlerBundle>();

/**
 * Bundles functions/<handler>/index.ts (or `entry`, a user's own handler file) into a
 * deterministic zip, reusing the last build while no input changed.
 */
export function bundleHandler(handler: string, entry?: string): HandlerBundle {
  const memoKey = `${handler}:${entry ?? ""}`;
  const hit = memo.get(memoKey);
  if (hit) return hit;
  const key = bundleKey(handler, entry);
  const zipPath = join(BUILD_DIR, `${handler}-${key}.zip`);
  const metaPath = `${zipPath}.json`;
  let bundle: HandlerBundle;
  // A user's handler may import files of its own that the key cannot see: always build it.
  if (!entry && existsSync(zipPath) && existsSync(metaPath)) {
    bundle = { ...(JSON.parse(readFileSync(metaPath, "utf8")) as HandlerBundle), zipPath };
  } else {
    const result = buildSync(esbuildOptions(entry ?? join(FUNCTIONS_DIR, handler, "index.ts")));
    const output = (suffix: string) => Buffer.from(result.outputFiles.find((f) => f.path.endsWith(suffix))!.contents);
    const code = output("index.js");
    const zip = deterministicZip({ "index.js": code, "index.js.map": output("index.js.map") });
    bundle = {
      handler,
      zipPath,
      sha256: createHash("sha256").update(zip).digest("base64"),
      codeBytes: code.length,
      zipBytes: zip.length,
    };
    mkdirSync(BUILD_DIR, { recursive: true });
    writeAtomically(zipPath, zip);
    writeAtomically(metaPath, JSON.stringify(bundle));
  }
  memo.set(memoKey, bundle);
  return bundle;
}

/**
 * A handler's bundle with data files beside index.js (the OpenAI function's model table, which
 * Lambda's 4 KB environment cannot hold at 100 models): its own deterministic zip, named by the
 * hash of its contents.
 */
export function bundleWithData(handler: string, data: Readonly<Record<string, string>>): HandlerBundle {
  const base = bundleHandler(handler);
  const files: Record<string, Buffer> = Object.fromEntries(
    Object.entries(unzipSync(readFileSync(base.zipPath))).map(([n, b]) => [n, Buffer.from(b)]),
  );
  for (const [name, text] of Object.entries(data)) files[name] = Buffer.from(text);
  const zip = deterministicZip(files);
  const sha256 = createHash("sha256").update(zip).digest("base64");
  const zipPath = join(BUILD_DIR, `${handler}-${createHash("sha256").update(zip).digest("hex").slice(0, 16)}.zip`);
  if (!existsSync(zipPath)) {
    mkdirSync(BUILD_DIR, { recursive: true });
    writeAtomically(zipPath, zip);
  }
  return { ...base, zipPath, sha256, zipBytes: zip.length };
}

/** Drops the in-process memos, so the next call reads or builds the bundle again. */
export function forgetBundles(): void {
  memo.clear();
  sharedInputs = undefined;
}
