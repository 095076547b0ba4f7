"""`holdfire debrief` on a saved event log."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from range.cli.debrief_commands import register
from range.errors import HoldfireError
from range.run.codec import to_json
from range.run.events import (
    ActorStateChanged,
    Event,
    ScenarioEnded,
    ScenarioStarted,
    ShotFired,
)
from range.world.engine import STEP_S

STEP = STEP_S


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers(dest="command", required=True), {})
    args = parser.parse_args(argv)
    result: int = args.handler(args)
    return result


def write_log(path: Path, policy: str = "default") -> Path:
    events: list[Event] = [
        ScenarioStarted(tick=0, scenario="drill", title="Drill", seed=3, step_s=STEP,
                        policy=policy, actors={"subject": "subject"}),
        ActorStateChanged(tick=0, actor="subject", role="subject", state="pushing",
                          action="attack", threat="active_aggression", previous_state=None,
                          previous_threat=None, cause="start", distance_m=3.0,
                          position=(0.0, 3.0)),
        ShotFired(tick=180, shot=1, weapon="pistol", force="firearm", point=(960.0, 540.0)),
        ScenarioEnded(tick=480, reason="duration"),
    ]
    path.write_text("".join(to_json(e, STEP) + "\n" for e in events), encoding="utf-8")
    return path


def test_json_under_the_runs_own_policy(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["debrief", str(write_log(tmp_path / "run.jsonl")), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    response = data["cues"][0]["first_response"]
    assert (response["option"], response["latency_s"]) == ("firearm", 0.75)
    assert response["policy"] == "more force than the policy expects at this level"
    assert data["scenario"]["policy_applied"] == "default"


def test_text_under_another_policy(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["debrief", str(write_log(tmp_path / "run.jsonl")), "--policy",
                "restrictive"]) == 0
    out = capsys.readouterr().out
    assert "The run names policy 'default'; this report applies policy 'restrictive'." in out
    assert "firearm  pistol shot 1  0.750 s" in out


def test_policy_file_beside_the_log(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    table = (Path(__file__).parent.parent / "scenarios" / "policies" / "restrictive.toml")
    (tmp_path / "county.toml").write_text(table.read_text(encoding="utf-8"), encoding="utf-8")
    assert run(["debrief", str(write_log(tmp_path / "run.jsonl", "county.toml"))]) == 0
    assert "Policy: Restrictive use-of-force table (example) (county)" in capsys.readouterr().out


def test_missing_log(tmp_path: Path) -> None:
    with pytest.raises(HoldfireError,
                       match=r"nope\.jsonl: expected a JSONL event log, found no such file"):
        run(["debrief", str(tmp_path / "nope.jsonl")])
