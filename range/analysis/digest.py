"""A run's event log sorted for analysis: the start, the end, and the events by type.

Unconfirmed shots are set aside here (with their hits, probes and TASER outcomes) so
that no later step scores them by mistake.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any, TypeVar

from range.analysis import words
from range.errors import AnalysisError
from range.run.events import (
    ActorStateChanged,
    BulletHit,
    BulletStopped,
    Event,
    FrameShown,
    OfficerAttacked,
    OfficerCommand,
    ProbeLanded,
    ScenarioEnded,
    ScenarioStarted,
    ShotFired,
    TaserDeployment,
)
from range.scenario.units import to_feet
from range.vocabulary import ForceOption, ThreatLevel

EventT = TypeVar("EventT", bound=Event)
T = TypeVar("T")

ACTIVE = ThreatLevel.ACTIVE_AGGRESSION  # from here up an actor is a threat


@dataclass(frozen=True, slots=True)
class OfficerInput:
    """One officer input: a verbal command or a confirmed shot."""

    order: int  # place in the log
    tick: int
    time_s: float  # when it happened: the trigger pull of a live shot, else its tick
    option: ForceOption
    what: str
    shot: int | None
    distances: dict[str, float]  # each actor's distance at the input


@dataclass(frozen=True, slots=True)
class RunLog:
    """The log's events sorted by type; every later step reads only this."""

    start: ScenarioStarted
    end_tick: int
    end_reason: str | None  # None: the log stops without a scenario_ended event
    events: tuple[Event, ...]
    shots: tuple[ShotFired, ...]  # confirmed only
    unconfirmed: tuple[ShotFired, ...]
    hits: tuple[BulletHit, ...]  # of confirmed shots only
    frames: tuple[FrameShown, ...]  # a live session's frames, in order
    frame_ticks: tuple[int, ...]  # their ticks, for finding the frame of a tick
    # What the reads below found, kept so each scans the log once. Not an init field, so
    # a RunLog made from another (dataclasses.replace, say for one officer's part) starts
    # with none.
    _found: dict[str, Any] = field(default_factory=dict, init=False, repr=False,
                                   compare=False)

    def _once(self, key: str, read: Callable[[], T]) -> T:
        if key not in self._found:
            self._found[key] = read()
        value: T = self._found[key]
        return value

    @property
    def step_s(self) -> float:
        step: float | None = self._found.get("step_s")  # read on every time: kept plain
        if step is None:
            step = self._found["step_s"] = exact_step(self.start.step_s)
        return step

    def time(self, tick: int) -> float:
        return round(tick * self.step_s, 6)

    def pulled_s(self, shot: ShotFired) -> float:
        """When the trigger was pulled: a live shot says, a scripted one is its tick."""
        return shot.pull_s if shot.pull_s is not None else self.time(shot.tick)

    def shown_s(self, tick: int) -> float | None:
        """When the world at `tick` first appeared on screen (None: no frames logged)."""
        index = bisect_left(self.frame_ticks, tick)
        return self.frames[index].flip_s if index < len(self.frames) else None


    def span(self, first: int, last: int) -> float:
        return round((last - first) * self.step_s, 6)

    def of(self, cls: type[EventT]) -> list[EventT]:
        return [e for _, e in self.indexed(cls)]

    def indexed(self, cls: type[EventT]) -> list[tuple[int, EventT]]:
        """Events of a type with their place in the log. Within one tick the place is the
        cause order: the engine logs an officer input before the state change it causes."""
        groups = [found for kind, found in self._by_type().items() if issubclass(kind, cls)]
        if len(groups) == 1:
            return list(groups[0])
        return sorted((pair for found in groups for pair in found), key=lambda p: p[0])

    def _by_type(self) -> dict[type[Event], list[tuple[int, Any]]]:
        def read() -> dict[type[Event], list[tuple[int, Any]]]:
            groups: dict[type[Event], list[tuple[int, Any]]] = {}
            for pair in enumerate(self.events):
                groups.setdefault(type(pair[1]), []).append(pair)
            return groups
        return self._once("by_type", read)

    def timelines(self) -> dict[str, list[tuple[int, ActorStateChanged]]]:
        return self._once("timelines", self._timelines)

    def _timelines(self) -> dict[str, list[tuple[int, ActorStateChanged]]]:
        lines: dict[str, list[tuple[int, ActorStateChanged]]] = {}
        for order, change in self.indexed(ActorStateChanged):
            lines.setdefault(change.actor, []).append((order, change))
        return lines

    def confirmed_shots(self) -> list[tuple[int, ShotFired]]:
        return [(i, s) for i, s in self.indexed(ShotFired) if s.confirmed]

    def inputs(self) -> list[OfficerInput]:
        """Verbal commands and confirmed shots, in log order."""
        return self._once("inputs", self._inputs)

    def _inputs(self) -> list[OfficerInput]:
        return [
            OfficerInput(i, e.tick, self.time(e.tick), "verbal", e.command, None, e.distances)
            if isinstance(e, OfficerCommand)
            else OfficerInput(i, e.tick, self.pulled_s(e), e.force, _shot_text(self, e), e.shot,
                              e.distances)
            for i, e in enumerate(self.events)
            if isinstance(e, OfficerCommand) or (isinstance(e, ShotFired) and e.confirmed)
        ]


    def aims_recorded(self) -> bool:
        """From log version 1.3 `aimed_at` is the person aimed at and `first_on_line` the
        first person on the line of fire; before, `aimed_at` was the first on the line."""
        step: bool | None = self._found.get("aims")
        if step is None:
            step = self._found["aims"] = _version(self.start.log_version) >= AIMS_FROM
        return step

    def target(self, shot: ShotFired) -> str | None:
        """The person the officer aimed at; None when the log does not record him."""
        return shot.aimed_at if self.aims_recorded() else None

    def first_on_line(self, shot: ShotFired) -> str | None:
        return _text_field(shot, "first_on_line") if self.aims_recorded() else shot.aimed_at

    def device(self, shot: ShotFired) -> str:
        """The device a shot came from ("X26"): logged from 1.3, else named after its
        weapon."""
        return _text_field(shot, "device") or words.device(shot.weapon)

    def load(self, shot: ShotFired) -> int | None:
        """Which magazine or cartridge load of its device (from 1.3; else None)."""
        value = getattr(shot, "load", None)
        return value if self.aims_recorded() and isinstance(value, int) else None

    def from_holster(self, shot: ShotFired) -> bool | None:
        """Whether the pull began with the weapon holstered: from 1.3 a weapon transition
        from no device says so; None in logs that do not record it."""
        return self._once("drawn", self._drawn)(shot.shot)

    def _drawn(self) -> Callable[[int], bool | None]:
        if not self.aims_recorded():
            return lambda _: None
        drawn = {getattr(e, "shot", None) for e in self.events
                 if e.kind == TRANSITION_KIND and getattr(e, "from_device", "") is None}
        return lambda shot: shot in drawn

    def reached(self) -> dict[int, tuple[str, ...]]:
        """Everyone each confirmed shot's bullet or probes reached, in landing order."""
        return self._once("reached", self._reached)

    def _reached(self) -> dict[int, tuple[str, ...]]:
        found: dict[int, list[str]] = {}
        for event in self.events:
            if isinstance(event, BulletHit | ProbeLanded) and event.actor is not None:
                people = found.setdefault(event.shot, [])
                if event.actor not in people:
                    people.append(event.actor)
        return {shot: tuple(people) for shot, people in found.items()}

    def people_of(self) -> dict[int, frozenset[str]]:
        """Whom each confirmed shot was for: the person aimed at (or, in logs that do not
        record him, the first person on the line) and everyone it reached. A shot for no
        one (off the screen, nothing on the line) is absent."""
        return self._once("people_of", self._people_of)

    def _people_of(self) -> dict[int, frozenset[str]]:
        reached = self.reached()
        found = {}
        for shot in self.shots:
            aimed = self.target(shot) or self.first_on_line(shot)
            people = frozenset(([aimed] if aimed else []) + list(reached.get(shot.shot, ())))
            if people:
                found[shot.shot] = people
        return found


class Levels:
    """Each actor's threat level at any place in the log."""

    def __init__(self, changes: list[tuple[int, ActorStateChanged]]) -> None:
        self._orders = [order for order, _ in changes]
        self._levels = [threat_level(change.threat) for _, change in changes]

    def at(self, order: int) -> ThreatLevel:
        index = bisect_right(self._orders, order)
        return self._levels[index - 1] if index else ThreatLevel.COMPLIANT


def all_levels(log: RunLog) -> dict[str, Levels]:
    return {actor: Levels(changes) for actor, changes in log.timelines().items()}


def _shot_text(log: RunLog, shot: ShotFired) -> str:
    """'pistol shot 2 at driver'; with the person aimed at recorded and someone else
    first on the line, both: 'pistol shot 1 at subject, bystander first on the line'."""
    target, first = log.target(shot), log.first_on_line(shot)
    text = f"{words.device(shot.weapon)} shot {shot.shot}"
    if target is not None and first is not None and first != target:
        return f"{text} at {target}, {first} first on the line"
    return text + (f" at {target or first}" if target or first else "")


MIN_STEP_S, MAX_STEP_S = 1e-4, 1.0  # a simulation step from 0.1 ms to 1 s


def digest(events: list[Event], source: str = "event log") -> RunLog:
    """Check the log's shape and sort its events; the first must be scenario_started."""
    if not events or not isinstance(events[0], ScenarioStarted):
        found = events[0].kind if events else "an empty log"
        raise AnalysisError(f"{source}: expected scenario_started as the first event, "
                            f"found {found}")
    step_s = events[0].step_s
    if not MIN_STEP_S <= step_s <= MAX_STEP_S:
        raise AnalysisError(f"{source}: scenario_started.step_s: expected a step from "
                            f"{MIN_STEP_S:g} to {MAX_STEP_S:g} s, found {step_s!r}")
    for number, (before, after) in enumerate(pairwise(events), start=2):
        if after.tick < before.tick:
            raise AnalysisError(f"{source}: event {number} ({after.kind}): expected tick >= "
                                f"{before.tick} (the event before), found {after.tick}")
    _check_once(events, source)
    for event in events:
        if isinstance(event, ActorStateChanged):
            _check_threat(event.threat, event, source)
            _check_threat(event.previous_threat, event, source)
    ended = [e for e in events if isinstance(e, ScenarioEnded)]
    shots = [e for e in events if isinstance(e, ShotFired)]
    confirmed = {s.shot for s in shots if s.confirmed}
    frames = tuple(e for e in events if isinstance(e, FrameShown))
    return RunLog(
        start=events[0], end_tick=ended[0].tick if ended else events[-1].tick,
        end_reason=ended[0].reason if ended else None,
        events=tuple(e for e in events
                     if not isinstance(e, BulletHit | ProbeLanded | TaserDeployment)
                     or e.shot in confirmed),
        shots=tuple(s for s in shots if s.confirmed),
        unconfirmed=tuple(s for s in shots if not s.confirmed),
        hits=tuple(e for e in events if isinstance(e, BulletHit) and e.shot in confirmed),
        frames=frames, frame_ticks=tuple(f.tick for f in frames),
    )


def _identity(event: Event) -> tuple[object, ...] | None:
    """What makes an event one of a kind in a log (None: it may recur): a line written
    twice, or two logs joined, show up as a second event with the same identity."""
    match event:
        case ScenarioStarted() | ScenarioEnded():
            return (event.kind,)
        case ShotFired() | TaserDeployment():
            return (event.kind, event.shot)
        case BulletHit() | BulletStopped():
            return ("bullet landed", event.shot)
        case ProbeLanded():
            return (event.kind, event.shot, event.probe)
    return None


def _check_once(events: list[Event], source: str) -> None:
    """Refuse a log that would count something twice, or a landing of a shot never fired;
    the end must be the last event."""
    seen: set[tuple[object, ...]] = set()
    fired: set[int] = set()
    for number, event in enumerate(events, start=1):
        identity = _identity(event)
        if identity is not None and identity in seen:
            raise AnalysisError(f"{source}: event {number} ({event.kind}): expected each "
                                f"{_what(identity)} once, found it again (a repeated line?)")
        if identity is not None:
            seen.add(identity)
        if isinstance(event, ShotFired):
            fired.add(event.shot)
        elif (isinstance(event, BulletHit | BulletStopped | ProbeLanded | TaserDeployment)
              and event.shot not in fired):
            raise AnalysisError(f"{source}: event {number} ({event.kind}): expected a "
                                f"shot fired earlier, found shot {event.shot}")
        if isinstance(event, ScenarioEnded) and number != len(events):
            raise AnalysisError(f"{source}: event {number} (scenario_ended): expected the "
                                f"last event, found {len(events) - number} after it")


def _what(identity: tuple[object, ...]) -> str:
    kind, *rest = identity
    return f"{kind} of shot {rest[0]}" if rest else str(kind)


def _check_threat(label: str | None, event: ActorStateChanged, source: str) -> None:
    if label is not None and label.upper() not in ThreatLevel.__members__:
        known = [level.label for level in ThreatLevel]
        raise AnalysisError(f"{source}: actor_state at tick {event.tick} ({event.actor}): "
                            f"expected a threat level in {known}, found {label!r}")


def exact_step(step_s: float) -> float:
    """Early logs wrote step_s to 6 decimals (1/240 s as 0.004167: 0.3 ms off per 4 s).
    A step of 1/N s is recovered exactly from either form, so times stay on the grid."""
    per_second = round(1 / step_s)
    return 1 / per_second if round(1 / per_second, 6) == round(step_s, 6) else step_s


_LEVELS = {level.label: level for level in ThreatLevel}  # read for every state change


def threat_level(label: str | None) -> ThreatLevel:
    if label is None:
        return ThreatLevel.COMPLIANT
    return _LEVELS.get(label) or ThreatLevel.from_label(label)


def feet(metres: float) -> float:
    return round(to_feet(metres), 3)


# Facts that later engines log and older logs lack. Each is read here (or by a RunLog
# method), so a log without it reads as "not recorded" instead of failing, and the field
# names the analysis expects are listed in one place (docs/debrief.md names them too).
AIMS_FROM = (1, 3)  # the log version from which shot_fired.aimed_at is whom he aimed at
TRANSITION_KIND = "weapon_transition"  # 1.3: a pull with another device, or from the holster


def malfunction(shot: ShotFired) -> str | None:
    """Why a pull fired nothing (`ShotFired.malfunction`: "jam", "empty", ...)."""
    value = getattr(shot, "malfunction", None)
    return value if isinstance(value, str) and value else None


def attack_result(attack: OfficerAttacked
                  ) -> tuple[str | None, str | None, str | None, str | None]:
    """What an attack did (`OfficerAttacked.outcome`: "hit", "missed", "stopped" or, 1.5,
    "hit_other"), where it hit (`zone`), what stopped it (`by`) and whom else it hit
    (`other`, 1.5)."""
    return tuple(_text_field(attack, name) for name in ("outcome", "zone", "by", "other"))  # type: ignore[return-value]


def held_object(change: ActorStateChanged) -> str | None:
    """What the actor holds from this change on (`ActorStateChanged.held`)."""
    return _text_field(change, "held")


def _version(text: str) -> tuple[int, int]:
    major, _, minor = text.partition(".")
    return (int(major), int(minor)) if major.isdigit() and minor.isdigit() else (1, 0)


def _text_field(event: Event, name: str) -> str | None:
    value = getattr(event, name, None)
    return value if isinstance(value, str) else None
