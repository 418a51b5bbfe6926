import { MAX_EVENT_CHARS, SseDecoder, sseEvent } from "../../functions/lib/sse";
import { LineSplitter, MAX_LINE_CHARS } from "../../functions/lib/lines";
import { JsonLinesDecoder } from "../../functions/lib/backends/lmi";

const bytes = (text: string) => new TextEncoder().encode(text);

describe("SseDecoder", () => {
  it("returns each event's data once its blank line arrives", () => {
    const decoder = new SseDecoder();
    expect(decoder.push(bytes('data:{"a":1}\n'))).toEqual([]);
    expect(decoder.push(bytes('\ndata: {"b":2}\n\n'))).toEqual(['{"a":1}', '{"b":2}']);
  });

  it("joins a character split across pieces, byte by byte", () => {
    const decoder = new SseDecoder();
    const whole = bytes("data: wörld 🚀\n\n");
    const events = Array.from(whole).flatMap((b) => decoder.push(new Uint8Array([b])));
    expect(events).toEqual(["wörld 🚀"]);
  });

  it("accepts CRLF and CR line ends, multi-line data, comments and other fields", () => {
    const decoder = new SseDecoder();
    expect(
      decoder.push(bytes(": keep-alive\r\nevent: x\r\ndata: one\r\ndata: two\r\n\r\ndata: three\r\rdata: four\r\r")),
    ).toEqual(["one\ntwo", "three", "four"]);
    // A CR that ends a piece ends its line at once; an LF opening the next piece is its CRLF's second half, not a line.
    expect(decoder.push(bytes("\ndata: five\n\n"))).toEqual(["five"]);
    expect(decoder.end()).toEqual([]);
  });

  it("ends a line at a CR that closes a piece, and does not count an LF opening the next one as a second line end", () => {
    const decoder = new SseDecoder();
    expect(decoder.push(bytes("data: a\r"))).toEqual([]);
    expect(decoder.push(bytes("\n"))).toEqual([]);
    expect(decoder.push(bytes("\r\n"))).toEqual(["a"]);
  });

  it("returns an event left without its blank line when the stream ends", () => {
    const decoder = new SseDecoder();
    expect(decoder.push(bytes("data: [DONE]"))).toEqual([]);
    expect(decoder.end()).toEqual(["[DONE]"]);
  });

  it("turns invalid UTF-8 into replacement characters instead of failing", () => {
    const decoder = new SseDecoder();
    expect(decoder.push(new Uint8Array([...bytes("data: a"), 0xff, 0xfe, ...bytes("b\n\n")]))).toEqual([
      "a\uFFFD\uFFFDb",
    ]);
  });

  it("ends the stream on a line longer than the limit instead of buffering it", () => {
    const decoder = new SseDecoder();
    const piece = bytes("x".repeat(64 * 1024));
    decoder.push(bytes("data: "));
    let thrown: unknown;
    try {
      for (let i = 0; i * piece.length <= MAX_LINE_CHARS; i++) decoder.push(piece);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toMatchObject({
      statusCode: 502,
      type: "upstream_error",
      message: expect.stringContaining("longer than"),
    });
    // Long streams of short lines are fine.
    const many = new SseDecoder();
    let events = 0;
    for (let i = 0; i < 20_000; i++) events += many.push(bytes(`data: ${"y".repeat(60)}\n\n`)).length;
    expect(events).toBe(20_000);
  });

  it("ends the stream on a line longer than the limit that arrives in one piece", () => {
    const decoder = new SseDecoder();
    expect(() => decoder.push(bytes(`data: ${"x".repeat(16 * 1024 * 1024)}\n\n`))).toThrow(
      `The model sent a line longer than ${MAX_LINE_CHARS} characters`,
    );
  });

  it("ends the stream on an event larger than the limit, however short its lines, in any piece size", () => {
    const line = `data: ${"y".repeat(1000)}\n`;
    for (const lines of [1, 64, 5000]) {
      const decoder = new SseDecoder();
      const piece = bytes(line.repeat(lines));
      let fed = 0;
      let thrown: unknown;
      try {
        // Up to 256 MB if nothing stopped it.
        while (fed < 256 * 1024 * 1024) {
          decoder.push(piece);
          fed += piece.length;
        }
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toMatchObject({
        statusCode: 502,
        message: `The model sent an event larger than ${MAX_EVENT_CHARS} characters; the stream was ended.`,
      });
      expect(fed).toBeLessThanOrEqual(MAX_EVENT_CHARS);
    }
    // The count starts again at each blank line: many events of that size in total are fine.
    const decoder = new SseDecoder();
    let events = 0;
    for (let i = 0; i < 10_000; i++) events += decoder.push(bytes(`${line}${line}\n`)).length;
    expect(events).toBe(10_000);
  });

  it("writes events that decode to the same data", () => {
    const decoder = new SseDecoder();
    expect(decoder.push(bytes(sseEvent("line 1\nline 2", "token")))).toEqual(["line 1\nline 2"]);
  });
});

describe("LineSplitter", () => {
  // Counts the characters the splitter copies or scans: linear means a fixed multiple of the input.
  it("takes time linear in a long line split into many pieces (a 4 MiB line in 4 KiB pieces)", () => {
    const piece = bytes("x".repeat(4096));
    const time = (pieces: number) => {
      const splitter = new LineSplitter();
      const started = performance.now();
      for (let i = 0; i < pieces; i++) splitter.push(piece);
      splitter.push(bytes("\n"));
      return performance.now() - started;
    };
    time(64);
    // Quadratic work would make 8x the input take ~64x the time; linear about 8x. The best of five
    // runs each: a busy machine (a parallel test worker, GC) only ever adds time to a run.
    const best = (pieces: number) => Math.min(...Array.from({ length: 5 }, () => time(pieces)));
    const small = Math.max(best(32), 0.5);
    const large = best(256);
    expect(large / small).toBeLessThan(30);
  });

  it("ends the stream with upstream_error when a line passes the cap, and keeps nothing of it", () => {
    const splitter = new LineSplitter();
    const piece = bytes("y".repeat(64 * 1024));
    let thrown: unknown;
    try {
      for (let i = 0; i * piece.length <= MAX_LINE_CHARS; i++) splitter.push(piece);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toMatchObject({
      statusCode: 502,
      type: "upstream_error",
      message: expect.stringContaining("longer than"),
    });
    expect(splitter.end()).toEqual([]);
  });

  it("gives JSON lines, blank lines dropped, the last one without its line end at the end", () => {
    const decoder = new JsonLinesDecoder();
    expect(decoder.push(bytes('{"a":1}\n\n{"b"'))).toEqual(['{"a":1}']);
    expect(decoder.push(bytes(":2}\n"))).toEqual(['{"b":2}']);
    expect(decoder.end()).toEqual([]);
    const other = new JsonLinesDecoder();
    expect(other.push(bytes('{"b":2}'))).toEqual([]);
    expect(other.end()).toEqual(['{"b":2}']);
  });
});
