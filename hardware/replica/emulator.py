"""An emulated training replica speaking the protocol over a real cable (`endpoints`),
with seeded faults (`faults`). One thread per replica: a thin one around the firmware
(`firmware.ReplicaFirmware`, no I/O), that owns the cable, plugs and unplugs it when the
firmware says, writes its frames and hands it the host's bytes.

A failure in the thread (a cable that cannot be plugged in again, a bug) stops the
replica and is kept: `check()` raises it in the caller's thread, so a command or a test
learns of it instead of watching a silent device.
"""

from __future__ import annotations

import os
import select
import threading

from hardware.clock import Clock, MonotonicClock
from hardware.errors import EmulatorError
from hardware.replica.endpoints import Endpoint
from hardware.replica.faults import Faults
from hardware.replica.firmware import CableChange, ReplicaFirmware, TriggerTruth
from hardware.replica.models import ReplicaModel
from hardware.replica.outbox import FrameRecord
from hardware.replica.schedule import AutoFire, DeviceEvent, Pull, Unplug, check_rate

__all__ = ["ReplicaEmulator", "TriggerTruth"]

_TICK_S = 0.02  # longest sleep, so stop() is quick


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
        self.endpoint = endpoint
        self.firmware = ReplicaFirmware(model, replica_id, faults or Faults(), seed,
                                        heartbeat_s, battery_s, lane)
        fw = self.firmware
        self.replica_id, self.faults, self.lane = replica_id, fw.faults, lane
        self.injector, self.outbox, self.truth = fw.injector, fw.outbox, fw.truth
        self.clock: Clock = clock or MonotonicClock()
        self._fd = -1
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._failure: EmulatorError | None = None

    # -- control (any thread) -------------------------------------------------------------

    @property
    def model(self) -> ReplicaModel:
        return self.firmware.model  # a new one after a reboot on replug

    @property
    def plugs(self) -> int:
        return self.firmware.plugs

    @property
    def device_path(self) -> str:
        return self.endpoint.device_path

    @property
    def frames(self) -> list[FrameRecord]:
        """Every frame sent so far and what became of it."""
        return self.outbox.frames

    def start(self) -> ReplicaEmulator:
        self.firmware.boot(self.clock.now_ns())
        self._fd = self.endpoint.plug()
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

    def check(self) -> None:
        """Raise the error that stopped the device thread, if one did."""
        if self._failure is not None:
            raise self._failure

    def __enter__(self) -> ReplicaEmulator:
        return self.start() if self._thread is None else self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        self.stop()
        if kind is None:  # a test that passed must not hide a device that died under it
            self.check()

    def pull(self, at_ns: int | None = None) -> None:
        """Pull the trigger now, or at host time `at_ns`."""
        self._at(self.clock.now_ns() if at_ns is None else at_ns, Pull())

    def schedule_pulls(self, times_ns: list[int]) -> None:
        for t in times_ns:
            self._at(t, Pull())

    def auto_fire(self, rate_hz: float, start_ns: int | None = None) -> None:
        """Pull at random (Poisson) times, `rate_hz` on average, until stopped."""
        check_rate(rate_hz, f"replica {self.replica_id}: auto_fire rate")
        self._at(self.clock.now_ns() if start_ns is None else start_ns, AutoFire(rate_hz))

    def unplug(self, for_s: float) -> None:
        self._at(self.clock.now_ns(), Unplug(for_s))

    def device_us(self, host_ns: int) -> int:
        """The device clock at a host time: runs from 0 at power-up, drifting."""
        return self.firmware.device_us(host_ns)

    def lost_frames(self, before_frame: int | None = None) -> int:
        """Frames that left the device but cannot have arrived intact."""
        frames = self.frames if before_frame is None else self.frames[:before_frame]
        return sum(1 for f in frames if f.fate != "sent")

    def _at(self, due_ns: int, event: DeviceEvent) -> None:
        self.firmware.schedule.at(due_ns, event)

    # -- the device thread ----------------------------------------------------------------

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                now = self.clock.now_ns()
                self._change_cable(self.firmware.advance(now))
                if self.outbox.waiting and self._fd >= 0:
                    self.outbox.flush(self._fd)
                self._wait_io(self._timeout_s(now))
        except Exception as exc:  # kept for check(); the thread must not die unheard
            self._failure = EmulatorError(
                f"replica {self.replica_id}: the emulator stopped: {type(exc).__name__}: "
                f"{exc}")

    def _change_cable(self, changes: list[CableChange]) -> None:
        for change in changes:
            if change == "unplug" and self._fd >= 0:
                self.endpoint.unplug()
                self._fd = -1
            elif change == "plug" and self._fd < 0:
                self._fd = self.endpoint.plug()

    def _timeout_s(self, now: int) -> float:
        nxt = self.firmware.next_due_ns()
        if nxt is None:
            return _TICK_S
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
                self.firmware.receive(os.read(self._fd, 4096), self.clock.now_ns())
        except OSError:
            pass  # the host closed its side mid-call; the next plug starts afresh
