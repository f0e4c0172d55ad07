"""Inbound middleware: put the lane of each request into the context for its duration.

WSGI (Flask, Django, any PEP 3333 app) and ASGI (FastAPI, Starlette, Django
ASGI) are covered without depending on any framework.
"""

import contextvars
from typing import Any, Awaitable, Callable, Iterable, Iterator, MutableMapping, Optional

from .context import _LANE, _reset_lane, _set_lane
from .headers import lane_from_headers, lane_from_values

__all__ = ["LaneWSGIMiddleware", "LaneASGIMiddleware"]

WSGIApp = Callable[[MutableMapping[str, Any], Callable[..., Any]], Iterable[bytes]]
ASGIApp = Callable[[MutableMapping[str, Any], Callable[[], Awaitable[Any]], Callable[[Any], Awaitable[None]]], Awaitable[None]]


class _ContextIterable:
    """The app's response iterable, run inside the request's context.

    Streaming responses (generators) run their code while the server iterates,
    after the app returned; without this they would see no lane.
    """

    def __init__(self, result: Iterable[bytes], context: contextvars.Context) -> None:
        self._result = result
        self._context = context
        self._iterator: Optional[Iterator[bytes]] = None

    def __iter__(self) -> "_ContextIterable":
        return self

    def __next__(self) -> bytes:
        if self._iterator is None:
            self._iterator = self._context.run(iter, self._result)
        return self._context.run(next, self._iterator)

    def close(self) -> None:
        close = getattr(self._result, "close", None)
        if close is not None:
            self._context.run(close)


class LaneWSGIMiddleware:
    """WSGI middleware: the lane of ``x-lane`` / ``baggage`` is the context lane of the call.

    The app runs in a copy of the caller's context, so nothing leaks into the
    server thread's context after the request, and the response iterable is
    consumed in that same copy.
    """

    def __init__(self, app: WSGIApp) -> None:
        self.app = app

    def __call__(self, environ: MutableMapping[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        lane = lane_from_values(environ.get("HTTP_X_LANE"), environ.get("HTTP_BAGGAGE"))
        context = contextvars.copy_context()
        context.run(_LANE.set, lane)
        result = context.run(self.app, environ, start_response)
        if isinstance(result, (list, tuple)):
            return result  # no code runs while a list is sent; keep len() for Content-Length
        file_wrapper = environ.get("wsgi.file_wrapper")
        if isinstance(file_wrapper, type) and isinstance(result, file_wrapper):
            return result  # keep the server's sendfile fast path
        return _ContextIterable(result, context)


class LaneASGIMiddleware:
    """ASGI middleware for ``http`` and ``websocket`` scopes; ``lifespan`` passes through.

    The lane is set in the task's context for the duration of the call, so
    tasks the app starts meanwhile inherit it, and reset afterwards.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: MutableMapping[str, Any], receive: Any, send: Any) -> None:
        if scope.get("type") not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        lane = lane_from_headers(scope.get("headers") or ())
        token = _set_lane(lane)
        try:
            await self.app(scope, receive, send)
        finally:
            _reset_lane(token)
