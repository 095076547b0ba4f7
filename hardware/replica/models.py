"""Replica models for the emulator: what each training replica reports when its trigger
is pulled, and how it answers commands (domain-facts B.1).

Models only decide *what* happens; the emulator numbers, stamps, frames and sends it.
Messages are built with `seq=0`; `Delayed` ones happen `after_us` after the pull.
"""

from __future__ import annotations

from dataclasses import dataclass

from hardware.events import Colour
from hardware.replica.protocol import (
    Arc,
    Battery,
    Cartridge,
    DeviceMessage,
    Lockout,
    Magazine,
    Malfunction,
    Recoil,
    Trigger,
)

ARC_CYCLE_US = 5_000_000  # a TASER energy cycle: 5 s (B.1)


@dataclass(frozen=True, slots=True)
class Delayed:
    after_us: int
    message: DeviceMessage


Output = list[DeviceMessage | Delayed]


class ReplicaModel:
    """Common state: lockout, a pending malfunction, the trigger counter."""

    name = "replica"
    firmware = "1.0.0"
    laser: Colour = "red"
    pulse_us = 1000
    caps: frozenset[str] = frozenset({"trig", "batt", "lock", "malf"})

    def __init__(self) -> None:
        self.pulls = 0
        self.locked = False
        self.malfunction = "none"
        self.battery_mv = 3950

    def startup(self, t_us: int) -> Output:
        return [self.battery(t_us)]

    def battery(self, t_us: int) -> Battery:
        percent = max(0, min(100, (self.battery_mv - 3300) * 100 // 900))
        return Battery(0, t_us, percent, self.battery_mv)

    def pull(self, t_us: int) -> Output:
        self.pulls += 1
        blocked = self.locked or self.malfunction in ("jam", "misfire")
        if self.malfunction == "misfire":
            self.malfunction = "none"  # a misfire is one dead pull; a jam stays
        if blocked:
            return [Trigger(0, t_us, self.pulls, fired=False)]
        return self.discharge(t_us)

    def discharge(self, t_us: int) -> Output:
        return [Trigger(0, t_us, self.pulls)]

    def would_fire(self) -> bool:
        """Whether a pull now would fire (and flash its laser): not locked out, no jam,
        misfire or dud waiting, something loaded."""
        return (not self.locked and self.malfunction not in ("jam", "misfire", "dud")
                and self.loaded_now())

    def loaded_now(self) -> bool:
        return True

    def command(self, message: Recoil | Lockout | Malfunction) -> bool:
        """Apply a host command; False when this replica cannot do it."""
        if isinstance(message, Lockout):
            self.locked = message.on
            return True
        if isinstance(message, Malfunction):
            self.malfunction = message.kind
            return True
        return "recoil" in self.caps


class Pistol(ReplicaModel):
    """A laser pistol with a magazine; gas-blowback replicas take recoil commands."""

    name = "pistol"
    caps = ReplicaModel.caps | {"mag", "recoil"}
    capacity = 15

    def __init__(self) -> None:
        super().__init__()
        self.rounds = self.capacity

    def startup(self, t_us: int) -> Output:
        return [*super().startup(t_us), Magazine(0, t_us, "in", self.rounds)]

    def loaded_now(self) -> bool:
        return self.rounds > 0

    def discharge(self, t_us: int) -> Output:
        if self.rounds == 0:
            return [Trigger(0, t_us, self.pulls, fired=False), *self.reload(t_us)]
        self.rounds -= 1
        return [Trigger(0, t_us, self.pulls), Magazine(0, t_us, "in", self.rounds)]

    def reload(self, t_us: int) -> Output:
        """The emulated officer drops the empty magazine and seats a full one; it also
        clears a jam (tap, rack)."""
        self.rounds, self.malfunction = self.capacity, "none"
        return [Delayed(800_000, Magazine(0, t_us + 800_000, "out", 0)),
                Delayed(1_600_000, Magazine(0, t_us + 1_600_000, "in", self.capacity))]


class Taser(ReplicaModel):
    """A TASER with cartridge bays: each pull fires the next loaded bay and starts a 5 s
    energy cycle; with every bay spent the pull only arcs, and the officer reloads."""

    bays: tuple[str, ...] = ("std",)
    caps = ReplicaModel.caps | {"arc", "cart"}

    def __init__(self) -> None:
        super().__init__()
        self.loaded = [True] * len(self.bays)

    def startup(self, t_us: int) -> Output:
        return [*super().startup(t_us), *self._load_all(t_us)]

    def loaded_now(self) -> bool:
        return True in self.loaded

    def discharge(self, t_us: int) -> Output:
        arc: Output = [Arc(0, t_us, True),
                       Delayed(ARC_CYCLE_US, Arc(0, t_us + ARC_CYCLE_US, False))]
        if True not in self.loaded:
            return [Trigger(0, t_us, self.pulls, fired=False), *arc, *self._load_all(t_us)]
        index = self.loaded.index(True)
        self.loaded[index] = False
        bay, kind = index + 1, self.bays[index]
        if self.malfunction == "dud":
            self.malfunction = "none"
            return [Trigger(0, t_us, self.pulls, bay=self._bay(bay), fired=False),
                    Cartridge(0, t_us, bay, kind, "dud"), *arc]
        return [Trigger(0, t_us, self.pulls, bay=self._bay(bay)),
                Cartridge(0, t_us, bay, kind, "fired"), *arc]

    def _bay(self, bay: int) -> int:
        return bay if len(self.bays) > 1 else 0

    def _load_all(self, t_us: int) -> Output:
        self.loaded = [True] * len(self.bays)
        return [Cartridge(0, t_us, i + 1, kind, "loaded") for i, kind in enumerate(self.bays)]


class X26(Taser):
    name = "x26"
    firmware = "26.4.1"


class X26P(Taser):
    """One cartridge, as the X26 (B.1)."""

    name = "x26p"
    firmware = "26.9.0"


class X2(Taser):
    """Two bays, semi-automatic (B.1 [B7]): each pull fires the next loaded bay; by
    default two 25 ft Smart cartridges."""

    name = "x2"
    firmware = "2.5.1"
    bays = ("25ft", "25ft")


class Taser7(Taser):
    """Two bays; by default a Close Quarter (12°) and a Standoff (3.5°) cartridge."""

    name = "taser7"
    firmware = "7.2.0"
    laser: Colour = "green"
    bays = ("cq", "so")


class Taser10(ReplicaModel):
    """A magazine of 10 single-probe cartridges; one probe per pull."""

    name = "taser10"
    firmware = "10.1.3"
    laser: Colour = "green"
    caps = ReplicaModel.caps | {"mag", "arc"}
    capacity = 10

    def __init__(self) -> None:
        super().__init__()
        self.probes = self.capacity

    def startup(self, t_us: int) -> Output:
        return [*super().startup(t_us), Magazine(0, t_us, "in", self.probes)]

    def loaded_now(self) -> bool:
        return self.probes > 0

    def discharge(self, t_us: int) -> Output:
        if self.probes == 0:
            self.probes = self.capacity
            return [Trigger(0, t_us, self.pulls, fired=False),
                    Delayed(1_000_000, Magazine(0, t_us + 1_000_000, "in", self.capacity))]
        self.probes -= 1
        return [Trigger(0, t_us, self.pulls), Magazine(0, t_us, "in", self.probes),
                Arc(0, t_us, True), Delayed(ARC_CYCLE_US, Arc(0, t_us + ARC_CYCLE_US, False))]


MODELS: dict[str, type[ReplicaModel]] = {
    m.name: m for m in (Pistol, X26, X26P, X2, Taser7, Taser10)
}
