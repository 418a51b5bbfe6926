/**
 * Server-Sent Events from a byte stream that arrives in arbitrary pieces: a
 * SageMaker PayloadPart can end mid-line or even mid-character, so bytes are
 * decoded as a stream and lines are buffered until complete.
 */
export class SseDecoder {
  private readonly decoder = new TextDecoder("utf-8");
  private buffer = "";
  private data: string[] = [];

  /** Feeds bytes; returns the data of every event completed by them. */
  push(bytes: Uint8Array): string[] {
    this.buffer += this.decoder.decode(bytes, { stream: true });
    return this.drain(false);
  }

  /** Ends the stream; returns an event left without its closing blank line. */
  end(): string[] {
    this.buffer += this.decoder.decode();
    return this.drain(true);
  }

  private drain(final: boolean): string[] {
    const events: string[] = [];
    let newline: number;
    while ((newline = this.buffer.search(/\r\n|\n|\r(?!$)/)) >= 0) {
      const line = this.buffer.slice(0, newline);
      this.buffer = this.buffer.slice(newline + (this.buffer.startsWith("\r\n", newline) ? 2 : 1));
      this.line(line, events);
    }
    if (final) {
      if (this.buffer) this.line(this.buffer, events);
      this.buffer = "";
      this.line("", events);
    }
    return events;
  }

  private line(line: string, events: string[]): void {
    if (line === "") {
      if (this.data.length > 0) events.push(this.data.join("\n"));
      this.data = [];
    } else if (line.startsWith("data:")) {
      this.data.push(line.slice(line.startsWith("data: ") ? 6 : 5));
    }
    // Other fields (event:, id:, retry:) and comments are not used by TGI.
  }
}

/** One SSE event as text. */
export function sseEvent(data: string, event?: string): string {
  return `${event ? `event: ${event}\n` : ""}${data
    .split("\n")
    .map((line) => `data: ${line}`)
    .join("\n")}\n\n`;
}
