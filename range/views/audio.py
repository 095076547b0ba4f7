"""What the trainee hears: each shot as it is fired, a TASER's discharge, and each voice
line as its speaker enters the state that says it (the scenario's `say`).

Sounds follow the snapshots shown, as the picture does, and are played right after the
flip of the frame that first shows their cause. With no audio device, or sound turned
off, the scenario plays the same in silence."""

from __future__ import annotations

import os
from importlib import resources
from typing import Any

from assets.voices import voice_file
from range.scenario.model import Scenario
from range.world.snapshot import WorldSnapshot

EFFECT_OF_FORCE = {"firearm": "pistol", "taser": "taser"}


class Sounds:
    def __init__(self, scenario: Scenario, enabled: bool = True) -> None:
        self._lines = {(actor.id, name): state.say for actor in scenario.actors
                       for name, state in actor.states.items() if state.say}
        self._mixer = _mixer() if enabled else None
        self._cache: dict[str, Any] = {}
        self._last_shot = 0
        self._states: dict[str, str] = {}
        self.played: list[str] = []  # asset names, in order: what a session sounded like

    def update(self, snapshot: WorldSnapshot) -> None:
        """Play what this frame shows for the first time."""
        for shot in snapshot.recent_shots:
            if shot.shot > self._last_shot:
                self._last_shot = shot.shot
                self._play(f"sounds/{EFFECT_OF_FORCE[shot.force]}.wav")
        for actor in snapshot.actors:
            if self._states.get(actor.id) != actor.state:
                self._states[actor.id] = actor.state
                line = self._lines.get((actor.id, actor.state))
                if line:
                    self._play(voice_file(line))

    def _play(self, asset: str) -> None:
        self.played.append(asset)
        if self._mixer is None:
            return
        sound = self._cache.get(asset)
        if sound is None:
            path = resources.files("assets").joinpath(asset)
            if not path.is_file():
                return  # a line no asset was made for: silent, the scene goes on
            with resources.as_file(path) as file:
                sound = self._cache[asset] = self._mixer.Sound(str(file))
        sound.play()


def _mixer() -> Any:
    """pygame's mixer, or None when there is no audio device to open."""
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    import pygame

    try:
        pygame.mixer.init(frequency=22050, size=-16, channels=1)
    except pygame.error:
        return None
    return pygame.mixer
