"""An emulated training replica speaking the protocol over a real cable (`endpoints`),
with seeded faults (`faults`). One thread per replica.

The emulator keeps the truth a test needs: the host time and device time of every
trigger pull and the fate of every frame (sent, dropped, corrupted, unplugged).
"""

from __future__ import annotations

import heapq
import itertools
import os
import select
import threading
from dataclasses import dataclass, field, replace

import numpy as np

from hardware.clock import Clock, MonotonicClock
from hardware.replica.endpoints import Endpoint
from hardware.replica.faults import FaultInjector, Faults
from hardware.replica.models import Delayed, ReplicaModel
from hardware.replica.outbox import FrameRecord, Outbox
from hardware.replica.parser import Parser
from hardware.replica.protocol import (
    PROTOCOL_VERSION,
    SEQ_MODULUS,
    Ack,
    DeviceMessage,
    Heartbeat,
    Hello,
    Lockout,
    Malfunction,
    Ping,
    Pong,
    Query,
    Recoil,
    Trigger,
    wire_type,
)

_TICK_S = 0.02  # longest sleep, so stop() is quick


@dataclass(frozen=True, slots=True)
class TriggerTruth:
    n: int
    seq: int
    host_ns: int  # when the trigger was pulled, on the host clock
    device_us: int
    frame: int  # index into `frames`


# -- what the device loop has scheduled ----------------------------------------------------


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
class _Scheduled:
    due_ns: int
    order: int  # first scheduled, first done among equal times
    event: DeviceEvent = field(compare=False)


class Schedule:
    """Device events by host time; safe to add to from any thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._heap: list[_Scheduled] = []
        self._order = itertools.count()

    def at(self, due_ns: int, event: DeviceEvent) -> None:
        with self._lock:
            heapq.heappush(self._heap, _Scheduled(due_ns, next(self._order), event))

    def next_due_ns(self) -> int | None:
        with self._lock:
            return self._heap[0].due_ns if self._heap else None

    def pop_due(self, now_ns: int) -> _Scheduled | None:
        with self._lock:
            if not self._heap or self._heap[0].due_ns > now_ns:
                return None
            return heapq.heappop(self._heap)


class ReplicaEmulator:
    def __init__(
        self,
        model: ReplicaModel,
        endpoint: Endpoint,
        replica_id: str,
        faults: Faults | None = None,
        seed: int = 0,
        clock: Clock | None = None,
        heartbeat_s: float = 1.0,
        battery_s: float = 30.0,
        lane: int = 0,
    ) -> None:
        self.model, self.endpoint, self.replica_id = model, endpoint, replica_id
        self.faults = faults or Faults()
        self.injector = FaultInjector(self.faults, np.random.default_rng(seed))
        self._script_rng = np.random.default_rng([seed, 1])  # pull timing; apart from faults
        self.clock: Clock = clock or MonotonicClock()
        self.lane = lane
        self._heartbeat_ns = int(heartbeat_s * 1e9)
        self._battery_ns = int(battery_s * 1e9)
        self.truth: list[TriggerTruth] = []
        self.outbox = Outbox(self.injector)
        self.plugs = 0
        self._schedule = Schedule()
        self._fd = -1
        self._seq = 0
        self._boot = 0
        self._boot_ns = 0
        self._commands = Parser(direction="from_host")
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # -- control (any thread) -------------------------------------------------------------

    @property
    def device_path(self) -> str:
        return self.endpoint.device_path

    @property
    def frames(self) -> list[FrameRecord]:
        """Every frame sent so far and what became of it."""
        return self.outbox.frames

    def start(self) -> ReplicaEmulator:
        now = self.clock.now_ns()
        self._power_up(now)
        self._fd = self.endpoint.plug()
        self.plugs = 1
        self._send(self._hello(now), now)
        for item in self.model.startup(self.device_us(now)):
            self._emit(item, now)
        self._at(now + self._heartbeat_ns, HeartbeatDue())
        self._at(now + self._battery_ns, BatteryDue())
        if self.faults.unplug_every_s > 0:
            self._at(now + int(self.faults.unplug_every_s * 1e9), Unplug(None))
        self._thread = threading.Thread(target=self._run, name=f"replica-{self.replica_id}",
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5.0)
            self._thread = None
        if self._fd >= 0:
            self.endpoint.unplug()
            self._fd = -1

    def __enter__(self) -> ReplicaEmulator:
        return self.start() if self._thread is None else self

    def __exit__(self, *_: object) -> None:
        self.stop()

    def pull(self, at_ns: int | None = None) -> None:
        """Pull the trigger now, or at host time `at_ns`."""
        self._at(self.clock.now_ns() if at_ns is None else at_ns, Pull())

    def schedule_pulls(self, times_ns: list[int]) -> None:
        for t in times_ns:
            self._at(t, Pull())

    def auto_fire(self, rate_hz: float, start_ns: int | None = None) -> None:
        """Pull at random (Poisson) times, `rate_hz` on average, until stopped."""
        self._at(self.clock.now_ns() if start_ns is None else start_ns, AutoFire(rate_hz))

    def unplug(self, for_s: float) -> None:
        self._at(self.clock.now_ns(), Unplug(for_s))

    def device_us(self, host_ns: int) -> int:
        """The device clock at a host time: runs from 0 at power-up, drifting."""
        elapsed = host_ns - self._boot_ns
        return int(elapsed * (1.0 + self.faults.drift_ppm * 1e-6)) // 1000

    def lost_frames(self, before_frame: int | None = None) -> int:
        """Frames that left the device but cannot have arrived intact."""
        frames = self.frames if before_frame is None else self.frames[:before_frame]
        return sum(1 for f in frames if f.fate != "sent")

    # -- the device loop ------------------------------------------------------------------

    def _run(self) -> None:
        while not self._stop.is_set():
            now = self.clock.now_ns()
            self._due_events(now)
            self._queue_due_frames(now)
            self._wait_io(self._timeout_s(now))

    def _timeout_s(self, now: int) -> float:
        dues = [d for d in (self._schedule.next_due_ns(), self.outbox.next_due_ns())
                if d is not None]
        nxt = min(dues, default=now + int(_TICK_S * 1e9))
        return min(max(nxt - now, 0) / 1e9, _TICK_S)

    def _wait_io(self, timeout_s: float) -> None:
        if self._fd < 0:
            self._stop.wait(timeout_s)
            return
        wants_write = [self._fd] if self.outbox.waiting else []
        try:
            readable, writable, _ = select.select([self._fd], wants_write, [], timeout_s)
            if writable:
                self.outbox.flush(self._fd)
            if readable:
                self._read_commands(os.read(self._fd, 4096))
        except OSError:
            pass  # the host closed its side mid-call; the next plug starts afresh

    def _due_events(self, now: int) -> None:
        while (item := self._schedule.pop_due(now)) is not None:
            self._handle(item.event, item.due_ns)

    def _handle(self, event: DeviceEvent, due: int) -> None:
        match event:
            case Pull():
                for item in self.model.pull(self.device_us(due)):
                    self._emit(item, due)
            case AutoFire(rate_hz):
                self._handle(Pull(), due)
                gap = self._script_rng.exponential(1.0 / rate_hz)
                self._at(due + int(gap * 1e9), event)
            case Say(message):
                self._send(replace(message, device_us=self.device_us(due)), due)
            case HeartbeatDue():
                self._send(Heartbeat(0, self.device_us(due)), due)
                self._at(due + self._heartbeat_ns, event)
            case BatteryDue():
                self.model.battery_mv = max(3300, self.model.battery_mv - 1)
                self._send(self.model.battery(self.device_us(due)), due)
                self._at(due + self._battery_ns, event)
            case Unplug(for_s):
                self._unplug(due, for_s)
            case Replug():
                self._replug(due)

    def _at(self, due_ns: int, event: DeviceEvent) -> None:
        self._schedule.at(due_ns, event)

    def _emit(self, item: DeviceMessage | Delayed, now: int) -> None:
        if isinstance(item, Delayed):
            self._at(now + item.after_us * 1000, Say(item.message))
        else:
            self._send(item, now)

    def _send(self, message: DeviceMessage, now: int) -> None:
        """Number, frame, fault and queue one message, as happened at host time `now`."""
        seq = self._seq
        self._seq = (seq + 1) % SEQ_MODULUS
        message = replace(message, seq=seq)
        index = self.outbox.put(message, now, plugged=self._fd >= 0)
        if isinstance(message, Trigger):
            self.truth.append(TriggerTruth(message.n, seq, now, message.device_us, index))

    def _queue_due_frames(self, now: int) -> None:
        self.outbox.move_due(now)
        if self.outbox.waiting and self._fd >= 0:
            self.outbox.flush(self._fd)

    def _read_commands(self, data: bytes) -> None:
        now = self.clock.now_ns()
        for message in self._commands.feed(data):
            if isinstance(message, Ping):
                self._send(Pong(0, self.device_us(now), message.token), now)
            elif isinstance(message, Query):
                self._send(self._hello(now), now)
            elif isinstance(message, Recoil | Lockout | Malfunction):
                ok = self.model.command(message)
                self._send(Ack(0, self.device_us(now), wire_type(message), ok), now)

    # -- power and cable ------------------------------------------------------------------

    def _power_up(self, now: int) -> None:
        self._boot = int(self._script_rng.integers(1, 1 << 31))
        self._boot_ns, self._seq = now, 0
        self.outbox.restart(now)

    def _hello(self, now: int) -> Hello:
        m = self.model
        return Hello(0, self.device_us(now), PROTOCOL_VERSION, m.name, m.firmware,
                     self.replica_id, self._boot, m.caps, m.laser, m.pulse_us, self.lane)

    def _unplug(self, now: int, for_s: float | None) -> None:
        if self._fd < 0:
            return
        self.outbox.unplugged()
        self.endpoint.unplug()
        self._fd = -1
        self._at(now + int((for_s or self.faults.unplug_s) * 1e9), Replug())
        if self.faults.unplug_every_s > 0 and for_s is None:
            self._at(now + int(self.faults.unplug_every_s * 1e9), Unplug(None))

    def _replug(self, now: int) -> None:
        if self._fd >= 0:
            return
        if self.faults.reset_on_replug:
            self._power_up(now)
            self.model = type(self.model)()
        self._fd = self.endpoint.plug()
        self._commands.forget_partial()  # half a command from before the unplug
        self.plugs += 1
        self._send(self._hello(now), now)
        if self.faults.reset_on_replug:
            for item in self.model.startup(self.device_us(now)):
                self._emit(item, now)
