"""The trainee's view at a moment of the review, drawn off-screen: the scene as it was
projected, with every round fired by then marked where it was aimed (after the officer
moved, where it landed as seen from where he is now) and coloured by where it went
(subject, bystander, cover, a miss), numbered as the timeline numbers the shots, and the
rounds fired off the screen, or out of this view, listed in a corner. Drawing only: the
rounds and the snapshot say what."""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from typing import Any

from range.station.rounds import Round
from range.world.snapshot import WorldSnapshot

FATE_COLOURS: dict[str, tuple[int, int, int]] = {
    "subject": (230, 30, 30), "bystander": (230, 40, 230), "cover": (255, 150, 20),
    "ground": (255, 255, 255), "nothing": (255, 255, 255), "in_flight": (170, 170, 170),
    "off_screen": (170, 170, 170),
}
FATE_WORDS = {"subject": "hit", "bystander": "BYSTANDER", "cover": "cover", "ground": "miss",
              "nothing": "miss", "in_flight": "in flight", "off_screen": "off screen"}
RING_PX = 16


def surface_at(snapshot: WorldSnapshot, fired: Sequence[Round], renderer: Any = None) -> Any:
    """The projector frame of `snapshot` with the marks of `fired`, full resolution."""
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    import pygame

    from range.views.projector import SceneRenderer
    from range.views.scene import scene_frame

    frame = scene_frame(snapshot)
    surface = pygame.Surface(frame.resolution)
    (renderer or SceneRenderer()).draw(surface, frame)
    _rounds(surface, snapshot, fired)
    return surface


def _rounds(surface: Any, snapshot: WorldSnapshot, fired: Sequence[Round]) -> None:
    import pygame

    if not pygame.font.get_init():
        pygame.font.init()
    font = pygame.font.Font(None, 30)
    tick = snapshot.tick
    off_screen = []
    for item in fired:
        if item.tick > tick:
            continue
        fate = item.fate if item.landed_by(tick) or item.point is None else "in_flight"
        mark = item.mark(snapshot.projection, tick)
        if mark is None:
            off_screen.append(item)
            continue
        colour = FATE_COLOURS[fate]
        centre = (round(mark[0]), round(mark[1]))
        pygame.draw.circle(surface, (0, 0, 0), centre, RING_PX + 2, 5)
        pygame.draw.circle(surface, colour, centre, RING_PX, 3)
        if fate in ("ground", "nothing"):  # a miss: a cross through the ring
            for dx in (-1, 1):
                pygame.draw.line(surface, colour, (centre[0] - 10 * dx, centre[1] - 10),
                                 (centre[0] + 10 * dx, centre[1] + 10), 3)
        word = (f"TASER {item.taser_result.replace('_', ' ')}"
                if item.taser_result is not None and item.landed_by(tick) else FATE_WORDS[fate])
        _label(surface, font, f"{item.shot} {word}", colour,
               (centre[0] + RING_PX + 4, centre[1] - RING_PX))
    for row, item in enumerate(off_screen):
        where = "off the screen" if item.point is None else "out of this view"
        _label(surface, font, f"shot {item.shot} ({item.weapon}): {where}",
               FATE_COLOURS["off_screen"], (16, 16 + 30 * row))


def _label(surface: Any, font: Any, text: str, colour: tuple[int, int, int],
           at: tuple[int, int]) -> None:
    shadow = font.render(text, True, (0, 0, 0))
    surface.blit(shadow, (at[0] + 2, at[1] + 2))
    surface.blit(font.render(text, True, colour), at)


def scaled(surface: Any, size: tuple[int, int] | None) -> Any:
    import pygame

    if size is None or size == surface.get_size():
        return surface
    return pygame.transform.smoothscale(surface, size)


def png(surface: Any) -> bytes:
    import pygame

    buffer = io.BytesIO()
    pygame.image.save(surface, buffer, "png")
    return buffer.getvalue()


def rgb(surface: Any) -> Any:
    """Height x width x 3 RGB pixels."""
    import numpy as np
    import pygame

    return np.ascontiguousarray(pygame.surfarray.array3d(surface).transpose(1, 0, 2))
