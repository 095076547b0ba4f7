"""The projector view: draws a `SceneFrame` onto a pygame surface. No logic but layout.

The backdrop and the cover never change during a run, so a `SceneRenderer` draws each once
and keeps the result; a live loop keeps one renderer and calls `renderer.draw` every
frame. `draw(surface, frame)` is the same with a renderer of its own (one frame's worth
of caching: right for a still, slow for a loop)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pygame

from range.views.backdrop import backdrop_shapes
from range.views.scene import CoverShape, Figure, SceneFrame
from range.views.shapes import Lens, Shape
from range.world.projection import Projection

MARK_COLOURS = {"firearm": (255, 40, 40), "taser": (250, 220, 40)}
ARC_COLOUR = (200, 220, 255)  # a TASER's blue-white crackle
MARK_RADIUS = 7
PROBE_COLOUR = (236, 240, 246)
WIRE_COLOUR = (196, 200, 206)


def draw_shapes(surface: pygame.Surface, shapes: tuple[Shape, ...],
                offset: tuple[float, float] = (0.0, 0.0)) -> None:
    """Opaque shapes only; see-through ones are blended by `_sprite`."""
    ox, oy = offset
    for shape in shapes:
        points = [(u - ox, v - oy) for u, v in shape.points]
        if shape.kind == "polygon":
            if len(points) >= 3:
                pygame.draw.polygon(surface, shape.colour, points)
        elif shape.kind == "circle":
            pygame.draw.circle(surface, shape.colour, points[0], max(1.0, shape.size))
        else:
            pygame.draw.lines(surface, shape.colour, False, points, max(1, round(shape.size)))


@dataclass(slots=True)
class SceneRenderer:
    """Draws frames, keeping the static layers it has drawn (backdrop and cover sprites)."""

    _backdrops: dict[tuple[str, Projection, Projection], pygame.Surface] = field(
        default_factory=dict)
    _sprites: dict[CoverShape, tuple[pygame.Surface, tuple[int, int]]] = field(
        default_factory=dict)

    def draw(self, surface: pygame.Surface, frame: SceneFrame, show_marks: bool = True) -> None:
        surface.blit(self._backdrop(surface, frame), (0, 0))
        for item in frame.drawables:
            if isinstance(item, CoverShape):
                sprite, at = self._sprite(item, frame.resolution)
                surface.blit(sprite, at)
            else:
                _figure(surface, item)
        if show_marks:
            _marks(surface, frame)
        _officer_state(surface, frame)

    def _backdrop(self, surface: pygame.Surface, frame: SceneFrame) -> pygame.Surface:
        key = (frame.backdrop, frame.projection, frame.seen_from)
        if key not in self._backdrops:
            layer = pygame.Surface(frame.resolution, 0, surface)
            draw_shapes(layer, backdrop_shapes(Lens(frame.projection), frame.backdrop,
                                               frame.seen_from))
            self._backdrops = {key: layer}  # one scenario at a time: keep only the latest
        return self._backdrops[key]

    def _sprite(self, cover: CoverShape, resolution: tuple[int, int]
                ) -> tuple[pygame.Surface, tuple[int, int]]:
        if cover not in self._sprites:
            if len(self._sprites) > 64:  # a new scenario's cover: forget the old
                self._sprites.clear()
            self._sprites[cover] = _sprite(cover, resolution)
        return self._sprites[cover]


def _sprite(cover: CoverShape, resolution: tuple[int, int]
            ) -> tuple[pygame.Surface, tuple[int, int]]:
    """The cover drawn once on a see-through surface the size of its part of the screen;
    glass is blended over what is behind it (a person is seen through a car's windows)."""
    points = [p for s in cover.shapes for p in s.points] or [(0.0, 0.0)]
    left = max(0, int(min(u for u, _ in points)) - 2)
    top = max(0, int(min(v for _, v in points)) - 2)
    right = min(resolution[0], int(max(u for u, _ in points)) + 3)
    bottom = min(resolution[1], int(max(v for _, v in points)) + 3)
    size = (max(1, right - left), max(1, bottom - top))
    sprite = pygame.Surface(size, pygame.SRCALPHA)
    offset = (float(left), float(top))
    for shape in cover.shapes:
        if shape.alpha >= 255:
            draw_shapes(sprite, (shape,), offset)
            continue
        glass = pygame.Surface(size, pygame.SRCALPHA)
        draw_shapes(glass, (Shape(shape.kind, shape.colour, shape.points, shape.size),), offset)
        glass.set_alpha(shape.alpha)
        sprite.blit(glass, (0, 0))
    return sprite, (left, top)


def _figure(surface: pygame.Surface, figure: Figure) -> None:
    draw_shapes(surface, figure.shapes)


def _marks(surface: pygame.Surface, frame: SceneFrame) -> None:
    for probe in frame.probes:
        pygame.draw.lines(surface, WIRE_COLOUR, False, probe.wire, 2)
        pygame.draw.circle(surface, PROBE_COLOUR, probe.point, 4)
        pygame.draw.circle(surface, (40, 40, 40), probe.point, 4, 1)
    for arc in frame.arcs:
        pygame.draw.lines(surface, ARC_COLOUR, False, arc, 2)
    for mark in frame.marks:
        centre = (round(mark.point[0]), round(mark.point[1]))
        pygame.draw.circle(surface, MARK_COLOURS[mark.force], centre, MARK_RADIUS)
        pygame.draw.circle(surface, (0, 0, 0), centre, MARK_RADIUS, 2)


HIT_COLOUR = (230, 30, 30)
TEXT_COLOUR = (245, 245, 245)


def _officer_state(surface: pygame.Surface, frame: SceneFrame) -> None:
    """A hit on the officer: a red frame round the picture and "HIT", fading over a
    second; once he is down by the scenario's rule, "OFFICER DOWN" stays."""
    if frame.officer_hit <= 0.0 and not frame.officer_down:
        return
    width, height = frame.resolution
    strength = 1.0 if frame.officer_down else frame.officer_hit
    edge = pygame.Surface((width, height), pygame.SRCALPHA)
    thick = max(8, height // 40)
    pygame.draw.rect(edge, (*HIT_COLOUR, round(200 * strength)), edge.get_rect(), thick)
    surface.blit(edge, (0, 0))
    _text(surface, "OFFICER DOWN" if frame.officer_down else "HIT", height // 8,
          (width // 2, height // 6), HIT_COLOUR, round(255 * strength))


def _text(surface: pygame.Surface, words: str, size: int, centre: tuple[int, int],
          colour: tuple[int, int, int], alpha: int = 255) -> None:
    if not pygame.font.get_init():
        pygame.font.init()
    picture = pygame.font.Font(None, size).render(words, True, colour)
    picture.set_alpha(alpha)
    surface.blit(picture, picture.get_rect(center=centre))


def draw_lines(surface: pygame.Surface, lines: tuple[str, ...]) -> None:
    """Lines of text over a dark panel at the top left (the window's key list)."""
    if not pygame.font.get_init():
        pygame.font.init()
    font = pygame.font.Font(None, max(20, surface.get_height() // 36))
    pictures = [font.render(line, True, TEXT_COLOUR) for line in lines]
    width = max(p.get_width() for p in pictures) + 24
    panel = pygame.Surface((width, sum(p.get_height() + 4 for p in pictures) + 20),
                           pygame.SRCALPHA)
    panel.fill((0, 0, 0, 170))
    surface.blit(panel, (10, 10))
    y = 20
    for picture in pictures:
        surface.blit(picture, (22, y))
        y += picture.get_height() + 4


def draw(surface: pygame.Surface, frame: SceneFrame, show_marks: bool = True,
         renderer: SceneRenderer | None = None) -> None:
    """Draw one frame; pass the loop's `renderer` to keep the static layers between frames."""
    (renderer or SceneRenderer()).draw(surface, frame, show_marks)


def png_bytes(frame: SceneFrame, show_marks: bool = True,
              size: tuple[int, int] | None = None) -> bytes:
    """The frame drawn off-screen as PNG data, scaled to `size` if given: no display or
    audio device is needed."""
    import io

    surface = pygame.Surface(frame.resolution)
    draw(surface, frame, show_marks)
    if size is not None and size != frame.resolution:
        surface = pygame.transform.smoothscale(surface, size)
    buffer = io.BytesIO()
    pygame.image.save(surface, buffer, "png")
    return buffer.getvalue()
