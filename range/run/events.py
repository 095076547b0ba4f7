"""Typed world events and their JSONL form.

Everything that happens in a run is one of these, stamped with the simulation tick where
it happened (time = tick x step). Within a tick, events are logged in cause order: an
officer input comes before the state changes and impacts it causes, and the analysis
relies on that order. The event log is one JSON object per line, keys in a
fixed order, so the same scenario, seed and inputs give a byte-identical log. The
analysis reads the log alone: it never looks at the engine.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

from range.errors import EventLogError
from range.vocabulary import ForceOption, Point2, Role, TaserResult, Zone


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    """Base: `tick` is the simulation tick where the event happened."""

    kind: ClassVar[str] = ""
    tick: int


@dataclass(frozen=True, slots=True, kw_only=True)
class ScenarioStarted(Event):
    kind: ClassVar[str] = "scenario_started"
    scenario: str
    title: str
    seed: int
    step_s: float
    policy: str
    actors: dict[str, Role]


@dataclass(frozen=True, slots=True, kw_only=True)
class ActorStateChanged(Event):
    """An actor entered a behaviour state. A threat cue is a rise of `threat`."""

    kind: ClassVar[str] = "actor_state"
    actor: str
    role: Role
    state: str
    action: str
    threat: str
    previous_state: str | None
    previous_threat: str | None
    cause: str  # "start", "after", "within", "command:drop-weapon", "hit:legs", ...
    distance_m: float
    position: Point2


@dataclass(frozen=True, slots=True, kw_only=True)
class OfficerCommand(Event):
    """A verbal command from the officer (force option "verbal")."""

    kind: ClassVar[str] = "officer_command"
    command: str
    distances: dict[str, float] = field(default_factory=dict)  # each actor's, at the command


@dataclass(frozen=True, slots=True, kw_only=True)
class BranchKey(Event):
    """An instructor's branch key, kept as an audit trail of who steered the scenario."""

    kind: ClassVar[str] = "branch_key"
    key: str
    operator: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ShotFired(Event):
    """A trigger pull. `point` is the projector pixel, None for a shot off the screen."""

    kind: ClassVar[str] = "shot_fired"
    shot: int
    weapon: str
    force: ForceOption
    point: Point2 | None
    replica: str | None = None
    confirmed: bool = True
    aimed_at: str | None = None  # the first person on the line of the shot
    distances: dict[str, float] = field(default_factory=dict)  # each actor's, at the pull


@dataclass(frozen=True, slots=True, kw_only=True)
class BulletHit(Event):
    kind: ClassVar[str] = "bullet_hit"
    shot: int
    actor: str
    role: Role
    zone: Zone
    distance_m: float
    height_m: float


@dataclass(frozen=True, slots=True, kw_only=True)
class BulletStopped(Event):
    """A bullet that hit cover or the ground, or flew out of the scene."""

    kind: ClassVar[str] = "bullet_stopped"
    shot: int
    by: str  # a cover id, "ground" or "nothing"
    distance_m: float


@dataclass(frozen=True, slots=True, kw_only=True)
class ProbeLanded(Event):
    kind: ClassVar[str] = "probe_landed"
    shot: int
    probe: int
    actor: str | None
    zone: Zone | None
    by: str | None  # what stopped a probe that missed: cover id, "ground", "wire"
    distance_m: float
    height_m: float


@dataclass(frozen=True, slots=True, kw_only=True)
class TaserDeployment(Event):
    """The outcome of one TASER deployment, once its probes have landed."""

    kind: ClassVar[str] = "taser_deployment"
    shot: int
    weapon: str
    cartridge: str
    actor: str | None
    result: TaserResult
    spread_m: float | None
    zones: list[Zone | None] = field(default_factory=list)
    distance_m: float | None = None
    reason: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class TaserCycleEnded(Event):
    kind: ClassVar[str] = "taser_cycle_ended"
    shot: int
    actor: str


@dataclass(frozen=True, slots=True, kw_only=True)
class WeaponDropped(Event):
    kind: ClassVar[str] = "weapon_dropped"
    actor: str
    weapon: str


@dataclass(frozen=True, slots=True, kw_only=True)
class OfficerAttacked(Event):
    """A subject shot at, struck or stabbed the officer."""

    kind: ClassVar[str] = "officer_attacked"
    actor: str
    attack: str  # "shot", "stab", "strike"
    distance_m: float


@dataclass(frozen=True, slots=True, kw_only=True)
class ScenarioEnded(Event):
    kind: ClassVar[str] = "scenario_ended"
    reason: str


EVENT_TYPES: dict[str, type[Event]] = {
    cls.kind: cls
    for cls in (
        ScenarioStarted, ActorStateChanged, OfficerCommand, BranchKey, ShotFired, BulletHit,
        BulletStopped, ProbeLanded, TaserDeployment, TaserCycleEnded, WeaponDropped,
        OfficerAttacked, ScenarioEnded,
    )
}


def _plain(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 6)  # fixed precision keeps logs byte-identical and readable
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def to_json(event: Event, step_s: float) -> str:
    """One log line: type, tick, time in seconds, then the event's own fields."""
    record: dict[str, Any] = {"type": event.kind, "tick": event.tick,
                              "t": round(event.tick * step_s, 6)}
    for f in dataclasses.fields(event):
        if f.name != "tick":
            value = getattr(event, f.name)
            # The step is kept exact: every time in the analysis is tick x step.
            record[f.name] = value if f.name == "step_s" else _plain(value)
    return json.dumps(record, separators=(",", ":"), ensure_ascii=False)


def from_json(line: str, where: str = "event log") -> Event:
    """Parse one log line back into its event."""
    try:
        record = json.loads(line)
        cls = EVENT_TYPES[record.pop("type")]
        record.pop("t", None)
        for name in ("point", "position"):
            if isinstance(record.get(name), list):
                record[name] = tuple(record[name])
        return cls(**record)
    except (ValueError, KeyError, TypeError) as exc:
        found = f"{line[:80]!r} ({exc})"
        raise EventLogError(f"{where}: expected an event object, found {found}") from exc


def read_log(lines: Iterable[str], where: str = "event log") -> Iterator[Event]:
    for number, line in enumerate(lines, start=1):
        if line.strip():
            yield from_json(line, f"{where}:{number}")
