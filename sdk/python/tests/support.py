"""Test helpers: polling with a deadline, free ports, and a fake registry.

The fake registry speaks the registry's protocol (docs/routing.md) closely
enough to exercise the router: a snapshot on connect, the deltas after
``Last-Event-ID`` when it holds them, one ``delta`` per change, blocking
queries on ``/v1/routes``; and it can misbehave on demand.
"""

import json
import os
import queue
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Dict, List, Optional, Union
from urllib.parse import parse_qs, urlsplit

VECTORS_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "testdata", "routing-vectors.json")


def load_vectors() -> Dict[str, Any]:
    with open(VECTORS_PATH, encoding="utf-8") as f:
        return json.load(f)


def wait_until(predicate: Callable[[], Any], timeout: float = 5.0, interval: float = 0.01) -> bool:
    """Poll ``predicate`` until it is truthy or ``timeout`` passes; return its last truthiness."""
    deadline = time.monotonic() + timeout
    while True:
        if predicate():
            return True
        if time.monotonic() >= deadline:
            return bool(predicate())
        time.sleep(interval)


def free_port() -> int:
    """A port nothing listens on right now (for "registry down" tests)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def frame(event: str, data: str, event_id: Optional[Union[int, str]] = None) -> bytes:
    lines = ["event: %s" % event]
    if event_id is not None:
        lines.append("id: %s" % event_id)
    lines.extend("data: %s" % line for line in data.split("\n"))
    return ("\n".join(lines) + "\n\n").encode("utf-8")


def parse_wait(text: str) -> float:
    if text.endswith("ms"):
        return int(text[:-2]) / 1000.0
    if text.endswith("s"):
        return float(int(text[:-1]))
    if text.endswith("m"):
        return 60.0 * int(text[:-1])
    return float(int(text))


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
        pass

    def do_GET(self) -> None:
        registry: "FakeRegistry" = self.server.registry  # type: ignore[attr-defined]
        registry._enter()
        try:
            url = urlsplit(self.path)
            if url.path == "/v1/routes/stream":
                registry._serve_stream(self)
            elif url.path == "/v1/routes":
                registry._serve_poll(self, parse_qs(url.query))
            else:
                self._send(404, "application/problem+json", b'{"code":"not_found"}')
        finally:
            registry._leave()

    def _send(self, status: int, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients hanging up mid-answer (a closed router) are expected here.
        pass


class FakeRegistry:
    """A registry on 127.0.0.1 that can be stopped and restarted on the same port.

    ``stream_mode``: ``"sse"`` (normal), an int (that HTTP status), ``"html"``
    (200 with the wrong content type) or ``"silent"`` (200, then nothing).
    ``poll_status``: None (normal) or an int status for ``/v1/routes``.
    ``heartbeat_interval``: seconds between ``: heartbeat`` comments (None: none).
    """

    def __init__(self, services: Optional[Dict[str, Any]] = None, version: int = 100, port: int = 0,
                 updated_at: Optional[str] = "2026-11-25T10:40:00Z") -> None:
        self.cond = threading.Condition()
        self.services: Dict[str, Any] = dict(services or {})
        self.version = version
        self.updated_at = updated_at
        self.history: List[Dict[str, Any]] = []
        self.stream_mode: Union[str, int] = "sse"
        self.poll_status: Optional[int] = None
        self.heartbeat_interval: Optional[float] = None
        self.port = port
        self.stream_requests: List[Optional[str]] = []  # the Last-Event-ID of each stream request
        self.initial_kinds: List[str] = []  # what each stream got first: snapshot, deltas or nothing
        self.poll_requests: List[Dict[str, Optional[str]]] = []
        self.request_count = 0
        self._active = 0
        self._streams: Dict["queue.Queue[Optional[bytes]]", socket.socket] = {}
        self._stopping = False
        self._server: Optional[ThreadingHTTPServer] = None
        self._thread: Optional[threading.Thread] = None

    # -- lifecycle -----------------------------------------------------------------

    @property
    def url(self) -> str:
        return "http://127.0.0.1:%d" % self.port

    def start(self) -> "FakeRegistry":
        server = _QuietServer(("127.0.0.1", self.port), _Handler)
        server.registry = self  # type: ignore[attr-defined]
        self.port = server.server_address[1]
        with self.cond:
            self._stopping = False
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop accepting, end every open stream and blocking query, free the port."""
        server = self._server
        if server is None:
            return
        self._server = None
        with self.cond:
            self._stopping = True
            streams = list(self._streams.items())
            self.cond.notify_all()
        server.shutdown()
        server.server_close()
        for q, sock in streams:
            q.put(None)
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        wait_until(lambda: self._active == 0, 3.0)

    # -- state ---------------------------------------------------------------------

    def table(self) -> Dict[str, Any]:
        with self.cond:
            out: Dict[str, Any] = {"services": self.services, "version": self.version}
            if self.updated_at is not None:
                out["updated_at"] = self.updated_at
            return json.loads(json.dumps(out))

    def update(self, upserts: Optional[Dict[str, Any]] = None, removes: Optional[List[str]] = None,
               broadcast: bool = True) -> Dict[str, Any]:
        """One change: a new version, recorded in the history, sent to open streams."""
        with self.cond:
            delta = {"version": self.version + 1, "previous": self.version,
                     "upserts": dict(upserts or {}), "removes": list(removes or [])}
            for name in delta["removes"]:
                self.services.pop(name, None)
            self.services.update(delta["upserts"])
            self.version = delta["version"]
            self.history.append(delta)
            if broadcast:
                self._broadcast(frame("delta", json.dumps(delta), delta["version"]))
            self.cond.notify_all()
            return delta

    def reset(self, services: Dict[str, Any], version: int) -> None:
        """Become another registry (a restart without memory): new table, no history."""
        with self.cond:
            self.services = dict(services)
            self.version = version
            self.history = []
            self.cond.notify_all()

    def push(self, event: str, data: str) -> None:
        """Send an arbitrary event to every open stream (malformed ones included)."""
        with self.cond:
            self._broadcast(frame(event, data))

    def open_streams(self) -> int:
        with self.cond:
            return len(self._streams)

    def _broadcast(self, payload: bytes) -> None:
        for q in self._streams:
            q.put(payload)

    # -- serving -------------------------------------------------------------------

    def _enter(self) -> None:
        with self.cond:
            self._active += 1
            self.request_count += 1

    def _leave(self) -> None:
        with self.cond:
            self._active -= 1

    def _initial(self, last_event_id: Optional[str]) -> List[bytes]:
        seen: Optional[int] = None
        if last_event_id is not None:
            try:
                seen = int(last_event_id)
            except ValueError:
                seen = None
        if seen is not None and seen == self.version:
            self.initial_kinds.append("nothing")
            return []
        if seen is not None:
            for i, delta in enumerate(self.history):
                if delta["previous"] == seen:
                    self.initial_kinds.append("deltas")
                    return [frame("delta", json.dumps(d), d["version"]) for d in self.history[i:]]
        self.initial_kinds.append("snapshot")
        table = {"services": self.services, "version": self.version}
        if self.updated_at is not None:
            table["updated_at"] = self.updated_at
        return [frame("snapshot", json.dumps(table), self.version)]

    def _serve_stream(self, handler: _Handler) -> None:
        last_event_id = handler.headers.get("Last-Event-ID")
        with self.cond:
            self.stream_requests.append(last_event_id)
            mode = self.stream_mode
        if isinstance(mode, int):
            handler._send(mode, "application/problem+json", b'{"code":"broken","detail":"on purpose"}')
            return
        if mode == "html":
            handler._send(200, "text/html", b"<html>a captive portal</html>")
            return
        handler.send_response(200)
        handler.send_header("Content-Type", "text/event-stream")
        handler.send_header("Cache-Control", "no-cache")
        handler.end_headers()
        q: "queue.Queue[Optional[bytes]]" = queue.Queue()
        with self.cond:
            initial = self._initial(last_event_id) if mode == "sse" else []
            self._streams[q] = handler.connection
        try:
            if mode == "sse":
                handler.wfile.write(b"retry: 1000\n\n" + b"".join(initial))
            last_write = time.monotonic()
            while True:
                try:
                    item = q.get(timeout=0.01)
                except queue.Empty:
                    if self._stopping:
                        break
                    interval = self.heartbeat_interval
                    if interval is not None and time.monotonic() - last_write >= interval:
                        handler.wfile.write(b": heartbeat\n\n")
                        last_write = time.monotonic()
                    continue
                if item is None:
                    break
                if mode == "sse":
                    handler.wfile.write(item)
                    last_write = time.monotonic()
        except OSError:
            pass
        finally:
            with self.cond:
                self._streams.pop(q, None)

    def _serve_poll(self, handler: _Handler, query: Dict[str, List[str]]) -> None:
        index = query.get("index", [None])[0]
        wait_raw = query.get("wait", ["30s"])[0]
        with self.cond:
            self.poll_requests.append({"index": index, "wait": wait_raw})
            status = self.poll_status
        if status is not None:
            handler._send(status, "application/problem+json", b'{"code":"broken"}')
            return
        deadline = time.monotonic() + parse_wait(wait_raw or "30s")
        with self.cond:
            if index is not None:
                while int(index) == self.version and not self._stopping:
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        break
                    self.cond.wait(min(remaining, 0.05))
            table = {"services": self.services, "version": self.version}
            if self.updated_at is not None:
                table["updated_at"] = self.updated_at
            body = json.dumps(table).encode("utf-8")
        handler._send(200, "application/json", body)
