"""Replay: a log's inputs run again through the world give the same log, byte for byte;
logs carry their version and provenance, and readers take what they can read."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest

from range.analysis.decisions import analyse
from range.analysis.digest import digest
from range.errors import EventLogError
from range.run.codec import read_log, to_json
from range.run.events import LOG_VERSION, Event, ScenarioEnded, ScenarioStarted, ShotFired
from range.run.log_writer import EventLogWriter
from range.run.provenance import provenance
from range.run.replay import replay
from range.run.scripted import simulate
from range.scenario.catalogue import load_inputs_arg, load_scenario_arg, shipped_names
from range.scenario.model import Scenario
from range.scenario.policy import load_policy
from range.scenario.validation import content_hash
from tests.conftest import REPO_ROOT

CASES = [(name, script) for name in shipped_names() for script in ("good", "poor", "none")]
WALL = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)


def logged_run(name: str, script: str, path: Path, seed: int = 0) -> tuple[Scenario, bytes]:
    scenario, base = load_scenario_arg(name)
    inputs = None if script == "none" else load_inputs_arg(script, scenario, base)
    origin = provenance(scenario, "script" if inputs else "none", 123_456_789,
                        inputs=inputs, policy=load_policy(scenario.policy, base), wall=WALL)
    with EventLogWriter(path) as log:
        simulate(scenario, inputs.input if inputs else [], seed, log.write, origin)
    return scenario, path.read_bytes()


def lines_of(events: Sequence[Event]) -> bytes:
    start = events[0]
    assert isinstance(start, ScenarioStarted)
    step = start.step_s
    return "".join(to_json(e, step) + "\n" for e in events).encode()


@pytest.mark.parametrize(("name", "script"), CASES)
def test_every_shipped_run_replays_to_a_byte_identical_log(name: str, script: str,
                                                          tmp_path: Path) -> None:
    scenario, original = logged_run(name, script, tmp_path / "run.jsonl")
    events = list(read_log(original.decode().splitlines()))
    assert lines_of(replay(events, scenario).events) == original


def test_the_start_event_carries_the_log_version_and_provenance(tmp_path: Path) -> None:
    scenario, data = logged_run("knife-charge", "good", tmp_path / "run.jsonl", seed=5)
    start = json.loads(data.decode().splitlines()[0])
    assert start["type"] == "scenario_started" and start["log_version"] == LOG_VERSION
    assert start["seed"] == 5 and start["input_source"] == "script"
    assert start["scenario_sha256"] == content_hash(scenario)
    assert start["inputs_sha256"] is not None and start["policy_sha256"] is not None
    assert start["wall_start"] == "2026-12-01T09:30:00.000+00:00"
    assert start["mono_origin_ns"] == 123_456_789
    assert start["holdfire_version"] not in ("", "unknown")


def test_a_log_cut_short_replays_through_its_last_event(tmp_path: Path) -> None:
    scenario, data = logged_run("traffic-stop-draw", "poor", tmp_path / "run.jsonl")
    lines = data.decode().splitlines()
    middle = json.loads(lines[len(lines) // 2])["tick"]  # killed during this tick
    cut = [line for line in lines if json.loads(line)["tick"] <= middle]
    assert len(lines) > len(cut) > 3
    events = list(read_log(cut))
    again = replay(events, scenario).events
    assert not any(isinstance(e, ScenarioEnded) for e in again)
    assert lines_of(again).decode().splitlines()[:len(cut)] == cut


def test_a_stopped_session_replays_to_its_stop(tmp_path: Path) -> None:
    scenario, _ = load_scenario_arg("knife-charge")
    world = simulate(scenario, [], 0)
    stopped = [e for e in world.events if e.tick < 300]
    stopped.append(ScenarioEnded(tick=300, reason="stopped by the range master"))
    again = replay(stopped, scenario).events
    assert lines_of(again) == lines_of(stopped)


def test_a_replay_refuses_another_version_of_the_scenario(tmp_path: Path) -> None:
    scenario, data = logged_run("knife-charge", "good", tmp_path / "run.jsonl")
    events = list(read_log(data.decode().splitlines()))
    changed = scenario.model_copy(update={"duration": scenario.duration + 1})
    with pytest.raises(EventLogError, match="another version of scenario 'knife-charge'"):
        replay(events, changed)


def test_a_version_1_0_log_still_reads_and_gives_the_same_debrief() -> None:
    path = REPO_ROOT / "tests" / "data" / "logs" / "knife-charge-poor-v1.0.jsonl"
    events = list(read_log(path.read_text().splitlines()))
    start = events[0]
    assert isinstance(start, ScenarioStarted) and start.log_version == "1.0"
    report = analyse(events, load_policy(start.policy))
    # Its debrief, kept beside it (the shipped run has changed since): how an old log reads
    # changes only on purpose, in the diff of that file.
    expected = json.loads(path.with_suffix(".debrief.json").read_text())
    assert json.loads(json.dumps(report.to_dict())) == expected
    # Where each round went came later: that engine flew the last four rounds off the
    # bottom of the screen (today's strikes the ground), and its own log says so.
    assert [r.outcome for r in report.rounds] == [
        "out of wire", "out of wire", "hit", *["off the screen"] * 4]


def start_line(version: str) -> str:
    return json.dumps({"type": "scenario_started", "tick": 0, "t": 0.0, "scenario": "s",
                       "title": "t", "seed": 0, "step_s": 1 / 240, "policy": "default",
                       "actors": {}, "log_version": version, "added_in_1_9": True})


def test_a_newer_minor_version_reads_and_its_new_fields_are_set_aside() -> None:
    (start,) = read_log([start_line("1.9")])
    assert isinstance(start, ScenarioStarted) and start.log_version == "1.9"


@pytest.mark.parametrize("version", ["2.0", "0.3", "1", "one.two"])
def test_a_log_of_another_major_version_is_refused_naming_its_version(version: str) -> None:
    with pytest.raises(EventLogError) as caught:
        list(read_log([start_line(version)], "old.jsonl"))
    message = str(caught.value)
    assert message.startswith(f"old.jsonl:1: log version {version!r}: this Holdfire reads "
                              "version 1.x logs")


@pytest.mark.parametrize(("line", "expected"), [
    ("1", "old.jsonl:1: expected an event object with a type of"),
    ("null", "old.jsonl:1: expected an event object with a type of"),
    ('{"type":"shot_fired","tick":1,"shot":1,"weapon":"bazooka","force":"firearm",'
     '"point":null}', "old.jsonl:1: shot_fired: weapon: input should be"),
    ('{"type":"shot_fired","tick":1,"shot":"1","weapon":"pistol","force":"firearm",'
     '"point":null}', "old.jsonl:1: shot_fired: shot: input should be a valid integer"),
    ('{"type":"bullet_hit","tick":1,"shot":1,"actor":"a","role":"subject","zone":"head",'
     '"distance_m":NaN,"height_m":1}', "old.jsonl:1: bullet_hit: distance_m: input should be "
     "a finite number"),
])
def test_a_bad_line_is_refused_naming_the_file_line_and_field(line: str, expected: str) -> None:
    with pytest.raises(EventLogError) as caught:
        list(read_log([line], "old.jsonl"))
    assert str(caught.value).startswith(expected)


def test_the_run_in_memory_and_its_log_give_the_same_debrief(tmp_path: Path) -> None:
    scenario, data = logged_run("bystander-behind", "poor", tmp_path / "run.jsonl")
    policy = load_policy(scenario.policy)
    from_log = analyse(list(read_log(data.decode().splitlines())), policy)
    inputs = load_inputs_arg("poor", scenario, None).input
    in_memory = analyse(simulate(scenario, inputs, 0).events, policy)
    assert from_log == in_memory
    assert any(isinstance(e, ShotFired) for e in read_log(data.decode().splitlines()))


def test_a_log_before_1_3_names_its_shots_first_person_on_the_line_as_such() -> None:
    # Before 1.3 `aimed_at` was the first person on the line; whom he aimed at is unknown.
    path = REPO_ROOT / "tests" / "data" / "logs" / "knife-charge-poor-v1.0.jsonl"
    log = digest(list(read_log(path.read_text().splitlines())))
    assert log.shots and all(s.first_on_line is None for s in log.shots)  # as it was written
    assert {log.first_on_line(s) for s in log.shots} == {"subject", None}
    assert all(log.first_on_line(s) == s.aimed_at and log.target(s) is None
               for s in log.shots)
