// One synth in a fresh process, as `cdktf synth` runs the app: prints {ms, maxRssMb} as JSON.
// Modules are required after the clock starts so their load time counts.
const started = performance.now();
const { App } = require("cdktf") as typeof import("cdktf");
const { parseConfig } = require("../config/load") as typeof import("../config/load");
const { buildStacks } = require("../stacks/build") as typeof import("../stacks/build");

const config = parseConfig(JSON.parse(process.env.BENCH_CONFIG ?? "{}"));
const app = new App({ outdir: process.env.BENCH_OUTDIR });
buildStacks(app, config);
app.synth();
const ms = performance.now() - started;
process.stdout.write(JSON.stringify({ ms, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
