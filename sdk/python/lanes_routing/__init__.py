"""Lane routing for Python services on Lanes.

A request that carries ``x-lane: dev`` reaches ``{app}-dev`` wherever the dev
lane has that app, and prod (``{app}``) everywhere else. See README.md and
docs/routing.md.
"""

import logging

from .context import bind_context, current_lane, lane_context
from .headers import lane_from_baggage, lane_from_headers, lane_from_values
from .middleware import LaneASGIMiddleware, LaneWSGIMiddleware
from .names import normalize_lane
from .outbound import lane_headers, open_url
from .router import LaneRouter
from .sse import SSEEvent, SSEParser
from .table import (
    ApplyResult,
    Outcome,
    RouteTable,
    ServiceRoute,
    apply_event,
    apply_event_with_reason,
    build_url,
    resolve_target,
    table_from_json,
)

__version__ = "0.1.0"

__all__ = [
    "LaneRouter",
    "current_lane",
    "lane_context",
    "bind_context",
    "lane_from_headers",
    "lane_from_values",
    "lane_from_baggage",
    "normalize_lane",
    "LaneWSGIMiddleware",
    "LaneASGIMiddleware",
    "lane_headers",
    "open_url",
    "RouteTable",
    "ServiceRoute",
    "Outcome",
    "ApplyResult",
    "apply_event",
    "apply_event_with_reason",
    "table_from_json",
    "resolve_target",
    "build_url",
    "SSEEvent",
    "SSEParser",
]

# A library adds no handlers of its own: the application decides where logs go.
logging.getLogger("lanes_routing").addHandler(logging.NullHandler())
