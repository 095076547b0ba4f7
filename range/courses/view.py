"""The target as the projector draws it: the sheet and its zone lines at the size the
projection model gives for the stage's distance, and the holes of a string. No logic but
layout: every pixel comes from `TargetPlacement`."""

from __future__ import annotations

import io
import math

import pygame

from range.courses.placement import TargetPlacement
from range.courses.scoring import ScoredShot
from range.courses.targets import Zone

WALL = (58, 66, 60)  # a range's berm wall, dark so the sheet stands out
FLOOR = (84, 80, 72)
SHEET = (226, 218, 196)
LINE = (40, 40, 40)
AREA_FILLS = {"score": (190, 186, 176), "prefer": (168, 196, 160), "avoid": (214, 158, 150),
              "neutral": (200, 196, 186)}
HOLE = (20, 20, 20)
STAND = (120, 92, 60)  # wooden posts
PROBE = (40, 90, 200)


def draw_target(surface: pygame.Surface, where: TargetPlacement,
                shots: tuple[ScoredShot, ...] = ()) -> None:
    width, height = surface.get_size()
    horizon = where.projection.world_to_screen(0.0, where.distance, 0.0)
    floor_v = min(height, max(0, round(horizon[1]))) if horizon else height
    surface.fill(WALL)
    surface.fill(FLOOR, pygame.Rect(0, floor_v, width, height - floor_v))
    left, bottom, right, top = where.target.sheet
    for x in (left + 0.05, right - 0.05):  # the stand's two posts down to the floor
        foot = where.projection.world_to_screen(x, where.distance, 0.0)
        if foot is not None and where.target.hang_height + bottom > 0:
            width_px = max(2, round(where.pixel((0.02, 0.0))[0] - where.pixel((0.0, 0.0))[0]))
            pygame.draw.line(surface, STAND, where.pixel((x, bottom)), foot, width_px)
    sheet = [where.pixel(p) for p in ((left, bottom), (right, bottom), (right, top),
                                      (left, top))]
    pygame.draw.polygon(surface, SHEET, sheet)
    for zone in reversed(where.target.zones):  # the worst first, so the best is on top
        _zone(surface, where, zone)
    for shot in shots:
        _hole(surface, where, shot)


def _zone(surface: pygame.Surface, where: TargetPlacement, zone: Zone) -> None:
    fill = AREA_FILLS[zone.area]
    if zone.circle is not None:
        cx, cy, r = zone.circle
        centre = where.pixel((cx, cy))
        radius = max(1, round(where.pixel((cx + r, cy))[0] - centre[0]))
        pygame.draw.circle(surface, fill, centre, radius)
        pygame.draw.circle(surface, LINE, centre, radius, 2)
        return
    outline = [where.pixel(p) for p in zone.outline]
    pygame.draw.polygon(surface, fill, outline)
    pygame.draw.polygon(surface, LINE, outline, 2)


def _hole(surface: pygame.Surface, where: TargetPlacement, shot: ScoredShot) -> None:
    if shot.hit is None:
        return
    scale = where.pixel((0.01, 0.0))[0] - where.pixel((0.0, 0.0))[0]  # pixels a cm
    radius = max(3, round(0.45 * scale))  # a 9 mm hole
    pygame.draw.circle(surface, HOLE, where.pixel(shot.hit), radius)
    if shot.probe2 is not None:
        low = where.pixel(shot.probe2)
        if where.projection.on_screen(*low):
            pygame.draw.line(surface, PROBE, where.pixel(shot.hit), low, 1)
            pygame.draw.circle(surface, PROBE, low, radius)


def target_png(where: TargetPlacement, shots: tuple[ScoredShot, ...] = (),
               size: tuple[int, int] | None = None) -> bytes:
    surface = pygame.Surface(where.projection.resolution)
    draw_target(surface, where, shots)
    if size is not None:
        surface = pygame.transform.smoothscale(surface, size)
    buffer = io.BytesIO()
    pygame.image.save(surface, buffer, "png")
    return buffer.getvalue()


def angular_size_deg(where: TargetPlacement) -> float:
    """The sheet's height as the officer's eye sees it on the screen, in degrees."""
    left, bottom, _, top = where.target.sheet
    eye = where.projection.eye_height
    low, high = (where.projection.screen_to_plane(*where.pixel((left, y)))[1] for y in
                 (bottom, top))
    d = where.projection.distance
    return math.degrees(math.atan2(high - eye, d) - math.atan2(low - eye, d))
