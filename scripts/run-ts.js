#!/usr/bin/env node
// Runs a TypeScript entry point at plain Node speed: esbuild compiles the project's
// own code into one file (packages stay external), then Node runs it. cdktf.json uses
// this for synth, npm scripts for the entry points in bin/; tsx's loader hooks roughly double
// the time Node takes to load cdktf and the provider.
"use strict";
// Compiled code of cdktf, the provider and zod is cached between runs: Node 22's own cache, or
// v8-compile-cache on Node 20. Loading them is most of a synth.
const nodeModule = require("node:module");
if (typeof nodeModule.enableCompileCache === "function") nodeModule.enableCompileCache();
else require("v8-compile-cache");
const { buildSync } = require("esbuild");
const { join, resolve, basename, dirname } = require("node:path");
const { mkdirSync, renameSync, writeFileSync } = require("node:fs");

const entry = process.argv[2];
if (!entry) {
  console.error("usage: node scripts/run-ts.js <entry.ts> [args...]");
  process.exit(2);
}
const root = resolve(__dirname, "..");
const outfile = join(root, ".build", "run", `${basename(entry, ".ts")}.js`);
const build = buildSync({
  entryPoints: [resolve(entry)],
  outfile,
  write: false,
  bundle: true,
  packages: "external",
  platform: "node",
  target: "node20",
  format: "cjs",
  sourcemap: true,
  logLevel: "warning",
});
// Written whole and renamed: several runs at once (parallel tests, a synth beside a test) may build the same entry.
mkdirSync(dirname(outfile), { recursive: true });
for (const file of build.outputFiles) {
  const partial = `${file.path}.${process.pid}.tmp`;
  writeFileSync(partial, file.contents);
  renameSync(partial, file.path);
}
process.setSourceMapsEnabled(true);
process.argv.splice(1, 2, resolve(entry));
require(outfile);
