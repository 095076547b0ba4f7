"""Shipped scenario, inputs and policy files (package data in `scenarios/`) found by name,
or files given by path: the one place that tells a name from a path."""

from __future__ import annotations

import tomllib
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from range.errors import ScenarioError
from range.scenario.inputs import InputScript, parse_inputs
from range.scenario.model import Scenario, load_scenario, parse_scenario
from range.scenario.validation import read_text, suggest


def shipped_dir(kind: str = "") -> Traversable:
    root = resources.files("scenarios")
    return root / kind if kind else root


def shipped_names(kind: str = "") -> list[str]:
    return sorted(p.name.removesuffix(".toml") for p in shipped_dir(kind).iterdir()
                  if p.name.endswith(".toml"))


def shipped_titles(kind: str = "") -> dict[str, str]:
    """Each shipped file of a kind by name, with its title (a script's description)."""
    titles = {}
    for name in shipped_names(kind):
        data = tomllib.loads(shipped_source(name, kind)[0])
        titles[name] = str(data.get("title") or data.get("description") or "")
    return titles


def is_path(name_or_path: str) -> bool:
    """A `.toml` name or anything that exists is a file path; anything else is a name."""
    return name_or_path.endswith(".toml") or Path(name_or_path).exists()


def find(name_or_path: str, kind: str = "") -> tuple[str, str]:
    """(text, source) of a file given by path, or shipped under `scenarios/kind` by name."""
    if is_path(name_or_path):
        return read_text(Path(name_or_path)), name_or_path
    return shipped_source(name_or_path, kind)


def shipped_source(name: str, kind: str = "", where: str = "") -> tuple[str, str]:
    """(text, source) of a file shipped under `scenarios/kind`, by name; `where` names
    the reference in an error (the name itself by default)."""
    names = shipped_names(kind)
    if name not in names:
        what = {"": "scenario", "inputs": "inputs", "policies": "policy"}.get(kind, kind)
        raise ScenarioError(f"{where or name}: expected a file path or a shipped {what} name "
                            f"{names}, found {name!r}{suggest(name, names)}")
    source = f"scenarios/{kind + '/' if kind else ''}{name}.toml"
    return (shipped_dir(kind) / f"{name}.toml").read_text(encoding="utf-8"), source


def load_scenario_arg(name_or_path: str) -> tuple[Scenario, Path | None]:
    """A scenario by path or shipped name, and the folder it came from (None if shipped):
    files it names, such as a policy, are looked for there."""
    if is_path(name_or_path):
        path = Path(name_or_path)
        return load_scenario(path), path.parent
    return parse_scenario(*find(name_or_path)), None


def load_inputs_arg(name_or_path: str, scenario: Scenario, base: Path | None) -> InputScript:
    """An inputs script by path, by full shipped name (`knife-charge-good`), or by the
    short name of a script for this scenario (`good`): beside a scenario file given by
    path, else among the shipped ones."""
    if is_path(name_or_path):
        return parse_inputs(read_text(Path(name_or_path)), name_or_path, scenario)
    short = f"{scenario.id}-{name_or_path}"
    if base is not None:
        for folder in (base / "inputs", base):
            candidate = folder / f"{short}.toml"
            if candidate.is_file():
                return parse_inputs(read_text(candidate), str(candidate), scenario)
    shipped = shipped_names("inputs")
    name = name_or_path if name_or_path in shipped else short
    return parse_inputs(*find(name, "inputs"), scenario)
