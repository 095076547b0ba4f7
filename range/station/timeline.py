"""The timeline of a session from its events: cues, transitions, commands, branch keys,
shots, where each round went, TASER outcomes and attacks, each one line a range master
reads. Pure: the console and the review both lay it out from here."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from range.analysis.report import DecisionReport
from range.run.events import (
    ActorStateChanged,
    BranchKey,
    BulletHit,
    BulletStopped,
    Event,
    OfficerAttacked,
    OfficerCommand,
    OperatorAction,
    ProbeLanded,
    ScenarioEnded,
    ShotFired,
    TaserDeployment,
    WeaponDropped,
)
from range.run.officer_events import OfficerArrived, OfficerDown, OfficerMoved


@dataclass(frozen=True, slots=True)
class Entry:
    tick: int
    time_s: float
    kind: str  # "cue", "transition", "command", "branch", "shot", "hit", "miss", "probe",
    #            "taser", "attack", "dropped", "operator", "move", "end"
    text: str
    actor: str | None = None
    shot: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def entries(events: Iterable[Event], step_s: float,
            cues: Collection[tuple[str, int]] = ()) -> list[Entry]:
    """One entry per event worth a line, in log order (frames shown are left out); a
    state change is a cue where the debrief counts one (`cues`: actor and tick)."""
    found = []
    for event in events:
        entry = _entry(event, step_s, cues)
        if entry is not None:
            found.append(entry)
    return found


def _entry(event: Event, step_s: float, cues: Collection[tuple[str, int]]) -> Entry | None:
    t = round(event.tick * step_s, 6)

    def line(kind: str, text: str, actor: str | None = None,
             shot: int | None = None) -> Entry:
        return Entry(event.tick, t, kind, text, actor, shot)

    match event:
        case ActorStateChanged():
            rose = (event.actor, event.tick) in cues
            text = (f"{event.actor}: {event.state} ({event.threat.replace('_', ' ')}, "
                    f"{event.distance_m:.1f} m; {event.cause})")
            return line("cue" if rose else "transition", text, event.actor)
        case OfficerCommand():
            return line("command", f"officer: \"{event.command}\"")
        case BranchKey():
            return line("branch", f"branch {event.key} by {event.operator}")
        case ShotFired():
            where = "off the screen" if event.point is None else (
                f"at ({event.point[0]:.0f}, {event.point[1]:.0f}) px")
            late = ", entered late" if event.late else ""
            return line("shot", f"shot {event.shot}: {event.weapon} {where}{late}",
                        event.aimed_at, event.shot)
        case BulletHit():
            return line("hit", f"shot {event.shot} hit {event.actor} ({event.role}) "
                        f"{event.zone.replace('_', ' ')} at {event.distance_m:.1f} m",
                        event.actor, event.shot)
        case BulletStopped():
            by = "nothing: flew out of the scene" if event.by == "nothing" else event.by
            return line("miss", f"shot {event.shot} stopped by {by} at "
                        f"{event.distance_m:.1f} m", None, event.shot)
        case ProbeLanded():
            where = (f"in {event.actor} {(event.zone or '').replace('_', ' ')}"
                     if event.actor else f"missed ({event.by or 'nothing'})")
            return line("probe", f"shot {event.shot} probe {event.probe} {where}",
                        event.actor, event.shot)
        case TaserDeployment():
            why = f": {event.reason}" if event.reason else ""
            return line("taser", f"shot {event.shot} TASER on {event.actor or 'nobody'}: "
                        f"{event.result.replace('_', ' ')}{why}", event.actor, event.shot)
        case OfficerAttacked():
            did = f": {event.outcome.replace('_', ' ')}" if event.outcome else ""
            other = f" {event.other}" if event.other else ""
            return line("attack", f"{event.actor} attacked the officer ({event.attack}, "
                        f"{event.distance_m:.1f} m){did}{other}", event.actor)
        case OfficerMoved():
            where = "steps back" if event.move == "back" else f"moves to {event.move}"
            return line("move", f"officer {where} ({event.takes_s:.1f} s)")
        case OfficerArrived():
            behind = f", behind {event.cover}" if event.cover else ""
            return line("move", f"officer in place{behind}")
        case OfficerDown():
            return line("attack", f"officer down after {event.hits} hit(s)", event.actor)
        case WeaponDropped():
            return line("dropped", f"{event.actor} dropped the {event.weapon}", event.actor)
        case OperatorAction():
            return line("operator", _operator_text(event))
        case ScenarioEnded():
            return line("end", f"ended: {event.reason}")
    return None


def _operator_text(event: OperatorAction) -> str:
    if event.action == "trainee":
        return f"trainee {event.subject} (badge {event.detail or 'none'}), by {event.operator}"
    if event.action == "branch":
        return (f"{event.operator} pressed branch {event.subject} with tick "
                f"{event.screen_tick} on screen")
    target = f" {event.subject}" if event.subject else ""
    detail = f" ({event.detail})" if event.detail else ""
    return f"{event.operator}: {event.action.replace('_', ' ')}{target}{detail}"


@dataclass(frozen=True, slots=True)
class Reaction:
    """A threat cue and the officer's first response to it, as the debrief measures it."""

    actor: str
    cue_s: float  # when the cue first showed on the projector (or happened, unshown)
    threat: str
    response: str | None
    reaction_s: float | None
    indicator: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def cue_ticks(report: DecisionReport) -> set[tuple[str, int]]:
    step = report.scenario.step_s
    return {(cue.actor, round(cue.time_s / step)) for cue in report.cues}


def reactions(report: DecisionReport) -> list[Reaction]:
    found = []
    for cue in report.cues:
        first = cue.first_response
        found.append(Reaction(cue.actor, cue.shown_s if cue.shown_s is not None else cue.time_s,
                              cue.threat, first.what if first else None,
                              first.latency_s if first else None,
                              first.policy if first else cue.summary))
    return found


def since(items: Sequence[Entry], count: int) -> list[dict[str, Any]]:
    """The entries after the first `count` (a page polls for the new ones)."""
    return [e.to_dict() for e in items[count:]]
