"""`holdfire check`: validate a scenario, inputs or policy file of any kind, by path or
shipped name, and say in one line what it holds."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from range.errors import ScenarioError
from range.scenario.catalogue import is_path, shipped_names, shipped_source
from range.scenario.inputs import parse_inputs
from range.scenario.model import Scenario, load_scenario, parse_scenario
from range.scenario.policy import load_policy, parse_policy
from range.scenario.validation import parse_toml, read_text

KINDS = ("", "inputs", "policies")  # where shipped files of each kind live


def check(name_or_path: str) -> str:
    """A one-line summary of a valid file; a ScenarioError naming the first problem."""
    if is_path(name_or_path):
        path = Path(name_or_path)
        return _check_text(read_text(path), str(path), path.parent)
    for kind in KINDS:
        if name_or_path in shipped_names(kind):
            return _check_text(*shipped_source(name_or_path, kind), None)
    shipped_source(name_or_path)  # raises, naming the shipped scenarios
    raise AssertionError("unreachable")


def _check_text(text: str, source: str, folder: Path | None) -> str:
    data = parse_toml(text, source)
    if "actors" in data:
        scenario = (parse_scenario(text, source) if folder is None
                    else load_scenario(Path(source)))
        load_policy(scenario.policy, folder)
        return f"scenario {scenario.id!r}, {len(scenario.actors)} actor(s)"
    if "levels" in data:
        policy = parse_policy(text, source)
        return f"policy {policy.title!r}"
    if "input" in data or "scenario" in data:
        scenario = _scenario_for_inputs(source, folder, data)
        script = parse_inputs(text, source, scenario)
        return f"inputs for {scenario.id!r}, {len(script.input)} input(s)"
    raise ScenarioError(f"{source}: expected a scenario (with 'actors'), inputs (with "
                        f"'input') or policy (with 'levels'), found keys {sorted(data)}")


def _scenario_for_inputs(source: str, folder: Path | None, data: dict[str, Any]) -> Scenario:
    """The scenario an inputs file drives: beside it (or one folder up), else shipped."""
    name = data.get("scenario")
    if not isinstance(name, str):
        raise ScenarioError(f"{source}: scenario: expected the id of the scenario these "
                            f"inputs drive, found {name!r}")
    if folder is not None:
        for candidate in (folder / f"{name}.toml", folder.parent / f"{name}.toml"):
            if candidate.is_file():
                return load_scenario(candidate)
    if name not in shipped_names():
        raise ScenarioError(f"{source}: scenario: expected a scenario beside this file or a "
                            f"shipped one {shipped_names()}, found {name!r}")
    return parse_scenario(*shipped_source(name))
