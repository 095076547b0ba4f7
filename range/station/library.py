"""The session logs a station can review, by name, each opened once and kept."""

from __future__ import annotations

import threading
from pathlib import Path

from range.errors import HoldfireError
from range.scenario.model import Scenario
from range.station.console import Choice
from range.station.exports import Pictures
from range.station.review import Review


class NotFound(HoldfireError):
    """No session of that name here."""


def load_choice(name_or_path: str) -> Choice:
    """A scenario for the console, shipped by name or by path, with its policy."""
    from range.scenario.catalogue import load_scenario_arg
    from range.scenario.policy import load_policy

    scenario, base = load_scenario_arg(name_or_path)
    return Choice(scenario.id, scenario, load_policy(scenario.policy, base))


def open_review(path: Path, scenarios: dict[str, Scenario] | None = None,
                policy_ref: str | None = None) -> Review:
    """The review of a saved log: its scenario found by the id the log names (among
    `scenarios`, else the shipped ones), its policy the scenario's (or `policy_ref`)."""
    from range.cli.debrief_commands import read_event_log
    from range.run.events import ScenarioStarted
    from range.scenario.catalogue import load_scenario_arg, shipped_names
    from range.scenario.policy import load_policy

    events = read_event_log(path)
    start = events[0] if events else None
    if not isinstance(start, ScenarioStarted):
        raise HoldfireError(f"{path}:1: expected scenario_started as the first event, found "
                            f"{start.kind if start else 'an empty log'}")
    base: Path | None = None
    if scenarios and start.scenario in scenarios:
        scenario = scenarios[start.scenario]
    elif start.scenario in shipped_names():
        scenario, base = load_scenario_arg(start.scenario)
    else:
        raise HoldfireError(f"{path}: the log is of scenario {start.scenario!r}, which is not "
                            "shipped: give its file with --scenario")
    policy = load_policy(policy_ref or scenario.policy, base)
    return Review(events, scenario, policy, str(path))


class Library:
    def __init__(self, scenarios: dict[str, Scenario] | None = None) -> None:
        self._paths: dict[str, Path] = {}
        self._open: dict[str, tuple[Review, Pictures]] = {}
        self._scenarios = scenarios or {}
        self._lock = threading.Lock()

    def add(self, path: Path) -> str:
        name = path.name.removesuffix(".jsonl")
        with self._lock:
            self._paths[name] = path
        return name

    def names(self) -> list[str]:
        with self._lock:
            return list(self._paths)

    def get(self, name: str) -> tuple[Review, Pictures]:
        with self._lock:
            if name not in self._paths:
                raise NotFound(f"session: expected one of {sorted(self._paths)}, found "
                               f"{name!r}")
            if name not in self._open:
                review = open_review(self._paths[name], self._scenarios)
                self._open[name] = (review, Pictures(review))
            return self._open[name]
