"""examples/route_demo.py against a fake registry, as a user would run it."""

import os
import subprocess
import sys
import unittest

from .support import FakeRegistry

EXAMPLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples", "route_demo.py")


class ExampleTest(unittest.TestCase):
    def test_route_demo_prints_the_targets_per_lane(self) -> None:
        registry = FakeRegistry({"web": {"lanes": ["dev", "prod"], "port": 8080}}).start()
        self.addCleanup(registry.stop)
        done = subprocess.run(
            [sys.executable, EXAMPLE, "--registry", registry.url, "--app", "web"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=15, universal_newlines=True,
        )
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(done.stdout.splitlines(), ["x-lane: dev -> http://web-dev:8080/",
                                                    "x-lane: qa -> http://web:8080/"])
        self.assertIn("route table version 100", done.stderr)


if __name__ == "__main__":
    unittest.main()
