import { SseDecoder, sseEvent } from "../../functions/lib/sse";

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
    expect(decoder.push(bytes(": keep-alive\r\nevent: x\r\ndata: one\r\ndata: two\r\n\r\ndata: three\r\rdata: four\r\r"))).toEqual(["one\ntwo", "three"]);
    expect(decoder.end()).toEqual(["four"]);
  });

  it("keeps a CR at the end of a piece until it knows whether LF follows", () => {
    const decoder = new SseDecoder();
    expect(decoder.push(bytes("data: a\r"))).toEqual([]);
    expect(decoder.push(bytes("\n\r\n"))).toEqual(["a"]);
  });

  it("returns an event left without its blank line when the stream ends", () => {
    const decoder = new SseDecoder();
    expect(decoder.push(bytes("data: [DONE]"))).toEqual([]);
    expect(decoder.end()).toEqual(["[DONE]"]);
  });

  it("turns invalid UTF-8 into replacement characters instead of failing", () => {
    const decoder = new SseDecoder();
    expect(decoder.push(new Uint8Array([...bytes("data: a"), 0xff, 0xfe, ...bytes("b\n\n")]))).toEqual(["a\uFFFD\uFFFDb"]);
  });

  it("writes events that decode to the same data", () => {
    const decoder = new SseDecoder();
    expect(decoder.push(bytes(sseEvent("line 1\nline 2", "token")))).toEqual(["line 1\nline 2"]);
  });
});
