"""The injected clock. Everything that stamps an event takes a `Clock`; nothing reads
the system time directly, so tests can drive time by hand."""

from __future__ import annotations

import time
from typing import Protocol


class Clock(Protocol):
    def now_ns(self) -> int:
        """Host monotonic time in nanoseconds."""
        ...


class MonotonicClock:
    """The real clock: `time.monotonic_ns`."""

    def now_ns(self) -> int:
        return time.monotonic_ns()


class ManualClock:
    """A clock that moves only when told to; for tests and emulators."""

    def __init__(self, start_ns: int = 0) -> None:
        self._now_ns = start_ns

    def now_ns(self) -> int:
        return self._now_ns

    def advance_ns(self, delta_ns: int) -> None:
        if delta_ns < 0:
            raise ValueError(f"a clock cannot go back: advance_ns({delta_ns})")
        self._now_ns += delta_ns
