import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PROVIDER_RANGES } from "../../reference/provider-ranges";
import { ROOT } from "../helpers/synth";

// Every config field that reaches a provider attribute with a validated range stays inside it, so no
// config that passes synth fails the plan on a range (the provider's ranges: reference/provider-ranges.ts).
const schema = JSON.parse(readFileSync(join(ROOT, "schema", "llm-api.config.schema.json"), "utf8"));
const fieldAt = (path: readonly string[]) =>
  path.reduce((node, key) => (key === "items" ? node.items : node.properties[key]), schema);

describe("config ranges against the provider's", () => {
  it.each(PROVIDER_RANGES.map((r) => [r.configPath.filter((p) => p !== "items").join("."), r] as const))(
    "%s lies inside the provider's range",
    (_, range) => {
      const field = fieldAt(range.configPath);
      expect(field.minimum).toBeGreaterThanOrEqual(range.min);
      if (range.max !== undefined) {
        expect(field.maximum).toBeDefined();
        expect(field.maximum).toBeLessThanOrEqual(range.max);
      }
    },
  );
});
