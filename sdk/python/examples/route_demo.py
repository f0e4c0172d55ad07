#!/usr/bin/env python3
"""Lane routing end to end, in one process.

    python3 examples/route_demo.py --registry http://localhost:8081 --app web [--default-port 8080]

Subscribes to the registry, serves a tiny WSGI app (behind LaneWSGIMiddleware)
that answers with the URL it would call for ``--app`` in the request's lane,
calls itself once with ``x-lane: dev`` and once with ``x-lane: qa``, prints
the two targets and exits. It prints targets only: names such as ``web-dev``
resolve inside the cluster, not here.
"""

import argparse
import os
import sys
import threading
import urllib.request
from typing import Any, Callable, Dict, Iterable, List
from wsgiref.simple_server import WSGIRequestHandler, make_server

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from lanes_routing import LaneRouter, LaneWSGIMiddleware  # noqa: E402


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def make_app(router: LaneRouter, app_name: str) -> Callable[..., Iterable[bytes]]:
    def app(environ: Dict[str, Any], start_response: Callable[..., Any]) -> List[bytes]:
        body = router.url(app_name, "/").encode("utf-8")  # the lane comes from the context
        start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
        return [body]

    return app


def main(argv: List[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registry", required=True, help="registry base URL, e.g. http://localhost:8081")
    parser.add_argument("--app", required=True, help="the app (service) to resolve, e.g. web")
    parser.add_argument("--default-port", type=int, default=8080, help="port while the table does not know the app")
    parser.add_argument("--wait", type=float, default=5.0, help="seconds to wait for the route table")
    args = parser.parse_args(argv)

    with LaneRouter(args.registry, args.default_port) as router:
        if router.wait_ready(args.wait):
            print("route table version %d" % router.version, file=sys.stderr)
        else:
            print("no route table after %gs; using the default port" % args.wait, file=sys.stderr)

        server = make_server("127.0.0.1", 0, LaneWSGIMiddleware(make_app(router, args.app)),
                             handler_class=_QuietHandler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            # No proxies: the request goes to this process on 127.0.0.1.
            opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
            for lane in ("dev", "qa"):
                request = urllib.request.Request("http://127.0.0.1:%d/" % server.server_port,
                                                 headers={"x-lane": lane})
                with opener.open(request, timeout=5) as response:
                    print("x-lane: %s -> %s" % (lane, response.read().decode("utf-8")))
        finally:
            server.shutdown()
            server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
