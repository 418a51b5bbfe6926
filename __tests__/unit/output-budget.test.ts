import { budgetThatFits, withinContext } from "../../functions/openai/lib/output-budget";
import { HttpError } from "../../functions/lib/errors";
import { contextRefusal } from "../../local/emulator/context-limit";

// The servers' refusals of a budget too large for the prompt, as they word them, and the budget each leaves.
describe("budgetThatFits", () => {
  it.each([
    // TGI 3.3.6, router/src/validation.rs: the prompt plus the first 1,024-token chunk.
    [
      "TGI",
      "Input validation error: `inputs` tokens + `max_new_tokens` must be <= 8192. Given: 7500 `inputs` tokens and 1024 `max_new_tokens`",
      692,
    ],
    // vLLM, as its users report it.
    [
      "vLLM",
      "'max_tokens' or 'max_completion_tokens' is too large: 16384. This model's maximum context length is 65536 tokens and your request has 52189 input tokens (16384 > 65536 - 52189). (parameter=max_tokens, value=16384)",
      13347,
    ],
    [
      "earlier vLLM",
      "This model's maximum context length is 4096 tokens. However, you requested 5000 tokens (3000 in the messages, 2000 in the completion). Please reduce the length of the messages or completion.",
      1096,
    ],
  ])("reads %s's refusal", (_server, said, fits) => {
    expect(budgetThatFits(said)).toBe(fits);
    expect(budgetThatFits(JSON.stringify({ error: { message: said } }))).toBe(fits);
  });

  it("finds no budget in other refusals, or where the prompt alone fills the context", () => {
    expect(budgetThatFits("Input validation error: `temperature` must be strictly positive")).toBeUndefined();
    expect(
      budgetThatFits(
        "`inputs` tokens + `max_new_tokens` must be <= 8192. Given: 9000 `inputs` tokens and 1024 `max_new_tokens`",
      ),
    ).toBeUndefined();
  });
});

describe("withinContext", () => {
  const refusedAbove = (limit: number) => async (body: Record<string, unknown>) => {
    const asked = body.max_tokens as number;
    if (asked <= limit) return `answered with ${asked}`;
    const said = `This model's maximum context length is ${limit + 10} tokens and your request has 10 input tokens (${asked} > ${limit + 10} - 10).`;
    throw new HttpError(400, "model_rejected_request", "refused", undefined, { cause: { OriginalMessage: said } });
  };

  it("makes the call once more with the budget that fits, and says so", async () => {
    const fitted: number[][] = [];
    await expect(
      withinContext({ messages: [], max_tokens: 32000 }, refusedAbove(8182), (a, f) => fitted.push([a, f])),
    ).resolves.toBe("answered with 8182");
    expect(fitted).toEqual([[32000, 8182]]);
  });

  it("fits a generate call's parameters.max_new_tokens", async () => {
    const seen: unknown[] = [];
    const call = async (body: Record<string, unknown>) => {
      seen.push(body.parameters);
      if (seen.length === 1)
        throw new HttpError(422, "model_rejected_request", "x", undefined, {
          cause: {
            OriginalMessage:
              "`inputs` tokens + `max_new_tokens` must be <= 100. Given: 90 `inputs` tokens and 50 `max_new_tokens`",
          },
        });
      return "ok";
    };
    await withinContext({ inputs: "x", parameters: { max_new_tokens: 50, details: true } }, call);
    expect(seen).toEqual([
      { max_new_tokens: 50, details: true },
      { max_new_tokens: 10, details: true },
    ]);
  });

  it("throws any other failure as it was, without a second call", async () => {
    let calls = 0;
    const failure = new HttpError(429, "model_overloaded", "busy");
    const call = async () => {
      calls++;
      throw failure;
    };
    await expect(withinContext({ messages: [], max_tokens: 5 }, call)).rejects.toBe(failure);
    expect(calls).toBe(1);
  });
});

describe("the emulator's context, as the servers enforce it", () => {
  const words = (n: number) => Array.from({ length: n }, () => "w").join(" ");
  const chat = (n: number, max_tokens?: number) => ({
    messages: [{ role: "user", content: words(n) }],
    ...(max_tokens ? { max_tokens } : {}),
  });

  it("TGI checks the prompt and the first 1,024 tokens of the budget, with a 422", () => {
    expect(contextRefusal(chat(100, 32000), "tgi", 8192)).toBeUndefined();
    const refusal = contextRefusal(chat(7500, 32000), "tgi", 8192);
    expect(refusal?.status).toBe(422);
    expect(budgetThatFits(refusal!.body)).toBe(692);
  });

  it("vLLM checks the whole budget, with a 400", () => {
    const refusal = contextRefusal(chat(100, 32000), "lmi", 8192);
    expect(refusal?.status).toBe(400);
    expect(budgetThatFits(refusal!.body)).toBe(8092);
    expect(contextRefusal(chat(100), "lmi", 8192)).toBeUndefined();
  });
});
