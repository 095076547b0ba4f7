"""What the projector shows at one moment, as plain data made from the world's snapshot:
every figure already in projector pixels, nearest last, so a renderer only draws."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from range.world.body import bands
from range.world.projection import Projection
from range.world.snapshot import ActorView, CoverView, WorldSnapshot

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


def scene_frame(world: WorldSnapshot) -> SceneFrame:
    """The projector's picture of a world snapshot."""
    projection = world.projection
    figures = tuple(_figure(projection, actor) for actor in world.actors)
    cover = tuple(_cover(projection, c) for c in world.cover)
    recent = world.tick - round(MARK_SECONDS / world.step_s)
    marks = tuple(Mark(s.point, s.force, s.shot) for s in world.recent_shots
                  if s.point is not None and s.tick >= recent)
    horizon = projection.plane_to_screen(0.0, projection.eye_height)[1]
    drawables: list[Figure | CoverShape] = [*figures, *cover]
    drawables.sort(key=lambda d: -d.distance_m)
    return SceneFrame(projection.resolution, horizon, world.time_s, world.title,
                      figures, cover, marks, tuple(drawables))


def _figure(projection: Projection, actor: ActorView) -> Figure:
    x, y = actor.position
    rects: list[tuple[str, Rect]] = []
    for band in bands(actor.pose, actor.height):
        half = DOWN_HALF_LENGTH if actor.pose == "down" else HALF_WIDTHS[band.zone]
        sides = (-0.16, 0.16) if band.zone == "arms" else (0.0,)  # raised hands by the head
        for side in sides:
            rect = _rect(projection, x + side, y, half, band.bottom, band.top)
            if rect:
                rects.append((band.zone, rect))
    return Figure(actor.id, actor.role, actor.state, actor.distance_m, tuple(rects))


def _rect(projection: Projection, x: float, y: float, half: float, bottom: float,
          top: float) -> Rect | None:
    top_left = projection.world_to_screen(x - half, y, top)
    bottom_right = projection.world_to_screen(x + half, y, bottom)
    if top_left is None or bottom_right is None:
        return None
    return (top_left[0], top_left[1], bottom_right[0] - top_left[0],
            bottom_right[1] - top_left[1])


def _cover(projection: Projection, cover: CoverView) -> CoverShape:
    import cv2

    points = [screen for gx, gy in cover.corners() for z in (0.0, cover.height)
              if (screen := projection.world_to_screen(gx, gy, z)) is not None]
    hull = cv2.convexHull(np.array(points, dtype=np.float32)).reshape(-1, 2)
    outline = tuple((float(u), float(v)) for u, v in hull)
    return CoverShape(cover.id, cover.kind, outline, float(np.hypot(*cover.center)))
