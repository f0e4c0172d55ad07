import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { SseLineTooLongError, SseParser, type SseEvent } from "../src/sse.js";

function parse(chunks: string[]): { events: SseEvent[]; comments: string[]; retries: number[] } {
  const events: SseEvent[] = [];
  const comments: string[] = [];
  const retries: number[] = [];
  const parser = new SseParser({
    onEvent: (e) => events.push(e),
    onComment: (c) => comments.push(c),
    onRetry: (ms) => retries.push(ms),
  });
  for (const chunk of chunks) parser.feed(chunk);
  return { events, comments, retries };
}

/** Every way of cutting `text` in two, plus one character at a time. */
function splits(text: string): string[][] {
  const out: string[][] = [[text], [...text]];
  for (let i = 1; i < text.length; i++) out.push([text.slice(0, i), text.slice(i)]);
  return out;
}

describe("SSE parser", () => {
  test("event, id, multi-line data", () => {
    const { events } = parse(["event: snapshot\nid: 7\ndata: {\"a\":\ndata: 1}\n\n"]);
    assert.deepEqual(events, [{ event: "snapshot", data: "{\"a\":\n1}", id: "7" }]);
  });

  test("CRLF, LF and CR line endings, split anywhere", () => {
    for (const text of ["event: delta\r\ndata: x\r\n\r\n", "event: delta\rdata: x\r\r", "event: delta\ndata: x\n\n"]) {
      for (const chunks of splits(text)) {
        assert.deepEqual(parse(chunks).events, [{ event: "delta", data: "x", id: "" }], JSON.stringify(chunks));
      }
    }
  });

  test("a CR at the end of a chunk followed by LF is one line ending, not two", () => {
    const { events } = parse(["data: a\r", "\ndata: b\r", "\n\r", "\n"]);
    assert.deepEqual(events, [{ event: "message", data: "a\nb", id: "" }]);
  });

  test("comments, retry, unknown fields, field without colon", () => {
    const { events, comments, retries } = parse([": heartbeat\nretry: 1000\nretry: x1\nfoo: bar\ndata\n\n:\n"]);
    assert.deepEqual(comments, ["heartbeat", ""]);
    assert.deepEqual(retries, [1000]);
    assert.deepEqual(events, [{ event: "message", data: "", id: "" }]);
  });

  test("only one leading space is removed from a value", () => {
    assert.equal(parse(["data:  two\n\n"]).events[0]?.data, " two");
    assert.equal(parse(["data:none\n\n"]).events[0]?.data, "none");
  });

  test("a blank line without data dispatches nothing and resets the event type", () => {
    const { events } = parse(["event: snapshot\n\ndata: x\n\n"]);
    assert.deepEqual(events, [{ event: "message", data: "x", id: "" }]);
  });

  test("the id persists across events; an id with NUL is ignored", () => {
    const { events } = parse(["id: 5\ndata: a\n\ndata: b\n\nid: 6\u0000\ndata: c\n\n"]);
    assert.deepEqual(events.map((e) => e.id), ["5", "5", "5"]);
  });

  test("an incomplete event at the end is not dispatched", () => {
    assert.deepEqual(parse(["event: snapshot\ndata: {\"half\""]).events, []);
  });

  test("a leading BOM is skipped", () => {
    assert.deepEqual(parse(["\ufeffdata: x\n\n"]).events, [{ event: "message", data: "x", id: "" }]);
  });

  test("a line over the limit is an error", () => {
    const parser = new SseParser({ onEvent: () => undefined }, 10);
    assert.throws(() => parser.feed("data: 0123456789"), SseLineTooLongError);
  });
});
