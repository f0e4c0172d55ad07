"""``LaneRouter``: the route table kept current in the background, and target resolution."""

import logging
import threading
from typing import Any, Callable, Dict, Mapping, Optional

from .context import current_lane
from .names import normalize_lane
from .outbound import open_url
from .subscription import RegistryEndpoint, Subscription
from .table import Outcome, RouteTable, apply_event_with_reason, build_url

__all__ = ["LaneRouter"]

logger = logging.getLogger("lanes_routing")


def _positive(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        raise ValueError("%s must be a positive number of seconds, got %r" % (name, value))
    return float(value)


def _port(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 65535:
        raise ValueError("default_port must be an integer in 1..65535, got %r" % (value,))
    return value


class LaneRouter:
    """Picks ``{service}-{lane}`` or ``{service}`` for each outgoing call.

    ``default_port`` is required: it is the port of every target until the
    first table arrives and of services the table does not list, so a
    registry outage degrades to "prod on the usual port", never to port 80.

    A daemon thread subscribes to the registry (see :mod:`.subscription`);
    every change builds a new immutable :class:`RouteTable` that replaces the
    old one in one assignment, so :meth:`resolve` takes no lock.

    ``stream=False`` long-polls only (for networks that break streaming).
    ``on_change(table)`` is called on the background thread after each
    change; it should be quick and must not block.
    """

    def __init__(
        self,
        registry_url: str,
        default_port: int,
        *,
        stream: bool = True,
        heartbeat_timeout: float = 45.0,
        backoff_initial: float = 0.25,
        backoff_max: float = 10.0,
        poll_wait: float = 30.0,
        on_change: Optional[Callable[[RouteTable], None]] = None,
        fallback_duration: float = 60.0,
    ) -> None:
        self._default_port = _port(default_port)
        endpoint = RegistryEndpoint(registry_url)
        heartbeat_timeout = _positive("heartbeat_timeout", heartbeat_timeout)
        backoff_initial = _positive("backoff_initial", backoff_initial)
        backoff_max = _positive("backoff_max", backoff_max)
        if backoff_max < backoff_initial:
            raise ValueError("backoff_max must not be less than backoff_initial")
        poll_wait = _positive("poll_wait", poll_wait)
        fallback_duration = _positive("fallback_duration", fallback_duration)
        if on_change is not None and not callable(on_change):
            raise ValueError("on_change must be callable")

        self._on_change = on_change
        self._table: Optional[RouteTable] = None
        self._ready = threading.Event()
        self._close_lock = threading.Lock()
        self._closed = False
        self._registry = str(endpoint)
        self._subscription = Subscription(
            endpoint,
            get_table=lambda: self._table,
            apply=self._apply,
            stream=bool(stream),
            heartbeat_timeout=heartbeat_timeout,
            backoff_initial=backoff_initial,
            backoff_max=backoff_max,
            poll_wait=poll_wait,
            fallback_duration=fallback_duration,
        )
        self._subscription.start()

    # -- the table -----------------------------------------------------------------

    def _apply(self, event: str, data: str) -> Outcome:
        """Apply one event from the subscription thread (the only writer)."""
        result = apply_event_with_reason(self._table, event, data)
        if result.outcome is Outcome.APPLIED and result.table is not None:
            self._install(result.table)
        elif result.outcome is Outcome.GAP:
            logger.warning("route table: %s; reconnecting to catch up", result.reason)
        elif result.reason.startswith("malformed"):
            logger.warning("route table: ignored a %s; keeping version %s", result.reason, self.version)
        else:
            logger.debug("route table: ignored %s", result.reason)
        return result.outcome

    def _install(self, table: RouteTable) -> None:
        previous = self._table
        self._table = table
        self._ready.set()
        if previous is None:
            logger.info("route table received: version %d, %d services", table.version, len(table.services))
        if self._on_change is not None and table != previous:
            try:
                self._on_change(table)
            except Exception:
                logger.exception("on_change callback failed")

    @property
    def version(self) -> Optional[int]:
        """The version of the current table, or None before the first one."""
        table = self._table
        return table.version if table is not None else None

    @property
    def route_table(self) -> Optional[RouteTable]:
        """The current immutable :class:`RouteTable`, or None before the first one."""
        return self._table

    def table(self) -> Optional[Dict[str, Dict[str, Any]]]:
        """A copy of the services (``{name: {"lanes": [...], "port": n}}``), or None."""
        table = self._table
        return table.services_dict() if table is not None else None

    def wait_ready(self, timeout: Optional[float] = None) -> bool:
        """Wait until the first table arrived; True if it did within ``timeout`` seconds."""
        return self._ready.wait(timeout)

    @property
    def mode(self) -> str:
        """``"stream"`` or ``"poll"``: how the table is being kept current right now."""
        return self._subscription.mode

    # -- resolving -----------------------------------------------------------------

    def _lane(self, lane: Optional[str]) -> Optional[str]:
        # An argument that is not a lane name is ignored, like an illegal header:
        # the context's lane applies, as if no argument had been given.
        if lane is not None:
            explicit = normalize_lane(lane)
            if explicit is not None:
                return explicit
        return current_lane()

    def resolve(self, service: str, lane: Optional[str] = None) -> str:
        """``"host:port"`` of ``service`` for ``lane`` (default: the context's lane).

        ``{service}-{lane}:{port}`` when the lane is not prod and the table
        lists it for the service; ``{service}:{port}`` otherwise.
        """
        effective = self._lane(lane)
        table = self._table
        if table is None:
            return "%s:%d" % (service, self._default_port)
        return table.target(service, effective, self._default_port)

    def url(self, service: str, path: str = "/", lane: Optional[str] = None) -> str:
        """``"http://host:port/path"`` for ``service`` (see :meth:`resolve`)."""
        return build_url(self.resolve(service, lane), path)

    def urlopen(
        self,
        service: str,
        path: str = "/",
        *,
        lane: Optional[str] = None,
        data: Optional[bytes] = None,
        headers: Optional[Mapping[str, str]] = None,
        method: Optional[str] = None,
        timeout: float = 30.0,
    ) -> Any:
        """Call ``service`` with :mod:`urllib`, at the lane's target and with its ``x-lane``.

        The lane (argument, else the context's) picks the target and is sent
        on, so the next hop routes the same way. Returns what
        ``urllib.request.urlopen`` returns (and raises what it raises).
        """
        effective = self._lane(lane)
        return open_url(
            self.url(service, path, effective),
            lane=effective,
            data=data,
            headers=headers,
            method=method,
            timeout=timeout,
        )

    # -- lifecycle -----------------------------------------------------------------

    def close(self, timeout: float = 5.0) -> None:
        """Stop the subscription: closes the connection and ends the thread. Idempotent."""
        with self._close_lock:
            if self._closed:
                return
            self._closed = True
        self._subscription.stop(timeout)

    @property
    def closed(self) -> bool:
        return self._closed

    def __enter__(self) -> "LaneRouter":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        return "LaneRouter(%s, default_port=%d, version=%s)" % (self._registry, self._default_port, self.version)
