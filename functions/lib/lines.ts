import { HttpError } from "./errors";

/** A line longer than this ends the stream: no container sends one, and buffering it would be unbounded. */
export const MAX_LINE_CHARS = 1024 * 1024;

const BREAK = /[\r\n]/g;

/**
 * Splits a byte stream that arrives in arbitrary pieces into lines (LF, CRLF or CR), in time linear
 * in the input: each piece is scanned once, and an unfinished line is kept as a list of pieces, not
 * re-joined on every push. A piece may end mid-line or mid-character.
 */
export class LineSplitter {
  private readonly decoder = new TextDecoder("utf-8");
  private pending: string[] = [];
  private pendingChars = 0;
  private skipLineFeed = false;

  push(bytes: Uint8Array): string[] {
    return this.split(this.decoder.decode(bytes, { stream: true }));
  }

  /** Ends the stream; a last line without its line break is returned too. */
  end(): string[] {
    const lines = this.split(this.decoder.decode());
    if (this.pending.length > 0) lines.push(this.take());
    return lines;
  }

  private split(text: string): string[] {
    const lines: string[] = [];
    let start = 0;
    if (this.skipLineFeed && text.startsWith("\n")) start = 1;
    if (text.length > 0) this.skipLineFeed = false;
    BREAK.lastIndex = start;
    for (let match = BREAK.exec(text); match; match = BREAK.exec(text)) {
      this.add(text.slice(start, match.index));
      lines.push(this.take());
      start = match.index + 1;
      if (match[0] === "\r") {
        if (text[start] === "\n") start++;
        else if (start === text.length) this.skipLineFeed = true;
      }
      BREAK.lastIndex = start;
    }
    this.add(text.slice(start));
    return lines;
  }

  private add(piece: string): void {
    if (!piece) return;
    this.pendingChars += piece.length;
    if (this.pendingChars > MAX_LINE_CHARS) {
      this.pending = [];
      this.pendingChars = 0;
      throw new HttpError(
        502,
        "upstream_error",
        `The model sent a line longer than ${MAX_LINE_CHARS} characters; the stream was ended.`,
      );
    }
    this.pending.push(piece);
  }

  private take(): string {
    const line = this.pending.length === 1 ? this.pending[0] : this.pending.join("");
    this.pending = [];
    this.pendingChars = 0;
    return line;
  }
}
