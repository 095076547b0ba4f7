"""Fixtures for device tests, and a replica on a cable for the link core without threads."""

from __future__ import annotations

import heapq
import itertools
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from hardware.clock import ManualClock
from hardware.replica.core import LinkCore, LinkEvent, Step
from hardware.replica.faults import FaultInjector, Faults
from hardware.replica.models import Delayed, Pistol, ReplicaModel
from hardware.replica.protocol import (
    SEQ_MODULUS,
    DeviceMessage,
    Hello,
    HostMessage,
    Ping,
    Pong,
    Query,
    Trigger,
    encode,
)


@pytest.fixture(autouse=True)
def user_data_folder(tmp_path_factory: pytest.TempPathFactory,
                     monkeypatch: pytest.MonkeyPatch) -> Path:
    """The user's data folder (rigs by default) for each test: a temporary one, never the
    real home's."""
    folder = tmp_path_factory.mktemp("user-data")
    monkeypatch.setenv("XDG_DATA_HOME", str(folder))
    return folder


@pytest.fixture
def no_leaked_threads() -> Iterator[None]:
    """Fails a test that leaves a reader, emulator or pty thread running."""
    before = set(threading.enumerate())
    yield
    deadline = time.monotonic() + 5.0
    while time.monotonic() < deadline and set(threading.enumerate()) - before:
        time.sleep(0.01)
    assert set(threading.enumerate()) - before == set()


# -- a replica on a cable for the link core, without threads -------------------------------


class Wire:
    """The device end for `LinkCore` tests: numbers, frames and (seeded) damages its
    messages like the emulator, answers WHO and PING, and keeps the truth. Its clock runs
    `drift_ppm` fast from host time `boot_ns`; frames take `down_ns` to the device and
    `up_ns` plus the faults' jitter back."""

    def __init__(self, model: ReplicaModel | None = None, replica_id: str = "P1",
                 boot: int = 7, faults: Faults | None = None, seed: int = 0, lane: int = 0,
                 boot_ns: int = 0, first_seq: int = 0, proto: int = 1,
                 drift_ppm: float = 0.0, down_ns: int = 1_000_000) -> None:
        self.model = model or Pistol()
        self.replica_id, self.boot, self.lane, self.proto = replica_id, boot, lane, proto
        self.injector = FaultInjector(faults or Faults(), np.random.default_rng(seed))
        self.boot_ns, self.drift_ppm = boot_ns, drift_ppm
        self.down_ns, self.up_ns = down_ns, 1_000_000
        self.seq = first_seq
        self.frames: list[tuple[int, str, int]] = []  # (seq, fate, copies) per frame sent
        self.pulls: list[tuple[int, int, str]] = []  # (n, host ns, fate) per trigger frame

    def device_us(self, host_ns: int) -> int:
        return int((host_ns - self.boot_ns) * (1.0 + self.drift_ppm * 1e-6)) // 1000

    def send(self, messages: Sequence[DeviceMessage], host_ns: int) -> bytes:
        out = []
        for message in messages:
            numbered = replace(message, seq=self.seq)
            self.seq = (self.seq + 1) % SEQ_MODULUS
            frame = encode(numbered)
            chunks, fate = self.injector.apply(frame)
            self.frames.append((numbered.seq, fate, sum(1 for c in chunks if c == frame)))
            if isinstance(numbered, Trigger):
                self.pulls.append((numbered.n, host_ns, fate))
            out += chunks
        return b"".join(out)

    def hello(self, host_ns: int) -> Hello:
        m = self.model
        return Hello(0, self.device_us(host_ns), self.proto, m.name, m.firmware,
                     self.replica_id, self.boot, m.caps, m.laser, m.pulse_us, self.lane)

    def pull(self, host_ns: int) -> list[DeviceMessage]:
        out = self.model.pull(self.device_us(host_ns))
        return [m for m in out if not isinstance(m, Delayed)]

    def answer(self, sent: Sequence[HostMessage], host_ns: int) -> list[DeviceMessage]:
        """What the replica says back to frames that reach it at `host_ns`."""
        out: list[DeviceMessage] = []
        for message in sent:
            if isinstance(message, Ping):
                out.append(Pong(0, self.device_us(host_ns), message.token))
            elif isinstance(message, Query):
                out.append(self.hello(host_ns))
        return out


class Cable:
    """Runs a `LinkCore` against a `Wire` on a ManualClock's times: each thing happens at
    its own nanosecond (pulls, arrivals, the core's ticks every `tick_ns`), in order.
    Frames on their way when the cable is pulled never arrive, either way."""

    def __init__(self, core: LinkCore, wire: Wire, clock: ManualClock,
                 tick_ns: int = 1_000_000, chunk_seed: int | None = None) -> None:
        self.core, self.wire, self.clock, self.tick_ns = core, wire, clock, tick_ns
        self.events: list[LinkEvent] = []
        self.sent: list[HostMessage] = []
        self._queue: list[tuple[int, int, int, str, Any]] = []
        self._order = itertools.count()
        self._last_arrival = 0
        self._plug = 0  # which plugging-in a frame on its way belongs to
        self._chunks = None if chunk_seed is None else np.random.default_rng(chunk_seed)

    def connect(self) -> Cable:
        self._plug += 1
        self._take(self.core.connect(self.clock.now_ns()))
        return self

    def disconnect(self, detail: str = "unplugged") -> None:
        self._plug += 1
        self._take(self.core.disconnect(self.clock.now_ns(), detail))

    def at(self, host_ns: int, messages: Sequence[DeviceMessage]) -> None:
        """The replica sends these at `host_ns` (stamped with its clock then)."""
        self._push(host_ns, "say", list(messages))

    def pull_at(self, *times_ns: int) -> None:
        for t in times_ns:
            self._push(t, "pull", None)

    def run_until(self, end_ns: int) -> list[LinkEvent]:
        """Everything up to `end_ns`; the events published meanwhile."""
        first = len(self.events)
        next_tick = self.clock.now_ns()
        while True:
            due = min(self._queue[0][0] if self._queue else end_ns + 1, next_tick)
            if due > end_ns:
                break
            self.clock.advance_ns(due - self.clock.now_ns())
            if self._queue and self._queue[0][0] == due:
                _, _, plug, kind, arg = heapq.heappop(self._queue)
                if kind in ("pull", "say") or (plug == self._plug and self.core.is_connected):
                    self._happen(kind, arg)
            else:
                self._take(self.core.tick(due))
                next_tick = due + self.tick_ns
        self.clock.advance_ns(end_ns - self.clock.now_ns())
        return self.events[first:]

    def _happen(self, kind: str, arg: Any) -> None:
        now = self.clock.now_ns()
        if kind == "pull":
            self._say(self.wire.pull(now))
        elif kind == "say":
            self._say([replace(m, device_us=self.wire.device_us(now)) for m in arg])
        elif kind == "device":
            self._say(self.wire.answer(arg, now))
        elif kind == "arrive":
            for piece in self._split(arg):
                self._take(self.core.feed(piece, now))

    def _say(self, messages: list[DeviceMessage]) -> None:
        now = self.clock.now_ns()
        data = self.wire.send(messages, now)
        if data:
            arrival = max(now + self.wire.up_ns + self.wire.injector.latency_ns(),
                          self._last_arrival)  # a wire keeps order
            self._last_arrival = arrival
            self._push(arrival, "arrive", data)

    def _take(self, step: Step) -> None:
        self.events += step.events
        if step.send:
            self.sent += step.send
            self._push(self.clock.now_ns() + self.wire.down_ns, "device", step.send)

    def _split(self, data: bytes) -> list[bytes]:
        if self._chunks is None:
            return [data]
        cuts = sorted(set(int(c) for c in self._chunks.integers(0, len(data), 3)))
        return [data[a:b] for a, b in itertools.pairwise([0, *cuts, len(data)]) if b > a]

    def _push(self, due: int, kind: str, arg: Any) -> None:
        heapq.heappush(self._queue, (due, next(self._order), self._plug, kind, arg))
