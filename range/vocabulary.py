"""The shared words of the scenario side: threat levels, roles, body zones, force options,
weapon, action and command names. Scenario files, the world, the event log and the
debrief all speak these, so each is defined here once."""

from __future__ import annotations

from enum import IntEnum
from typing import Literal, get_args

# The officer's weapons, as a replica names them on the serial link and the engine flies
# them: defined once, where the link defines them.
from hardware.events import WeaponName as WeaponName


class ThreatLevel(IntEnum):
    """Ordered threat levels; a rise is a threat cue."""

    COMPLIANT = 0
    PASSIVE_RESISTANCE = 1
    ACTIVE_AGGRESSION = 2
    DEADLY_FORCE = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def from_label(cls, label: str) -> ThreatLevel:
        return cls[label.upper()]


ThreatLabel = Literal["compliant", "passive_resistance", "active_aggression", "deadly_force"]
Role = Literal["subject", "bystander"]
ForceOption = Literal["verbal", "taser", "firearm"]
FORCE_ORDER: tuple[ForceOption, ...] = ("verbal", "taser", "firearm")  # least force first
Zone = Literal["head", "upper_torso", "lower_torso", "legs", "arms"]
ZONES: tuple[Zone, ...] = get_args(Zone)
TaserResult = Literal[
    "effective", "miss", "one_probe", "short_spread", "clothing", "out_of_range", "resisted",
    "drive_stun", "out_of_reach",
]
# How a TASER pull delivered: probes from a new cartridge, a new cycle through probes
# already in him (re-energising), or the device pressed on him (a drive stun).
TaserMode = Literal["probes", "reenergise", "drive_stun"]
# How a subject attacks the officer.
Attack = Literal["shot", "stab", "strike"]
# What a subject holds.
HeldObject = Literal["none", "knife", "handgun", "phone", "bat"]
Action = Literal[
    "idle", "walk_to", "approach", "comply", "kneel", "draw", "aim", "fire",
    "charge", "attack", "flee", "drop_weapon", "down",
]
# Verbal commands an officer can give; transitions and inputs must use these names.
Command = Literal[
    "police", "stop", "show-hands", "drop-weapon", "get-down", "step-back", "turn-around",
    "dont-move", "talk",
]
Point2 = tuple[float, float]
