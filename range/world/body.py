"""A person's height profile: which zone a ray at a given height meets, by pose.

Zones are bands of the body's height, as fractions of standing height for a standing
adult (belt line near 0.53 H, shoulders near 0.82 H). A kneeling person keeps the torso
and head bands, shifted down by the folded legs; a person who is down lies in a low band
where zones are not told apart (reported as upper torso)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from range.vocabulary import Zone
from range.world.projection import Projection

Pose = Literal["standing", "hands_up", "kneeling", "down"]

# (zone, bottom, top) as fractions of standing height, standing pose.
STANDING_BANDS: tuple[tuple[Zone, float, float], ...] = (
    ("legs", 0.0, 0.50),
    ("lower_torso", 0.50, 0.66),
    ("upper_torso", 0.66, 0.85),
    ("head", 0.85, 1.0),
)
KNEEL_DROP = 0.28  # fraction of height lost by kneeling (thighs folded)
HANDS_UP_TOP = 1.18  # raised hands reach above the head
DOWN_HEIGHT_M = 0.30


@dataclass(frozen=True, slots=True)
class Band:
    zone: Zone
    bottom: float
    top: float


def bands(pose: Pose, height: float) -> tuple[Band, ...]:
    """The height bands (metres above the floor) of a person `height` tall in `pose`."""
    if pose == "down":
        return (Band("upper_torso", 0.0, DOWN_HEIGHT_M),)
    standing = tuple(Band(z, lo * height, hi * height) for z, lo, hi in STANDING_BANDS)
    if pose == "kneeling":
        drop = KNEEL_DROP * height
        legs_top = standing[0].top - drop
        upper = (Band(b.zone, b.bottom - drop, b.top - drop) for b in standing[1:])
        return (Band("legs", 0.0, legs_top), *upper)
    if pose == "hands_up":
        return (*standing, Band("arms", height, HANDS_UP_TOP * height))
    return standing


def zone_at(pose: Pose, height: float, z: float) -> Zone | None:
    """The zone a ray meets at height `z`, or None if it passes over or under."""
    for band in bands(pose, height):
        if band.bottom <= z < band.top:
            return band.zone
    return None


def zone_centre(pose: Pose, height: float, zone: Zone) -> float | None:
    for band in bands(pose, height):
        if band.zone == zone:
            return (band.bottom + band.top) / 2
    return None


def zone_pixel(projection: Projection, pose: Pose, height: float,
               position: tuple[float, float], zone: Zone,
               offset: tuple[float, float] = (0.0, 0.0)) -> tuple[float, float] | None:
    """The projector pixel where a person's zone is drawn (where a script aims); `offset`
    moves the aim right and up, in metres at the person. None: no such zone in this pose,
    or behind the eye."""
    centre = zone_centre(pose, height, zone)
    if centre is None:
        return None
    return projection.world_to_screen(position[0] + offset[0], position[1], centre + offset[1])
