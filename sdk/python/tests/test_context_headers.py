"""Lane names, header parsing beyond the vectors, and the context variable."""

import asyncio
import threading
import unittest
from concurrent.futures import ThreadPoolExecutor
from email.message import Message
from typing import List, Optional

from lanes_routing import (
    bind_context,
    current_lane,
    lane_context,
    lane_from_baggage,
    lane_from_headers,
    normalize_lane,
)


class HeadersTest(unittest.TestCase):
    def test_normalize_lane(self) -> None:
        self.assertEqual(normalize_lane(" dev\t"), "dev")
        for bad in (None, 5, b"dev", "", " ", "dev\n", "d_v", "d.v", "dév", "-dev"):
            with self.subTest(bad=bad):
                self.assertIsNone(normalize_lane(bad))

    def test_mapping_like_objects_and_repeated_headers(self) -> None:
        message = Message()
        message["X-Lane"] = "dev"
        self.assertEqual(lane_from_headers(message), "dev")
        # two x-lane headers are joined, which is not a lane: baggage decides
        pairs = [(b"x-lane", b"dev"), (b"x-lane", b"qa"), (b"baggage", b"a=1"), (b"baggage", b"lane=qa")]
        self.assertEqual(lane_from_headers(pairs), "qa")
        self.assertIsNone(lane_from_headers([("x-lane",), (None, "dev"), ("x-lane", None)]))  # junk is skipped

    def test_baggage_details(self) -> None:
        self.assertEqual(lane_from_baggage("lane=dev,lane=qa"), "qa")  # the last, as OpenTelemetry
        self.assertIsNone(lane_from_baggage("Lane=dev"))  # keys are case-sensitive
        self.assertIsNone(lane_from_baggage("lane="))
        self.assertEqual(lane_from_baggage("lane=%20dev%20"), "dev")


class ContextTest(unittest.TestCase):
    def test_lane_context_nests_and_restores(self) -> None:
        self.assertIsNone(current_lane())
        with lane_context("dev") as lane:
            self.assertEqual(lane, "dev")
            with lane_context("Not A Lane") as inner:
                self.assertIsNone(inner)
                self.assertIsNone(current_lane())  # invalid means no lane, not the outer one
            self.assertEqual(current_lane(), "dev")
        self.assertIsNone(current_lane())

    def test_threads_do_not_share_a_lane_and_bind_context_carries_it(self) -> None:
        seen: List[Optional[str]] = []
        with lane_context("dev"):
            thread = threading.Thread(target=lambda: seen.append(current_lane()))
            thread.start()
            thread.join()
            with ThreadPoolExecutor(2) as pool:
                bound = bind_context(current_lane)
                results = [f.result() for f in [pool.submit(bound) for _ in range(4)]]
        self.assertEqual(seen, [None])
        self.assertEqual(results, ["dev"] * 4)

    def test_asyncio_tasks_each_have_their_lane(self) -> None:
        async def handle(lane: str) -> Optional[str]:
            with lane_context(lane):
                await asyncio.sleep(0)
                child = await asyncio.create_task(self._lane_later())
                return child

        async def main() -> List[Optional[str]]:
            return list(await asyncio.gather(handle("dev"), handle("qa"), handle("feature-x")))

        self.assertEqual(asyncio.run(main()), ["dev", "qa", "feature-x"])

    @staticmethod
    async def _lane_later() -> Optional[str]:
        await asyncio.sleep(0)
        return current_lane()


if __name__ == "__main__":
    unittest.main()
