"""The route table and the pure rules for changing it and resolving targets.

Nothing here does I/O or keeps global state, so the shared test vectors can
drive it directly and the router only has to swap one immutable object.
"""

import json
from enum import Enum
from types import MappingProxyType
from typing import Any, Dict, Iterable, Mapping, NamedTuple, Optional, Tuple

from .names import PROD_LANE, normalize_lane

__all__ = [
    "Outcome",
    "ServiceRoute",
    "RouteTable",
    "ApplyResult",
    "apply_event",
    "apply_event_with_reason",
    "table_from_json",
    "resolve_target",
    "build_url",
]


class Outcome(str, Enum):
    """What applying one stream event did (compares equal to its string value)."""

    APPLIED = "applied"
    IGNORED = "ignored"
    #: The table missed a delta: reconnect with ``Last-Event-ID`` to catch up.
    GAP = "gap"


class ServiceRoute(NamedTuple):
    """One service's entry: the lanes that have a ready endpoint, and the port."""

    lanes: Tuple[str, ...]
    port: int


class _Malformed(ValueError):
    """Internal: the reason a document was not accepted."""


def _is_int(value: Any) -> bool:
    # bool is an int in Python but not in JSON; floats are not versions or ports.
    return isinstance(value, int) and not isinstance(value, bool)


def _version(doc: Mapping[str, Any], field: str) -> int:
    value = doc.get(field)
    if not _is_int(value) or value < 0:
        raise _Malformed("%s is not a non-negative integer" % field)
    return value


def _route(name: str, entry: Any) -> ServiceRoute:
    if not isinstance(entry, dict):
        raise _Malformed("service %r is not an object" % name)
    lanes = entry.get("lanes")
    if not isinstance(lanes, list) or not all(isinstance(lane, str) for lane in lanes):
        raise _Malformed("lanes of service %r are not a list of strings" % name)
    port = entry.get("port")
    if not _is_int(port) or not 1 <= port <= 65535:
        raise _Malformed("port of service %r is not an integer in 1..65535" % name)
    return ServiceRoute(tuple(lanes), port)


def _routes(services: Any, field: str) -> Dict[str, ServiceRoute]:
    if not isinstance(services, dict):
        raise _Malformed("%s is not an object" % field)
    return {name: _route(name, entry) for name, entry in services.items()}


def _compute_targets(name: str, route: ServiceRoute) -> Tuple[str, Mapping[str, str]]:
    """Precomputed ``host:port`` strings so that resolving is two dict lookups."""
    by_lane = {
        lane: "%s-%s:%d" % (name, lane, route.port)
        for lane in route.lanes
        if lane != PROD_LANE and normalize_lane(lane) == lane
    }
    return "%s:%d" % (name, route.port), by_lane


class RouteTable:
    """An immutable route table: ``services``, ``version`` and ``updated_at``.

    Built once per snapshot or delta and then only read, so a router can
    publish a new one with a single reference assignment and readers on any
    thread never see a half-applied change.
    """

    __slots__ = ("_services", "_version", "_updated_at", "_targets")

    def __init__(
        self,
        services: Mapping[str, ServiceRoute],
        version: int,
        updated_at: Optional[str] = None,
        _targets: Optional[Dict[str, Tuple[str, Mapping[str, str]]]] = None,
    ) -> None:
        routes = {name: ServiceRoute(tuple(r.lanes), int(r.port)) for name, r in services.items()}
        if _targets is None:
            _targets = {name: _compute_targets(name, route) for name, route in routes.items()}
        self._services: Mapping[str, ServiceRoute] = MappingProxyType(routes)
        self._version = version
        self._updated_at = updated_at
        self._targets = _targets

    @property
    def services(self) -> Mapping[str, ServiceRoute]:
        """A read-only mapping ``service -> ServiceRoute``."""
        return self._services

    @property
    def version(self) -> int:
        return self._version

    @property
    def updated_at(self) -> Optional[str]:
        return self._updated_at

    def target(self, service: str, lane: Optional[str], default_port: int) -> str:
        """``host:port`` for an already validated lane (see :func:`resolve_target`)."""
        entry = self._targets.get(service)
        if entry is None:
            return "%s:%d" % (service, default_port)
        base, by_lane = entry
        if lane is None:
            return base
        return by_lane.get(lane, base)

    def services_dict(self) -> Dict[str, Dict[str, Any]]:
        """A fresh, mutable copy: ``{service: {"lanes": [...], "port": n}}``."""
        return {name: {"lanes": list(r.lanes), "port": r.port} for name, r in self._services.items()}

    def to_dict(self) -> Dict[str, Any]:
        """The table in the registry's JSON shape."""
        out: Dict[str, Any] = {"services": self.services_dict(), "version": self._version}
        if self._updated_at is not None:
            out["updated_at"] = self._updated_at
        return out

    def with_changes(
        self,
        version: int,
        upserts: Mapping[str, ServiceRoute],
        removes: Iterable[str],
        updated_at: Optional[str] = None,
    ) -> "RouteTable":
        """A new table with ``removes`` dropped, then ``upserts`` put (whole entries)."""
        routes = dict(self._services)
        targets = dict(self._targets)
        for name in removes:
            routes.pop(name, None)
            targets.pop(name, None)
        for name, route in upserts.items():
            routes[name] = route
            targets[name] = _compute_targets(name, route)
        return RouteTable(routes, version, updated_at if updated_at is not None else self._updated_at, targets)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RouteTable):
            return NotImplemented
        return self._version == other._version and dict(self._services) == dict(other._services)

    def __hash__(self) -> int:
        return hash(self._version)

    def __repr__(self) -> str:
        return "RouteTable(version=%d, services=%d)" % (self._version, len(self._services))



def _object(data: str) -> Dict[str, Any]:
    try:
        doc = json.loads(data)
    except (TypeError, ValueError) as exc:
        raise _Malformed("not JSON (%s)" % exc.__class__.__name__) from None
    if not isinstance(doc, dict):
        raise _Malformed("not a JSON object")
    return doc


def _updated_at(doc: Mapping[str, Any]) -> Optional[str]:
    value = doc.get("updated_at")
    return value if isinstance(value, str) else None


def _table_from_doc(doc: Dict[str, Any]) -> RouteTable:
    version = _version(doc, "version")
    routes = _routes(doc.get("services"), "services")
    return RouteTable(routes, version, _updated_at(doc))


def table_from_json(data: str) -> RouteTable:
    """Parse a table (the body of ``GET /v1/routes`` or a ``snapshot`` event).

    Raises ``ValueError`` with a short reason when it is malformed: types and
    ranges are checked (``version`` a non-negative integer, ``services`` an
    object of ``{"lanes": [str...], "port": 1..65535}``); unknown fields are
    tolerated because the protocol may grow.
    """
    return _table_from_doc(_object(data))


class ApplyResult(NamedTuple):
    """The outcome of an event, the table after it, and why (for logs)."""

    outcome: Outcome
    table: Optional[RouteTable]
    reason: str


def apply_event_with_reason(state: Optional[RouteTable], event: str, data: str) -> ApplyResult:
    """Like :func:`apply_event`, with a short human reason (never the raw data)."""
    if event == "snapshot":
        try:
            table = table_from_json(data)
        except _Malformed as exc:
            return ApplyResult(Outcome.IGNORED, state, "malformed snapshot: %s" % exc)
        # A snapshot replaces everything, even with a lower version: it may
        # come from a restarted registry or another replica.
        return ApplyResult(Outcome.APPLIED, table, "snapshot %d" % table.version)
    if event == "delta":
        try:
            doc = _object(data)
            version = _version(doc, "version")
            previous = _version(doc, "previous")
            upserts = _routes(doc.get("upserts", {}), "upserts")
            removes = doc.get("removes", [])
            if not isinstance(removes, list) or not all(isinstance(name, str) for name in removes):
                raise _Malformed("removes is not a list of strings")
        except _Malformed as exc:
            return ApplyResult(Outcome.IGNORED, state, "malformed delta: %s" % exc)
        if state is None:
            return ApplyResult(Outcome.GAP, state, "delta %d before any snapshot" % version)
        if version <= state.version:
            return ApplyResult(Outcome.IGNORED, state, "duplicate delta %d (table at %d)" % (version, state.version))
        if previous != state.version:
            return ApplyResult(
                Outcome.GAP, state, "delta %d follows %d but the table is at %d" % (version, previous, state.version)
            )
        table = state.with_changes(version, upserts, removes, _updated_at(doc))
        return ApplyResult(Outcome.APPLIED, table, "delta %d" % version)
    return ApplyResult(Outcome.IGNORED, state, "unknown event %r" % event[:40])


def apply_event(state: Optional[RouteTable], event: str, data: str) -> Tuple[Outcome, Optional[RouteTable]]:
    """Apply one stream event (``snapshot`` or ``delta`` with its raw data) to ``state``.

    Returns ``(outcome, new_state)``; ``state`` itself is never modified. A
    malformed event is ``IGNORED`` and the last good table kept; a delta
    before any table, or whose ``previous`` is not the table's version, is a
    ``GAP``; a delta not newer than the table is a duplicate (``IGNORED``).
    """
    result = apply_event_with_reason(state, event, data)
    return result.outcome, result.table


def resolve_target(table: Optional[RouteTable], service: str, lane: Optional[str], default_port: int) -> str:
    """``{service}-{lane}:{port}`` when ``lane`` is a lane name other than prod that
    the table lists for ``service``; else ``{service}:{port}``.

    ``port`` is the table's for a known service, else ``default_port`` (also
    when there is no table yet). A ``lane`` that is not a lane name counts as
    no lane.
    """
    lane = normalize_lane(lane)
    if table is None:
        return "%s:%d" % (service, default_port)
    return table.target(service, lane, default_port)


def build_url(target: str, path: str = "/") -> str:
    """``http://{target}{path}``, adding the leading slash a path may lack."""
    if not path:
        path = "/"
    elif not path.startswith("/"):
        path = "/" + path
    return "http://%s%s" % (target, path)

