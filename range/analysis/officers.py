"""Each officer's debrief when several trained at once on one screen.

An officer's debrief is the one analysis fed the log as he lived it: every cue, state
change and fall stays, whoever's round caused it (it is what he saw and answered), and
the other officers' shots, commands and what their rounds met go. So his reaction times
run from each cue to his own first answer, and his hits, splits and shots after the
threat ended are his own."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from range.analysis.decisions import analyse
from range.analysis.report import DecisionReport
from range.analysis.text import render_text
from range.run.events import Event, OfficerCommand, ScenarioStarted, ShotFired
from range.scenario.policy import Policy


def officers_of(events: Sequence[Event]) -> list[str]:
    """The officers of a log: those its start names (in lane order), then any other that
    fired or spoke, in order of first appearance."""
    named = list(events[0].officers) if events and isinstance(events[0], ScenarioStarted) \
        else []
    for event in events:
        officer = getattr(event, "officer", None) \
            if isinstance(event, ShotFired | OfficerCommand) else None
        if officer is not None and officer not in named:
            named.append(officer)
    return named


def events_of(events: Sequence[Event], officer: str) -> list[Event]:
    """The log as `officer` lived it: the other officers' inputs, and the landings of
    their rounds, left out."""
    theirs = {e.shot for e in events if isinstance(e, ShotFired) and e.officer != officer}
    return [e for e in events
            if not (isinstance(e, ShotFired | OfficerCommand) and e.officer != officer)
            and getattr(e, "shot", None) not in theirs]


@dataclass(frozen=True, slots=True)
class SessionDebrief:
    """The debrief of a run: one report, and one per officer when several trained."""

    report: DecisionReport
    officers: dict[str, DecisionReport]

    def to_dict(self) -> dict[str, Any]:
        whole = self.report.to_dict()
        if self.officers:
            whole["officers"] = {name: r.to_dict() for name, r in self.officers.items()}
        return whole

    def text(self) -> str:
        if not self.officers:
            return render_text(self.report)
        return "\n\n".join(f"=== Officer {name} ===\n{render_text(report)}"
                           for name, report in self.officers.items())


def session_debrief(events: Sequence[Event], policy: Policy,
                    source: str = "event log") -> SessionDebrief:
    events = list(events)
    report = analyse(events, policy, source)
    names = officers_of(events)
    if len(names) < 2:
        return SessionDebrief(report, {})
    return SessionDebrief(report, {name: analyse(events_of(events, name), policy, source)
                                   for name in names})
