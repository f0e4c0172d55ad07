"""Reading the lane of an inbound request from its headers.

``x-lane`` wins; otherwise the ``lane`` member of the W3C ``baggage`` header
(the way OpenTelemetry propagates it) is used. Values that are not lane names
are ignored rather than rejected: a bad header must not break the request, it
only loses its lane.
"""

from typing import Any, Iterable, Mapping, Optional, Tuple, Union
from urllib.parse import unquote

from .names import normalize_lane

__all__ = ["lane_from_headers", "lane_from_values", "lane_from_baggage", "BAGGAGE_LANE_KEY"]

BAGGAGE_LANE_KEY = "lane"

HeaderValue = Union[str, bytes]
Headers = Union[Mapping[Any, Any], Iterable[Tuple[HeaderValue, HeaderValue]]]


def lane_from_values(x_lane: Optional[str], baggage: Optional[str]) -> Optional[str]:
    """The lane given the raw ``x-lane`` and ``baggage`` header values (either may be None).

    An illegal ``x-lane`` falls through to ``baggage`` instead of hiding it.
    """
    if x_lane is not None:
        lane = normalize_lane(x_lane)
        if lane is not None:
            return lane
    if baggage is not None:
        return lane_from_baggage(baggage)
    return None


def lane_from_baggage(baggage: str) -> Optional[str]:
    """The ``lane`` member of a W3C baggage header value, percent-decoded and validated.

    Members are ``key=value`` followed by optional ``;property`` parts, separated
    by commas, with optional whitespace anywhere between tokens. Malformed
    members are skipped. When ``lane`` appears more than once the last one is
    taken, as OpenTelemetry's propagators do; if that value is not a lane name
    the result is None.
    """
    if not isinstance(baggage, str):
        return None
    found: Optional[str] = None
    for member in baggage.split(","):
        key_value = member.split(";", 1)[0]
        key, sep, value = key_value.partition("=")
        if not sep or key.strip(" \t") != BAGGAGE_LANE_KEY:
            continue
        found = value
    if found is None:
        return None
    return normalize_lane(unquote(found.strip(" \t")))


def _text(value: Any) -> Optional[str]:
    if isinstance(value, str):
        return value
    if isinstance(value, (bytes, bytearray)):
        # HTTP header bytes are latin-1 by definition (as in WSGI and ASGI).
        return bytes(value).decode("latin-1")
    return None


def lane_from_headers(headers: Headers) -> Optional[str]:
    """The lane of a request given its headers.

    ``headers`` is a mapping (``dict``, ``http.client.HTTPMessage``, ...) or an
    iterable of ``(name, value)`` pairs such as ASGI's ``scope["headers"]``.
    Names are compared case-insensitively; names and values may be ``str`` or
    ``bytes``. Repeated headers are joined with ``,`` as an HTTP server would.
    """
    items: Iterable[Any] = headers.items() if hasattr(headers, "items") else headers
    x_lane: Optional[str] = None
    baggage: Optional[str] = None
    for pair in items:
        try:
            raw_name, raw_value = pair
        except (TypeError, ValueError):
            continue
        name = _text(raw_name)
        value = _text(raw_value)
        if name is None or value is None:
            continue
        name = name.lower()
        if name == "x-lane":
            x_lane = value if x_lane is None else x_lane + "," + value
        elif name == "baggage":
            baggage = value if baggage is None else baggage + "," + value
    return lane_from_values(x_lane, baggage)
