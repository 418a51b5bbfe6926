import { LineSplitter } from "./lines";

/**
 * Server-Sent Events from a byte stream that arrives in arbitrary pieces: a
 * SageMaker PayloadPart can end mid-line or even mid-character; LineSplitter
 * decodes the bytes as a stream and buffers lines until complete.
 */
export class SseDecoder {
  private readonly lines = new LineSplitter();
  private data: string[] = [];

  /** Feeds bytes; returns the data of every event completed by them. */
  push(bytes: Uint8Array): string[] {
    return this.collect(this.lines.push(bytes), false);
  }

  /** Ends the stream; returns an event left without its closing blank line. */
  end(): string[] {
    return this.collect(this.lines.end(), true);
  }

  private collect(lines: string[], final: boolean): string[] {
    const events: string[] = [];
    for (const line of lines) this.line(line, events);
    if (final) this.line("", events);
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
