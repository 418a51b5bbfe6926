import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../helpers/synth";
import { configJsonSchema } from "../../config/json-schema";
import { GENERATED_END, GENERATED_START, renderConfigReference, withReference } from "../../config/reference-doc";

const DOC = join(ROOT, "docs", "configuration.md");
const committed = () => readFileSync(DOC, "utf8");

/** Every field of the JSON Schema, by path, with its own schema. */
function allFields(node: any, path = ""): [string, any][] {
  const own = Object.entries(node.properties ?? {})
    .filter(([name]) => name !== "$schema")
    .flatMap(([name, child]) => {
      const at = path ? `${path}.${name}` : name;
      return [[at, child] as [string, any], ...allFields(child, at)];
    });
  const items = node.items ? allFields(node.items, `${path}[]`) : [];
  const options = (node.anyOf ?? []).flatMap((option: any) => allFields(option, path));
  return [...own, ...items, ...options];
}

describe("the configuration reference (docs/configuration.md)", () => {
  it("is what the config schema renders: run npm run schema after changing the schema", () => {
    expect(committed()).toBe(withReference(committed(), renderConfigReference(configJsonSchema())));
  });

  it("fails when a field's description changes and the doc is not regenerated", () => {
    const schema = configJsonSchema() as any;
    schema.properties.models.items.properties.name.description = "A changed description.";
    expect(withReference(committed(), renderConfigReference(schema))).not.toBe(committed());
  });

  it("describes every field of the schema, each once", () => {
    const fields = allFields(configJsonSchema());
    expect(fields.filter(([, s]) => !s.description).map(([path]) => path)).toEqual([]);
    const lines = committed().split("\n");
    for (const [path] of fields)
      expect([path, lines.filter((l) => l.startsWith(`- \`${path}\`:`)).length]).toEqual([path, 1]);
  });

  it("gives each field its type, default and limits", () => {
    const doc = committed();
    expect(doc).toContain(
      "- `models[].instance.initialCount`: integer; 1 to 100; default `1`. Instances when the endpoint is created.",
    );
    expect(doc).toContain('- `api.auth`: `"apiKey"` \\| `"iam"` \\| `"none"`; default `"apiKey"`.');
    expect(doc).toContain(
      "- `region`: string; pattern `^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\\d$`; required. AWS region to deploy to.",
    );
  });

  it("fails when the doc has lost its markers, rather than writing the reference somewhere", () => {
    expect(() => withReference("# Configuration\n", "x")).toThrow(
      `docs/configuration.md has lost its markers; put back ${GENERATED_START} and ${GENERATED_END}`,
    );
  });
});
