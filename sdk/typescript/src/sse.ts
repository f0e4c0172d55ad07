/**
 * A Server-Sent Events parser following the WHATWG "event stream interpretation" rules.
 *
 * It is written here rather than taken from a package because the SDK has no runtime
 * dependencies, and because the router needs what browsers' EventSource hides: comment lines
 * (the registry's heartbeats) and control over reconnection.
 */

/** One dispatched event. */
export interface SseEvent {
  /** The `event:` field, `"message"` when the event named none. */
  readonly event: string;
  /** The `data:` lines joined with `\n`. */
  readonly data: string;
  /** The last event ID seen on the stream so far (WHATWG semantics: it persists across events). */
  readonly id: string;
}

export interface SseHandlers {
  /** Called for every dispatched event, in order. */
  onEvent(event: SseEvent): void;
  /** Called for every comment line (`: heartbeat`), without the leading colon. */
  onComment?(comment: string): void;
  /** Called when the stream sets a reconnection time with `retry:`. */
  onRetry?(milliseconds: number): void;
}

/**
 * A line longer than this is treated as a broken stream: without a cap, a peer that never sends a
 * newline would make the buffer grow until the process runs out of memory.
 */
export const DEFAULT_MAX_LINE_LENGTH = 16 * 1024 * 1024;

/** Thrown by {@link SseParser.feed} when a line exceeds the parser's limit. */
export class SseLineTooLongError extends Error {
  constructor(limit: number) {
    super(`SSE line longer than ${limit} characters`);
    this.name = "SseLineTooLongError";
  }
}

/**
 * An incremental parser: feed it decoded text in chunks of any size (a CRLF may be split across
 * chunks) and it calls the handlers as lines complete. An event still incomplete when the stream
 * ends is discarded, as the specification requires.
 */
export class SseParser {
  private buffer = "";
  private started = false;
  /** The previous chunk ended in CR: an LF starting the next chunk belongs to that line ending. */
  private skipLeadingLf = false;
  private eventType = "";
  private data = "";
  private hasData = false;
  private lastEventId = "";

  constructor(
    private readonly handlers: SseHandlers,
    private readonly maxLineLength: number = DEFAULT_MAX_LINE_LENGTH,
  ) {}

  /** Parses the next piece of the stream. */
  feed(chunk: string): void {
    if (chunk.length === 0) return;
    let text = chunk;
    if (!this.started) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (this.skipLeadingLf) {
      this.skipLeadingLf = false;
      if (text.charCodeAt(0) === 10) text = text.slice(1);
    }
    const buf = this.buffer + text;
    let start = 0;
    for (let i = this.buffer.length; i < buf.length; i++) {
      const c = buf.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      this.processLine(buf.slice(start, i));
      if (c === 13) {
        if (i + 1 < buf.length) {
          if (buf.charCodeAt(i + 1) === 10) i++;
        } else {
          this.skipLeadingLf = true;
        }
      }
      start = i + 1;
    }
    this.buffer = start === 0 ? buf : buf.slice(start);
    if (this.buffer.length > this.maxLineLength) {
      this.buffer = "";
      throw new SseLineTooLongError(this.maxLineLength);
    }
  }

  private processLine(line: string): void {
    if (line.length === 0) {
      this.dispatch();
      return;
    }
    const colon = line.indexOf(":");
    if (colon === 0) {
      this.handlers.onComment?.(line.slice(1).replace(/^ /, ""));
      return;
    }
    let field: string;
    let value: string;
    if (colon < 0) {
      field = line;
      value = "";
    } else {
      field = line.slice(0, colon);
      value = line.slice(colon + 1);
      if (value.charCodeAt(0) === 32) value = value.slice(1);
    }
    switch (field) {
      case "event":
        this.eventType = value;
        break;
      case "data":
        this.data += value + "\n";
        this.hasData = true;
        break;
      case "id":
        if (!value.includes("\u0000")) this.lastEventId = value;
        break;
      case "retry":
        if (/^[0-9]+$/.test(value)) this.handlers.onRetry?.(Number(value));
        break;
      default:
        // Unknown fields are ignored, as the specification says.
        break;
    }
  }

  private dispatch(): void {
    const hasData = this.hasData;
    const type = this.eventType;
    let data = this.data;
    this.eventType = "";
    this.data = "";
    this.hasData = false;
    // An event with no data field is not dispatched (only its id, already recorded, survives).
    if (!hasData) return;
    if (data.endsWith("\n")) data = data.slice(0, -1);
    this.handlers.onEvent({ event: type === "" ? "message" : type, data, id: this.lastEventId });
  }
}
