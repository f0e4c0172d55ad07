"""Lane names: the single definition of what a lane is.

Every entry point (headers, context, resolve arguments) funnels through
:func:`normalize_lane` so that a value that is not a lane name can never end up
in a host name or in an outgoing header.
"""

import re
from typing import Any, Optional

__all__ = ["LANE_PATTERN", "MAX_LANE_LENGTH", "PROD_LANE", "normalize_lane"]

#: A DNS-1123 label: the lane becomes part of a Service name (``{app}-{lane}``).
LANE_PATTERN = re.compile(r"[a-z](?:[a-z0-9-]*[a-z0-9])?")
MAX_LANE_LENGTH = 63
#: The lane served by the base Service ``{app}``, never by ``{app}-prod``.
PROD_LANE = "prod"


def normalize_lane(value: Any) -> Optional[str]:
    """Return ``value`` trimmed of spaces if it is a lane name, else ``None``.

    Anything else (wrong type, upper case, too long, path characters) is not an
    error: callers treat it as "no lane", so a bad header degrades to prod
    routing instead of failing the request.
    """
    if not isinstance(value, str):
        return None
    lane = value.strip(" \t")
    if not lane or len(lane) > MAX_LANE_LENGTH:
        return None
    if LANE_PATTERN.fullmatch(lane) is None:
        return None
    return lane
