"""Outbound calls carry x-lane, and router.urlopen goes where resolve() points."""

import json
import threading
import unittest
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, List

from lanes_routing import LaneRouter, lane_context, lane_headers

from .support import FakeRegistry


class _Echo(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        record = {
            "method": self.command,
            "path": self.path,
            "x-lane": self.headers.get_all("x-lane"),
            "body": self.rfile.read(length).decode() if length else "",
        }
        self.server.requests.append(record)  # type: ignore[attr-defined]
        body = json.dumps(record).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = _answer
    do_POST = _answer


class LaneHeadersTest(unittest.TestCase):
    def test_lane_headers(self) -> None:
        self.assertEqual(lane_headers(), {})
        self.assertEqual(lane_headers("dev"), {"x-lane": "dev"})
        self.assertEqual(lane_headers("BAD!"), {})
        with lane_context("qa"):
            self.assertEqual(lane_headers(), {"x-lane": "qa"})
            self.assertEqual(lane_headers("dev"), {"x-lane": "dev"})
            self.assertEqual(lane_headers("BAD!"), {"x-lane": "qa"})


class UrlopenTest(unittest.TestCase):
    def setUp(self) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
        self.server.requests = []  # type: ignore[attr-defined]
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
        self.addCleanup(self.server.server_close)
        self.addCleanup(self.server.shutdown)
        port = self.server.server_address[1]
        # The "service" is named 127.0.0.1 so that its prod target is this echo server;
        # the dev lane lives on a service whose lane target is not reachable, so only url() is checked.
        self.registry = FakeRegistry({"127.0.0.1": {"lanes": ["prod"], "port": port},
                                      "web": {"lanes": ["dev", "prod"], "port": 8080}}).start()
        self.addCleanup(self.registry.stop)
        self.router = LaneRouter(self.registry.url, 9)
        self.addCleanup(self.router.close)
        self.assertTrue(self.router.wait_ready(5))
        self.port = port

    def requests(self) -> List[Dict[str, Any]]:
        return self.server.requests  # type: ignore[attr-defined,no-any-return]

    def test_sends_the_lane_to_the_resolved_target(self) -> None:
        self.assertEqual(self.router.resolve("127.0.0.1", "dev"), "127.0.0.1:%d" % self.port)
        with self.router.urlopen("127.0.0.1", "/echo?a=1", lane="dev", timeout=5) as response:
            self.assertEqual(json.loads(response.read())["path"], "/echo?a=1")
        with lane_context("qa"):
            self.router.urlopen("127.0.0.1", "ctx", timeout=5).close()
            # the caller's own x-lane (any case) is replaced by the lane that picked the target
            self.router.urlopen("127.0.0.1", "/own", headers={"X-Lane": "other"}, timeout=5).close()
        self.router.urlopen("127.0.0.1", "/none", timeout=5).close()
        self.router.urlopen("127.0.0.1", "/kept", headers={"x-lane": "mine"}, timeout=5).close()
        self.router.urlopen("127.0.0.1", "/post", data=b"hi", method="POST", lane="dev", timeout=5).close()
        got = [(r["method"], r["path"], r["x-lane"], r["body"]) for r in self.requests()]
        self.assertEqual(got, [
            ("GET", "/echo?a=1", ["dev"], ""),
            ("GET", "/ctx", ["qa"], ""),
            ("GET", "/own", ["qa"], ""),
            ("GET", "/none", None, ""),
            ("GET", "/kept", ["mine"], ""),
            ("POST", "/post", ["dev"], "hi"),
        ])

    def test_the_lane_picks_the_url(self) -> None:
        with lane_context("dev"):
            self.assertEqual(self.router.url("web", "/api"), "http://web-dev:8080/api")
        self.assertEqual(self.router.url("web", "/api"), "http://web:8080/api")
        self.assertEqual(self.router.url("billing"), "http://billing:9/")


if __name__ == "__main__":
    unittest.main()
