"""An emulated replica's firmware without I/O or threads: times in, frames and cable
changes out. It runs the scheduled events (pulls, delayed messages, heartbeats, battery,
unplugging), numbers and faults every message it sends (`outbox`), answers the host's
commands and says HELLO. `emulator.ReplicaEmulator` is the thin thread around it that owns
the cable; tests can drive it on a `ManualClock`'s times alone.

It keeps the truth a test needs: the host time and device time of every trigger pull and
the fate of every frame (sent, dropped, corrupted, unplugged).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

import numpy as np

from hardware.replica.faults import FaultInjector, Faults
from hardware.replica.models import Delayed, ReplicaModel
from hardware.replica.outbox import Outbox
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
    encode,
    wire_type,
)
from hardware.replica.schedule import (
    AutoFire,
    BatteryDue,
    DeviceEvent,
    HeartbeatDue,
    Pull,
    Replug,
    Say,
    Schedule,
    Unplug,
)

CableChange = Literal["unplug", "plug"]  # what the thread owning the cable must do, in order


@dataclass(frozen=True, slots=True)
class TriggerTruth:
    n: int
    seq: int
    host_ns: int  # when the trigger was pulled, on the host clock
    device_us: int
    frame: int  # index into `frames`


class ReplicaFirmware:
    def __init__(self, model: ReplicaModel, replica_id: str, faults: Faults, seed: int,
                 heartbeat_s: float = 1.0, battery_s: float = 30.0, lane: int = 0) -> None:
        self.model, self.replica_id, self.faults, self.lane = model, replica_id, faults, lane
        self.injector = FaultInjector(faults, np.random.default_rng(seed))
        self._script_rng = np.random.default_rng([seed, 1])  # pull timing; apart from faults
        self._heartbeat_ns = int(heartbeat_s * 1e9)
        self._battery_ns = int(battery_s * 1e9)
        self.truth: list[TriggerTruth] = []
        self.outbox = Outbox(self.injector)
        self.schedule = Schedule()
        self.plugged = False
        self.plugs = 0
        self._seq = 0
        self._boot = 0
        self._boot_ns = 0
        self._commands = Parser(direction="from_host")
        self._changes: list[CableChange] = []
        encode(self._hello(0))  # an id or lane no host would accept: refused here, not later

    def boot(self, now: int) -> None:
        """Power on with the cable plugged in: HELLO, the model's start-up report, and the
        regular reports (and unplugging, if faulted) scheduled."""
        self._power_up(now)
        self.plugged, self.plugs = True, 1
        self._send(self._hello(now), now)
        for item in self.model.startup(self.device_us(now)):
            self._emit(item, now)
        self.schedule.at(now + self._heartbeat_ns, HeartbeatDue())
        self.schedule.at(now + self._battery_ns, BatteryDue())
        if self.faults.unplug_every_s > 0:
            self.schedule.at(now + int(self.faults.unplug_every_s * 1e9), Unplug(None))

    def device_us(self, host_ns: int) -> int:
        """The device clock at a host time: runs from 0 at power-up, drifting."""
        elapsed = host_ns - self._boot_ns
        return int(elapsed * (1.0 + self.faults.drift_ppm * 1e-6)) // 1000

    def next_due_ns(self) -> int | None:
        dues = [d for d in (self.schedule.next_due_ns(), self.outbox.next_due_ns())
                if d is not None]
        return min(dues, default=None)

    def advance(self, now: int) -> list[CableChange]:
        """Everything due by host time `now`; frames whose latency has passed are queued
        for the cable. Returns how the cable changed meanwhile, in order."""
        while (item := self.schedule.pop_due(now)) is not None:
            self._handle(item.event, item.due_ns)
        self.outbox.move_due(now)
        changes, self._changes = self._changes, []
        return changes

    def receive(self, data: bytes, now: int) -> None:
        """Bytes from the host, read at host time `now`: answer its commands."""
        for message in self._commands.feed(data):
            if isinstance(message, Ping):
                self._send(Pong(0, self.device_us(now), message.token), now)
            elif isinstance(message, Query):
                self._send(self._hello(now), now)
            elif isinstance(message, Recoil | Lockout | Malfunction):
                ok = self.model.command(message)
                self._send(Ack(0, self.device_us(now), wire_type(message), ok), now)

    # -- events ---------------------------------------------------------------------------

    def _handle(self, event: DeviceEvent, due: int) -> None:
        match event:
            case Pull():
                for item in self.model.pull(self.device_us(due)):
                    self._emit(item, due)
            case AutoFire(rate_hz):
                self._handle(Pull(), due)
                gap = self._script_rng.exponential(1.0 / rate_hz)
                self.schedule.at(due + int(gap * 1e9), event)
            case Say(message):
                self._send(replace(message, device_us=self.device_us(due)), due)
            case HeartbeatDue():
                self._send(Heartbeat(0, self.device_us(due)), due)
                self.schedule.at(due + self._heartbeat_ns, event)
            case BatteryDue():
                self.model.battery_mv = max(3300, self.model.battery_mv - 1)
                self._send(self.model.battery(self.device_us(due)), due)
                self.schedule.at(due + self._battery_ns, event)
            case Unplug(for_s):
                self._unplug(due, for_s)
            case Replug():
                self._replug(due)

    def _emit(self, item: DeviceMessage | Delayed, now: int) -> None:
        if isinstance(item, Delayed):
            self.schedule.at(now + item.after_us * 1000, Say(item.message))
        else:
            self._send(item, now)

    def _send(self, message: DeviceMessage, now: int) -> None:
        """Number, frame, fault and queue one message, as happened at host time `now`."""
        seq = self._seq
        self._seq = (seq + 1) % SEQ_MODULUS
        message = replace(message, seq=seq)
        index = self.outbox.put(message, now, plugged=self.plugged)
        if isinstance(message, Trigger):
            self.truth.append(TriggerTruth(message.n, seq, now, message.device_us, index))

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
        if not self.plugged:
            return
        self.outbox.unplugged()
        self.plugged = False
        self._changes.append("unplug")
        self.schedule.at(now + int((for_s or self.faults.unplug_s) * 1e9), Replug())
        if self.faults.unplug_every_s > 0 and for_s is None:
            self.schedule.at(now + int(self.faults.unplug_every_s * 1e9), Unplug(None))

    def _replug(self, now: int) -> None:
        if self.plugged:
            return
        if self.faults.reset_on_replug:
            self._power_up(now)
            self.model = type(self.model)()
        self.plugged = True
        self._changes.append("plug")
        self._commands.forget_partial()  # half a command from before the unplug
        self.plugs += 1
        self._send(self._hello(now), now)
        if self.faults.reset_on_replug:
            for item in self.model.startup(self.device_us(now)):
                self._emit(item, now)
