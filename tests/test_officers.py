"""Two or more officers training at once: each one's replicas carry his lane and his laser
colour, fusion tells their shots apart, and shots, reaction times and the debrief are his."""

from __future__ import annotations

import json
from pathlib import Path

import pygame
import pytest

from hardware.clock import ManualClock
from range.analysis.officers import events_of, officers_of, session_debrief
from range.cli import main
from range.errors import InputsError
from range.run.codec import to_json
from range.run.events import OfficerCommand, ScenarioStarted, ShotFired
from range.run.officers import squad
from range.run.replay import replay
from range.run.rig import SimulatedRig
from range.scenario.catalogue import load_inputs_arg, load_scenario_arg
from range.scenario.policy import load_policy
from range.views.window import Window
from tests.builders import refused
from tests.test_rig_sim import assert_within_a_camera_frame, run_json

TWO = ["--officer", "alice=good", "--officer", "bob=poor"]


def test_two_officers_are_told_apart_by_colour_and_four_by_colour_and_lane() -> None:
    two = squad(["alice", "bob"], 1920)
    assert [(o.name, o.lane, o.laser, o.bounds) for o in two.officers] == [
        ("alice", 1, "red", None), ("bob", 2, "green", None)]
    assert two.lanes() == {}  # anywhere on the screen: the colours tell them apart
    four = squad(["a", "b", "c", "d"], 1920)
    assert [(o.laser, o.bounds) for o in four.officers] == [
        ("red", (0.0, 480.0)), ("green", (480.0, 960.0)),
        ("red", (960.0, 1440.0)), ("green", (1440.0, 1920.0))]
    assert four.by_lane(0).name == "a" and four.by_lane(3).name == "c"
    with pytest.raises(InputsError, match="lane 5: expected a lane of"):
        four.by_lane(5)


@pytest.mark.parametrize(("names", "message"), [
    (["a", "b", "c", "d", "e"], "expected at most 4 officers"),
    (["alice", "alice"], "expected each officer once"),
    (["-rm"], "expected a name of 1-40 letters"),
    (["x" * 41], "expected a name of 1-40 letters"),
])
def test_a_squad_that_cannot_train_at_once_is_refused(names: list[str], message: str) -> None:
    with pytest.raises(InputsError, match=message):
        squad(names, 1920)


def test_the_command_line_refuses_a_bad_officer_in_one_line(
        capsys: pytest.CaptureFixture[str]) -> None:
    line = refused(["run", "knife-charge", "--headless", "--officer", "a", "--officer", "a"],
                   capsys)
    assert line == "holdfire run: error: --officer: expected each officer once, found ['a', 'a']"


def test_simultaneous_pulls_of_two_officers_come_back_as_each_ones_shot() -> None:
    """Both pull at the same instant at different points: one red dot, one green dot,
    each paired with its own replica's report by colour, so neither takes the other's."""
    import numpy as np

    scenario, _ = load_scenario_arg("knife-charge")
    officers = squad(["alice", "bob"], 1920)
    start = 10**12
    rig = SimulatedRig(scenario.rig.resolution, scenario.officer.weapons, start, seed=5,
                       officers=officers)
    pull = start + 2_000_000_000  # once the detector has learnt the scene (its warm-up)
    rig.pull("alice", "pistol", (500.0, 400.0), pull)
    rig.pull("bob", "pistol", (1400.0, 700.0), pull)
    grey = np.full((1080, 1920, 3), 70, np.uint8)
    shots = []
    for k in range(1, 200):  # over three seconds of projector frames and link traffic
        now = start + k * 16_666_667
        rig.observe(lambda size: np.ascontiguousarray(
            grey[:size[1], :size[0]]), now)
        shots += rig.advance(now)
    assert sorted((s.lane, s.source) for s in shots) == [(1, "fused"), (2, "fused")]
    by_lane = {s.lane: s.point for s in shots}
    assert by_lane[1] is not None and by_lane[2] is not None
    assert abs(by_lane[1][0] - 500) < 6 and abs(by_lane[1][1] - 400) < 6
    assert abs(by_lane[2][0] - 1400) < 6 and abs(by_lane[2][1] - 700) < 6
    assert all(abs(s.t_ns - pull) < 2_000_000 for s in shots)  # the pull's time, not the dot's


@pytest.mark.slow
def test_two_officers_through_the_simulated_rig_each_get_their_own_debrief(
        capsys: pytest.CaptureFixture[str]) -> None:
    """Alice plays the good script, Bob the poor one, at once: through the rig every
    scripted shot is found and is his, and each debrief matches the mouse run's."""
    rig = run_json(["run", "knife-charge", "--headless", "--rig", "sim", "--json", *TWO],
                   capsys)["debrief"]["officers"]
    mouse = run_json(["run", "knife-charge", "--headless", "--json", *TWO],
                     capsys)["debrief"]["officers"]
    scenario, _ = load_scenario_arg("knife-charge")
    for name, script in (("alice", "good"), ("bob", "poor")):
        items = load_inputs_arg(script, scenario, None).input
        fired = rig[name]["inputs"]["firearm_shots"] + rig[name]["inputs"]["taser_shots"]
        assert fired == sum(1 for i in items if i.fire)
        assert rig[name]["inputs"]["verbal_commands"] == sum(1 for i in items if i.command)
        assert rig[name]["inputs"]["unconfirmed_shots"] == []
        assert_within_a_camera_frame(rig[name], mouse[name])


def test_each_officers_debrief_holds_his_own_shots_and_reaction_times(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = tmp_path / "two.jsonl"
    assert main(["run", "knife-charge", "--headless", "--log", str(log), *TWO]) == 0
    capsys.readouterr()
    from range.cli.debrief_commands import read_event_log

    events = read_event_log(log)
    assert officers_of(events) == ["alice", "bob"]
    fired = [e for e in events if isinstance(e, ShotFired)]
    scenario, _ = load_scenario_arg("knife-charge")
    policy = load_policy(scenario.policy)
    debrief = session_debrief(events, policy)
    start = events[0]
    assert isinstance(start, ScenarioStarted)
    step = start.step_s
    for name in ("alice", "bob"):
        mine = [e for e in fired if e.officer == name]
        kept = events_of(events, name)
        assert [e.shot for e in kept if isinstance(e, ShotFired)] == [e.shot for e in mine]
        assert all(getattr(e, "shot", None) in {None, *(s.shot for s in mine)} for e in kept)
        # His first answer to the charge is his own first input after it.
        charge = next(c for c in debrief.officers[name].cues if c.threat == "deadly_force")
        answers = sorted([e.pull_s for e in mine if e.pull_s is not None] + [
            e.tick * step for e in events if isinstance(e, OfficerCommand) and e.officer == name])
        first = next(at for at in answers if at >= charge.time_s)
        assert charge.responses[0].time_s == pytest.approx(first, abs=1e-6)
    assert main(["debrief", str(log)]) == 0
    out = capsys.readouterr().out
    assert out.index("=== Officer alice ===") < out.index("=== Officer bob ===")


def test_a_two_officer_session_replays_to_the_same_log(tmp_path: Path) -> None:
    log = tmp_path / "two.jsonl"
    assert main(["run", "knife-charge", "--headless", "--log", str(log), "--json", *TWO]) == 0
    from range.cli.debrief_commands import read_event_log

    events = read_event_log(log)
    scenario, _ = load_scenario_arg("knife-charge")
    again = replay(events, scenario)
    assert [to_json(e, again.step_s) for e in again.events] == log.read_text().splitlines()


def test_tab_passes_the_mouse_and_keys_to_the_next_officer() -> None:
    from range.run.loop import Click, Key

    window = Window((1920, 1080), ManualClock(7), officers=["alice", "bob"])
    try:
        for event in (
            pygame.event.Event(pygame.MOUSEBUTTONDOWN, button=1, pos=(480, 270)),
            pygame.event.Event(pygame.KEYDOWN, key=pygame.K_TAB),
            pygame.event.Event(pygame.MOUSEBUTTONDOWN, button=3, pos=(480, 270)),
            pygame.event.Event(pygame.KEYDOWN, key=pygame.K_s),
            pygame.event.Event(pygame.KEYDOWN, key=pygame.K_TAB),
            pygame.event.Event(pygame.KEYDOWN, key=pygame.K_p),
        ):
            pygame.event.post(event)
        assert window.inputs() == [
            Click(7, (960.0, 540.0), "firearm", "alice"),
            Click(7, (960.0, 540.0), "taser", "bob"), Key(7, command="stop", officer="bob"),
            Key(7, command="police", officer="alice")]
        assert "mouse: alice" in pygame.display.get_caption()[0]
    finally:
        window.close()


def test_a_lone_officers_log_and_debrief_are_as_before(
        capsys: pytest.CaptureFixture[str]) -> None:
    """One officer: no per-officer split in the debrief, his inputs named "officer"."""
    out = json.loads(_run(["run", "knife-charge", "--headless", "--inputs", "good",
                           "--json"], capsys))
    assert "officers" not in out["debrief"]
    assert out["debrief"]["inputs"]["firearm_shots"] == 1


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    assert main(argv) == 0
    return capsys.readouterr().out
