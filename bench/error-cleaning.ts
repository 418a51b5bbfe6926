import { modelMessage } from "../functions/lib/errors";
import type { Row } from "./handlers";

/**
 * A model's error text is cleaned before a client sees it; an upstream server controls its size and
 * shape. The former regular expressions were cubic on newline runs (8 KB: 14 s). Budget: any shape of
 * 10 MB in under 50 ms, which holds only if the cleaning reads a bounded prefix in linear time.
 */
const MB = 1024 * 1024;
// As text decoded from a response body: flat strings, not the ropes that repeat() builds.
const flat = (text: string) => Buffer.from(text).toString("utf8");
const SHAPES: Record<string, string> = {
  newlines: "x" + "\n".repeat(10 * MB),
  "newline + space": "e" + "\n ".repeat(5 * MB),
  whitespace: "x" + " \t".repeat(5 * MB),
  "path /a/a/...": "/a".repeat(5 * MB),
  "JSON body": JSON.stringify({ error: "x\n/a".repeat(2.5 * MB) }),
};

export function errorCleaningBenchmarks(): Row[] {
  let worst = 0;
  let worstShape = "";
  for (const [shape, rope] of Object.entries(SHAPES)) {
    const text = flat(rope);
    const started = performance.now();
    for (let i = 0; i < 5; i++) modelMessage(text, "fallback");
    const ms = (performance.now() - started) / 5;
    if (ms >= worst) [worst, worstShape] = [ms, shape];
  }
  return [
    [
      `error cleaning, worst of ${Object.keys(SHAPES).length} 10 MB shapes (${worstShape})`,
      `${worst.toFixed(2)} ms`,
      "< 50 ms",
      worst < 50,
    ],
  ];
}
