"""The trainee's view on a display: a pygame window (or full screen on a chosen display)
that draws snapshots and turns clicks and keys into the live loop's inputs.

Left click fires the officer's firearm, right click his TASER, at the cursor. Keys give
verbal commands (see KEYS: in their usual tone; with Shift shouted, with Ctrl calm), show a
weapon, reload, drive-stun at the cursor and move the officer (see OFFICER_KEYS); the
digits are the instructor's branch keys; F1 shows the keys on the screen; Esc stops the
session. With several officers, the mouse and keys play one of them at a time: Tab
passes them to the next (the window's title says whom). Under the SDL dummy driver the
same window works headless, for tests."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from hardware.clock import Clock
from range.run.loop import Click, Key, OperatorInput, Trigger
from range.scenario.model import Tone
from range.views.audio import Sounds
from range.vocabulary import Command
from range.world.snapshot import WorldSnapshot

# Verbal commands by key: the word's first letter where it is free.
KEYS: dict[str, Command] = {
    "p": "police", "s": "stop", "h": "show-hands", "d": "drop-weapon", "g": "get-down",
    "b": "step-back", "t": "turn-around", "m": "dont-move", "k": "talk",
}
# What the officer does with his body and kit, by key (pygame key names).
OFFICER_KEYS: dict[str, tuple[str, str]] = {
    "f": ("show", "show the firearm (draw and point it)"),
    "x": ("show", "show the TASER (point it, laser on)"),
    "r": ("reload", "reload the firearm"),
    "z": ("drive_stun", "drive stun with the TASER at the cursor"),
    "down": ("move", "step back (where the scenario allows)"),
    "up": ("move", "to cover: the nearest place with cover"),
}
HELP_LINES = (
    "left click: firearm    right click: TASER",
    *(f"{key}: {words}" for key, words in (
        ("p s h d g b t m k", "commands (police, stop, show hands, drop the weapon, get down,"
                              " step back, turn around, don't move, talk)"),
        ("Shift / Ctrl + command", "shouted / calm"))),
    *(f"{key}: {what}" for key, (_, what) in OFFICER_KEYS.items()),
    "1-9: branch keys    Tab: next officer    F1: this help    Esc: stop",
)


class Window:
    def __init__(self, resolution: tuple[int, int], clock: Clock, *, fullscreen: bool = False,
                 display: int = 0, size: tuple[int, int] | None = None,
                 title: str = "Holdfire", sounds: Sounds | None = None,
                 officers: Sequence[str] = ()) -> None:
        os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
        import pygame

        self._pygame = pygame
        pygame.display.init()
        self._clock = clock
        self._sounds = sounds
        self.resolution = resolution
        flags = pygame.FULLSCREEN if fullscreen else 0
        shown_size = resolution if fullscreen else (size or _fit(resolution))
        # A real display paces the loop with vsync; the dummy driver has none to offer.
        vsync = int(os.environ.get("SDL_VIDEODRIVER") != "dummy")
        self._screen = pygame.display.set_mode(shown_size, flags, display=display, vsync=vsync)
        self._title, self._officers = title, list(officers)
        self.playing: str | None = self._officers[0] if self._officers else None
        self._caption()
        self._canvas = (self._screen if self._screen.get_size() == resolution
                        else pygame.Surface(resolution))
        from range.views.projector import SceneRenderer

        self._renderer = SceneRenderer()  # keeps the backdrop and cover between frames
        self.help = False  # the key list over the scene (F1)

    def show(self, snapshot: WorldSnapshot) -> int:
        from range.views.scene import scene_frame

        self._renderer.draw(self._canvas, scene_frame(snapshot))
        if self.help:
            from range.views.projector import draw_lines

            draw_lines(self._canvas, HELP_LINES)
        return self._flip(snapshot)

    def show_picture(self, rgb: Any) -> int:
        """Show a picture (height x width x 3 RGB) across the whole projector: the
        calibration board a rig's alignment is checked on."""
        picture = self._pygame.surfarray.make_surface(rgb.transpose(1, 0, 2))
        self._pygame.transform.scale(picture, self.resolution, self._canvas)
        return self._flip(None)

    def _flip(self, snapshot: WorldSnapshot | None) -> int:
        if self._canvas is not self._screen:
            self._pygame.transform.scale(self._canvas, self._screen.get_size(), self._screen)
        self._pygame.display.flip()
        flip_ns = self._clock.now_ns()  # stamped right after the flip: when it was shown
        if self._sounds is not None and snapshot is not None:
            self._sounds.update(snapshot)
        return flip_ns

    def pixels(self, size: tuple[int, int] | None = None) -> Any:
        """The frame last drawn, as the projector shows it (scaled to `size`, if given):
        height x width x 3, RGB."""
        import numpy as np

        surface = self._canvas if size is None else self._pygame.transform.scale(
            self._canvas, size)
        return np.ascontiguousarray(self._pygame.surfarray.array3d(surface).transpose(1, 0, 2))

    def inputs(self) -> list[OperatorInput]:
        pygame = self._pygame
        found: list[OperatorInput] = []
        for event in pygame.event.get():
            now = self._clock.now_ns()
            if event.type == pygame.QUIT:
                found.append(Key(now, stop=True))
            elif event.type == pygame.MOUSEBUTTONDOWN and event.button in (1, 3):
                trigger: Trigger = "firearm" if event.button == 1 else "taser"
                found.append(Click(now, self._to_projector(event.pos), trigger,
                                   self.playing))
            elif event.type == pygame.KEYDOWN:
                found += self._key(event, now)
        return found

    def _key(self, event: Any, now: int) -> list[OperatorInput]:
        name = self._pygame.key.name(event.key)
        if event.key == self._pygame.K_ESCAPE:
            return [Key(now, stop=True)]
        if event.key == self._pygame.K_TAB and len(self._officers) > 1:
            after = self._officers.index(self.playing) + 1 if self.playing else 0
            self.playing = self._officers[after % len(self._officers)]
            self._caption()
            return []
        if event.key == self._pygame.K_F1:
            self.help = not self.help
            return []
        if name in KEYS:
            return [Key(now, command=KEYS[name], officer=self.playing,
                        tone=self._tone(getattr(event, "mod", 0)))]
        if name in OFFICER_KEYS:
            return [self._officer_key(name, now)]
        if len(name) == 1 and name.isdigit():
            return [Key(now, branch=name)]
        return []

    def _tone(self, mod: int) -> Tone | None:
        pygame = self._pygame
        if mod & pygame.KMOD_SHIFT:
            return "shouted"
        return "calm" if mod & pygame.KMOD_CTRL else None

    def _officer_key(self, name: str, now: int) -> OperatorInput:
        what = OFFICER_KEYS[name][0]
        if what == "drive_stun":
            mouse = self._to_projector(self._pygame.mouse.get_pos())
            return Click(now, mouse, "taser", self.playing, drive_stun=True)
        if what == "move":
            return Key(now, move="back" if name == "down" else "cover", officer=self.playing)
        trigger: Trigger = "taser" if name == "x" else "firearm"
        if what == "reload":
            return Key(now, reload=trigger, officer=self.playing)
        return Key(now, show_kind=trigger, officer=self.playing)

    def _caption(self) -> None:
        whom = f" (mouse: {self.playing}; Tab for the next)" if len(self._officers) > 1 else ""
        self._pygame.display.set_caption(self._title + whom)

    def _to_projector(self, pos: tuple[int, int]) -> tuple[float, float]:
        """A window pixel to the projector pixel drawn there (the window may be scaled)."""
        width, height = self._screen.get_size()
        return (pos[0] * self.resolution[0] / width, pos[1] * self.resolution[1] / height)

    def close(self) -> None:
        self._pygame.display.quit()


def _fit(resolution: tuple[int, int]) -> tuple[int, int]:
    """A window half the projector's size: it fits a laptop screen."""
    return (resolution[0] // 2, resolution[1] // 2)
