"""Event types that cross from device I/O to the scenario side.

All times are host monotonic nanoseconds (see `hardware.clock`), stamped where the event
happened: a spot at the capture time of the first frame it appears in, a trigger at the
device time mapped to host time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

Colour = Literal["red", "green", "ir"]
ShotSource = Literal["fused", "trigger", "spot", "pointer"]
# The weapon a shot is fired with: the one vocabulary both sides of the seam use (the
# range engine's WEAPONS table has exactly these names).
WeaponName = Literal["pistol", "x26", "x26-25ft", "x26p", "x2-15ft", "x2-25ft", "taser7-cq",
                     "taser7-so", "taser10"]
LinkState = Literal["connected", "disconnected", "incompatible"]
# Why a replica's pull discharged nothing, as far as its reports tell: "no_discharge" when
# they do not say (the replica reported fire=0 and nothing more).
DryCause = Literal["no_discharge", "jam", "misfire", "dud", "lockout", "empty", "spent"]


@dataclass(frozen=True, slots=True)
class SpotEvent:
    """One laser pulse seen by a camera, reported once."""

    t_ns: int
    x: float  # camera pixels, sub-pixel
    y: float
    colour: Colour
    frame_index: int = 0
    peak: float = 0.0  # brightest value in the spot, 0..255


@dataclass(frozen=True, slots=True)
class TriggerEvent:
    """One trigger pull reported by a replica over the serial link, with what fusion
    needs to pair it with a laser spot."""

    t_ns: int  # device time mapped to host time; rx_ns when not synced
    replica_id: str
    weapon: WeaponName  # what the pull fired: the Shot weapon name
    model: str  # replica family: "pistol", "x26", "x26p", "x2", "taser7", "taser10"
    n: int  # trigger pulls since the replica powered up
    device_us: int
    fired: bool  # False: the pull discharged nothing (empty, jam, lockout), so no laser
    laser: Colour
    lane: int  # 0: none assigned
    pulse_us: int  # laser pulse length
    rx_ns: int  # host time the report's bytes were read
    synced: bool  # False: no clock sync yet, so t_ns fell back to rx_ns
    # A dry pull's cause as far as the replica's own reports tell (a jam or lockout it
    # acknowledged, an empty magazine, spent cartridges); "no_discharge" when they do not
    # tell; None for a pull that fired.
    dry: DryCause | None = None


@dataclass(frozen=True, slots=True)
class LinkStatus:
    """Not a wire frame: a device link came up or went down, or found a device it cannot
    speak to."""

    state: LinkState
    detail: str


class LinkReport(Protocol):
    """What fusion reads from a device link's event: its trigger pull or its status, if
    it is one (`hardware.replica.link.LinkEvent` is one of these)."""

    @property
    def trigger(self) -> TriggerEvent | None: ...

    @property
    def status(self) -> LinkStatus | None: ...


@dataclass(frozen=True, slots=True)
class Shot:
    """A trigger pull and/or laser spot fused into one shot.

    `point` is in projector pixels, or None when the shot left no spot on the screen
    (a miss off the screen). A shot with `confirmed=False` is a spot with no trigger
    while replicas are connected: kept for the record, not scored. A shot with
    `fired=False` is a pull the replica reported discharging nothing (`dry` says why, as
    far as its reports tell): no point, nothing flies, but the pull is a fact to log.
    """

    t_ns: int
    weapon: WeaponName
    point: tuple[float, float] | None
    replica_id: str | None = None
    source: ShotSource = "fused"
    confirmed: bool = True
    lane: int = 0  # the firing replica's lane, which says whose shot it was; 0: none assigned
    fired: bool = True
    dry: DryCause | None = None  # why it fired nothing (fired=False)
