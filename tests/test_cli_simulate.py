"""`holdfire simulate` end to end, and the package data a plain install must carry."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from range.cli import main
from range.run.codec import read_log
from tests.conftest import REPO_ROOT


def test_simulate_prints_the_debrief_and_writes_the_log(tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    log = tmp_path / "run.jsonl"
    assert main(["simulate", "knife-charge", "--inputs", "poor", "--seed", "3",
                 "--log", str(log), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["scenario"]["seed"] == 3
    assert report["inputs"]["firearm_shots"] == 6
    events = list(read_log(log.read_text().splitlines()))
    # He goes down when the seeded time to stop him has passed: the shots after that tick.
    down = next(e.tick for e in events if getattr(e, "state", None) == "down")
    late = [e for e in events if e.kind == "shot_fired" and e.tick > down]
    assert [a["count"] for a in report["after_threat"]] == [len(late)] and late
    assert events[0].kind == "scenario_started" and events[-1].kind == "scenario_ended"
    assert not (tmp_path / "run.jsonl.partial").exists()


def test_simulate_with_no_inputs_says_nobody_responded(capsys: pytest.CaptureFixture[str]
                                                       ) -> None:
    assert main(["simulate", "knife-charge"]) == 0
    out = capsys.readouterr().out
    assert "The officer gave 0 command(s), fired 0 TASER cartridge(s) and 0 firearm round(s)." \
        in out
    assert "no response before" in out
    assert "stab" in out  # he reached the officer


def test_inputs_for_another_scenario_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    script = REPO_ROOT / "scenarios" / "inputs" / "crisis-knife-good.toml"
    assert main(["simulate", "knife-charge", "--inputs", str(script)]) == 2
    assert "scenario: expected 'knife-charge' (the scenario being run), found 'crisis-knife'" \
        in capsys.readouterr().err


def test_a_bad_argument_is_refused_by_the_parser(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["simulate", "knife-charge", "--seed", "many"])
    assert exit_info.value.code == 2
    assert capsys.readouterr().err == (
        "holdfire simulate: error: argument --seed: expected a whole number, found 'many' "
        "(see holdfire simulate --help)\n")


@pytest.mark.slow
def test_the_wheel_carries_scenarios_policies_inputs_and_assets(tmp_path: Path) -> None:
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps",
                    "-q", "-w", str(tmp_path), str(REPO_ROOT)], check=True,
                   capture_output=True)
    (wheel,) = tmp_path.glob("holdfire-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {p.relative_to(REPO_ROOT).as_posix()
               for folder in ("scenarios", "assets")
               for p in (REPO_ROOT / folder).rglob("*") if p.suffix in (".toml", ".md", ".wav")}
    assert len(shipped) > 20
    assert shipped <= names
    assert {"range/py.typed", "hardware/py.typed"} <= names
    assert not any(n.startswith("tests/") for n in names)


def test_holdfire_alone_prints_the_help_and_version_names_the_release(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: holdfire") and "simulate" in out and "debrief" in out
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out.strip() == "holdfire 0.1.0"


def test_inputs_are_found_by_full_shipped_name_and_beside_a_scenario_file(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", "knife-charge", "--inputs", "knife-charge-poor", "--json"]) == 0
    shipped = json.loads(capsys.readouterr().out)
    (tmp_path / "inputs").mkdir()
    source = REPO_ROOT / "scenarios"
    (tmp_path / "knife-charge.toml").write_text((source / "knife-charge.toml").read_text())
    (tmp_path / "inputs" / "knife-charge-poor.toml").write_text(
        (source / "inputs" / "knife-charge-poor.toml").read_text().replace(
            'at = "2.2 s"', 'at = "2.0 s"', 1))
    assert main(["simulate", str(tmp_path / "knife-charge.toml"), "--inputs", "poor",
                 "--json"]) == 0
    beside = json.loads(capsys.readouterr().out)
    assert shipped["inputs"]["firearm_shots"] == 6
    assert beside["inputs"] == shipped["inputs"]
    assert beside != shipped  # the edited script beside the scenario was the one run


def test_building_the_parser_imports_none_of_the_heavy_libraries() -> None:
    """`holdfire --help` stays quick: commands import their work when they run."""
    code = ("import sys; from range.cli import build_parser; build_parser(); "
            "print(sorted(m for m in ('numpy', 'pymunk', 'pydantic', 'serial', 'cv2', "
            "'pygame', 'importlib.metadata') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"
