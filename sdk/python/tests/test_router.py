"""LaneRouter against a fake registry: streaming, reconnects, fallback, malformed data, close."""

import json
import logging
import time
import unittest
from typing import Any, List

from lanes_routing import LaneRouter, RouteTable, lane_context

from .support import FakeRegistry, free_port, wait_until

WEB_PROD = {"web": {"lanes": ["prod"], "port": 8080}}
WEB_DEV = {"web": {"lanes": ["dev", "prod"], "port": 8080}}
FAST = {"backoff_initial": 0.02, "backoff_max": 0.1, "poll_wait": 1.0}


class RouterTestCase(unittest.TestCase):
    def registry(self, services: Any = None, version: int = 100, port: int = 0) -> FakeRegistry:
        registry = FakeRegistry(WEB_PROD if services is None else services, version, port=port)
        self.addCleanup(registry.stop)
        return registry

    def router(self, url: str, **options: Any) -> LaneRouter:
        settings = dict(FAST)
        settings.update(options)
        router = LaneRouter(url, settings.pop("default_port", 8000), **settings)
        self.addCleanup(router.close)
        return router


class StreamingTest(RouterTestCase):
    def test_snapshot_then_delta_changes_resolution(self) -> None:
        registry = self.registry().start()
        changes: List[RouteTable] = []
        router = self.router(registry.url, on_change=changes.append)
        self.assertTrue(router.wait_ready(5))
        self.assertEqual(router.version, 100)
        self.assertEqual(router.mode, "stream")
        self.assertEqual(router.table(), WEB_PROD)
        self.assertEqual(router.resolve("web", "dev"), "web:8080")

        registry.update(upserts=WEB_DEV)
        self.assertTrue(wait_until(lambda: router.version == 101))
        self.assertEqual(router.resolve("web", "dev"), "web-dev:8080")
        self.assertEqual(router.url("web", "/x", "dev"), "http://web-dev:8080/x")
        with lane_context("dev"):
            self.assertEqual(router.resolve("web"), "web-dev:8080")
            self.assertEqual(router.resolve("web", "DEV"), "web-dev:8080")  # ignored argument: the context's
            self.assertEqual(router.resolve("web", "prod"), "web:8080")
        self.assertEqual(router.resolve("web"), "web:8080")
        self.assertEqual([t.version for t in changes], [100, 101])
        self.assertEqual(registry.stream_requests, [None])

    def test_table_is_a_copy(self) -> None:
        registry = self.registry().start()
        router = self.router(registry.url)
        self.assertTrue(router.wait_ready(5))
        copy = router.table()
        assert copy is not None
        copy["web"]["lanes"].append("dev")
        self.assertEqual(router.resolve("web", "dev"), "web:8080")
        with self.assertRaises(TypeError):
            router.route_table.services["x"] = None  # type: ignore[index, union-attr]

    def test_registry_down_at_start_then_up(self) -> None:
        port = free_port()
        router = self.router("http://127.0.0.1:%d" % port)
        self.assertEqual(router.resolve("web", "dev"), "web:8000")
        self.assertEqual(router.url("web", "/a", "dev"), "http://web:8000/a")
        self.assertIsNone(router.table())
        self.assertIsNone(router.version)
        self.assertFalse(router.wait_ready(0.05))

        self.registry(WEB_DEV, port=port).start()
        self.assertTrue(router.wait_ready(5))
        self.assertEqual(router.resolve("web", "dev"), "web-dev:8080")

    def test_restart_resumes_with_last_event_id_and_gets_the_missed_deltas(self) -> None:
        registry = self.registry().start()
        router = self.router(registry.url, backoff_initial=0.1, backoff_max=0.2)
        self.assertTrue(router.wait_ready(5))
        registry.stop()
        registry.update(upserts=WEB_DEV, broadcast=False)  # a change while it was down
        registry.start()
        self.assertTrue(wait_until(lambda: router.version == 101))
        self.assertEqual(router.resolve("web", "dev"), "web-dev:8080")
        self.assertIn("100", registry.stream_requests)
        self.assertEqual(registry.initial_kinds[-1], "deltas")

    def test_restart_as_an_unknown_registry_takes_a_snapshot(self) -> None:
        registry = self.registry().start()
        router = self.router(registry.url, backoff_initial=0.1, backoff_max=0.2)
        self.assertTrue(router.wait_ready(5))
        registry.stop()
        registry.reset({"api": {"lanes": ["dev", "prod"], "port": 9090}}, version=7)
        registry.start()
        self.assertTrue(wait_until(lambda: router.version == 7))
        self.assertEqual(router.resolve("api", "dev"), "api-dev:9090")
        self.assertEqual(router.resolve("web", "dev"), "web:8000")  # gone from the table
        self.assertIn("100", registry.stream_requests)
        self.assertEqual(registry.initial_kinds[-1], "snapshot")

    def test_malformed_snapshot_and_delta_keep_the_last_good_table(self) -> None:
        registry = self.registry(WEB_DEV).start()
        router = self.router(registry.url)
        self.assertTrue(router.wait_ready(5))
        with self.assertLogs("lanes_routing", logging.WARNING) as logs:
            registry.push("snapshot", '{"services": {"web": ')
            registry.push("snapshot", '{"services": {"web": {"lanes": ["prod"], "port": 70000}}, "version": 500}')
            registry.push("delta", json.dumps({"version": 101, "previous": 100,
                                               "upserts": {"web": {"lanes": "prod", "port": 8080}}, "removes": []}))
            registry.push("delta", "not json")
            registry.update(upserts={"api": {"lanes": ["prod"], "port": 9090}})  # a good one still applies
            self.assertTrue(wait_until(lambda: router.version == 101))
        self.assertEqual(router.resolve("web", "dev"), "web-dev:8080")
        self.assertEqual(router.resolve("api"), "api:9090")
        self.assertEqual(len(registry.stream_requests), 1)  # no reconnect for malformed data
        malformed = [line for line in logs.output if "malformed" in line]
        self.assertEqual(len(malformed), 4, logs.output)
        self.assertFalse(any("70000" in line or "lanes\": \"prod" in line for line in logs.output))

    def test_a_gap_reconnects_with_last_event_id(self) -> None:
        registry = self.registry().start()
        router = self.router(registry.url)
        self.assertTrue(router.wait_ready(5))
        registry.update(upserts=WEB_DEV, broadcast=False)  # missed: 100 -> 101
        registry.update(upserts={"api": {"lanes": ["prod"], "port": 9090}})  # seen: 101 -> 102, a gap
        self.assertTrue(wait_until(lambda: router.version == 102))
        self.assertEqual(registry.stream_requests, [None, "100"])
        self.assertEqual(registry.initial_kinds, ["snapshot", "deltas"])
        self.assertEqual(router.resolve("web", "dev"), "web-dev:8080")
        self.assertEqual(router.mode, "stream")


class FallbackTest(RouterTestCase):
    def test_broken_stream_falls_back_to_long_polling(self) -> None:
        for mode in (404, 500, "html"):
            with self.subTest(mode=mode):
                registry = self.registry().start()
                registry.stream_mode = mode
                router = self.router(registry.url)
                self.assertTrue(router.wait_ready(5))
                self.assertEqual(router.mode, "poll")
                self.assertEqual(len(registry.stream_requests), 3)
                self.assertEqual(registry.poll_requests[0], {"index": None, "wait": "1s"})

                registry.update(upserts=WEB_DEV)
                self.assertTrue(wait_until(lambda: router.version == 101))
                self.assertEqual(router.resolve("web", "dev"), "web-dev:8080")
                self.assertIn({"index": "100", "wait": "1s"}, registry.poll_requests)
                router.close()
                registry.stop()

    def test_silent_stream_counts_as_a_failure(self) -> None:
        registry = self.registry().start()
        registry.stream_mode = "silent"
        router = self.router(registry.url, heartbeat_timeout=0.1)
        self.assertTrue(router.wait_ready(5))
        self.assertEqual(router.mode, "poll")
        self.assertEqual(len(registry.stream_requests), 3)

    def test_after_the_fallback_period_the_stream_is_tried_again(self) -> None:
        registry = self.registry().start()
        registry.stream_mode = 503
        router = self.router(registry.url, fallback_duration=0.3)
        self.assertTrue(router.wait_ready(5))
        registry.stream_mode = "sse"
        self.assertTrue(wait_until(lambda: registry.open_streams() == 1 and router.mode == "stream"))
        self.assertEqual(registry.stream_requests[-1], "100")
        registry.update(upserts=WEB_DEV)
        self.assertTrue(wait_until(lambda: router.version == 101))

    def test_long_poll_errors_back_off_and_recover(self) -> None:
        registry = self.registry().start()
        registry.poll_status = 500
        router = self.router(registry.url, stream=False)
        self.assertTrue(wait_until(lambda: len(registry.poll_requests) >= 3))
        self.assertIsNone(router.version)
        registry.poll_status = None
        self.assertTrue(router.wait_ready(5))
        self.assertEqual(registry.stream_requests, [])  # stream=False never streams

    def test_short_poll_waits_are_sent_in_milliseconds(self) -> None:
        registry = self.registry().start()
        router = self.router(registry.url, stream=False, poll_wait=0.25)
        self.assertTrue(router.wait_ready(5))
        self.assertTrue(wait_until(lambda: len(registry.poll_requests) >= 2))
        self.assertEqual(registry.poll_requests[1], {"index": "100", "wait": "250ms"})


class HeartbeatTest(RouterTestCase):
    def test_a_silent_stream_is_dead_and_reconnects_with_last_event_id(self) -> None:
        registry = self.registry().start()  # sends the snapshot, then no heartbeats
        router = self.router(registry.url, heartbeat_timeout=0.2)
        self.assertTrue(router.wait_ready(5))
        self.assertTrue(wait_until(lambda: len(registry.stream_requests) >= 2, 3))
        self.assertEqual(registry.stream_requests[1], "100")
        self.assertEqual(router.mode, "stream")  # a stream that delivered is not a failure

    def test_heartbeats_keep_the_stream_alive(self) -> None:
        registry = self.registry()
        registry.heartbeat_interval = 0.05
        registry.start()
        router = self.router(registry.url, heartbeat_timeout=0.3)
        self.assertTrue(router.wait_ready(5))
        # Three heartbeat timeouts pass without a reconnect.
        self.assertFalse(wait_until(lambda: len(registry.stream_requests) > 1, 0.9))


class LifecycleTest(RouterTestCase):
    def test_close_stops_the_thread_and_the_requests(self) -> None:
        registry = self.registry().start()
        router = self.router(registry.url)
        self.assertTrue(router.wait_ready(5))
        thread = router._subscription.thread
        started = time.monotonic()
        router.close()
        self.assertLess(time.monotonic() - started, 1.0)
        self.assertFalse(thread.is_alive())
        self.assertTrue(router.closed)
        router.close()  # idempotent
        count = registry.request_count
        self.assertFalse(wait_until(lambda: registry.request_count > count, 0.3))
        self.assertEqual(router.resolve("web"), "web:8080")  # the last table still answers

    def test_close_interrupts_a_blocking_poll_and_a_backoff(self) -> None:
        registry = self.registry().start()
        router = self.router(registry.url, stream=False, poll_wait=30.0)
        self.assertTrue(router.wait_ready(5))
        self.assertTrue(wait_until(lambda: len(registry.poll_requests) >= 2))  # now blocked for 30 s
        started = time.monotonic()
        router.close()
        self.assertLess(time.monotonic() - started, 1.0)
        self.assertFalse(router._subscription.thread.is_alive())

        down = self.router("http://127.0.0.1:%d" % free_port(), backoff_initial=5.0, backoff_max=5.0)
        self.assertTrue(wait_until(lambda: down.mode == "stream"))
        started = time.monotonic()
        down.close()
        self.assertLess(time.monotonic() - started, 1.0)
        self.assertFalse(down._subscription.thread.is_alive())

    def test_context_manager(self) -> None:
        registry = self.registry().start()
        with LaneRouter(registry.url, default_port=8000, **FAST) as router:
            self.assertTrue(router.wait_ready(5))
            thread = router._subscription.thread
        self.assertFalse(thread.is_alive())

    def test_on_change_errors_do_not_stop_updates(self) -> None:
        registry = self.registry().start()

        def boom(table: RouteTable) -> None:
            raise RuntimeError("callback bug")

        with self.assertLogs("lanes_routing", logging.ERROR):
            router = self.router(registry.url, on_change=boom)
            self.assertTrue(router.wait_ready(5))
            registry.update(upserts=WEB_DEV)
            self.assertTrue(wait_until(lambda: router.version == 101))

    def test_close_from_on_change_does_not_deadlock(self) -> None:
        registry = self.registry().start()
        holder: List[LaneRouter] = []
        router = self.router(registry.url, on_change=lambda table: holder[0].close() if holder else None)
        holder.append(router)
        self.assertTrue(router.wait_ready(5))
        registry.update(upserts=WEB_DEV)
        self.assertTrue(wait_until(lambda: not router._subscription.thread.is_alive()))


class ValidationTest(unittest.TestCase):
    def test_default_port_is_required_and_checked(self) -> None:
        with self.assertRaises(TypeError):
            LaneRouter("http://127.0.0.1:1")  # type: ignore[call-arg]
        for bad in (0, 65536, -1, "8080", None, True, 8080.0):
            with self.subTest(port=bad), self.assertRaises(ValueError):
                LaneRouter("http://127.0.0.1:1", bad)  # type: ignore[arg-type]

    def test_registry_url_and_options_are_checked(self) -> None:
        for url in ("", "registry:8081", "ftp://x", "http://", "http://host:99999"):
            with self.subTest(url=url), self.assertRaises(ValueError):
                LaneRouter(url, 8080)
        for option in ("heartbeat_timeout", "backoff_initial", "backoff_max", "poll_wait", "fallback_duration"):
            with self.subTest(option=option), self.assertRaises(ValueError):
                LaneRouter("http://127.0.0.1:1", 8080, **{option: 0})
        with self.assertRaises(ValueError):
            LaneRouter("http://127.0.0.1:1", 8080, backoff_initial=2, backoff_max=1)


if __name__ == "__main__":
    unittest.main()
