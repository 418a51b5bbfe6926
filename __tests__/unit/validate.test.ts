import { readFileSync } from "node:fs";
import { join } from "node:path";
import { problemOf } from "../../functions/lib/validate";
import { validateChatRequest, validateGenerateRequest } from "../../contract/validators";
import { standaloneValidators } from "../../deployment/openapi/validators";
import { ROOT } from "../helpers/synth";

const validate = (validator: typeof validateGenerateRequest, value: unknown) => problemOf(validator, value);
const generateRequestSchema = validateGenerateRequest;
const chatRequestSchema = validateChatRequest;

describe("validate", () => {
  it("uses validators compiled from the current schemas (run npm run validators after changing them)", () => {
    expect(readFileSync(join(ROOT, "contract", "validators.generated.js"), "utf8")).toBe(standaloneValidators());
  });

  it("refuses a schema with a keyword Ajv does not know, instead of skipping it", () => {
    const Ajv = require("ajv-draft-04");
    expect(() => new Ajv({ strict: true }).compile({ type: "string", patern: "^a" })).toThrow(
      /unknown keyword: "patern"/,
    );
  });

  it("accepts the documented generate payload", () => {
    expect(
      validate(generateRequestSchema, {
        inputs: "x",
        parameters: {
          max_new_tokens: 5,
          temperature: 0.5,
          top_p: 0.95,
          top_k: 50,
          repetition_penalty: 1.2,
          stop: ["</s>"],
          do_sample: true,
          seed: 1,
          return_full_text: false,
        },
      }),
    ).toBeUndefined();
  });

  it.each([
    [{}, "inputs", "inputs is required."],
    [{ inputs: 1 }, "inputs", "inputs must be a string, not integer."],
    [{ inputs: "x", extra: 1 }, "extra", "extra is not a supported field."],
    [{ inputs: "x", parameters: [] }, "parameters", "parameters must be an object, not array."],
    [
      { inputs: "x", parameters: { temperature: 0 } },
      "parameters.temperature",
      "parameters.temperature must be greater than 0.",
    ],
    [{ inputs: "x", parameters: { top_p: 1 } }, "parameters.top_p", "parameters.top_p must be less than 1."],
    [
      { inputs: "x", parameters: { max_new_tokens: 0 } },
      "parameters.max_new_tokens",
      "parameters.max_new_tokens must be at least 1.",
    ],
    [
      { inputs: "x", parameters: { stop: ["a", 2] } },
      "parameters.stop[1]",
      "parameters.stop[1] must be a string, not integer.",
    ],
    [null, "body", "body must be an object, not null."],
  ])("names the first problem of %j", (value, field, message) => {
    expect(validate(generateRequestSchema, value)).toEqual({ field, message });
  });

  it("checks chat messages item by item, and leaves unknown chat fields to the handler", () => {
    expect(
      validate(chatRequestSchema, { model: "m", messages: [{ role: "user", content: "hi" }, { content: "x" }] }),
    ).toEqual({
      field: "messages[1].role",
      message: "messages[1].role is required.",
    });
    expect(
      validate(chatRequestSchema, { model: "m", messages: [{ role: "user", content: "hi" }], logit_bias: {} }),
    ).toBeUndefined();
    expect(
      validate(chatRequestSchema, {
        model: "m",
        messages: [{ role: "user", content: "hi" }],
        tools: [{ type: "function", function: { name: "a b" } }],
      }),
    ).toEqual({
      field: "tools[0].function.name",
      message: "tools[0].function.name must match ^[A-Za-z0-9_-]{1,64}$.",
    });
  });
});
