import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { zipSync } from "fflate";
import { bundleHandler } from "../packaging/bundle";
import { LambdaProcess, findRuntimeClient } from "../testing/lambda-process";
import type { Row } from "./handlers";

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const RUNS = 9;

/**
 * Cold init as Lambda measures it, under AWS's runtime interface client on Node 22:
 * process start to the runtime's first poll for work, per function zip, against an
 * empty handler's zip. Skipped (with the reason) where the client is not installed.
 */
export async function runtimeInitBenchmarks(): Promise<Row[]> {
  const client = findRuntimeClient();
  if (typeof client === "string")
    return [["cold init under the Lambda runtime client", `skipped: ${client}`, "-", true]];
  const bare = join(mkdtempSync(join(tmpdir(), "llm-api-bare-")), "bare.zip");
  writeFileSync(
    bare,
    zipSync({ "index.js": Buffer.from("exports.handler = async () => ({ statusCode: 200, body: '{}' });") }),
  );

  const initOf = async (zipPath: string) => {
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const fn = await LambdaProcess.start(client, {
        zipPath,
        environment: { MODELS: "{}", AWS_ACCESS_KEY_ID: "bench", AWS_SECRET_ACCESS_KEY: "bench" },
      });
      times.push(await fn.initMs());
      await fn.stop();
    }
    return median(times);
  };
  const empty = await initOf(bare);
  const rows: Row[] = [
    [
      `cold init under the Lambda runtime client, empty handler (median of ${RUNS})`,
      `${empty.toFixed(0)} ms`,
      "-",
      true,
    ],
  ];
  for (const handler of ["invoke", "stream", "openai", "authorizer"]) {
    const ms = await initOf(bundleHandler(handler).zipPath);
    rows.push([
      `cold init under the Lambda runtime client, ${handler} zip`,
      `${ms.toFixed(0)} ms (+${(ms - empty).toFixed(0)})`,
      "+ < 60 ms",
      ms - empty < 60,
    ]);
  }
  return rows;
}
