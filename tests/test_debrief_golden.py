"""The debrief of every shipped scenario, with its good, poor and no inputs, is kept as
JSON in tests/data/debriefs. A change that moves any figure fails here; a change meant to
move them rewrites the files with HOLDFIRE_UPDATE_DEBRIEFS=1 and shows the diff in review."""

from __future__ import annotations

import json
import os

import pytest

from range.analysis.decisions import analyse
from range.run.scripted import simulate
from range.scenario.catalogue import load_inputs_arg, load_scenario_arg, shipped_names
from range.scenario.policy import load_policy
from tests.conftest import REPO_ROOT

DEBRIEFS = REPO_ROOT / "tests" / "data" / "debriefs"
SCRIPTS = ("good", "poor", "none")
CASES = [(name, script) for name in shipped_names() for script in SCRIPTS]


def debrief_json(name: str, script: str) -> str:
    scenario, base = load_scenario_arg(name)
    inputs = [] if script == "none" else load_inputs_arg(script, scenario, base).input
    report = analyse(simulate(scenario, inputs, 0).events, load_policy(scenario.policy, base))
    return json.dumps(report.to_dict(), indent=1, sort_keys=True) + "\n"


def test_every_shipped_scenario_has_its_debriefs_kept() -> None:
    kept = sorted(p.stem for p in DEBRIEFS.glob("*.json"))
    assert kept == sorted(f"{name}-{script}" for name, script in CASES)
    assert len(CASES) == 3 * 13


@pytest.mark.parametrize(("name", "script"), CASES)
def test_the_debrief_is_unchanged(name: str, script: str) -> None:
    path = DEBRIEFS / f"{name}-{script}.json"
    found = debrief_json(name, script)
    if os.environ.get("HOLDFIRE_UPDATE_DEBRIEFS") == "1":
        path.write_text(found, encoding="utf-8")
    assert found == path.read_text(encoding="utf-8")
