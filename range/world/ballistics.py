"""Projectiles flown through the moving world: bullets and TASER probes.

A projectile follows its ray's ground track at its ground speed; each tick the segment it
covers is queried against the pymunk shapes as they are at that tick, so a subject who
moves while a probe is in flight is met where he is, not where he was aimed at. The
ray's height where it meets a shape decides whether it hits a body zone, is stopped by
cover, or passes over."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import pymunk

from range.vocabulary import Zone
from range.world.projection import Ray

# What the world tells the flight about a shape the track crosses.
ActorLookup = Callable[[pymunk.Shape], "BodyAt | None"]
CoverLookup = Callable[[pymunk.Shape], "CoverAt | None"]


@dataclass(frozen=True, slots=True)
class BodyAt:
    actor: str
    # The zone a line along a direction meets at a ground point and height.
    zone_at: Callable[[float, tuple[float, float], tuple[float, float]], Zone | None]
    lying_height: float | None = None  # a body that is down: how high he lies


@dataclass(frozen=True, slots=True)
class CoverAt:
    cover: str
    height: float
    shape: pymunk.Shape


@dataclass(frozen=True, slots=True)
class Impact:
    """Where a projectile ended: on an actor's zone, or stopped `by` cover, "ground",
    "wire" (a probe at the end of its wire) or "nothing" (left the scene)."""

    actor: str | None
    zone: Zone | None
    by: str | None
    ground_distance: float
    point: tuple[float, float, float]
    # Where on the body it landed (across, up), m, in the body's own frame: two probes'
    # spread is measured here, so a subject who moved between them does not widen it.
    on_body: tuple[float, float] | None = None


@dataclass(slots=True)
class Projectile:
    shot: int
    ray: Ray
    speed: float  # along the 3-D line, m/s
    max_range: float  # along the 3-D line, m
    probe: int | None = None  # None for a bullet
    travelled: float = 0.0  # ground distance so far (from the ray's origin)
    start: float = 0.0  # ground distance where it left (a muzzle ahead of the eye)
    # Cover the line has already been judged against over its whole crossing.
    crossed: set[str] = field(default_factory=set)

    @property
    def ground_speed(self) -> float:
        return self.speed * self.ray.ground_distance_per_metre()

    def __post_init__(self) -> None:
        self.travelled = max(self.travelled, self.start)

    @property
    def ground_limit(self) -> float:
        return self.start + self.max_range * self.ray.ground_distance_per_metre()

    def floor_distance(self) -> float:
        """Ground distance where the line meets the floor (inf if it never does)."""
        if self.ray.slope >= 0:
            return math.inf
        return -self.ray.eye_height / self.ray.slope

    def advance(self, space: pymunk.Space, dt: float, actor_at: ActorLookup,
                cover_at: CoverLookup) -> Impact | None:
        """Fly one step; the impact if the projectile stopped during it."""
        start = self.travelled
        end = min(start + self.ground_speed * dt, self.ground_limit, self.floor_distance())
        a, b = self.ray.ground_point(start), self.ray.ground_point(end)
        hits = space.segment_query(a, b, 0.0, pymunk.ShapeFilter()) if end > start else []
        for info in sorted(hits, key=lambda h: h.alpha):
            s = start + info.alpha * (end - start)
            impact = self._meet(info.shape, s, actor_at, cover_at)
            if impact is not None:
                return impact
        self.travelled = end
        if end >= self.floor_distance() - 1e-9:
            return self._stop("ground", end)
        if end >= self.ground_limit - 1e-9:
            return self._stop("wire" if self.probe is not None else "nothing", end)
        return None

    def _meet(self, shape: pymunk.Shape, s: float, actor_at: ActorLookup,
              cover_at: CoverLookup) -> Impact | None:
        z = self.ray.height_at(s)
        body = actor_at(shape)
        if body is not None:
            if body.lying_height is not None:  # met along his length, where the line is low
                s = self._below(shape, body.lying_height, s) or s
                z = self.ray.height_at(s)
            zone = body.zone_at(z, self.ray.ground_point(s), self.ray.direction)
            return None if zone is None else Impact(body.actor, zone, None, s, self._point(s))
        cover = cover_at(shape)
        if cover is None or cover.cover in self.crossed:
            return None
        self.crossed.add(cover.cover)
        stop = self._below(cover.shape, cover.height, s)
        return None if stop is None else self._stop(cover.cover, stop)

    def _below(self, shape: pymunk.Shape, top: float, entry: float) -> float | None:
        """Where the line, crossing the shape's whole footprint from `entry`, first runs
        below `top` (None: it stays above). Height is linear along the line, so the ends
        of the crossing decide."""
        z_in = self.ray.height_at(entry)
        if z_in < top:
            return entry
        far = entry + 2 * _reach(shape)
        back = shape.segment_query(self.ray.ground_point(far), self.ray.ground_point(entry))
        exit_s = far - back.alpha * (far - entry) if back is not None else entry
        z_out = self.ray.height_at(exit_s)
        if z_out >= top:
            return None
        return entry + (z_in - top) / (z_in - z_out) * (exit_s - entry) + 1e-6

    def _stop(self, by: str, s: float) -> Impact:
        return Impact(None, None, by, s, self._point(s))

    def _point(self, s: float) -> tuple[float, float, float]:
        x, y = self.ray.ground_point(s)
        return (x, y, self.ray.height_at(s))


def _reach(shape: pymunk.Shape) -> float:
    """A length no crossing of the shape's footprint exceeds: its bounding box diagonal."""
    box = shape.cache_bb()
    return math.hypot(box.right - box.left, box.top - box.bottom)


@dataclass(frozen=True, slots=True)
class Landing:
    """A projectile that stopped this tick: a bullet (`probe` None) or a TASER probe."""

    shot: int
    probe: int | None
    impact: Impact
    direction: tuple[float, float]  # the ground track's


@dataclass(slots=True)
class Flights:
    """Every projectile in the air, flown a tick at a time in launch order."""

    flying: list[Projectile] = field(default_factory=list)

    def launch(self, projectile: Projectile) -> None:
        self.flying.append(projectile)

    def advance(self, space: pymunk.Space, dt: float, actor_at: ActorLookup,
                cover_at: CoverLookup) -> list[Landing]:
        landed: list[Landing] = []
        still_flying = []
        for projectile in self.flying:
            impact = projectile.advance(space, dt, actor_at, cover_at)
            if impact is None:
                still_flying.append(projectile)
            else:
                landed.append(Landing(projectile.shot, projectile.probe, impact,
                                      projectile.ray.direction))
        self.flying = still_flying
        return landed
