"""Officer weapons as data: firearms and TASER cartridges.

Figures from docs/domain-facts.md (shared): 9 mm ball at about 360 m/s (1,180 ft/s);
TASER probes at about 55 m/s (180 ft/s, encyclopedic figure; manufacturer figures were
not found, so it is a field of each cartridge); lower probe 8 deg below the aim line on
the X26 and X26P, the NIJ's measured 7.03 in per 5 ft on the X2 (two bays, 15 or 25 ft
cartridges, lasers zeroed at 15 ft), 12 deg (close quarter) and 3.5 deg (stand-off) on
TASER 7; TASER 10 fires one probe per trigger pull to 45 ft; 5 s energy cycle.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

from range.scenario.model import TaserRules
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
    per_load: int = 1  # pulls per load: a cartridge (X26), two bays (X2, TASER 7), 10 (TASER 10)
    # The X26 family (domain-facts B.2, B.5): a pull with its probes in him re-energises
    # them. Every device here drive-stuns pressed on him (B.2 [B3]: the follow-up).
    reenergises: bool = False
    drive_stun: bool = True
    # TASER 7 (B.1 [B13]): a probe of one bay's cartridge pairs with one of the other's.
    cross_connects: bool = False
    # Lasers zeroed to the probes at this distance (X2, B.1 [B5]), set `laser_offset`
    # above the top probe's line at the muzzle; None: the top probe lands on the dot.
    laser_zero: float | None = None
    laser_offset: float = 0.0  # m

    @property
    def probes_per_pull(self) -> int:
        return len(self.probe_angles)

    def laser_error(self, distance: float) -> float:
        """How far above the laser's dot the top probe lands at `distance` (ground) from
        the muzzle: a laser set `laser_offset` above the probe's line and zeroed to it at
        `laser_zero` crosses it there, so the probe lands below the dot nearer, above it
        farther. 0 for a laser that marks the top probe at any distance."""
        if self.laser_zero is None:
            return 0.0
        return self.laser_offset * (distance / self.laser_zero - 1.0)


Weapon = Firearm | TaserCartridge


def _deg(value: float) -> float:
    return math.radians(value)


IN = 0.0254
# NIJ's linear fit of the X2's spread (B.1 [B6]): 7.03 in per 5 ft, about 6.7 deg.
X2_ANGLE = math.atan(7.03 / 60.0)


def _x2(name: str, wire_ft: int) -> TaserCartridge:
    """An X2 Smart cartridge: two bays; lasers zeroed to the probes at 15 ft, taking their
    ~1 in separation as the offset from the top probe's line (B.1 [B5])."""
    return TaserCartridge(name, "X2", (0.0, X2_ANGLE), wire_length=wire_ft * FT, per_load=2,
                          laser_zero=15 * FT, laser_offset=1 * IN)


WEAPONS: dict[str, Weapon] = {
    "pistol": Firearm("pistol", muzzle_velocity=360.0),
    "x26": TaserCartridge("x26", "X26", (0.0, _deg(8.0)), wire_length=21 * FT,
                          reenergises=True),
    "x26-25ft": TaserCartridge("x26-25ft", "X26", (0.0, _deg(8.0)), wire_length=25 * FT,
                               reenergises=True),
    # X26P: one cartridge, as the X26 (B.1), about half its delivered charge [B30].
    "x26p": TaserCartridge("x26p", "X26P", (0.0, _deg(8.0)), wire_length=21 * FT,
                           reenergises=True),
    "x2-15ft": _x2("x2-15ft", 15),
    "x2-25ft": _x2("x2-25ft", 25),
    # The CQ cartridge's own wire has no source (B.1 gives ~25 ft for the device): an
    # agency sets it with the scenario's `taser.wire`.
    "taser7-cq": TaserCartridge("taser7-cq", "TASER 7", (0.0, _deg(12.0)),
                                wire_length=25 * FT, per_load=2, cross_connects=True),
    "taser7-so": TaserCartridge("taser7-so", "TASER 7", (0.0, _deg(3.5)),
                                wire_length=25 * FT, per_load=2, cross_connects=True),
    "taser10": TaserCartridge("taser10", "TASER 10", (0.0,), wire_length=45 * FT,
                              per_load=10),
}


def agency_weapons(rules: TaserRules) -> dict[str, Weapon]:
    """The weapons table with the agency's own wire lengths (`taser.wire`)."""
    return {name: dataclasses.replace(weapon, wire_length=rules.wire[name])
            if isinstance(weapon, TaserCartridge) and name in rules.wire else weapon
            for name, weapon in WEAPONS.items()}


def spread_at(angle_rad: float, distance: float) -> float:
    """Vertical probe spread at `distance` for a lower probe `angle_rad` below the top one
    (top probe on a level aim line): pure geometry, as in domain-facts B.2."""
    return distance * math.tan(angle_rad)
