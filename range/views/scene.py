"""What the projector shows at one moment, as plain data made from the world's snapshot:
every person, car and wall already in projector pixels as shapes, nearest last, so a
renderer only draws. The backdrop is named, not laid out: it changes only when the officer
steps, so a renderer lays it out once per place he stands (`backdrop.backdrop_shapes`)
and keeps it.

The view follows the officer: where he has stepped to, everything is drawn from there
(`officer_frame`), he still facing the screen as a trainee in front of it does. Stepping
back makes the scene smaller and further; stepping behind a car puts the car between his
eye and the subject, as the world judges shots."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from range.scenario.model import Backdrop
from range.views.cover_art import cover_shapes
from range.views.geometry import Px, Vec3, hull, lerp
from range.views.people import Figure, figure
from range.views.shapes import Lens, Shape
from range.vocabulary import Point2
from range.world.body import DOWN_HEIGHT_M
from range.world.projection import Projection
from range.world.snapshot import ActorView, CoverView, ProbeView, WorldSnapshot

MARK_SECONDS = 2.0  # how long a shot's mark stays on the projected scene
WIRE_FROM: Vec3 = (0.18, 0.25, 1.25)  # the officer's TASER in the hand, aimed from the chest
WIRE_POINTS = 12  # a sagging wire drawn as this many straight pieces
WIRE_SAG_M = 0.12
DEFAULT_PROJECTION = Projection()

__all__ = ["CoverShape", "Figure", "Mark", "ProbeMark", "SceneFrame", "scene_frame"]


@dataclass(frozen=True, slots=True)
class CoverShape:
    cover: str
    kind: str
    outline: tuple[Px, ...]  # the silhouette (convex hull of the footprint box)
    distance_m: float
    shapes: tuple[Shape, ...]  # static: a renderer may draw them once and keep the sprite


@dataclass(frozen=True, slots=True)
class Mark:
    point: Px
    force: str
    shot: int


@dataclass(frozen=True, slots=True)
class ProbeMark:
    """A TASER probe where it landed (on a body it moves with him) and its wire back."""

    point: Px
    shot: int
    wire: tuple[Px, ...]


@dataclass(frozen=True, slots=True)
class SceneFrame:
    resolution: tuple[int, int]
    horizon_v: float  # projector row of the eye-height horizon
    time_s: float
    title: str
    figures: tuple[Figure, ...]
    cover: tuple[CoverShape, ...]
    marks: tuple[Mark, ...]
    drawables: tuple[Figure | CoverShape, ...]  # far to near
    backdrop: Backdrop = "street"
    projection: Projection = DEFAULT_PROJECTION
    probes: tuple[ProbeMark, ...] = ()
    arcs: tuple[tuple[Px, ...], ...] = ()  # a TASER's arc between probes, during its cycle
    # Where the officer stands and faces (the world's projection): the backdrop is drawn
    # from there.
    seen_from: Projection = DEFAULT_PROJECTION
    officer_hit: float = 0.0  # 1 as a hit on the officer lands, fading to 0 (HIT_SECONDS)
    officer_down: bool = False  # down by the scenario's rule
    behind: str | None = None  # the cover the officer is behind


HIT_SECONDS = 1.0  # how long "HIT" shows on the projector after a hit on the officer


def officer_frame(world: WorldSnapshot) -> WorldSnapshot:
    """The snapshot moved into the officer's own frame: his feet at the origin, facing +y
    (the screen turns with him). Views draw only in that frame."""
    projection = world.projection
    if projection.origin == (0.0, 0.0) and projection.heading == 0.0:
        return world
    at, turn = projection.to_own, projection.heading
    origin = projection.at((0.0, 0.0))
    return replace(
        world, projection=origin,
        actors=tuple(replace(a, position=at(a.position), facing=a.facing - turn,
                             velocity=_turned(a.velocity, -turn)) for a in world.actors),
        cover=tuple(replace(c, center=at(c.center), angle=c.angle - turn)
                    for c in world.cover),
        probes=tuple(replace(p, point=(*at(p.point[:2]), p.point[2]),
                             anchor=None if p.anchor is None else at(p.anchor))
                     for p in world.probes))


def _turned(v: Point2, angle: float) -> Point2:
    cos, sin = math.cos(angle), math.sin(angle)
    return (v[0] * cos - v[1] * sin, v[0] * sin + v[1] * cos)


def scene_frame(seen: WorldSnapshot) -> SceneFrame:
    """The projector's picture of a world snapshot, from where the officer stands."""
    world = officer_frame(seen)
    projection = world.projection
    lens = Lens(projection)
    figures = tuple(figure(lens, actor, world.time_s) for actor in world.actors)
    cover = tuple(_cover(lens, c) for c in world.cover)
    recent = world.tick - round(MARK_SECONDS / world.step_s)
    marks = tuple(Mark(s.point, s.force, s.shot) for s in world.recent_shots
                  if s.point is not None and s.tick >= recent)
    actors = {a.id: a for a in world.actors}
    landed = [p for p in world.probes if p.tick >= recent]
    probes = tuple(_probe(lens, p, actors) for p in landed)
    arcs = _arcs(world, landed, probes)
    horizon = projection.plane_to_screen(0.0, projection.eye_height)[1]
    drawables: list[Figure | CoverShape] = [*figures, *cover]
    drawables.sort(key=lambda d: -d.distance_m)
    hit = max(world.officer_hits, default=None)
    fading = 0.0 if hit is None else 1.0 - (world.tick - hit) * world.step_s / HIT_SECONDS
    return SceneFrame(projection.resolution, horizon, world.time_s, world.title,
                      figures, cover, marks, tuple(drawables), world.backdrop, projection,
                      probes, arcs, seen.projection, max(0.0, fading),
                      world.officer_down, world.officer_cover)


ARC_KINKS = 6  # an arc drawn as this many jagged pieces
ARC_JITTER_PX = 6.0


def _arcs(world: WorldSnapshot, landed: list[ProbeView], probes: tuple[ProbeMark, ...]
          ) -> tuple[tuple[Px, ...], ...]:
    """The crackle in a subject under an energy cycle, between the last two probes that
    reached him (the pair that connected: one cartridge's two, or TASER 10's last two
    pulls). It flickers with the snapshot's time, a new shape each frame, never a clock."""
    shocked = {a.id for a in world.actors if a.incapacitated}
    in_them: dict[str, list[Px]] = {}
    for view, mark in sorted(zip(landed, probes, strict=True), key=lambda vm: vm[0].tick):
        if view.actor in shocked:
            in_them.setdefault(view.actor, []).append(mark.point)
    frame = round(world.time_s * 60)
    return tuple(_crackle(points[-2], points[-1], frame + index)
                 for index, (_, points) in enumerate(sorted(in_them.items()))
                 if len(points) >= 2)


def _crackle(a: Px, b: Px, phase: int) -> tuple[Px, ...]:
    points = [a]
    for i in range(1, ARC_KINKS):
        t = i / ARC_KINKS
        wobble = ARC_JITTER_PX * math.sin(phase * 2.7 + i * 1.9)
        points.append((a[0] + (b[0] - a[0]) * t + wobble, a[1] + (b[1] - a[1]) * t - wobble))
    return (*points, b)


def _cover(lens: Lens, cover: CoverView) -> CoverShape:
    points = [lens.point((gx, gy, z)) for gx, gy in cover.corners() for z in (0.0, cover.height)]
    return CoverShape(cover.id, cover.kind, hull(points), math.hypot(*cover.center),
                      cover_shapes(lens, cover))


def _probe(lens: Lens, probe: ProbeView, actors: dict[str, ActorView]) -> ProbeMark:
    x, y, z = probe.point
    actor = actors.get(probe.actor) if probe.actor is not None else None
    if actor is not None and probe.anchor is not None:
        x += actor.position[0] - probe.anchor[0]
        y += actor.position[1] - probe.anchor[1]
        if actor.pose == "down":
            z = min(z, DOWN_HEIGHT_M)  # he fell: the probe is in him on the floor
    end = (x, y, z)
    wire = []
    for i in range(WIRE_POINTS + 1):
        t = i / WIRE_POINTS
        p = lerp(WIRE_FROM, end, t)
        wire.append(lens.point((p[0], p[1], p[2] - WIRE_SAG_M * math.sin(math.pi * t))))
    return ProbeMark(lens.point(end), probe.shot, tuple(wire))
