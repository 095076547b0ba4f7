"""What the projector shows at one moment, as plain data: every figure already in
projector pixels, nearest last, so a renderer only draws."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from range.run.events import ShotFired
from range.world.body import bands
from range.world.engine import World

# Half-widths of each zone band (m): a person seen from the front.
HALF_WIDTHS = {"head": 0.10, "upper_torso": 0.22, "lower_torso": 0.19, "legs": 0.17,
               "arms": 0.06}
DOWN_HALF_LENGTH = 0.9  # a person lying across the line of sight
MARK_SECONDS = 2.0  # how long a shot's mark stays on the projected scene
Rect = tuple[float, float, float, float]  # left, top, width, height in projector px


@dataclass(frozen=True, slots=True)
class Figure:
    actor: str
    role: str
    state: str
    distance_m: float
    zones: tuple[tuple[str, Rect], ...]


@dataclass(frozen=True, slots=True)
class CoverShape:
    cover: str
    kind: str
    outline: tuple[tuple[float, float], ...]
    distance_m: float


@dataclass(frozen=True, slots=True)
class Mark:
    point: tuple[float, float]
    force: str
    shot: int


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


def snapshot(world: World) -> SceneFrame:
    projection = world.projection
    figures = tuple(_figure(world, actor_index) for actor_index in range(len(world.actors)))
    cover = tuple(_cover(world, c.id) for c in world.scenario.cover)
    recent = world.tick - round(MARK_SECONDS / world.step_s)
    marks = tuple(Mark(e.point, e.force, e.shot) for e in world.events
                  if isinstance(e, ShotFired) and e.point is not None and e.tick >= recent)
    horizon = projection.plane_to_screen(0.0, projection.eye_height)[1]
    drawables: list[Figure | CoverShape] = [*figures, *cover]
    drawables.sort(key=lambda d: -d.distance_m)
    return SceneFrame(projection.resolution, horizon, world.time_s, world.scenario.title,
                      figures, cover, marks, tuple(drawables))


def _figure(world: World, index: int) -> Figure:
    actor = world.actors[index]
    x, y = actor.position
    rects: list[tuple[str, Rect]] = []
    for band in bands(actor.pose, actor.spec.height):
        half = DOWN_HALF_LENGTH if actor.pose == "down" else HALF_WIDTHS[band.zone]
        if band.zone == "arms":  # raised hands, either side of the head
            for side in (-0.16, 0.16):
                rect = _rect(world, x + side, y, half, band.bottom, band.top)
                if rect:
                    rects.append((band.zone, rect))
            continue
        rect = _rect(world, x, y, half, band.bottom, band.top)
        if rect:
            rects.append((band.zone, rect))
    return Figure(actor.id, actor.spec.role, actor.state_name, actor.distance(), tuple(rects))


def _rect(world: World, x: float, y: float, half: float, bottom: float,
          top: float) -> Rect | None:
    top_left = world.projection.world_to_screen(x - half, y, top)
    bottom_right = world.projection.world_to_screen(x + half, y, bottom)
    if top_left is None or bottom_right is None:
        return None
    return (top_left[0], top_left[1], bottom_right[0] - top_left[0],
            bottom_right[1] - top_left[1])


def _cover(world: World, cover_id: str) -> CoverShape:
    import cv2

    spec = next(c for c in world.scenario.cover if c.id == cover_id)
    cos, sin = np.cos(spec.angle), np.sin(spec.angle)
    half_w, half_d = spec.size[0] / 2, spec.size[1] / 2
    points = []
    for cx, cy in ((-half_w, -half_d), (half_w, -half_d), (half_w, half_d), (-half_w, half_d)):
        gx = spec.center[0] + cx * cos - cy * sin
        gy = spec.center[1] + cx * sin + cy * cos
        for z in (0.0, spec.height):
            screen = world.projection.world_to_screen(gx, gy, z)
            if screen is not None:
                points.append(screen)
    hull = cv2.convexHull(np.array(points, dtype=np.float32)).reshape(-1, 2)
    outline = tuple((float(u), float(v)) for u, v in hull)
    return CoverShape(spec.id, spec.kind, outline, float(np.hypot(*spec.center)))
