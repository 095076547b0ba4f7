"""The trainee's view of a qualification: the string's target at its true angular size
(`range.courses.view.draw_target`), a strip saying the string, "stand by" or the time
from the tone, and, between strings, the holes of the one just scored. It plays the shot
timer's start tone and turns left clicks into trigger pulls at the cursor; Esc or closing
the window stops the attempt. Under the SDL dummy drivers it works headless (and silent)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from hardware.clock import Clock
from range.courses.placement import TargetPlacement
from range.courses.scoring import ScoredShot

STRIP = (24, 26, 24)
TEXT = (236, 232, 220)
TONE_TEXT = (250, 210, 80)


@dataclass(frozen=True, slots=True)
class CourseFrame:
    """What is on the screen: a target, the holes to show, the strip's words."""

    placement: TargetPlacement
    caption: str
    holes: tuple[ScoredShot, ...] = ()
    live: bool = False  # the tone has sounded: the caption is drawn in the timer's colour


@dataclass(frozen=True, slots=True)
class Pull:
    """A left click: a trigger pull at `point` (projector px) at `t_ns`."""

    t_ns: int
    point: tuple[float, float]


@dataclass(frozen=True, slots=True)
class Stop:
    t_ns: int


class CourseWindow:
    def __init__(self, resolution: tuple[int, int], clock: Clock, *, fullscreen: bool = False,
                 display: int = 0, title: str = "Holdfire qualification",
                 sound: bool = True, lazy: bool = False) -> None:
        os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
        import pygame

        self._pygame = pygame
        pygame.display.init()
        pygame.font.init()
        self._clock = clock
        self.resolution = resolution
        shown = resolution if fullscreen else (resolution[0] // 2, resolution[1] // 2)
        vsync = int(os.environ.get("SDL_VIDEODRIVER") != "dummy")
        self._screen = pygame.display.set_mode(
            shown, pygame.FULLSCREEN if fullscreen else 0, display=display, vsync=vsync)
        pygame.display.set_caption(title)
        self._canvas = (self._screen if self._screen.get_size() == resolution
                        else pygame.Surface(resolution))
        self._font = pygame.font.Font(None, max(24, resolution[1] // 24))
        self._tone = _tone_sound() if sound else None
        self._drawn: tuple[TargetPlacement, tuple[ScoredShot, ...]] | None = None
        self._target = pygame.Surface(resolution)  # the target, drawn once per string
        # Headless, a frame is drawn only when something looks at it (a rig's camera).
        self._lazy = lazy
        self._frame: CourseFrame | None = None
        self._painted = True

    def show(self, frame: CourseFrame) -> int:
        self._frame, self._painted = frame, False
        if not self._lazy:
            self._paint()
        return self._clock.now_ns()

    def _paint(self) -> None:
        from range.courses.view import draw_target

        pygame = self._pygame
        frame = self._frame
        self._painted = True
        if frame is None:
            return
        if self._drawn != (frame.placement, frame.holes):
            draw_target(self._target, frame.placement, frame.holes)
            self._drawn = (frame.placement, frame.holes)
        self._canvas.blit(self._target, (0, 0))
        height = self._font.get_height() + 12
        self._canvas.fill(STRIP, pygame.Rect(0, 0, self.resolution[0], height))
        words = self._font.render(frame.caption, True, TONE_TEXT if frame.live else TEXT)
        self._canvas.blit(words, (16, 6))
        if self._canvas is not self._screen:
            pygame.transform.scale(self._canvas, self._screen.get_size(), self._screen)
        pygame.display.flip()

    def tone(self) -> None:
        if self._tone is not None:
            self._tone.play()

    def pixels(self, size: tuple[int, int] | None = None) -> Any:
        """The frame last drawn, height x width x 3 RGB (scaled to `size`)."""
        import numpy as np

        if not self._painted:
            self._paint()
        surface = self._canvas if size is None else self._pygame.transform.scale(
            self._canvas, size)
        return np.ascontiguousarray(self._pygame.surfarray.array3d(surface).transpose(1, 0, 2))

    def png(self) -> bytes:
        import io

        if not self._painted:
            self._paint()
        buffer = io.BytesIO()
        self._pygame.image.save(self._canvas, buffer, "png")
        return buffer.getvalue()

    def inputs(self) -> list[Pull | Stop]:
        pygame = self._pygame
        found: list[Pull | Stop] = []
        for event in pygame.event.get():
            now = self._clock.now_ns()
            if event.type == pygame.QUIT or (event.type == pygame.KEYDOWN
                                             and event.key == pygame.K_ESCAPE):
                found.append(Stop(now))
            elif event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
                width, height = self._screen.get_size()
                found.append(Pull(now, (event.pos[0] * self.resolution[0] / width,
                                        event.pos[1] * self.resolution[1] / height)))
        return found

    def close(self) -> None:
        self._pygame.display.quit()


def _tone_sound() -> Any:
    """The start tone as a mixer sound, or None without an audio device."""
    import pygame

    from range.courses.timer import tone_wave

    try:
        pygame.mixer.init(frequency=44_100, size=-16, channels=1)
        opened = pygame.mixer.get_init()
    except pygame.error:
        return None
    if opened is None:
        return None
    channels = opened[2]
    import numpy as np

    wave = tone_wave(44_100)
    samples = wave if channels == 1 else np.repeat(wave[:, None], channels, axis=1)
    return pygame.sndarray.make_sound(np.ascontiguousarray(samples))
