"""Shipped scenario, inputs and policy files (package data in `scenarios/`), found by
name, or files given by path."""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from range.errors import ScenarioError
from range.scenario.validation import read_text, suggest


def shipped_dir(kind: str = "") -> Traversable:
    root = resources.files("scenarios")
    return root / kind if kind else root


def shipped_names(kind: str = "") -> list[str]:
    return sorted(p.name.removesuffix(".toml") for p in shipped_dir(kind).iterdir()
                  if p.name.endswith(".toml"))


def find(name_or_path: str, kind: str = "") -> tuple[str, str]:
    """(text, source) of a file given by path, or shipped under `scenarios/kind` by name."""
    path = Path(name_or_path)
    if path.suffix == ".toml" or path.exists():
        return read_text(path), str(path)
    candidate = shipped_dir(kind) / f"{name_or_path}.toml"
    if not candidate.is_file():
        names = shipped_names(kind)
        label = f"shipped {kind or 'scenario'}"
        raise ScenarioError(f"{name_or_path}: expected a file path or a {label} name "
                            f"{names}, found neither{suggest(name_or_path, names)}")
    return candidate.read_text(encoding="utf-8"), f"scenarios/{kind + '/' if kind else ''}" \
        f"{name_or_path}.toml"
