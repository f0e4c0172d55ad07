"""Outgoing calls: carry the lane on, so the next service routes the same way."""

import urllib.request
from typing import Any, Dict, Mapping, Optional

from .context import current_lane
from .names import normalize_lane

__all__ = ["lane_headers", "open_url", "LANE_HEADER"]

LANE_HEADER = "x-lane"

# Targets are in-cluster Service names: sending them to an HTTP(S)_PROXY from the
# environment would at best fail and at worst leak internal calls, so no proxies.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def lane_headers(lane: Optional[str] = None) -> Dict[str, str]:
    """``{"x-lane": lane}`` for ``lane`` (else the context's lane), or ``{}`` without one.

    Works with any client: ``requests.get(url, headers=lane_headers())``,
    ``httpx``, ``aiohttp``... An invalid ``lane`` argument is ignored.
    """
    effective = normalize_lane(lane) if lane is not None else None
    if effective is None:
        effective = current_lane()
    return {LANE_HEADER: effective} if effective is not None else {}


def open_url(
    url: str,
    *,
    lane: Optional[str] = None,
    data: Optional[bytes] = None,
    headers: Optional[Mapping[str, str]] = None,
    method: Optional[str] = None,
    timeout: float = 30.0,
) -> Any:
    """``urllib.request.urlopen`` with ``x-lane`` added (``lane``, else the context's).

    A caller's own ``x-lane`` header (any case) is replaced when a lane is in
    effect, so the header always matches the target that was picked.
    """
    merged: Dict[str, str] = dict(headers or {})
    extra = lane_headers(lane)
    if extra:
        for name in [n for n in merged if n.lower() == LANE_HEADER]:
            del merged[name]
        merged.update(extra)
    request = urllib.request.Request(url, data=data, headers=merged, method=method)
    return _OPENER.open(request, timeout=timeout)
