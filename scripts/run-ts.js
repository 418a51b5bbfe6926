#!/usr/bin/env node
// Runs a TypeScript entry point at plain Node speed: esbuild compiles the project's
// own code into one file (packages stay external), then Node runs it. cdktf.json uses
// this for synth; `npx tsx main.ts` works too, but tsx's loader hooks roughly double
// the time Node takes to load cdktf and the provider.
"use strict";
// Compiled code of cdktf, the provider and zod is cached between runs: Node 22's own cache, or
// v8-compile-cache on Node 20. Loading them is most of a synth.
const nodeModule = require("node:module");
if (typeof nodeModule.enableCompileCache === "function") nodeModule.enableCompileCache();
else require("v8-compile-cache");
const { buildSync } = require("esbuild");
const { join, resolve, basename } = require("node:path");

const entry = process.argv[2];
if (!entry) {
  console.error("usage: node scripts/run-ts.js <entry.ts> [args...]");
  process.exit(2);
}
const root = resolve(__dirname, "..");
const outfile = join(root, ".build", "run", `${basename(entry, ".ts")}.js`);
buildSync({
  entryPoints: [resolve(entry)],
  outfile,
  bundle: true,
  packages: "external",
  platform: "node",
  target: "node20",
  format: "cjs",
  sourcemap: true,
  logLevel: "warning",
});
process.setSourceMapsEnabled(true);
process.argv.splice(1, 2, resolve(entry));
require(outfile);
