"""Exponential backoff with jitter, so that a fleet of clients does not reconnect in step."""

import random
from typing import Callable

__all__ = ["Backoff"]


class Backoff:
    """Delays that start at ``initial`` and double up to ``maximum``.

    Each delay is drawn uniformly from ``[d/2, d]`` ("equal jitter"): spread
    enough that clients restarted together drift apart, never longer than the
    nominal delay, and never zero (no hot loop against a dead registry).
    """

    def __init__(self, initial: float, maximum: float, rng: Callable[[], float] = random.random) -> None:
        if initial <= 0 or maximum < initial:
            raise ValueError("backoff needs 0 < initial <= maximum")
        self._initial = initial
        self._maximum = maximum
        self._rng = rng
        self._current = initial

    def next(self) -> float:
        """The next delay in seconds; the one after it will be twice as long (capped)."""
        nominal = self._current
        self._current = min(nominal * 2, self._maximum)
        return nominal * (0.5 + 0.5 * self._rng())

    def reset(self) -> None:
        """Start again from ``initial`` (after a success)."""
        self._current = self._initial
