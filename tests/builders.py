"""Small scenarios built in code for engine tests."""

from __future__ import annotations

from typing import Any

import pytest
from _pytest.capture import CaptureResult

from range.scenario.model import Scenario
from range.scenario.validation import validate_model

STANDING = {"stand": {"action": "idle", "threat": "passive_resistance"}}
CHARGING = {"run": {"action": "charge", "threat": "deadly_force", "speed": "4.3 m/s"}}


def actor(actor_id: str = "subject", position: tuple[Any, Any] = (0.0, 6.4008),
          states: dict[str, Any] | None = None, **fields: Any) -> dict[str, Any]:
    states = states or STANDING
    return {"id": actor_id, "position": list(position), "initial": next(iter(states)),
            "states": states, **fields}


# Geometry tests judge where probes land: a connected pair always takes effect there
# unless a test sets the chance (the shipped default is domain-facts B.3's 80 %).
CERTAIN_TASER = {"effect": {"X26": 1.0, "TASER 7": 1.0, "TASER 10": 1.0},
                 "full_spread": "12 in"}


def scenario_data(*actors: dict[str, Any], duration: float = 3.0,
                  **fields: Any) -> dict[str, Any]:
    taser = {**CERTAIN_TASER, **fields.pop("taser", {})}
    return {"schema_version": 1, "id": "test", "title": "test", "duration": duration,
            "officer": {"weapons": ["pistol", "x26", "taser7-cq", "taser7-so", "taser10"]},
            "actors": list(actors) or [actor()], "taser": taser, **fields}


def scenario(*actors: dict[str, Any], duration: float = 3.0, **fields: Any) -> Scenario:
    """The scenario model alone (cross-checks such as placements not applied)."""
    return validate_model(Scenario, scenario_data(*actors, duration=duration, **fields),
                          "test")


def run_cli(argv: list[str], capsys: pytest.CaptureFixture[str]
            ) -> tuple[int, CaptureResult[str]]:
    """A command line's exit code and output; argparse's exits are codes too."""
    from range.cli import main

    capsys.readouterr()
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse: --help, or a refused argument
        code = int(exc.code or 0)
    return code, capsys.readouterr()


def refused(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """The one line a refused command line prints (exit 2)."""
    code, captured = run_cli(argv, capsys)
    assert code == 2, captured
    lines: list[str] = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    return lines[0]
