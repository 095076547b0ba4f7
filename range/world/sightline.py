"""Lag compensation: a shot judged against the world as it was on screen at the pull.

A live shot reaches the world some time after the trigger pull (fusion takes about
90 ms to decide one), and the officer aimed at the frame on screen then. `seen_hit` finds
what the shot's line met in that frame's snapshot: the person, and the spot on his body
(relative to his footprint's centre, and its height). `where_now` is the pixel where
that same spot is drawn in the present snapshot, so the round flies at what the officer
saw, through the world as it now is. A line that met cover or nobody is not moved."""

from __future__ import annotations

import math
from dataclasses import dataclass

from range.vocabulary import Point2
from range.world.actors import FOOTPRINT_RADIUS
from range.world.body import side_of_line, zone_at
from range.world.snapshot import CoverView, WorldSnapshot


@dataclass(frozen=True, slots=True)
class SeenHit:
    actor: str
    offset: Point2  # the spot on the ground track, from the footprint's centre, m
    height: float  # m above the floor


def seen_hit(shown: WorldSnapshot, point: Point2) -> SeenHit | None:
    """What the line through `point` met first in the snapshot: a person's body (the
    spot hit), or None for cover, the floor, or nothing."""
    projection = shown.projection
    if not projection.on_screen(*point):
        return None
    ray = projection.ray(*point)
    nearest: tuple[float, SeenHit | None] = (math.inf, None)
    for actor in shown.actors:
        s = _circle_entry(ray.origin, ray.direction, actor.position)
        if s is None or s >= nearest[0]:
            continue
        z = ray.height_at(s)
        side = side_of_line(actor.position, ray.origin, ray.direction)
        if actor.pose != "down" and zone_at(actor.pose, actor.height, z, side) is not None:
            x, y = ray.ground_point(s)
            spot = (x - actor.position[0], y - actor.position[1])
            nearest = (s, SeenHit(actor.id, spot, z))
    for cover in shown.cover:
        s = _box_entry(ray.origin, ray.direction, cover)
        if s is not None and s < nearest[0] and ray.height_at(s) < cover.height:
            return None
    floor = -ray.eye_height / ray.slope if ray.slope < 0 else math.inf
    return nearest[1] if nearest[0] < floor else None


def where_now(now: WorldSnapshot, hit: SeenHit) -> Point2 | None:
    """The pixel where the spot hit is drawn in the present snapshot."""
    actor = next((a for a in now.actors if a.id == hit.actor), None)
    if actor is None:
        return None
    x, y = actor.position
    return now.projection.world_to_screen(x + hit.offset[0], y + hit.offset[1], hit.height)


def _circle_entry(origin: Point2, direction: Point2, centre: Point2) -> float | None:
    """Ground distance along the track where it enters a footprint circle, if it does."""
    fx, fy = origin[0] - centre[0], origin[1] - centre[1]
    b = fx * direction[0] + fy * direction[1]
    c = fx * fx + fy * fy - FOOTPRINT_RADIUS**2
    disc = b * b - c
    if disc < 0:
        return None
    s = -b - math.sqrt(disc)
    return s if s >= 0 else None


def _box_entry(origin: Point2, direction: Point2, cover: CoverView) -> float | None:
    """Ground distance where the track enters a cover footprint (slab test in the box's
    own frame), if it does."""
    cos, sin = math.cos(-cover.angle), math.sin(-cover.angle)
    ox, oy = origin[0] - cover.center[0], origin[1] - cover.center[1]
    o = (ox * cos - oy * sin, ox * sin + oy * cos)
    d = (direction[0] * cos - direction[1] * sin, direction[0] * sin + direction[1] * cos)
    near, far = 0.0, math.inf
    for axis in (0, 1):
        half = cover.size[axis] / 2
        if abs(d[axis]) < 1e-12:
            if abs(o[axis]) > half:
                return None
            continue
        t1, t2 = (-half - o[axis]) / d[axis], (half - o[axis]) / d[axis]
        near, far = max(near, min(t1, t2)), min(far, max(t1, t2))
    return near if near <= far else None
