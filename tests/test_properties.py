"""Bad input, generated: scenario files, inputs scripts, event logs, rig files and command
lines mutated at random from valid ones. Each is accepted, or refused with one line that
names the place; nothing raises anything else. A scenario that is accepted also runs."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from hardware.errors import CalibrationError
from hardware.vision.rig import from_json as rig_from_json
from range.analysis.decisions import analyse
from range.cli import main
from range.errors import EventLogError, HoldfireError, ScenarioError
from range.run.codec import read_log, to_json
from range.run.scripted import ScriptedRun, simulate
from range.scenario.catalogue import shipped_names, shipped_source
from range.scenario.inputs import inputs_from_data
from range.scenario.model import Scenario, parse_scenario, scenario_from_data
from range.scenario.policy import load_policy
from tests.builders import run_cli

SETTINGS = settings(max_examples=60, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])
RUN_S = 3.0  # how much of an accepted scenario each example runs

ODD_STRINGS = ["", " ", "21 ft", "-3 s", "1e308 m", "nan m", "inf s", "4.3 m/s", "8 deg",
               "12 furlongs", "0", "\x00", "é" * 3, "a" * 300, "subject.head", "draw"]
LEAVES = st.one_of(
    st.booleans(), st.integers(-(10**20), 10**20),
    st.floats(allow_nan=True, allow_infinity=True), st.sampled_from(ODD_STRINGS),
    st.text(max_size=12), st.lists(st.floats(-1e3, 1e3), max_size=3),
    st.just({}), st.just([]), st.dictionaries(st.sampled_from(["x", "to", "after"]),
                                              st.integers(-5, 5), max_size=2),
)


def places(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value inside nested tables and lists."""
    found = [path]
    if isinstance(data, dict):
        for key, value in data.items():
            found += places(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += places(value, (*path, index))
    return found


@st.composite
def mutated(draw: st.DrawFn, original: Any, changes: int = 3) -> Any:
    """The original with a few values replaced, keys removed or added, lists stretched."""
    data = json.loads(json.dumps(original))
    for _ in range(draw(st.integers(1, changes))):
        path = draw(st.sampled_from(places(data)[1:] or [()]))
        if not path:
            break
        parent = data
        for part in path[:-1]:
            parent = parent[part]
        key = path[-1]
        action = draw(st.sampled_from(["replace", "replace", "remove", "add", "repeat"]))
        if action == "replace":
            parent[key] = draw(LEAVES)
        elif action == "remove":
            del parent[key]
        elif action == "add" and isinstance(parent, dict):
            parent[draw(st.sampled_from(["extra", "speed", "to", "weapon", "hit"]))] = draw(LEAVES)
        elif action == "repeat" and isinstance(parent, list):
            parent.append(json.loads(json.dumps(parent[key])))
    return data


ResultT = TypeVar("ResultT")


def accepted(read: Callable[[], ResultT], error: type[Exception], place: str
             ) -> ResultT | None:
    """What `read()` gives, or None if it refused with one line that starts at `place`;
    any other exception fails the property."""
    try:
        result = read()
    except error as exc:
        assert one_line(exc).startswith(place)
        event("refused")
        return None
    event("accepted")
    return result


def one_line(error: Exception) -> str:
    message = str(error)
    assert message and "\n" not in message and len(message) < 2000, message
    return message


def shipped_data(name: str, kind: str = "") -> dict[str, Any]:
    return tomllib.loads(shipped_source(name, kind)[0])


SCENARIOS = {name: shipped_data(name) for name in shipped_names()}


@SETTINGS
@given(st.sampled_from(sorted(SCENARIOS)).flatmap(lambda n: mutated(SCENARIOS[n])))
def test_a_scenario_file_is_accepted_and_runs_or_refused_in_one_line(data: Any) -> None:
    scenario = accepted(lambda: scenario_from_data(data, "gen.toml"), ScenarioError,
                        "gen.toml")
    if scenario is None:
        return
    world = ScriptedRun(scenario, [], seed=0).advance_to(min(RUN_S, scenario.duration))
    assert world.events[0].kind == "scenario_started"


def script_cases() -> list[tuple[Scenario, dict[str, Any]]]:
    cases = []
    for name in shipped_names():
        scenario = parse_scenario(*shipped_source(name))
        cases += [(scenario, shipped_data(f"{name}-{script}", "inputs"))
                  for script in ("good", "poor")]
    return cases


SCRIPTS = script_cases()


@SETTINGS
@given(st.integers(0, len(SCRIPTS) - 1).flatmap(
    lambda i: st.tuples(st.just(SCRIPTS[i][0]), mutated(SCRIPTS[i][1]))))
def test_an_inputs_script_is_accepted_and_runs_or_refused_in_one_line(
        case: tuple[Scenario, Any]) -> None:
    scenario, data = case
    script = accepted(lambda: inputs_from_data(data, "gen-inputs.toml", scenario),
                      ScenarioError, "gen-inputs.toml")
    if script is None:
        return
    world = simulate(scenario, script.input, seed=0)
    assert world.ended


def log_lines(name: str, script: str) -> list[str]:
    scenario = parse_scenario(*shipped_source(name))
    inputs = inputs_from_data(shipped_data(f"{name}-{script}", "inputs"), "x", scenario)
    world = simulate(scenario, inputs.input, seed=0)
    return [to_json(e, world.step_s) for e in world.events]


LOGS = [log_lines("crisis-knife", "poor"), log_lines("traffic-stop-draw", "poor")]
JUNK_LINES = ["1", "null", "[]", '"text"', "{}", '{"type": "shot_fired"}', "{" * 600,
              '{"type":"scenario_started","tick":0}', "\x00\xff", "NaN"]


def _record(line: str) -> dict[str, Any]:
    try:
        record = json.loads(line)
    except ValueError:
        return {}
    return record if isinstance(record, dict) else {}


@st.composite
def damaged_logs(draw: st.DrawFn) -> list[str]:
    lines = list(draw(st.sampled_from(LOGS)))
    for _ in range(draw(st.integers(1, 3))):
        index = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["field", "field", "junk", "repeat", "drop", "swap"]))
        record = _record(lines[index])
        if action == "field" and record:
            key = draw(st.sampled_from(sorted(record)))
            record[key] = draw(LEAVES)
            lines[index] = json.dumps(record)
        elif action == "junk":
            lines[index] = draw(st.sampled_from(JUNK_LINES))
        elif action == "repeat":
            lines.insert(index, lines[index])
        elif action == "drop" and len(lines) > 1:
            del lines[index]
        elif action == "swap" and index + 1 < len(lines):
            lines[index], lines[index + 1] = lines[index + 1], lines[index]
    return lines


@SETTINGS
@given(damaged_logs())
def test_an_event_log_is_debriefed_or_refused_naming_its_line(lines: list[str]) -> None:
    report = accepted(lambda: analyse(list(read_log(lines, "gen.jsonl")),
                                      load_policy("default"), "gen.jsonl"),
                      EventLogError, "gen.jsonl")
    if report is None:
        return
    assert report.scenario.step_s > 0


def good_rig() -> dict[str, Any]:
    from hardware.vision.rig import calibrate_source
    from hardware.vision.rig import to_json as rig_to_json

    calibration = calibrate_source("synthetic:?seed=4&content=chessboard&frames=1",
                                   (1280, 720))
    return dict(json.loads(rig_to_json(calibration)))


RIG = good_rig()


@SETTINGS
@given(mutated(RIG))
def test_a_rig_file_is_read_or_refused_in_one_line(data: Any) -> None:
    calibration = accepted(lambda: rig_from_json(json.dumps(data), "gen-rig.json"),
                           CalibrationError, "gen-rig.json: not a valid rig file")
    if calibration is None:
        return
    assert calibration.camera_to_projector.shape == (3, 3)


ODD_VALUES = ["-1", "0", "1e308", "nan", "inf", "-inf", "²", "1.5", "", " ", "x" * 200,
              "knife-charge", "good", "poor", "knife-charge-good", "/", ".", "/dev/zero",
              "out.png", "out.txt", "run.jsonl"]
COMMANDS = {
    "simulate": ["--inputs", "--seed", "--json", "--force"],
    "render": ["--inputs", "--seed", "--at", "--out"],
    "check": [],
    "debrief": ["--policy", "--json"],
    "scenarios": [],
}
FLAGS = {"--json", "--force"}


@st.composite
def command_lines(draw: st.DrawFn, folder: Path) -> list[str]:
    command = draw(st.sampled_from(sorted(COMMANDS)))
    argv = [command]
    if command in ("simulate", "render", "check", "debrief"):
        argv.append(draw(st.sampled_from(["knife-charge", "no-such", "/dev/zero", "",
                                          str(folder), str(folder / "run.jsonl")])))
    for option in draw(st.lists(st.sampled_from(COMMANDS[command] or ["--help"]),
                                max_size=3, unique=True)):
        argv.append(option)
        if option not in FLAGS and option != "--help":
            value = draw(st.sampled_from(ODD_VALUES))
            argv.append(str(folder / value) if value.startswith("out") else value)
    return argv


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli")
    assert main(["simulate", "knife-charge", "--log", str(path / "run.jsonl")]) == 0
    return path


@settings(max_examples=80, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_command_line_runs_or_is_refused_in_one_line(
        data: st.DataObject, folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = data.draw(command_lines(folder))
    code, captured = run_cli(argv, capsys)
    assert code in (0, 2), (argv, captured)
    event(f"exit {code}")
    if code == 2:
        lines = captured.err.strip().splitlines()
        assert lines and all(line.startswith(("holdfire", "error:")) for line in lines), (
            argv, captured.err)
        assert len(lines) == 1 or argv[0] == "check", (argv, captured.err)


def test_a_refusal_is_a_holdfire_error() -> None:
    """The properties above catch only our own errors: anything else fails them."""
    with pytest.raises(HoldfireError):
        scenario_from_data({"schema_version": 1}, "x.toml")


SCENARIO_TEXTS = [shipped_source(name)[0] for name in shipped_names()]


@st.composite
def garbled(draw: st.DrawFn) -> str:
    """A shipped scenario's text with a few characters cut, doubled or replaced."""
    text = draw(st.sampled_from(SCENARIO_TEXTS))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text) - 1))
        junk = draw(st.sampled_from(["", "=", "[", "]", '"', "\n", "#", "9" * 40, "\x00",
                                     "{", "}", ",", "inf", "nan", "-", "\\", "'''"]))
        cut = draw(st.integers(0, 3))
        text = text[:at] + junk + text[at + cut:]
    return text


@SETTINGS
@given(garbled())
def test_a_garbled_scenario_text_is_accepted_or_refused_in_one_line(text: str) -> None:
    scenario = accepted(lambda: parse_scenario(text, "garbled.toml"), ScenarioError,
                        "garbled.toml")
    if scenario is None:
        return
    assert ScriptedRun(scenario, [], seed=0).advance_to(min(RUN_S, scenario.duration)).tick > 0
