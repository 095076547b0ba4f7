"""Officer weapons as data: firearms and TASER cartridges.

Figures from docs/domain-facts.md (shared): 9 mm ball at about 360 m/s (1,180 ft/s);
TASER probes at about 55 m/s (180 ft/s, encyclopedic figure; manufacturer figures were
not found, so it is a field of each cartridge); lower probe 8 deg below the aim line on
the X26 family, 12 deg (close quarter) and 3.5 deg (stand-off) on TASER 7; TASER 10 fires
one probe per trigger pull to 45 ft; 5 s energy cycle.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from range.vocabulary import ForceOption

FT = 0.3048


@dataclass(frozen=True, slots=True)
class Firearm:
    name: str
    muzzle_velocity: float  # m/s
    force: ForceOption = "firearm"
    device: str = "pistol"
    per_load: int = 15  # rounds per magazine (the scenario's officer.magazine sets it)


@dataclass(frozen=True, slots=True)
class TaserCartridge:
    """A TASER cartridge. `probe_angles` are each probe's pitch below the aim line (rad):
    two for a two-probe cartridge, one for TASER 10 (one probe per trigger pull)."""

    name: str
    device: str
    probe_angles: tuple[float, ...]
    wire_length: float  # m
    probe_speed: float = 55.0  # m/s
    cycle_s: float = 5.0
    force: ForceOption = "taser"
    per_load: int = 1  # pulls per load: a cartridge (X26), two bays (TASER 7), 10 (TASER 10)
    # The X26 family (domain-facts B.2, B.5): a pull with its probes in him re-energises
    # them, and the device pressed on him drive-stuns.
    reenergises: bool = False
    drive_stun: bool = False

    @property
    def probes_per_pull(self) -> int:
        return len(self.probe_angles)


Weapon = Firearm | TaserCartridge


def _deg(value: float) -> float:
    return math.radians(value)


WEAPONS: dict[str, Weapon] = {
    "pistol": Firearm("pistol", muzzle_velocity=360.0),
    "x26": TaserCartridge("x26", "X26", (0.0, _deg(8.0)), wire_length=21 * FT,
                          reenergises=True, drive_stun=True),
    "x26-25ft": TaserCartridge("x26-25ft", "X26", (0.0, _deg(8.0)), wire_length=25 * FT,
                               reenergises=True, drive_stun=True),
    "taser7-cq": TaserCartridge("taser7-cq", "TASER 7", (0.0, _deg(12.0)),
                                wire_length=25 * FT, per_load=2),
    "taser7-so": TaserCartridge("taser7-so", "TASER 7", (0.0, _deg(3.5)),
                                wire_length=25 * FT, per_load=2),
    "taser10": TaserCartridge("taser10", "TASER 10", (0.0,), wire_length=45 * FT,
                              per_load=10),
}


def spread_at(angle_rad: float, distance: float) -> float:
    """Vertical probe spread at `distance` for a lower probe `angle_rad` below the top one
    (top probe on a level aim line): pure geometry, as in domain-facts B.2."""
    return distance * math.tan(angle_rad)
