import { MAX_MODEL_MESSAGE_CHARS, modelMessage } from "../../functions/lib/errors";

/**
 * The shapes that made the former regular-expression cleaning cubic or quadratic (an 8 KB message of
 * newlines took 14 s). Each must come back right and bounded; how fast is a row of `npm run bench`.
 */
const MB = 1024 * 1024;
const capped = (text: string) => `${text.slice(0, MAX_MODEL_MESSAGE_CHARS)}…`;
const WORST: [string, string, string][] = [
  ["newline runs", "x" + "\n".repeat(10 * MB), "x"],
  ["whitespace runs", "bad input" + " \t".repeat(5 * MB) + "end", "bad input"],
  ["path runs", "/a".repeat(5 * MB), capped("/a".repeat(MAX_MODEL_MESSAGE_CHARS))],
  ["newline and space runs", "e" + "\n ".repeat(5 * MB) + "at", "e"],
  ["dotted path runs", "/a.".repeat(3 * MB) + "py", capped("/a.".repeat(MAX_MODEL_MESSAGE_CHARS))],
  [
    "a 10 MB JSON body",
    JSON.stringify({ error: "x\n/a".repeat(3 * MB) }),
    capped("x\n/a".repeat(MAX_MODEL_MESSAGE_CHARS)),
  ],
  [
    "a 10 MB JSON body of one line",
    JSON.stringify({ error: "/a".repeat(5 * MB) }),
    capped("/a".repeat(MAX_MODEL_MESSAGE_CHARS)),
  ],
  ["a 10 MB body that is not JSON", "{" + "[".repeat(10 * MB), capped("{" + "[".repeat(MAX_MODEL_MESSAGE_CHARS))],
];

describe("modelMessage", () => {
  it.each(WORST)("when the message is %s, it answers a bounded prefix", (_, text, expected) => {
    expect(modelMessage(text, "fallback")).toBe(expected);
  });

  it("keeps the lines before a Python or JavaScript traceback", () => {
    expect(modelMessage('bad input\nTraceback (most recent call last):\n  File "/x/y.py", line 1', "f")).toBe(
      "bad input",
    );
    expect(modelMessage("bad input\n\n   \nTraceback (most recent call last):", "f")).toBe("bad input");
    expect(modelMessage("failed\n    at Object.run (/srv/app/index.js:3:9)", "f")).toBe("failed");
    expect(modelMessage("failed\nat run (/srv/app/index.js:3:9)", "f")).toBe("failed");
    expect(modelMessage("look at this\nat least one line", "f")).toBe("look at this\nat least one line");
  });

  it("hides source paths of two or more segments, with their line numbers", () => {
    expect(modelMessage("cannot load /opt/ml/model/weights.py:12 here", "f")).toBe("cannot load <path> here");
    expect(modelMessage("in src/lib/x.ts and /a/b.so", "f")).toBe("in src<path> and <path>");
    expect(modelMessage("keeps /etc/hosts, /x.py and a/b", "f")).toBe("keeps /etc/hosts, /x.py and a/b");
  });

  it("reads TGI's JSON body, and falls back when nothing is left", () => {
    expect(
      modelMessage(JSON.stringify({ error: "Input validation error: too long", error_type: "validation" }), "f"),
    ).toBe("Input validation error: too long");
    expect(modelMessage(JSON.stringify({ message: "busy" }), "f")).toBe("busy");
    expect(modelMessage("\n\n  ", "fallback")).toBe("fallback");
    expect(modelMessage(undefined, "fallback")).toBe("fallback");
  });

  it("decodes a large JSON body's message from its start, also where the cut splits an escape", () => {
    // {"error":" is 10 characters, each \u00e9 six: the 8,192 characters read end inside an escape for most k.
    for (let k = 0; k < 6; k++) {
      const body = `{"error":"${"x".repeat(k)}${"\\u00e9".repeat(MB)}"}`;
      expect(modelMessage(body, "f")).toBe("x".repeat(k) + "é".repeat(Math.floor((8192 - 10 - k) / 6)));
    }
  });

  it("caps a long message with an ellipsis", () => {
    const message = modelMessage("too long: " + "x".repeat(10 * MB), "f");
    expect(message).toBe(`too long: ${"x".repeat(MAX_MODEL_MESSAGE_CHARS - 10)}…`);
  });
});
