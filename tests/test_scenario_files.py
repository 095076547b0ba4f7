"""Scenario files: the shipped ones validate; bad ones get one clear line and exit 2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from range.cli import main
from range.errors import ScenarioError
from range.scenario.catalogue import find, shipped_names
from range.scenario.model import parse_scenario
from tests.conftest import REPO_ROOT

BAD = REPO_ROOT / "tests" / "data" / "bad"

# Each bad file, the key path its error must name and a fragment of what it must say.
BAD_FILES = {
    "unknown-key.toml": ("durashun", "did you mean 'duration'?"),
    "wrong-unit.toml": ("actors[0].states.run.speed", "found unit 'furlongs'"),
    "negative-speed.toml": ("actors[0].states.run.speed", "expected a value > 0"),
    "unreachable-state.toml": ("states.run", "unreachable state(s) ['run']"),
    "missing-policy-file.toml": ("policy", "no file 'our-agency.toml'"),
    "not-toml.toml": ("", "expected TOML, found a syntax error"),
    "absurd-distance.toml": ("actors[0].position[1]", "<= 500"),
    "threat-typo.toml": ("states.run.threat", "did you mean 'deadly_force'?"),
    "unknown-target.toml": ("transitions[0]", "found 'runn' (did you mean 'run'?)"),
    "missing-key.toml": ("duration", "the key is required"),
    "binary.toml": ("", "expected a TOML file in UTF-8, found binary data"),
}


def test_every_bad_file_is_listed() -> None:
    assert sorted(p.name for p in BAD.glob("*.toml")) == sorted(BAD_FILES)


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_file_gets_one_clear_line_and_exit_2(name: str, capsys: pytest.CaptureFixture[str]
                                                 ) -> None:
    key, fragment = BAD_FILES[name]
    assert main(["check", str(BAD / name)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert err.startswith(f"error: {BAD / name}: ")
    assert key in err
    assert fragment in err
    assert "Traceback" not in err


def test_check_from_a_real_process_prints_no_traceback() -> None:
    holdfire = Path(sys.executable).with_name("holdfire")  # the installed console script
    command = [str(holdfire), "check", str(BAD / "not-toml.toml")]
    result = subprocess.run(command, capture_output=True, text=True, check=False, cwd=REPO_ROOT)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("error: ")


def test_simulate_with_a_bad_scenario_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", str(BAD / "negative-speed.toml")]) == 2
    assert "holdfire simulate: error:" in capsys.readouterr().err


def test_unknown_shipped_name_suggests_the_nearest(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", "knife-charg"]) == 2
    assert "did you mean 'knife-charge'?" in capsys.readouterr().err


def test_at_least_six_scenarios_ship_and_all_check(capsys: pytest.CaptureFixture[str]) -> None:
    names = shipped_names()
    assert len(names) >= 6
    files = [str(REPO_ROOT / "scenarios" / f"{n}.toml") for n in names]
    scripts = sorted(str(p) for p in (REPO_ROOT / "scenarios" / "inputs").glob("*.toml"))
    policies = sorted(str(p) for p in (REPO_ROOT / "scenarios" / "policies").glob("*.toml"))
    assert main(["check", *files, *scripts, *policies]) == 0
    out = capsys.readouterr().out
    assert out.count("ok: ") == len(files) + len(scripts) + len(policies)
    for name in names:  # each scenario comes with a good and a poor script
        assert f"{name}-good.toml" in out and f"{name}-poor.toml" in out


def test_every_behaviour_action_and_trigger_is_exercised_by_a_shipped_scenario() -> None:
    actions: set[str] = set()
    triggers: set[str] = set()
    weapons: set[str] = set()
    for name in shipped_names():
        scenario = parse_scenario(*find(name))
        weapons.update(scenario.officer.weapons)
        for actor in scenario.actors:
            for state in actor.states.values():
                actions.add(state.action)
                triggers.update(t.trigger() for t in state.transitions)
                triggers.update("choose" for t in state.transitions if t.choose)
    assert actions == {"idle", "walk_to", "approach", "comply", "kneel", "draw", "aim", "fire",
                       "charge", "attack", "flee", "drop_weapon", "down"}
    assert {"after", "within", "command", "hit", "taser", "branch", "choose"} <= triggers
    assert {"pistol", "x26", "taser7-cq", "taser7-so", "taser10"} <= weapons


def test_parse_is_pure_and_names_its_source() -> None:
    with pytest.raises(ScenarioError, match=r"^memory: expected TOML"):
        parse_scenario("not = [toml", "memory")


def test_a_shipped_scenario_is_found_from_an_installed_package(tmp_path: Path) -> None:
    """Package data: the scenarios load through importlib.resources, not the checkout."""
    text, source = find("knife-charge")
    assert source == "scenarios/knife-charge.toml"
    assert parse_scenario(text, source).id == "knife-charge"


def test_check_reports_every_problem_of_a_file_a_line_each(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "many.toml"
    bad.write_text('schema_version = 1\nid = "Bad Id"\ntitle = "t"\nduration = "-3 s"\n'
                   '[[actors]]\nid = "a"\nposition = [0, "ten"]\ninitial = "s"\n'
                   '[actors.states.s]\naction = "idle"\nthreat = "compliant"\n')
    assert main(["check", str(bad)]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"error: {bad}: id: expected lower-case letters, digits or '-', starting with a "
        "letter, found 'Bad Id'",
        f"error: {bad}: duration: expected a value > 0 s, found '-3 s'",
        f"error: {bad}: actors[0].position[1]: expected a length such as '21 ft' or '6.4 m', "
        "found 'ten'",
    ]


def test_check_takes_shipped_names_of_every_kind(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "knife-charge", "knife-charge-good", "restrictive"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "ok: knife-charge: scenario 'knife-charge', 1 actor(s)",
        "ok: knife-charge-good: inputs for 'knife-charge', 2 input(s)",
        "ok: restrictive: policy 'Restrictive use-of-force table (example)'",
    ]
    assert main(["check", "knife-charj"]) == 2
    assert "(did you mean 'knife-charge'?)" in capsys.readouterr().err


def test_an_inputs_file_for_an_unknown_scenario_is_named(tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]
                                                        ) -> None:
    script = tmp_path / "x-good.toml"
    script.write_text('schema_version = 1\nscenario = "no-such-scenario"\n')
    assert main(["check", str(script)]) == 2
    assert capsys.readouterr().err.startswith(f"error: {script}: scenario: expected a "
                                              "scenario beside this file or a shipped one")


def test_scenarios_lists_every_shipped_file_with_its_title(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scenarios"]) == 0
    out = capsys.readouterr().out
    for name in shipped_names() + shipped_names("inputs") + shipped_names("policies"):
        assert f"  {name}  " in out
    assert "Knife charge from 30 ft" in out


@pytest.mark.parametrize(("version", "accepted"), [("1", True), ("true", False),
                                                   ("1.0", False), ('"1"', False)])
def test_schema_version_is_exactly_the_whole_number_1(version: str, accepted: bool) -> None:
    text = (REPO_ROOT / "scenarios" / "knife-charge.toml").read_text().replace(
        "schema_version = 1", f"schema_version = {version}", 1)
    if accepted:
        assert parse_scenario(text, "s.toml").id == "knife-charge"
    else:
        with pytest.raises(ScenarioError, match=r"s\.toml: schema_version: expected"):
            parse_scenario(text, "s.toml")


def looping(first: dict[str, object], second: dict[str, object]) -> str:
    return ('schema_version = 1\nid = "loop"\ntitle = "t"\nduration = "10 s"\n'
            '[[actors]]\nid = "man"\nposition = [0, 6]\ninitial = "near"\n'
            '[actors.states.near]\naction = "idle"\nthreat = "compliant"\n'
            f'transitions = [{{ {", ".join(f"{k} = {v!r}" for k, v in first.items())},'
            ' to = "far" }]\n'
            '[actors.states.far]\naction = "idle"\nthreat = "passive_resistance"\n'
            f'transitions = [{{ {", ".join(f"{k} = {v!r}" for k, v in second.items())},'
            ' to = "near" }]\n').replace("'", '"')


def test_distance_triggers_that_would_flip_a_state_every_tick_are_refused() -> None:
    """within 5 m and beyond 3 m both hold from 3 to 5 m: he would change every tick."""
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(looping({"within": "5 m"}, {"beyond": "3 m"}), "loop.toml")
    assert str(caught.value).startswith(
        "loop.toml: actors[0] (man).states.near: expected distance triggers that cannot "
        "all hold at once, found near -> far -> near all firing at 3 m")


def test_distance_triggers_with_a_gap_between_them_are_kept() -> None:
    """within 3 m and beyond 5 m: a band where neither holds (hysteresis)."""
    scenario = parse_scenario(looping({"within": "3 m"}, {"beyond": "5 m"}), "gap.toml")
    assert [s for s in scenario.actors[0].states] == ["near", "far"]
