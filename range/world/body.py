"""A person's shape: which zone a shot's line meets, by pose, height above the floor and
how far to the side of the body's centre line it passes.

Zones are bands of the body's height, as fractions of standing height for a standing
adult (belt line near 0.53 H, shoulders near 0.82 H), each with a half-width: the torso
is about as wide as the IDPA target's 18 in body (domain-facts D.4), the head as its 6 in
head, so a head shot 0.15 m off the centre line misses; the arms hang at the torso's
sides; the legs are two, with a gap between them below the knees that a shot passes
through (a script aiming at the legs aims at the thighs, above it). A kneeling person
keeps the torso and head bands, shifted down by the folded legs. A person who is down
lies along the floor from his feet (his position) backwards, and the zone is read along
his length, by the same fractions."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from range.vocabulary import Point2, Zone
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
DOWN_HEIGHT_M = 0.30  # a body lying on the floor is at most this high
DOWN_LENGTH = 0.95  # a lying body reaches this fraction of his height from his feet
HEAD_HALF_WIDTH = 3 * 0.0254  # IDPA head 6 in wide (domain-facts D.4)
TORSO_HALF_WIDTH = 0.17  # the trunk without the arms
BODY_HALF_WIDTH = 9 * 0.0254  # IDPA body 18 in wide with the arms (domain-facts D.4)
LEG_GAP_HALF = 0.03  # the gap between the legs, each side of the centre line
LEGS_PART = 0.25  # fraction of height: in a relaxed stance the legs touch above the knees
THIGHS = 0.40  # fraction of height where a script aiming at the legs aims


@dataclass(frozen=True, slots=True)
class Band:
    zone: Zone
    bottom: float
    top: float


def bands(pose: Pose, height: float) -> tuple[Band, ...]:
    """The height bands (metres above the floor) of a person `height` tall in `pose`,
    on his centre line."""
    standing = tuple(Band(z, lo * height, hi * height) for z, lo, hi in STANDING_BANDS)
    if pose == "kneeling":
        drop = KNEEL_DROP * height
        legs_top = standing[0].top - drop
        upper = (Band(b.zone, b.bottom - drop, b.top - drop) for b in standing[1:])
        return (Band("legs", 0.0, legs_top), *upper)
    if pose == "hands_up":
        return (*standing, Band("arms", height, HANDS_UP_TOP * height))
    return standing


def zone_at(pose: Pose, height: float, z: float, side: float = 0.0,
            along: float = 0.0) -> Zone | None:
    """The zone a line meets at height `z`, passing `side` metres to the side of the
    centre line (either side), or None if it passes over, under or beside the body.
    `along`: for a body that is down, how far from his feet towards his head the line
    meets him (m)."""
    if pose == "down":
        if not 0.0 <= z < DOWN_HEIGHT_M:
            return None
        upright = min(max(along / DOWN_LENGTH, 0.0), height - 1e-9)
        return _band_zone(bands("standing", height), upright)
    zone = _band_zone(bands(pose, height), z)
    if zone is None:
        return None
    return _across(zone, pose, height, z, abs(side))


def _band_zone(body: tuple[Band, ...], z: float) -> Zone | None:
    for band in body:
        if band.bottom <= z < band.top:
            return band.zone
    return None


def _across(zone: Zone, pose: Pose, height: float, z: float, side: float) -> Zone | None:
    """The zone's shape across the body: narrow head, arms beside the torso, two legs."""
    if side > BODY_HALF_WIDTH:
        return None
    if zone == "head":
        return zone if side <= HEAD_HALF_WIDTH else None
    if zone in ("upper_torso", "lower_torso"):
        return zone if side <= TORSO_HALF_WIDTH else "arms"
    if zone == "legs":
        between = pose != "kneeling" and z < LEGS_PART * height and side < LEG_GAP_HALF
        return None if between or side > TORSO_HALF_WIDTH else zone
    return zone if side <= HEAD_HALF_WIDTH * 2 else None  # raised arms, near the centre


THROAT = (0.82, 0.87)  # fractions of height: the neck, under the chin
GROIN = (0.45, 0.53)  # fractions of height: between the hips, above the legs' parting
CENTRE_LINE = 0.08  # m each side of the centre line: where throat and groin are


def area_to_avoid(pose: Pose, height: float, zone: Zone | None, across: float, up: float,
                  front: bool) -> str:
    """The area a TASER probe landed in that instructors teach to avoid (domain-facts
    B.2, D.3: head, eyes, throat, chest, groin), or "" (a standing or kneeling body; one
    that is down is read along his length)."""
    if zone is None or pose == "down":
        return ""
    drop = KNEEL_DROP * height if pose == "kneeling" else 0.0
    fraction = (up + drop) / height
    central = abs(across) <= CENTRE_LINE
    if central and THROAT[0] <= fraction < THROAT[1]:
        return "throat"
    if zone == "head":
        return "head"
    if front and zone == "upper_torso":
        return "chest"
    if front and central and GROIN[0] <= fraction < GROIN[1]:
        return "groin"
    return ""


def towards_head(facing: float) -> Point2:
    """A body that is down lies from his feet (his position) this way (a unit vector):
    he falls backwards, away from where he faced."""
    return (-math.cos(facing), -math.sin(facing))


def side_of_line(centre: Point2, origin: Point2, direction: Point2) -> float:
    """Signed distance of `centre` from the ground track (origin, unit direction)."""
    return (centre[0] - origin[0]) * direction[1] - (centre[1] - origin[1]) * direction[0]


def zone_centre(pose: Pose, height: float, zone: Zone) -> float | None:
    if zone == "legs" and pose in ("standing", "hands_up"):
        return THIGHS * height  # above the gap between the legs
    for band in bands(pose, height):
        if band.zone == zone:
            return (band.bottom + band.top) / 2
    if zone == "arms" and pose != "down":  # arms at the sides: aim at the upper arm
        return next(b for b in bands(pose, height) if b.zone == "upper_torso").bottom
    return None


def zone_pixel(projection: Projection, pose: Pose, height: float,
               position: tuple[float, float], zone: Zone,
               offset: tuple[float, float] = (0.0, 0.0),
               facing: float = -math.pi / 2) -> tuple[float, float] | None:
    """The projector pixel where a person's zone is drawn (where a script aims); `offset`
    moves the aim right and up, in metres at the person. None: no such zone in this pose,
    or behind the eye. Arms at the sides are aimed at on his left (the officer's right);
    a body that is down is aimed at along his length, `facing` the way he faced."""
    centre = zone_centre(pose, height, zone)
    if centre is None:
        return None
    if pose == "down":
        (dx, dy), along = towards_head(facing), centre * DOWN_LENGTH
        x, y = position[0] + dx * along, position[1] + dy * along
        return projection.world_to_screen(x + offset[0], y, DOWN_HEIGHT_M / 2 + offset[1])
    across = 0.0
    if zone == "arms" and pose != "hands_up":
        across = (TORSO_HALF_WIDTH + BODY_HALF_WIDTH) / 2
    return projection.world_to_screen(position[0] + offset[0] + across, position[1],
                                      centre + offset[1])
