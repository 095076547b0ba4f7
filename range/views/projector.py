"""The projector view: draws a `SceneFrame` onto a pygame surface. No logic but layout."""

from __future__ import annotations

import pygame

from range.views.scene import CoverShape, Figure, SceneFrame

FLOOR = (58, 54, 50)
SKY = (128, 146, 160)
WALL = (92, 98, 104)
ZONE_COLOURS = {
    "subject": {"head": (214, 178, 150), "upper_torso": (60, 70, 96),
                "lower_torso": (48, 56, 78), "legs": (40, 40, 46), "arms": (214, 178, 150)},
    "bystander": {"head": (200, 160, 130), "upper_torso": (150, 64, 60),
                  "lower_torso": (120, 52, 50), "legs": (70, 60, 64), "arms": (200, 160, 130)},
}
COVER_COLOURS = {"vehicle": (120, 126, 134), "wall": (150, 140, 120),
                 "barrier": (170, 150, 60), "doorway": (110, 90, 70)}
MARK_COLOURS = {"firearm": (255, 40, 40), "taser": (250, 220, 40)}


def draw(surface: pygame.Surface, frame: SceneFrame, show_marks: bool = True) -> None:
    width, height = frame.resolution
    horizon = max(0, min(height, round(frame.horizon_v)))
    surface.fill(SKY, pygame.Rect(0, 0, width, horizon))
    surface.fill(FLOOR, pygame.Rect(0, horizon, width, height - horizon))
    for item in frame.drawables:
        if isinstance(item, CoverShape):
            _cover(surface, item)
        else:
            _figure(surface, item)
    if show_marks:
        for mark in frame.marks:
            centre = (round(mark.point[0]), round(mark.point[1]))
            pygame.draw.circle(surface, MARK_COLOURS[mark.force], centre, 7)
            pygame.draw.circle(surface, (0, 0, 0), centre, 7, 2)


def _figure(surface: pygame.Surface, figure: Figure) -> None:
    colours = ZONE_COLOURS[figure.role]
    for zone, (left, top, w, h) in figure.zones:
        rect = pygame.Rect(round(left), round(top), max(1, round(w)), max(1, round(h)))
        pygame.draw.rect(surface, colours[zone], rect, border_radius=min(rect.w, rect.h) // 6)


def _cover(surface: pygame.Surface, cover: CoverShape) -> None:
    points = [(round(u), round(v)) for u, v in cover.outline]
    if len(points) >= 3:
        pygame.draw.polygon(surface, COVER_COLOURS[cover.kind], points)
        pygame.draw.polygon(surface, (30, 30, 30), points, 3)


def render_png(frame: SceneFrame, path: str, show_marks: bool = True) -> None:
    """Draw the frame off-screen and save it: no display or audio device is needed."""
    surface = pygame.Surface(frame.resolution)
    draw(surface, frame, show_marks)
    pygame.image.save(surface, path)
