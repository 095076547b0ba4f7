"""Whole runs: determinism, the event log file, and the debrief of the shipped scripts."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from range.analysis.decisions import analyse
from range.analysis.report import DecisionReport
from range.run.codec import read_log, to_json
from range.run.events import BulletHit, ShotFired, SubjectStopped
from range.run.log_writer import EventLogWriter
from range.run.scripted import simulate
from range.scenario.catalogue import find, shipped_names
from range.scenario.inputs import parse_inputs
from range.scenario.model import Scenario, parse_scenario
from range.scenario.policy import load_policy
from range.world.engine import STEP_S


def load(name: str) -> Scenario:
    return parse_scenario(*find(name))


def run_to_log(name: str, script: str | None, seed: int, path: Path) -> bytes:
    scenario = load(name)
    inputs = parse_inputs(*find(f"{name}-{script}", "inputs"), scenario).input if script else []
    with EventLogWriter(path) as log:
        simulate(scenario, inputs, seed, sink=log.write)
    return path.read_bytes()


@pytest.mark.parametrize("name", ["crisis-knife", "winter-jacket", "bystander-behind"])
def test_same_scenario_seed_and_inputs_give_a_byte_identical_log(name: str,
                                                                 tmp_path: Path) -> None:
    first = run_to_log(name, "poor", 7, tmp_path / "a.jsonl")
    second = run_to_log(name, "poor", 7, tmp_path / "b.jsonl")
    assert first == second
    assert len(first.splitlines()) > 5


def test_the_seed_drives_the_scenario_chances(tmp_path: Path) -> None:
    """crisis-knife: told to drop the knife, he drops it with chance 0.9, else rushes."""
    rushed = 0
    for seed in range(40):
        log = run_to_log("crisis-knife", "good", seed, tmp_path / f"{seed}.jsonl")
        rushed += b'"state":"rushing"' in log
    assert 1 <= rushed <= 10  # 4 expected of 40


def test_the_log_reads_back_into_the_same_events(tmp_path: Path) -> None:
    lines = run_to_log("knife-charge", "poor", 0, tmp_path / "run.jsonl").decode().splitlines()
    events = list(read_log(lines))
    assert [to_json(e, 1 / 240) for e in events] == lines
    assert events[0] == simulate(load("knife-charge"), [], 0).events[0]


def test_a_failed_run_leaves_only_a_partial_log(tmp_path: Path) -> None:
    path = tmp_path / "run.jsonl"
    scenario = load("knife-charge")
    with pytest.raises(RuntimeError), EventLogWriter(path) as log:
        world = simulate(scenario, [], 0, sink=log.write)
        raise RuntimeError(f"crash after {len(world.events)} events")
    assert not path.exists()
    lines = (tmp_path / "run.jsonl.partial").read_text().splitlines()
    assert len(list(read_log(lines))) == len(lines) > 2  # every line is whole


def debrief(name: str, script: str | None) -> DecisionReport:
    scenario = load(name)
    inputs = parse_inputs(*find(f"{name}-{script}", "inputs"), scenario).input if script else []
    return analyse(simulate(scenario, inputs, 0).events, load_policy(scenario.policy))


def after_threat(report: DecisionReport) -> int:
    return sum(item.count for item in report.after_threat)


def first_options(report: DecisionReport) -> list[str | None]:
    return [c.first_response.option if c.first_response else None for c in report.cues]


def policy_words(report: DecisionReport) -> list[str]:
    return [r.policy for c in report.cues for r in c.responses]


def test_knife_charge_good_and_poor() -> None:
    good, poor = debrief("knife-charge", "good"), debrief("knife-charge", "poor")
    assert after_threat(good) == 0 and after_threat(poor) == 3  # the rounds at 6.3-6.8 s
    charge = next(c for c in good.cues if c.threat == "deadly_force")
    assert charge.first_response is not None
    assert charge.first_response.latency_s == pytest.approx(0.4)
    poor_charge = next(c for c in poor.cues if c.threat == "deadly_force")
    assert poor_charge.first_response is not None
    assert poor_charge.first_response.option == "taser"
    assert [t.result for t in poor.taser] == ["out_of_range"]
    assert len(poor.transitions) == 1  # TASER failed, then the firearm


def test_armed_subject_who_drops_the_weapon() -> None:
    good, poor = debrief("armed-drops-weapon", "good"), debrief("armed-drops-weapon", "poor")
    # The command that ended the threat is its response, given in the same tick.
    holding = good.cues[0]
    assert holding.first_response is not None
    assert (holding.first_response.option, holding.first_response.latency_s) == ("verbal", 0.8)
    assert good.inputs.firearm_shots == 0 and after_threat(good) == 0
    # Both shots came after he had let go of the pistol.
    assert poor.inputs.firearm_shots == 2 and after_threat(poor) == 2


def test_phone_not_gun() -> None:
    good, poor = debrief("phone-not-gun", "good"), debrief("phone-not-gun", "poor")
    reaching = next(c for c in good.cues if c.state == "reaching")
    assert reaching.first_response is not None
    assert reaching.first_response.option == "verbal"
    assert reaching.first_response.policy == "within policy expectation"
    poor_reach = next(c for c in poor.cues if c.state == "reaching")
    assert poor_reach.first_response is not None
    assert poor_reach.first_response.option == "firearm"
    assert "more force" in poor_reach.first_response.policy


def test_traffic_stop_draw() -> None:
    good, poor = debrief("traffic-stop-draw", "good"), debrief("traffic-stop-draw", "poor")
    draw = next(c for c in good.cues if c.state == "drawing")
    assert draw.first_response is not None and draw.first_response.latency_s == \
        pytest.approx(0.45)
    # He fires every 0.4 s from 3.25 s until the hit that stops him takes effect (or the
    # run ends): a torso hit stops a man seconds later, not on the tick it lands.
    first_hit = {}
    for report, name in ((good, "good"), (poor, "poor")):
        events = simulate(load("traffic-stop-draw"), parse_inputs(
            *find(f"traffic-stop-draw-{name}", "inputs"), load("traffic-stop-draw")).input,
            0).events
        stopped = next((e for e in events if isinstance(e, SubjectStopped)), None)
        end_s = stopped.tick * STEP_S if stopped is not None else 8.0
        expected = math.floor((end_s - 3.25) / 0.4 + 1e-9) + 1
        assert len(report.attacks) == expected
        first_hit[name] = next(e.tick for e in events if isinstance(e, BulletHit))
    assert first_hit["good"] < first_hit["poor"]  # the good script hits him sooner
    assert poor.inputs.firearm_shots == 3
    assert sum(h.total for h in poor.hits) == 1  # the car stopped two rounds


def test_crisis_knife() -> None:
    good, poor = debrief("crisis-knife", "good"), debrief("crisis-knife", "poor")
    assert good.inputs.firearm_shots == good.inputs.taser_shots == 0
    assert good.inputs.verbal_commands == 3
    assert [t.result for t in poor.taser] == ["out_of_range", "short_spread"]
    assert [(k.key, k.operator) for k in poor.branch_keys] == [("1", "range master")]


def test_bystander_behind() -> None:
    good, poor = debrief("bystander-behind", "good"), debrief("bystander-behind", "poor")
    assert good.bystander_hits == ()
    assert [(b.actor, b.shot) for b in poor.bystander_hits] == [("bystander", 1)]


def test_winter_jacket() -> None:
    good, poor = debrief("winter-jacket", "good"), debrief("winter-jacket", "poor")
    assert [t.result for t in good.taser] == ["clothing", "one_probe", "effective"]
    assert [t.result for t in poor.taser] == ["clothing", "clothing"]
    assert len(good.attacks) == 0 and len(poor.attacks) > 3


@pytest.mark.parametrize("name", sorted(shipped_names()))
def test_no_officer_input_is_analysed_too(name: str) -> None:
    report = debrief(name, None)
    assert report.inputs.verbal_commands == report.inputs.firearm_shots == 0
    assert all(c.first_response is None for c in report.cues)
    assert report.cues, "every shipped scenario has at least one threat cue"


@pytest.mark.parametrize("name", shipped_names())
def test_every_scripted_shot_is_one_a_trainee_could_fire_at_the_screen(name: str) -> None:
    """A shot at a point below or beside the screen could not be fired on a real rig."""
    scenario = load(name)
    width, height = scenario.rig.resolution
    for script in ("good", "poor"):
        inputs = parse_inputs(*find(f"{name}-{script}", "inputs"), scenario).input
        shots = [e for e in simulate(scenario, inputs, 0).events if isinstance(e, ShotFired)]
        meant_off = sum(item.off_screen for item in inputs)
        on_screen = [s for s in shots if s.point is not None
                     and 0 <= s.point[0] < width and 0 <= s.point[1] < height]
        assert len(on_screen) == len(shots) - meant_off, (script, [s.point for s in shots])
