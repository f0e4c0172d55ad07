"""Table rules beyond the shared vectors, and the backoff schedule."""

import json
import unittest

from lanes_routing import Outcome, apply_event, apply_event_with_reason, table_from_json
from lanes_routing.backoff import Backoff
from lanes_routing.subscription import format_wait

SNAPSHOT = json.dumps({"services": {"web": {"lanes": ["dev", "prod"], "port": 8080}}, "version": 100})


class TableTest(unittest.TestCase):
    def test_json_types_that_python_would_accept_are_rejected(self) -> None:
        for doc in ({"services": {}, "version": True}, {"services": {}, "version": -1},
                    {"services": {}, "version": 1.0},
                    {"services": {"web": {"lanes": ["prod"], "port": True}}, "version": 1},
                    {"services": {"web": {"lanes": ["prod"], "port": 0}}, "version": 1},
                    {"services": {"web": {"lanes": ["prod"]}}, "version": 1},
                    {"services": {"web": ["prod"]}, "version": 1}):
            with self.subTest(doc=doc), self.assertRaises(ValueError):
                table_from_json(json.dumps(doc))

    def test_unknown_events_are_ignored(self) -> None:
        _, table = apply_event(None, "snapshot", SNAPSHOT)
        outcome, after = apply_event(table, "message", SNAPSHOT)
        self.assertEqual(outcome, Outcome.IGNORED)
        self.assertIs(after, table)

    def test_delta_details(self) -> None:
        _, table = apply_event(None, "snapshot", SNAPSHOT)
        # upserts and removes may be absent; removes go first, so an upsert of the same name wins
        outcome, bumped = apply_event(table, "delta", json.dumps({"version": 101, "previous": 100}))
        self.assertEqual((outcome, bumped.version, bumped.services_dict()), ("applied", 101, table.services_dict()))
        outcome, both = apply_event(bumped, "delta", json.dumps({
            "version": 102, "previous": 101, "removes": ["web"],
            "upserts": {"web": {"lanes": ["prod"], "port": 81}}}))
        self.assertEqual(both.services_dict(), {"web": {"lanes": ["prod"], "port": 81}})
        self.assertEqual(both.target("web", "dev", 1), "web:81")
        self.assertEqual(table.target("web", "dev", 1), "web-dev:8080")  # the old table is untouched
        result = apply_event_with_reason(both, "delta", json.dumps({"version": 103, "previous": 102, "removes": [1]}))
        self.assertEqual(result.outcome, Outcome.IGNORED)
        self.assertIn("malformed delta", result.reason)

    def test_lanes_that_are_not_lane_names_never_become_targets(self) -> None:
        table = table_from_json(json.dumps({"services": {"web": {"lanes": ["Bad_Lane", "prod"], "port": 80}},
                                            "version": 1}))
        self.assertEqual(table.target("web", "Bad_Lane", 1), "web:80")
        self.assertEqual(table.to_dict(), {"services": {"web": {"lanes": ["Bad_Lane", "prod"], "port": 80}},
                                           "version": 1})


class BackoffTest(unittest.TestCase):
    def test_doubles_with_jitter_up_to_the_maximum(self) -> None:
        low = Backoff(0.25, 10.0, rng=lambda: 0.0)
        high = Backoff(0.25, 10.0, rng=lambda: 1.0)
        self.assertEqual([high.next() for _ in range(8)], [0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 10.0, 10.0])
        self.assertEqual([low.next() for _ in range(3)], [0.125, 0.25, 0.5])
        high.reset()
        self.assertEqual(high.next(), 0.25)

    def test_wait_format(self) -> None:
        self.assertEqual([format_wait(w) for w in (30.0, 1, 0.5, 0.25, 0.0001, 300)],
                         ["30s", "1s", "500ms", "250ms", "1ms", "300s"])


if __name__ == "__main__":
    unittest.main()
