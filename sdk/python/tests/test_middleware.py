"""Inbound middleware: WSGI (wsgiref-style environ) and ASGI (fake scope/receive/send)."""

import asyncio
import unittest
from typing import Any, Dict, Iterator, List, Optional
from wsgiref.util import setup_testing_defaults

from lanes_routing import LaneASGIMiddleware, LaneWSGIMiddleware, current_lane


def environ(**headers: str) -> Dict[str, Any]:
    env: Dict[str, Any] = {}
    setup_testing_defaults(env)
    for name, value in headers.items():
        env["HTTP_" + name.upper()] = value
    return env


def start_response(status: str, headers: List[Any], exc_info: Any = None) -> None:
    pass


class WSGITest(unittest.TestCase):
    def test_the_lane_is_set_during_the_call_and_not_after(self) -> None:
        seen: List[Optional[str]] = []

        def app(env: Dict[str, Any], start: Any) -> List[bytes]:
            seen.append(current_lane())
            start("200 OK", [])
            return [b"ok"]

        wrapped = LaneWSGIMiddleware(app)
        result = wrapped(environ(x_lane="dev"), start_response)
        self.assertEqual(result, [b"ok"])  # lists pass through untouched
        wrapped(environ(baggage="userId=a,lane=feature%2Dx"), start_response)
        wrapped(environ(x_lane="DEV!", baggage="lane=qa"), start_response)
        wrapped(environ(x_lane="../prod"), start_response)
        wrapped(environ(), start_response)
        self.assertEqual(seen, ["dev", "feature-x", "qa", None, None])
        self.assertIsNone(current_lane())

    def test_a_streaming_response_sees_the_lane_while_it_is_consumed(self) -> None:
        events: List[Any] = []

        class Body:
            def __iter__(self) -> Iterator[bytes]:
                for _ in range(2):
                    events.append(("chunk", current_lane()))
                    yield b"x"

            def close(self) -> None:
                events.append(("close", current_lane()))

        def app(env: Dict[str, Any], start: Any) -> Body:
            start("200 OK", [])
            return Body()

        result = LaneWSGIMiddleware(app)(environ(x_lane="dev"), start_response)
        self.assertIsNone(current_lane())
        self.assertEqual(b"".join(result), b"xx")  # consumed later, by "the server"
        result.close()  # type: ignore[attr-defined]
        self.assertEqual(events, [("chunk", "dev"), ("chunk", "dev"), ("close", "dev")])
        self.assertIsNone(current_lane())

    def test_an_exception_leaves_no_lane_behind(self) -> None:
        def app(env: Dict[str, Any], start: Any) -> List[bytes]:
            raise RuntimeError("boom")

        with self.assertRaises(RuntimeError):
            LaneWSGIMiddleware(app)(environ(x_lane="dev"), start_response)
        self.assertIsNone(current_lane())


class ASGITest(unittest.TestCase):
    def run_app(self, scope: Dict[str, Any]) -> List[Any]:
        seen: List[Any] = []

        async def app(scope: Dict[str, Any], receive: Any, send: Any) -> None:
            seen.append((scope["type"], current_lane()))
            child = asyncio.create_task(asyncio.sleep(0, result=None))
            await child
            seen.append(("task", await asyncio.create_task(_lane())))
            await send({"type": "done"})

        async def _lane() -> Optional[str]:
            return current_lane()

        sent: List[Any] = []

        async def receive() -> Dict[str, Any]:
            return {"type": "http.request"}

        async def send(message: Dict[str, Any]) -> None:
            sent.append((message["type"], current_lane()))

        async def main() -> None:
            await LaneASGIMiddleware(app)(scope, receive, send)
            seen.append(("after", current_lane()))

        asyncio.run(main())
        return seen + sent

    def test_http_scope(self) -> None:
        scope = {"type": "http", "headers": [(b"x-lane", b"dev"), (b"host", b"web")]}
        self.assertEqual(self.run_app(scope), [("http", "dev"), ("task", "dev"), ("after", None), ("done", "dev")])

    def test_websocket_scope_with_baggage(self) -> None:
        scope = {"type": "websocket", "headers": [(b"baggage", b"lane = qa ;ttl=3")]}
        self.assertEqual(self.run_app(scope)[0], ("websocket", "qa"))

    def test_illegal_values_are_ignored(self) -> None:
        scope = {"type": "http", "headers": [(b"x-lane", b"dev;rm -rf /"), (b"baggage", b"lane=DEV%21")]}
        self.assertEqual(self.run_app(scope)[0], ("http", None))
        self.assertEqual(self.run_app({"type": "http"})[0], ("http", None))  # no headers at all

    def test_lifespan_passes_through(self) -> None:
        self.assertEqual(self.run_app({"type": "lifespan"})[0], ("lifespan", None))


if __name__ == "__main__":
    unittest.main()
