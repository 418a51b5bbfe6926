import { mostTokens, outputBudgetOf, usedTokens } from "../../functions/lib/budget-gate";
import { periodOf } from "../../contract/budget";
import { liveTally } from "../../contract/budget-item";

// The arithmetic a budget rests on: a request's most, what an answer is charged, the periods, the tally.
describe("a request's most", () => {
  const chat = { contextTokens: 8192 };
  it("is its bytes, the template's 256 and its output budget, never past the model's context", () => {
    expect(mostTokens(1000, 200, chat, "m")).toBe(1000 + 256 + 200);
    expect(mostTokens(1000, undefined, chat, "m")).toBe(8192);
    expect(mostTokens(9000, 10, chat, "m")).toBe(8192);
  });
  it("is the input's bytes for an embedding model, which answers no tokens", () => {
    expect(mostTokens(700, undefined, { task: "embedding" }, "bge")).toBe(700);
  });
  it("refuses a request that names no output budget on a model of unknown context, naming max_tokens", () => {
    expect(() => mostTokens(10, undefined, {}, "m")).toThrow(
      expect.objectContaining({ statusCode: 400, field: "max_tokens" }),
    );
    expect(mostTokens(10, 5, {}, "m")).toBe(10 + 256 + 5);
  });
  it("reads the output budget in each API's word for it", () => {
    expect([
      outputBudgetOf({ max_tokens: 5 }),
      outputBudgetOf({ max_completion_tokens: 6, max_tokens: 5 }),
      outputBudgetOf({ max_output_tokens: 7 }),
      outputBudgetOf({ parameters: { max_new_tokens: 8 } }),
      outputBudgetOf({}),
    ]).toEqual([5, 6, 7, 8, undefined]);
  });
});

describe("what an answer is charged", () => {
  it("is prompt and answer as reported, the prompt at its bound when only the answer was counted, nothing when nothing was", () => {
    expect(usedTokens({ generation: true, inputTokens: 30, outputTokens: 12 }, 500, 700)).toBe(42);
    expect(usedTokens({ generation: true, outputTokens: 12 }, 500, 700)).toBe(512);
    expect(usedTokens({ generation: true, outputTokens: 400 }, 500, 700)).toBe(700);
    expect(usedTokens({ generation: true }, 500, 700)).toBeUndefined();
    expect(usedTokens({ inputTokens: 9 }, 500, 700)).toBe(9);
  });
});

describe("periods and the tally", () => {
  it("keys a day and a month in UTC, ending at the next midnight and the next first", () => {
    const at = new Date("2026-12-31T23:59:59Z");
    expect(periodOf("day", at)).toEqual({ key: "day#2026-12-31", endsAt: new Date("2027-01-01T00:00:00Z") });
    expect(periodOf("month", at)).toEqual({ key: "month#2026-12", endsAt: new Date("2027-01-01T00:00:00Z") });
  });
  it("counts live reservations as reserved and lapsed ones as released", () => {
    const item = {
      u: { N: "100" },
      "u:m": { N: "60" },
      "r:live": { M: { n: { N: "30" }, m: { S: "m" }, until: { N: "2000" } } },
      "r:gone": { M: { n: { N: "500" }, m: { S: "m" }, until: { N: "999" } } },
    };
    expect(liveTally(item, 1000)).toEqual({
      used: 100,
      reserved: 30,
      committed: 130,
      models: { m: { used: 60, reserved: 30, committed: 90 } },
    });
  });
});
