"""Event types that cross from device I/O to the scenario side.

All times are host monotonic nanoseconds (see `hardware.clock`), stamped where the event
happened: a spot at the capture time of the first frame it appears in, a trigger at the
device time mapped to host time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Colour = Literal["red", "green", "ir"]
ShotSource = Literal["fused", "trigger", "spot", "pointer"]


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
    """One trigger pull reported by a replica over the serial link."""

    t_ns: int  # device time mapped to host time
    replica_id: str
    weapon: str  # replica model: "pistol", "x26", "taser7", "taser10"
    seq: int
    device_us: int = 0


@dataclass(frozen=True, slots=True)
class Shot:
    """A trigger pull and/or laser spot fused into one shot.

    `point` is in projector pixels, or None when the shot left no spot on the screen
    (a miss off the screen). A shot with `confirmed=False` is a spot with no trigger
    while replicas are connected: kept for the record, not scored.
    """

    t_ns: int
    weapon: str
    point: tuple[float, float] | None
    replica_id: str | None = None
    source: ShotSource = "fused"
    confirmed: bool = True
