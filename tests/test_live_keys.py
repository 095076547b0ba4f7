"""The window's keys for what scripts can do: a command's tone, a weapon shown, a reload,
a drive stun at the cursor and the officer's moves, each logged where it happens and
replayed; F1 lays the key list over the scene."""

from __future__ import annotations

from typing import Any

import numpy as np
import pygame

from hardware.clock import ManualClock
from range.run.codec import to_json
from range.run.events import ForceShown, OfficerCommand, OfficerReloaded, ShotFired
from range.run.live import LiveSession
from range.run.loop import Click, Key, run_live
from range.run.officer_events import OfficerMoved
from range.run.replay import replay
from range.scenario.model import Scenario, scenario_from_data
from range.views.window import HELP_LINES, OFFICER_KEYS, Window
from tests.builders import actor, scenario_data

FRAME_NS = 16_666_667


SMALL = (480, 270)  # a small projector: the frames are drawn quickly


def moving_scenario() -> Scenario:
    data = scenario_data(actor(), duration=0.5, rig={"resolution": list(SMALL)})
    data["officer"]["movement"] = {"room_behind": "3 m"}
    return scenario_from_data(data, "test")


def key(name: int, mod: int = 0) -> pygame.event.Event:
    return pygame.event.Event(pygame.KEYDOWN, key=name, mod=mod)


def test_each_key_gives_its_input() -> None:
    window = Window((1920, 1080), ManualClock(7))
    try:
        for event in (key(pygame.K_s, pygame.KMOD_LSHIFT), key(pygame.K_k, pygame.KMOD_LCTRL),
                      key(pygame.K_s), key(pygame.K_f), key(pygame.K_x), key(pygame.K_r),
                      key(pygame.K_DOWN), key(pygame.K_UP)):
            pygame.event.post(event)
        assert window.inputs() == [
            Key(7, command="stop", tone="shouted"), Key(7, command="talk", tone="calm"),
            Key(7, command="stop"), Key(7, show_kind="firearm"), Key(7, show_kind="taser"),
            Key(7, reload="firearm"), Key(7, move="back"), Key(7, move="cover")]
        pygame.event.post(key(pygame.K_z))
        (stun,) = window.inputs()
        assert isinstance(stun, Click) and (stun.trigger, stun.drive_stun) == ("taser", True)
    finally:
        window.close()


def test_the_keys_are_logged_where_given_and_replay_byte_for_byte() -> None:
    scenario = moving_scenario()
    clock = ManualClock(1_000_000_000)
    live = LiveSession(scenario, 0, clock)
    window = Window(SMALL, clock)
    try:
        for event in (key(pygame.K_d, pygame.KMOD_LSHIFT), key(pygame.K_f), key(pygame.K_r),
                      key(pygame.K_DOWN), key(pygame.K_z), key(pygame.K_UP)):
            pygame.event.post(event)
        run_live(live, window, clock, FRAME_NS)
    finally:
        window.close()
    events = live.world.events
    (said,) = [e for e in events if isinstance(e, OfficerCommand)]
    assert (said.command, said.tone) == ("drop-weapon", "shouted")
    assert [e.weapon for e in events if isinstance(e, ForceShown)] == ["pistol"]
    assert [e.weapon for e in events if isinstance(e, OfficerReloaded)] == ["pistol"]
    # "up" finds no place with cover in this scenario: nothing moves for it.
    assert [(e.move, e.to) for e in events if isinstance(e, OfficerMoved)] == [
        ("back", (0.0, -2.0))]
    assert [(e.weapon, e.mode) for e in events if isinstance(e, ShotFired)] == [
        ("x26", "drive_stun")]
    again = replay(events, scenario).events
    assert [to_json(e, 1 / 240) for e in again] == [to_json(e, 1 / 240) for e in events]


def test_f1_lays_the_key_list_over_the_scene() -> None:
    scenario = moving_scenario()
    clock = ManualClock(0)
    live = LiveSession(scenario, 0, clock)
    window = Window((1920, 1080), clock)
    try:
        window.show(live.frame())
        plain: Any = window.pixels()
        pygame.event.post(key(pygame.K_F1))
        window.inputs()
        window.show(live.frame())
        helped: Any = window.pixels()
    finally:
        window.close()
    changed = np.any(plain != helped, axis=2)
    rows, cols = np.nonzero(changed)
    assert changed.any() and rows.min() >= 10 and cols.min() >= 10  # the panel, top left
    assert any("step back" in line for line in HELP_LINES)
    assert all(any(what in line for line in HELP_LINES) for _, what in OFFICER_KEYS.values())


def test_the_drive_stun_key_takes_the_taser_that_drive_stuns_or_does_nothing() -> None:
    from range.run.loop import stunner

    data = scenario_data(actor(), duration=0.5)
    # Every CEW drive-stuns (the devices' table); the key takes the first one he carries.
    data["officer"]["weapons"] = ["pistol", "taser7-cq", "x26"]
    assert stunner(scenario_from_data(data, "test")) == "taser7-cq"
    data["officer"]["weapons"] = ["pistol", "x26p", "taser10"]
    assert stunner(scenario_from_data(data, "test")) == "x26p"
    data["officer"]["weapons"] = ["pistol"]
    assert stunner(scenario_from_data(data, "test")) is None
