"""An incremental Server-Sent Events parser (WHATWG HTML, "event stream interpretation").

Bytes arrive in arbitrary chunks from a socket, so the parser keeps partial
lines (and a CR that may be the first half of a CRLF) between calls. It only
parses; what an event means is up to :mod:`lanes_routing.table`.
"""

import codecs
import re
from typing import List, NamedTuple, Optional

__all__ = ["SSEEvent", "SSEParser", "SSEError"]

_EOL = re.compile(r"\r\n|\r|\n")
#: A guard against a peer that never ends a line or an event; far above any route table.
DEFAULT_MAX_BUFFER = 16 * 1024 * 1024


class SSEError(ValueError):
    """The stream broke the parser's limits; the connection should be dropped."""


class SSEEvent(NamedTuple):
    """A dispatched event: ``event`` is ``"message"`` when the stream named none."""

    event: str
    data: str
    id: str


class SSEParser:
    """Feed bytes with :meth:`feed`; get the events completed by them.

    Follows the WHATWG rules: lines end with CRLF, LF or CR; a leading BOM is
    dropped; ``:`` starts a comment; a field without ``:`` has an empty value;
    one space after the colon is removed; ``data`` lines are joined with
    ``\\n``; an ``id`` containing NUL is ignored; ``retry`` is kept only if it
    is all digits; a blank line dispatches, unless no data was given; a
    partial event at the end of the stream is never dispatched.
    """

    def __init__(self, max_buffer: int = DEFAULT_MAX_BUFFER) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._max_buffer = max_buffer
        self._buffer = ""
        self._started = False
        self._skip_lf = False
        self._event_type = ""
        self._data: List[str] = []
        self._data_size = 0
        #: The last event ID (persists across events, as the spec says).
        self.last_event_id = ""
        #: The reconnection time in milliseconds the server asked for, if any.
        self.retry: Optional[int] = None
        #: How many comment lines (heartbeats) have been seen.
        self.comments = 0

    def feed(self, chunk: bytes) -> List[SSEEvent]:
        """Parse ``chunk`` and return the events it completed, in order."""
        text = self._decoder.decode(chunk)
        if not text:
            return []
        if not self._started:
            self._started = True
            if text.startswith("\ufeff"):
                text = text[1:]
        if self._skip_lf:
            self._skip_lf = False
            if text.startswith("\n"):
                text = text[1:]
        buffer = self._buffer + text
        events: List[SSEEvent] = []
        pos = 0
        length = len(buffer)
        while True:
            match = _EOL.search(buffer, pos)
            if match is None:
                break
            line = buffer[pos : match.start()]
            pos = match.end()
            if pos == length and match.group() == "\r":
                # The LF of a CRLF split across chunks must not count as a blank line.
                self._skip_lf = True
            self._line(line, events)
        self._buffer = buffer[pos:]
        if len(self._buffer) > self._max_buffer:
            raise SSEError("an SSE line longer than %d characters" % self._max_buffer)
        return events

    def _line(self, line: str, events: List[SSEEvent]) -> None:
        if not line:
            self._dispatch(events)
            return
        if line.startswith(":"):
            self.comments += 1
            return
        name, sep, value = line.partition(":")
        if sep and value.startswith(" "):
            value = value[1:]
        if name == "event":
            self._event_type = value
        elif name == "data":
            self._data.append(value)
            self._data_size += len(value) + 1
            if self._data_size > self._max_buffer:
                raise SSEError("an SSE event larger than %d characters" % self._max_buffer)
        elif name == "id":
            if "\0" not in value:
                self.last_event_id = value
        elif name == "retry":
            if value and value.isascii() and value.isdigit():
                self.retry = int(value)
        # other fields are ignored, as the spec says

    def _dispatch(self, events: List[SSEEvent]) -> None:
        if not self._data:
            self._event_type = ""
            return
        data = "\n".join(self._data)
        events.append(SSEEvent(self._event_type or "message", data, self.last_event_id))
        self._event_type = ""
        self._data = []
        self._data_size = 0
