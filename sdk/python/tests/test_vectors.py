"""Every case of sdk/testdata/routing-vectors.json, shared with the Java and TypeScript SDKs."""

import json
import unittest
from typing import Any, Dict, List, Optional

from lanes_routing import (
    LaneRouter,
    RouteTable,
    SSEParser,
    apply_event,
    build_url,
    lane_context,
    lane_from_headers,
    resolve_target,
    table_from_json,
)

from lanes_routing.names import normalize_lane

from .support import FakeRegistry, free_port, frame, load_vectors

VECTORS = load_vectors()


def expected_services(table: Optional[RouteTable]) -> Optional[Dict[str, Any]]:
    return table.services_dict() if table is not None else None


class ResolveVectors(unittest.TestCase):
    def test_every_resolve_case_with_the_pure_functions(self) -> None:
        self.assertTrue(VECTORS["resolve"])
        for case in VECTORS["resolve"]:
            with self.subTest(case["name"]):
                table = table_from_json(json.dumps(case["table"])) if case["table"] is not None else None
                # the pure function takes the lane the router settles on: the argument when it
                # is a lane name, else the request's
                lane = normalize_lane(case["lane"]) or case.get("context_lane")
                target = resolve_target(table, case["service"], lane, case["default_port"])
                self.assertEqual(target, case["target"])
                if "path" in case:
                    self.assertEqual(build_url(target, case["path"]), case["url"])

    def test_every_resolve_case_through_a_router_fed_by_a_registry(self) -> None:
        # One router per distinct table, fed over the real protocol, then resolve()/url().
        groups: Dict[str, List[Dict[str, Any]]] = {}
        for case in VECTORS["resolve"]:
            key = json.dumps([case["table"], case["default_port"]], sort_keys=True)
            groups.setdefault(key, []).append(case)
        for cases in groups.values():
            table = cases[0]["table"]
            registry = None
            if table is None:
                url = "http://127.0.0.1:%d" % free_port()
            else:
                registry = FakeRegistry(table["services"], table["version"], updated_at=table.get("updated_at")).start()
                self.addCleanup(registry.stop)
                url = registry.url
            router = LaneRouter(url, cases[0]["default_port"], backoff_initial=0.05, backoff_max=0.1)
            self.addCleanup(router.close)
            if table is not None:
                self.assertTrue(router.wait_ready(5))
                self.assertEqual(router.version, table["version"])
            for case in cases:
                with self.subTest(case["name"]), lane_context(case.get("context_lane")):
                    self.assertEqual(router.resolve(case["service"], case["lane"]), case["target"])
                    if "path" in case:
                        self.assertEqual(router.url(case["service"], case["path"], case["lane"]), case["url"])
            router.close()


class HeaderVectors(unittest.TestCase):
    def test_every_header_case(self) -> None:
        self.assertTrue(VECTORS["headers"])
        for case in VECTORS["headers"]:
            with self.subTest(case["name"]):
                self.assertEqual(lane_from_headers(case["headers"]), case["lane"])

    def test_every_header_case_as_asgi_byte_pairs(self) -> None:
        for case in VECTORS["headers"]:
            with self.subTest(case["name"]):
                pairs = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in case["headers"].items()]
                self.assertEqual(lane_from_headers(pairs), case["lane"])


class StreamVectors(unittest.TestCase):
    def check(self, case: Dict[str, Any], table: Optional[RouteTable], outcomes: List[str]) -> None:
        self.assertEqual(outcomes, case["outcomes"])
        self.assertEqual(expected_services(table), case["services"])
        self.assertEqual(table.version if table is not None else None, case["version"])

    def test_every_stream_case_with_apply_event(self) -> None:
        self.assertTrue(VECTORS["streams"])
        for case in VECTORS["streams"]:
            with self.subTest(case["name"]):
                table: Optional[RouteTable] = None
                outcomes = []
                for event in case["events"]:
                    outcome, table = apply_event(table, event["event"], event["data"])
                    outcomes.append(outcome.value)
                self.check(case, table, outcomes)

    def test_every_stream_case_through_the_sse_parser_byte_by_byte(self) -> None:
        for case in VECTORS["streams"]:
            with self.subTest(case["name"]):
                wire = b": hello\r\n\r\n" + b"".join(frame(e["event"], e["data"]) for e in case["events"])
                parser = SSEParser()
                events = []
                for i in range(len(wire)):
                    events.extend(parser.feed(wire[i : i + 1]))
                self.assertEqual([(e.event, e.data) for e in events],
                                 [(e["event"], e["data"]) for e in case["events"]])
                table: Optional[RouteTable] = None
                outcomes = []
                for event in events:
                    outcome, table = apply_event(table, event.event, event.data)
                    outcomes.append(outcome)
                self.check(case, table, outcomes)


if __name__ == "__main__":
    unittest.main()
