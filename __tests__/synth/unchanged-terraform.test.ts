import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../helpers/synth";
import { terraformDigests } from "../helpers/terraform-digest";

/**
 * The shipped configs synthesise to the Terraform recorded in fixtures/terraform-digests.json
 * (function code aside): a change that moves a deployed stage's Terraform shows here and is
 * recorded on purpose with UPDATE_DIGESTS=1. Scale to zero, for one, is opt-in: configs without
 * it stay exactly as they were.
 */
const FIXTURE = join(ROOT, "__tests__", "fixtures", "terraform-digests.json");
const recorded = JSON.parse(readFileSync(FIXTURE, "utf8")) as Record<string, Record<string, string>>;

describe("the shipped configs' Terraform", () => {
  const now: Record<string, Record<string, string>> = {};
  afterAll(() => {
    if (process.env.UPDATE_DIGESTS === "1")
      writeFileSync(FIXTURE, `${JSON.stringify({ ...recorded, ...now }, null, 2)}\n`);
  });

  it.each(Object.keys(recorded))("%s synthesises to the recorded Terraform", (file) => {
    now[file] = terraformDigests(join(ROOT, file));
    if (process.env.UPDATE_DIGESTS !== "1") expect(now[file]).toEqual(recorded[file]);
  });
});
