"""The lane of the request being handled, held in a ``contextvars.ContextVar``.

A context variable (rather than a thread-local) gives each thread *and* each
asyncio task its own lane, so concurrent requests never see each other's lane,
whichever server model the application uses.
"""

import contextvars
from contextlib import contextmanager
from typing import Any, Callable, Iterator, Optional, TypeVar

from .names import normalize_lane

__all__ = ["current_lane", "lane_context", "bind_context"]

T = TypeVar("T")

_LANE: "contextvars.ContextVar[Optional[str]]" = contextvars.ContextVar("lanes_routing.lane", default=None)


def current_lane() -> Optional[str]:
    """The lane of the current request context, or None (prod)."""
    return _LANE.get()


def _set_lane(lane: Optional[str]) -> "contextvars.Token[Optional[str]]":
    """Set an already validated lane; used by the middleware."""
    return _LANE.set(lane)


def _reset_lane(token: "contextvars.Token[Optional[str]]") -> None:
    _LANE.reset(token)


@contextmanager
def lane_context(lane: Optional[str]) -> Iterator[Optional[str]]:
    """Run a block with ``lane`` as the current lane, restoring the previous one after.

    An invalid lane (or None) means "no lane" inside the block, not "keep the
    outer lane": the block asked for something specific and must not silently
    inherit a lane it did not ask for. Yields the lane actually in effect.
    """
    effective = normalize_lane(lane)
    token = _LANE.set(effective)
    try:
        yield effective
    finally:
        _LANE.reset(token)


def bind_context(fn: Callable[..., T]) -> Callable[..., T]:
    """Wrap ``fn`` so it runs with the lane (and every other context variable) of now.

    New threads and ``ThreadPoolExecutor`` workers do not inherit context
    variables; ``executor.submit(bind_context(work))`` carries the request's
    lane into them. Each call runs in its own copy, so the wrapper may be
    called concurrently.
    """
    captured = contextvars.copy_context()

    def run(*args: Any, **kwargs: Any) -> T:
        return captured.copy().run(fn, *args, **kwargs)

    return run
