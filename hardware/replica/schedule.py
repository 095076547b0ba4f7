"""What an emulated replica's firmware has scheduled, by host time: trigger pulls, messages
the model delayed, heartbeats, battery reports and the cable's unplugging. Safe to add to
from any thread (a test pulls the trigger while the device thread runs)."""

from __future__ import annotations

import heapq
import itertools
import math
import threading
from dataclasses import dataclass, field

from hardware.errors import DeviceUrlError
from hardware.replica.protocol import DeviceMessage

# Far above any finger or training drill, and low enough that the device loop keeps up:
# each pull schedules the next, and a rate it cannot keep up with never lets it rest.
MAX_RATE_HZ = 100.0


def check_rate(rate_hz: float, where: str = "rate") -> float:
    """A trigger rate for `AutoFire`, checked before it reaches the device thread."""
    if not (math.isfinite(rate_hz) and 0 < rate_hz <= MAX_RATE_HZ):
        raise DeviceUrlError(f"{where}: expected pulls per second above 0 and at most "
                         f"{MAX_RATE_HZ:g}, found {rate_hz!r}")
    return rate_hz


@dataclass(frozen=True, slots=True)
class Pull:
    """The trigger is pulled."""


@dataclass(frozen=True, slots=True)
class AutoFire:
    """A pull now, and the next one a random (exponential) gap later."""

    rate_hz: float


@dataclass(frozen=True, slots=True)
class Say:
    """A message the model delayed (an energy cycle ending, a magazine seated) falls due."""

    message: DeviceMessage


@dataclass(frozen=True, slots=True)
class HeartbeatDue:
    pass


@dataclass(frozen=True, slots=True)
class BatteryDue:
    pass


@dataclass(frozen=True, slots=True)
class Unplug:
    for_s: float | None  # None: the fault's `unplug_s`, and the next unplug is scheduled


@dataclass(frozen=True, slots=True)
class Replug:
    pass


DeviceEvent = Pull | AutoFire | Say | HeartbeatDue | BatteryDue | Unplug | Replug


@dataclass(order=True, frozen=True, slots=True)
class Scheduled:
    due_ns: int
    order: int  # first scheduled, first done among equal times
    event: DeviceEvent = field(compare=False)


class Schedule:
    """Device events by host time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._heap: list[Scheduled] = []
        self._order = itertools.count()

    def at(self, due_ns: int, event: DeviceEvent) -> None:
        with self._lock:
            heapq.heappush(self._heap, Scheduled(due_ns, next(self._order), event))

    def next_due_ns(self) -> int | None:
        with self._lock:
            return self._heap[0].due_ns if self._heap else None

    def pop_due(self, now_ns: int) -> Scheduled | None:
        with self._lock:
            if not self._heap or self._heap[0].due_ns > now_ns:
                return None
            return heapq.heappop(self._heap)
