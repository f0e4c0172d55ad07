"""The SSE parser against the WHATWG line rules, fed whole and in awkward chunks."""

import unittest
from typing import List

from lanes_routing.sse import SSEError, SSEEvent, SSEParser


def parse(chunks: List[bytes]) -> List[SSEEvent]:
    parser = SSEParser()
    events: List[SSEEvent] = []
    for chunk in chunks:
        events.extend(parser.feed(chunk))
    return events


def bytewise(data: bytes) -> List[bytes]:
    return [data[i : i + 1] for i in range(len(data))]


class SSEParserTest(unittest.TestCase):
    def test_event_id_data_and_default_type(self) -> None:
        events = parse([b"event: snapshot\nid: 7\ndata: {}\n\ndata: plain\n\n"])
        self.assertEqual(events, [SSEEvent("snapshot", "{}", "7"), SSEEvent("message", "plain", "7")])

    def test_line_endings_crlf_cr_lf_even_split_across_chunks(self) -> None:
        wire = b"event: a\r\ndata: 1\r\n\r\nevent: b\rdata: 2\r\rdata: 3\n\n"
        expected = [SSEEvent("a", "1", ""), SSEEvent("b", "2", ""), SSEEvent("message", "3", "")]
        self.assertEqual(parse([wire]), expected)
        self.assertEqual(parse(bytewise(wire)), expected)
        # a CRLF split exactly between two chunks is one line end, not two
        self.assertEqual(parse([b"data: x\r", b"\ndata: y\r\n\r\n"]), [SSEEvent("message", "x\ny", "")])

    def test_multi_line_data_is_joined_with_newlines(self) -> None:
        self.assertEqual(parse([b"data: a\ndata:b\ndata\ndata:  c\n\n"]), [SSEEvent("message", "a\nb\n\n c", "")])

    def test_comments_count_but_do_not_dispatch(self) -> None:
        parser = SSEParser()
        self.assertEqual(parser.feed(b": heartbeat\n\n:\n\n"), [])
        self.assertEqual(parser.comments, 2)

    def test_event_without_data_is_not_dispatched_and_its_type_is_reset(self) -> None:
        self.assertEqual(parse([b"event: delta\n\ndata: x\n\n"]), [SSEEvent("message", "x", "")])

    def test_empty_data_line_dispatches_an_empty_event(self) -> None:
        self.assertEqual(parse([b"data\n\n"]), [SSEEvent("message", "", "")])

    def test_id_persists_and_an_id_with_nul_is_ignored(self) -> None:
        events = parse([b"id: 5\ndata: a\n\ndata: b\n\nid: 6\x00\ndata: c\n\nid\ndata: d\n\n"])
        self.assertEqual([e.id for e in events], ["5", "5", "5", ""])

    def test_retry_only_when_digits(self) -> None:
        parser = SSEParser()
        parser.feed(b"retry: 1000\n\n")
        self.assertEqual(parser.retry, 1000)
        parser.feed(b"retry: 1e3\nretry: -5\n\n")
        self.assertEqual(parser.retry, 1000)

    def test_unknown_fields_and_bom(self) -> None:
        self.assertEqual(parse([b"\xef\xbb\xbfdata: a\nfoo: bar\n\n"]), [SSEEvent("message", "a", "")])
        # only a leading BOM is dropped
        self.assertEqual(parse([b"\xef\xbb", b"\xbfdata: a\n\n"]), [SSEEvent("message", "a", "")])

    def test_utf8_split_across_chunks(self) -> None:
        wire = "data: caf\u00e9 \u2603\n\n".encode("utf-8")
        self.assertEqual(parse(bytewise(wire)), [SSEEvent("message", "caf\u00e9 \u2603", "")])

    def test_an_unfinished_event_is_never_dispatched(self) -> None:
        self.assertEqual(parse([b"data: a\n", b"data: b"]), [])

    def test_a_colon_in_the_value_is_kept(self) -> None:
        self.assertEqual(parse([b'data: {"a": 1}\n\n']), [SSEEvent("message", '{"a": 1}', "")])

    def test_limits(self) -> None:
        parser = SSEParser(max_buffer=16)
        with self.assertRaises(SSEError):
            parser.feed(b"data: " + b"x" * 32)
        parser = SSEParser(max_buffer=16)
        with self.assertRaises(SSEError):
            for _ in range(10):
                parser.feed(b"data: 12345\n")


if __name__ == "__main__":
    unittest.main()
