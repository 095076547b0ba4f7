"""An emulated replica wired straight to a link core, both run by the caller's clock.

No thread and no cable: the firmware's frames are taken as bytes and fed to the link
core, whose pings go back to the firmware, so the whole protocol path (framing, CRC,
sequence, clock sync, identity) runs as on a real link, and a simulated rig driven by a
`ManualClock` gives the same trigger reports on every run."""

from __future__ import annotations

from hardware.events import Colour
from hardware.replica.core import LinkCore, LinkEvent, Step
from hardware.replica.faults import Faults
from hardware.replica.firmware import ReplicaFirmware
from hardware.replica.models import MODELS
from hardware.replica.protocol import HostMessage, encode
from hardware.replica.schedule import Pull

WIRE_STEP_NS = 1_000_000  # 1 ms: a frame's time on a 115,200 baud serial line


class WiredReplica:
    def __init__(self, model: str, replica_id: str, lane: int = 0, seed: int = 0,
                 faults: Faults | None = None, laser: Colour | None = None) -> None:
        self.url = f"wired:{replica_id}"
        device = MODELS[model]()
        if laser is not None:
            device.laser = laser  # a replica's laser module is fitted per trainee
        self.firmware = ReplicaFirmware(device, replica_id, faults or Faults(), seed,
                                        lane=lane)
        self.core = LinkCore(self.url)
        self._at: int | None = None  # how far both ends have run

    @property
    def pulse_us(self) -> int:
        return self.firmware.model.pulse_us

    @property
    def laser(self) -> str:
        return self.firmware.model.laser

    def pull(self, at_ns: int) -> bool:
        """The trigger is pulled at host time `at_ns` (now or soon); whether it fires (a
        dry pull, with nothing loaded or a jam, flashes no laser)."""
        fires = self.firmware.model.would_fire()
        self.firmware.schedule.at(at_ns, Pull())
        return fires

    def send(self, message: HostMessage, now_ns: int) -> None:
        """A host command (recoil, lockout, malfunction), numbered by the link core, to
        the firmware; its answer comes back with the next `advance`."""
        self.firmware.receive(encode(self.core.command(message)), now_ns)

    def advance(self, now_ns: int) -> list[LinkEvent]:
        """Run both ends up to `now_ns`, a wire's worth of time at a time (so bytes are
        read about when they would arrive, and the clock sync sees a short, even round
        trip); what the link published meanwhile."""
        events: list[LinkEvent] = []
        if self._at is None:
            self._at = now_ns
            self.firmware.boot(now_ns)
            events += self._exchange(self.core.connect(now_ns), now_ns)
        while self._at < now_ns:
            self._at = min(now_ns, self._at + WIRE_STEP_NS)
            events += self._exchange(self.core.tick(self._at), self._at)
        return events

    def _exchange(self, step: Step, now_ns: int) -> list[LinkEvent]:
        self.firmware.advance(now_ns)
        data = self.firmware.outbox.take()
        if data:
            step.then(self.core.feed(data, now_ns))
        for message in step.send:
            self.firmware.receive(encode(message), now_ns)
        return step.events
