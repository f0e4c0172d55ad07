"""The background loop that keeps a router's table current.

It streams ``/v1/routes/stream`` (Server-Sent Events) and reconnects with
backoff and ``Last-Event-ID`` when the stream fails; after
:data:`FALLBACK_AFTER_FAILURES` failed attempts in a row it long-polls
``/v1/routes?index=V&wait=...`` for a while (some proxies break streaming but
not plain requests), then tries the stream again. What the events mean is
decided by the router's ``apply`` callback; this module only moves bytes.
"""

import http.client
import logging
import socket
import threading
import time
from typing import Callable, Dict, Optional, Tuple
from urllib.parse import urlencode, urlsplit

from .backoff import Backoff
from .sse import SSEError, SSEParser
from .table import Outcome, RouteTable

__all__ = ["RegistryEndpoint", "Subscription", "FALLBACK_AFTER_FAILURES", "format_wait"]

logger = logging.getLogger("lanes_routing")

#: Failed stream attempts in a row before falling back to long-polling.
FALLBACK_AFTER_FAILURES = 3
#: Connecting is bounded separately from reading: a stream may legitimately be quiet
#: for up to the heartbeat timeout, but a TCP handshake should not take that long.
CONNECT_TIMEOUT = 10.0
#: The largest table body accepted from a long poll.
MAX_BODY = 16 * 1024 * 1024
_READ_SIZE = 64 * 1024

# Python 3.9 has socket.timeout as its own OSError subclass; 3.10+ aliases it to TimeoutError.
_TIMEOUTS: Tuple[type, ...] = (socket.timeout, TimeoutError)

USER_AGENT = "lanes-routing-python/0.1.0"


def format_wait(seconds: float) -> str:
    """A duration the registry accepts: ``30s``, or ``500ms`` when not whole seconds."""
    millis = max(1, int(round(seconds * 1000)))
    if millis % 1000 == 0:
        return "%ds" % (millis // 1000)
    return "%dms" % millis


class RegistryEndpoint:
    """Where the registry is, parsed once: scheme, host, port and an optional path prefix."""

    def __init__(self, url: str) -> None:
        if not isinstance(url, str):
            raise ValueError("registry_url must be a string such as http://registry:8081")
        parts = urlsplit(url.strip())
        try:
            port = parts.port
        except ValueError:
            raise ValueError("registry_url has an invalid port") from None
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("registry_url must be an http:// or https:// URL with a host")
        self.scheme = parts.scheme
        self.host = parts.hostname
        self.port = port
        self.prefix = parts.path.rstrip("/")

    def connection(self, timeout: float) -> http.client.HTTPConnection:
        if self.scheme == "https":
            return http.client.HTTPSConnection(self.host, self.port, timeout=timeout)
        return http.client.HTTPConnection(self.host, self.port, timeout=timeout)

    def path(self, suffix: str, query: Optional[Dict[str, str]] = None) -> str:
        path = self.prefix + suffix
        return path + "?" + urlencode(query) if query else path

    def __str__(self) -> str:
        # Rebuilt from the parts, so credentials in the URL never reach a log line.
        host = "[%s]" % self.host if ":" in self.host else self.host
        port = ":%d" % self.port if self.port else ""
        return "%s://%s%s%s" % (self.scheme, host, port, self.prefix)


def _describe(exc: BaseException) -> str:
    text = str(exc)
    name = exc.__class__.__name__
    return "%s: %s" % (name, text[:200]) if text else name


class Subscription:
    """Runs the stream / long-poll loop on a daemon thread until :meth:`stop`.

    ``get_table`` returns the router's current table (for ``Last-Event-ID`` and
    ``index``); ``apply(event, data)`` applies a ``snapshot`` or ``delta`` and
    returns its :class:`Outcome`.
    """

    def __init__(
        self,
        endpoint: RegistryEndpoint,
        *,
        get_table: Callable[[], Optional[RouteTable]],
        apply: Callable[[str, str], Outcome],
        stream: bool,
        heartbeat_timeout: float,
        backoff_initial: float,
        backoff_max: float,
        poll_wait: float,
        fallback_duration: float,
    ) -> None:
        self._endpoint = endpoint
        self._get_table = get_table
        self._apply = apply
        self._stream_enabled = stream
        self._heartbeat_timeout = heartbeat_timeout
        self._backoff_initial = backoff_initial
        self._backoff_max = backoff_max
        self._poll_wait = poll_wait
        self._fallback_duration = fallback_duration
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._conn: Optional[http.client.HTTPConnection] = None
        # Kept apart from the connection: http.client drops conn.sock once a
        # close-delimited response owns the socket, but stop() still needs it.
        self._sock: Optional[socket.socket] = None
        #: "stream" or "poll": what the loop is doing now (for diagnostics and tests).
        self.mode = "stream" if stream else "poll"
        self._thread = threading.Thread(target=self._run, name="lanes-routing", daemon=True)

    # -- lifecycle -----------------------------------------------------------------

    def start(self) -> None:
        self._thread.start()

    @property
    def thread(self) -> threading.Thread:
        return self._thread

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the loop and wait for the thread; safe to call more than once, from any thread.

        The thread is usually blocked reading a socket, so the socket is shut
        down to wake it at once instead of waiting for a heartbeat timeout.
        """
        self._stop.set()
        with self._lock:
            sock = self._sock
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(timeout)

    def _open(self, read_timeout: float) -> Optional[http.client.HTTPConnection]:
        """Connect, then register the connection so that :meth:`stop` can interrupt it."""
        conn = self._endpoint.connection(timeout=min(read_timeout, CONNECT_TIMEOUT))
        conn.connect()
        if conn.sock is not None:
            conn.sock.settimeout(read_timeout)
        with self._lock:
            if self._stop.is_set():
                conn.close()
                return None
            self._conn = conn
            self._sock = conn.sock
        return conn

    def _release(
        self,
        conn: Optional[http.client.HTTPConnection],
        response: Optional[http.client.HTTPResponse] = None,
    ) -> None:
        """Forget and close a connection and its response (which may own the socket)."""
        if conn is None:
            return
        with self._lock:
            if self._conn is conn:
                self._conn = None
                self._sock = None
        for closable in (response, conn):
            if closable is not None:
                try:
                    closable.close()
                except Exception:  # closing must never kill the loop
                    pass

    def _base_headers(self, accept: str) -> Dict[str, str]:
        return {"Accept": accept, "User-Agent": USER_AGENT, "Cache-Control": "no-cache"}

    # -- the loop ------------------------------------------------------------------

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._loop()
            except Exception:  # a bug must not silently end routing updates
                logger.exception("route subscription failed unexpectedly; restarting it")
                self._stop.wait(self._backoff_max)

    def _loop(self) -> None:
        backoff = Backoff(self._backoff_initial, self._backoff_max)
        failures = 0
        while not self._stop.is_set():
            if not self._stream_enabled or failures >= FALLBACK_AFTER_FAILURES:
                self.mode = "poll"
                deadline = time.monotonic() + self._fallback_duration if self._stream_enabled else None
                self._poll_until(deadline)
                if self._stop.is_set():
                    return
                logger.info("trying the route stream of %s again", self._endpoint)
                failures = 0
                backoff.reset()
                continue
            self.mode = "stream"
            healthy, reason = self._stream_once()
            if self._stop.is_set():
                return
            if healthy:
                failures = 0
                backoff.reset()
            else:
                failures += 1
                if failures >= FALLBACK_AFTER_FAILURES:
                    logger.warning(
                        "route stream of %s: %s; %d failed attempts in a row, long-polling for %gs",
                        self._endpoint,
                        reason,
                        failures,
                        self._fallback_duration,
                    )
                    continue
            delay = backoff.next()
            table = self._get_table()
            logger.warning(
                "route stream of %s: %s; reconnecting in %.2fs%s",
                self._endpoint,
                reason,
                delay,
                " with Last-Event-ID %d" % table.version if table is not None else "",
            )
            self._stop.wait(delay)

    # -- streaming -----------------------------------------------------------------

    def _stream_once(self) -> Tuple[bool, str]:
        """One stream connection, until it ends. Returns (healthy, why it ended).

        Healthy means the registry spoke SSE to us (an event or a heartbeat
        comment): its end is a reconnect, not a failure counting towards the
        long-polling fallback.
        """
        activity = False
        conn: Optional[http.client.HTTPConnection] = None
        response: Optional[http.client.HTTPResponse] = None
        try:
            conn = self._open(self._heartbeat_timeout)
            if conn is None:
                return False, "closed"
            headers = self._base_headers("text/event-stream")
            table = self._get_table()
            if table is not None:
                headers["Last-Event-ID"] = str(table.version)
            conn.request("GET", self._endpoint.path("/v1/routes/stream"), headers=headers)
            response = conn.getresponse()
            if response.status != 200:
                return False, "HTTP %d" % response.status
            content_type = (response.getheader("Content-Type") or "").split(";", 1)[0].strip().lower()
            if content_type != "text/event-stream":
                return False, "content type %r instead of text/event-stream" % content_type[:60]
            parser = SSEParser()
            while not self._stop.is_set():
                chunk = response.read1(_READ_SIZE)
                if not chunk:
                    return activity, "the stream ended"
                events = parser.feed(chunk)
                if events or parser.comments:
                    activity = True
                for event in events:
                    if self._stop.is_set():
                        return activity, "closed"
                    if self._apply(event.event, event.data) is Outcome.GAP:
                        return True, "missed a delta"
            return activity, "closed"
        except _TIMEOUTS:
            return activity, "no data for %gs" % self._heartbeat_timeout
        except (OSError, http.client.HTTPException, SSEError) as exc:
            return activity, _describe(exc)
        except Exception as exc:  # e.g. an SSL object torn down by stop()
            if self._stop.is_set():
                return activity, "closed"
            return activity, _describe(exc)
        finally:
            self._release(conn, response)

    # -- long-polling --------------------------------------------------------------

    def _poll_until(self, deadline: Optional[float]) -> None:
        """Long-poll until ``deadline`` (monotonic seconds; None: until stopped)."""
        backoff = Backoff(self._backoff_initial, self._backoff_max)
        while not self._stop.is_set():
            remaining = None if deadline is None else deadline - time.monotonic()
            if remaining is not None and remaining <= 0:
                return
            wait = self._poll_wait if remaining is None else min(self._poll_wait, remaining)
            status, reason = self._poll_once(wait)
            if self._stop.is_set():
                return
            if status == "changed":
                backoff.reset()
                continue
            if status == "unchanged":
                # Normally the registry held the request for `wait`; the short pause
                # only matters if something answers at once without blocking.
                backoff.reset()
                delay = backoff.next()
            else:
                delay = backoff.next()
                logger.warning("route long-poll of %s: %s; retrying in %.2fs", self._endpoint, reason, delay)
            if remaining is not None:
                delay = min(delay, max(0.0, deadline - time.monotonic()))  # type: ignore[operator]
            self._stop.wait(delay)

    def _poll_once(self, wait: float) -> Tuple[str, str]:
        """One blocking query. Returns ("changed" | "unchanged" | "error", reason)."""
        conn: Optional[http.client.HTTPConnection] = None
        response: Optional[http.client.HTTPResponse] = None
        try:
            conn = self._open(wait * 1.1 + 5.0)
            if conn is None:
                return "unchanged", "closed"
            table = self._get_table()
            query = {"wait": format_wait(wait)}
            if table is not None:
                query = {"index": str(table.version), "wait": query["wait"]}
            conn.request("GET", self._endpoint.path("/v1/routes", query), headers=self._base_headers("application/json"))
            response = conn.getresponse()
            if response.status == 304:
                response.read()
                return "unchanged", "not modified"
            if response.status != 200:
                return "error", "HTTP %d" % response.status
            body = response.read(MAX_BODY + 1)
            if len(body) > MAX_BODY:
                return "error", "a table larger than %d bytes" % MAX_BODY
            before = table.version if table is not None else None
            outcome = self._apply("snapshot", body.decode("utf-8", errors="replace"))
            if outcome is not Outcome.APPLIED:
                return "error", "a malformed table"
            after = self._get_table()
            changed = after is not None and after.version != before
            return ("changed" if changed else "unchanged"), "ok"
        except _TIMEOUTS:
            return "unchanged", "timed out"
        except (OSError, http.client.HTTPException) as exc:
            return "error", _describe(exc)
        except Exception as exc:
            if self._stop.is_set():
                return "unchanged", "closed"
            return "error", _describe(exc)
        finally:
            self._release(conn, response)
