"""The scenario file model: TOML text -> a validated, frozen `Scenario`.

The format is documented in docs/scenario-format.md. Parsing does no I/O; `load_scenario`
is the thin edge that reads a file and checks the files it refers to.
"""

from __future__ import annotations

import graphlib
import math
from collections import deque
from collections.abc import Iterable
from itertools import pairwise
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, field_validator

from range.errors import ScenarioError
from range.scenario.officer import DEFAULT_WEAPONS as DEFAULT_WEAPONS
from range.scenario.officer import Movement as Movement
from range.scenario.officer import Muzzle as Muzzle
from range.scenario.officer import Officer as Officer
from range.scenario.officer import OfficerTiming as OfficerTiming
from range.scenario.officer import Place as Place
from range.scenario.placement import check_placements, check_places
from range.scenario.quantities import ANGLE as ANGLE
from range.scenario.quantities import LENGTH as LENGTH
from range.scenario.quantities import SPEED as SPEED
from range.scenario.quantities import TIME as TIME
from range.scenario.quantities import Chance as Chance
from range.scenario.quantities import Coordinate as Coordinate
from range.scenario.quantities import Distance as Distance
from range.scenario.quantities import Duration as Duration
from range.scenario.quantities import Instant as Instant
from range.scenario.quantities import PersonHeight as PersonHeight
from range.scenario.quantities import ScreenSize as ScreenSize
from range.scenario.quantities import Speed as Speed
from range.scenario.quantities import Thickness as Thickness
from range.scenario.quantities import Weight as Weight
from range.scenario.quantities import quantity as _quantity
from range.scenario.validation import (
    Key,
    Name,
    SchemaVersion,
    Shape,
    Strict,
    parse_toml,
    read_text,
    validate_model,
)
from range.scenario.validation import suggest as _suggest
from range.vocabulary import Action, Command, HeldObject, Role, ThreatLabel, WeaponName, Zone

# Default speeds per moving action (m/s): walking pace, the Tueller charge (21 ft in
# 1.5 s, domain-facts C.3), a running flight.
DEFAULT_SPEEDS: dict[str, float] = {
    "walk_to": 1.4, "approach": 1.4, "charge": 4.3, "attack": 4.3, "flee": 3.5,
}
DEFAULT_INTERVALS: dict[str, float] = {"fire": 0.5, "attack": 0.6}
FOOTPRINT_RADIUS_M = 0.22  # a person's footprint on the ground: half a torso's width


class Rig(Strict):
    """The projection screen as seen from the shooter's line."""

    screen_width: ScreenSize = 3.0
    screen_height: ScreenSize = 1.7
    screen_distance: Annotated[float, _quantity("length"), Field(gt=0.5, le=30), LENGTH] = 4.5
    screen_bottom: Distance = 0.3
    eye_height: PersonHeight = 1.65
    resolution: tuple[Annotated[int, Field(ge=320, le=8192)],
                      Annotated[int, Field(ge=240, le=8192)]] = (1920, 1080)


# TASER effect once the probes connect, per device: the independent X26-era figure of the
# best department (~80 %, [B32]); the X26P, with about half the X26's delivered charge,
# subdued LAPD's suspects in 53 % of uses [B30]. domain-facts B.5: use 50-95 % by model
# and era, never the vendor's 99-100 % (nor the X2's quoted 94.5 % [B9]). No independent
# figure was found for the X2, TASER 7 or TASER 10, so they take the X26 figure until an
# agency sets its own.
CewDevice = Literal["X26", "X26P", "X2", "TASER 7", "TASER 10"]
DEFAULT_TASER_EFFECT: dict[CewDevice, float] = {
    "X26": 0.80, "X26P": 0.53, "X2": 0.80, "TASER 7": 0.80, "TASER 10": 0.80}


# A TASER wire: B.1's cartridges run 15 to 45 ft; beyond 60 ft is a typo.
WireLength = Annotated[Distance, Field(gt=0.3, le=60 * 0.3048)]


class TaserRules(Strict):
    """Incapacitation rules; agencies may set the legacy 6 in spread rule, and their own
    measured effect rates per device."""

    min_spread: Distance = 12 * 0.0254
    max_clothing: Thickness = 1 * 0.0254
    effect: dict[CewDevice, Chance] = Field(default_factory=lambda: dict(DEFAULT_TASER_EFFECT))
    # Greater spread works better (B.2): the effect chance rises from half the device's
    # figure at min_spread to all of it at full_spread (a straight line; the shape is ours).
    full_spread: Distance = 24 * 0.0254
    # A cartridge's own wire length, where the agency's differs from the engine's (the
    # TASER 7 CQ wire has no source: docs/engine-constants.md). TASER cartridges only.
    wire: dict[WeaponName, WireLength] = Field(default_factory=dict)

    @field_validator("wire")
    @classmethod
    def _taser_cartridges(cls, wire: dict[WeaponName, float]) -> dict[WeaponName, float]:
        if "pistol" in wire:
            raise ValueError("expected TASER cartridge names, found 'pistol'")
        return wire


def _ordered(value: tuple[float, float]) -> tuple[float, float]:
    if value[0] > value[1]:
        raise ValueError(f"expected [shortest, longest], found {list(value)}")
    return value


# A time drawn from the run's seeded generator, evenly between its two ends.
TimeRange = Annotated[tuple[Instant, Instant], AfterValidator(_ordered)]


DEFAULT_INCAPACITATION: dict[Zone, tuple[float, float]] = {
    "head": (0.0, 0.3), "upper_torso": (1.0, 5.0), "lower_torso": (2.0, 10.0),
    "legs": (0.5, 3.0), "arms": (3.0, 15.0)}


class Response(Strict):
    """How long a person takes to respond, drawn per event from the run's generator.
    Reactions from domain-facts C.5 (perceive and decide 0.25 s when expected, 0.5-1.0 s
    for a choice or a surprise). The incapacitation and recovery times have no source in
    domain-facts: they are placeholders an agency replaces with its own figures."""

    command: TimeRange = (0.5, 1.0)  # a command is a choice: comply or not [C.5]
    perceive: TimeRange = (0.25, 0.5)  # a hit or a failed TASER felt and acted on [C.5]
    fall: Duration = 0.6  # from his legs giving way to lying on the floor
    recovery: TimeRange = (0.5, 2.0)  # after a TASER cycle, before he acts again
    # A stopping hit (one whose transition lays him down) takes this long to stop him,
    # per zone: he goes on with what he was doing meanwhile.
    incapacitation: dict[Zone, TimeRange] = Field(
        default_factory=lambda: dict(DEFAULT_INCAPACITATION))


class Transition(Strict):
    """Leave the state when the one trigger fires: go `to` a state, or `choose` one by
    seeded weighted chance."""

    to: str | None = None
    choose: dict[str, Weight] | None = None
    after: Duration | None = None
    within: Distance | None = None
    beyond: Distance | None = None
    command: Command | None = None
    hit: list[Zone] | Literal["any"] | None = None
    taser: Literal["effective", "failed", "cycle_ended", "recovered", "drive_stun"] | None = None
    branch: Key | None = None
    agitation_above: Chance | None = None
    agitation_below: Chance | None = None
    officer: Literal["hit"] | None = None  # a subject's attack hit the officer

    def trigger(self) -> str:
        return next(n for n in TRIGGERS if getattr(self, n) is not None)

    def targets(self) -> list[str]:
        return [self.to] if self.to is not None else sorted(self.choose or {})


TRIGGERS = ("after", "within", "beyond", "command", "hit", "taser", "branch",
            "agitation_above", "agitation_below", "officer")


class State(Strict):
    action: Action
    threat: ThreatLabel
    say: Annotated[str, Field(min_length=1, max_length=120)] | None = None  # on entering
    speed: Speed | None = None
    target: tuple[Coordinate, Coordinate] | None = None
    stop_at: Distance = 1.5
    interval: Duration | None = None
    transitions: list[Transition] = Field(default_factory=list)

    def speed_or_default(self) -> float:
        return self.speed if self.speed is not None else DEFAULT_SPEEDS.get(self.action, 0.0)

    def interval_or_default(self) -> float:
        if self.interval is not None:
            return self.interval
        return DEFAULT_INTERVALS.get(self.action, 0.0)


Colour = Annotated[str, Field(pattern=r"^#[0-9a-fA-F]{6}$"),
                  Shape("a colour '#rrggbb'")]
Backdrop = Literal["street", "parking-lot", "hallway", "park"]


class Appearance(Strict):
    """How an actor is drawn: clothing, skin and hair colours. Drawing only; the engine
    never reads it."""

    top: Colour = "#3c465f"
    trousers: Colour = "#2a2b31"
    skin: Colour = "#c89c7c"
    hair: Colour = "#2b2118"

    def rgb(self, part: Literal["top", "trousers", "skin", "hair"]) -> tuple[int, int, int]:
        value: str = getattr(self, part)
        return (int(value[1:3], 16), int(value[3:5], 16), int(value[5:7], 16))


Rate = Annotated[float, Field(ge=0, le=10)]  # agitation per second
Impulse = Annotated[float, Field(ge=-1, le=1)]  # a step in agitation
Tone = Literal["calm", "shouted"]


class Agitation(Strict):
    """How agitated the actor is (0 calm, 1 beyond reach) and what moves it: time taken
    settles him; an officer nearer than `comfort` crowds him; commands calm or provoke by
    their tone; several at once overwhelm; force shown or used provokes. Transitions can
    fire on `agitation_above` / `agitation_below`. The figures are the scenario author's:
    domain-facts gives no measured values for them (docs/engine-constants.md)."""

    start: Chance = 0.5
    settle: Rate = 0.03  # per second, while nothing provokes him
    comfort: Distance = 15 * 0.3048  # nearer than this the officer crowds him
    crowding: Rate = 0.10  # per second with the officer at his feet, less as he is farther
    calm_command: Impulse = -0.06
    shouted_command: Impulse = 0.08
    overload: Impulse = 0.06  # each further command within `overload_window` of another
    overload_window: Duration = 2.0
    force_shown: Impulse = 0.15  # a weapon pointed at him, or drawn on him
    force_used: Impulse = 0.30  # a round or a TASER at him


class Actor(Strict):
    id: Name
    role: Role = "subject"
    position: tuple[Coordinate, Coordinate]
    height: PersonHeight = 1.78
    clothing: Thickness | dict[Zone, Thickness] = 0.25 * 0.0254
    weapon: HeldObject = "none"
    taser_resistance: Annotated[float, Field(ge=0, le=1)] = 0.0
    # His shots' aim error at the officer, 1 sigma each way (no source: an agency setting).
    aim_error: Annotated[float, _quantity("angle"), Field(ge=0, le=0.5), ANGLE] = math.radians(3)
    agitation: Agitation | None = None  # None: he does not respond to de-escalation
    initial: str
    states: dict[str, State]
    appearance: Appearance = Appearance()

    def clothing_at(self, zone: Zone | None) -> float:
        """Clothing over a zone: one thickness for all, or per zone (unlisted: none)."""
        if isinstance(self.clothing, float):
            return self.clothing
        return self.clothing.get(zone, 0.0) if zone is not None else 0.0


class Cover(Strict):
    id: Name
    kind: Literal["wall", "vehicle", "barrier", "doorway"] = "wall"
    center: tuple[Coordinate, Coordinate]
    size: tuple[Annotated[Distance, Field(gt=0)], Annotated[Distance, Field(gt=0)]]
    height: Annotated[float, _quantity("length"), Field(gt=0, le=20)]
    angle: Annotated[float, _quantity("angle"), Field(ge=-7, le=7), ANGLE] = 0.0


class Scenario(Strict):
    schema_version: SchemaVersion
    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]*$"),
                  Shape("lower-case letters, digits or '-', starting with a letter")]
    title: str
    description: str = ""
    backdrop: Backdrop = "street"  # what the projector draws behind the scene
    duration: Duration
    policy: str = "default"
    rig: Rig = Rig()
    taser: TaserRules = TaserRules()
    response: Response = Response()
    officer: Officer = Officer()
    actors: Annotated[list[Actor], Field(min_length=1)]
    cover: list[Cover] = Field(default_factory=list)


def parse_scenario(text: str, source: str) -> Scenario:
    """Validate scenario TOML text; `source` names it in errors."""
    return scenario_from_data(parse_toml(text, source), source)


def scenario_from_data(data: object, source: str) -> Scenario:
    """Validate a scenario as read from TOML (tables and lists)."""
    scenario = validate_model(Scenario, data, source)
    _check_references(scenario, source)
    return scenario


def load_scenario(path: Path) -> Scenario:
    """Read a scenario file and check the files it refers to exist."""
    scenario = parse_scenario(read_text(path), str(path))
    if scenario.policy.endswith(".toml") and not (path.parent / scenario.policy).is_file():
        raise ScenarioError(
            f"{path}: policy: expected an existing policy file, found no file "
            f"{scenario.policy!r} beside the scenario"
        )
    return scenario


def _check_references(scenario: Scenario, source: str) -> None:
    _unique([a.id for a in scenario.actors] + [c.id for c in scenario.cover], source, "id")
    check_placements(scenario, source, FOOTPRINT_RADIUS_M)
    check_places(scenario, source, FOOTPRINT_RADIUS_M)
    for index, actor in enumerate(scenario.actors):
        where = f"{source}: actors[{index}] ({actor.id})"
        if actor.initial not in actor.states:
            raise ScenarioError(f"{where}.initial: expected one of its states "
                                f"{_names(actor.states)}, found {actor.initial!r}"
                                f"{_suggest(actor.initial, actor.states)}")
        for name, state in actor.states.items():
            _check_state(actor, name, state, f"{where}.states.{name}")
        unreachable = sorted(set(actor.states) - _reachable(actor))
        if unreachable:
            raise ScenarioError(f"{where}.states.{unreachable[0]}: expected every state to be "
                                f"reachable from initial state {actor.initial!r}, found "
                                f"unreachable state(s) {unreachable}")
        loop = _distance_loop(actor)
        if loop is not None:
            states, distance = loop
            raise ScenarioError(
                f"{where}.states.{states[0]}: expected distance triggers that cannot all hold "
                f"at once, found {' -> '.join(states)} all firing at {distance:g} m: the "
                "actor would change state every tick; leave a gap between 'within' and "
                "'beyond', or add an 'after'")


def _check_state(actor: Actor, name: str, state: State, where: str) -> None:
    if actor.agitation is None and any(t.agitation_above is not None
                                       or t.agitation_below is not None
                                       for t in state.transitions):
        raise ScenarioError(f"{where}.transitions: expected an [actors.agitation] table for "
                            "an agitation trigger, found none")
    if state.action == "walk_to" and state.target is None:
        raise ScenarioError(f"{where}.target: expected a [x, y] target for action 'walk_to', "
                            "found none")
    if state.action == "fire" and actor.weapon != "handgun":
        raise ScenarioError(f"{where}.action: expected the actor to carry a handgun to 'fire', "
                            f"found weapon {actor.weapon!r}")
    for t_index, transition in enumerate(state.transitions):
        t_where = f"{where}.transitions[{t_index}]"
        set_triggers = [n for n in TRIGGERS if getattr(transition, n) is not None]
        if len(set_triggers) != 1:
            raise ScenarioError(f"{t_where}: expected exactly one trigger of {list(TRIGGERS)}, "
                                f"found {set_triggers or 'none'}")
        if (transition.to is None) == (transition.choose is None):
            raise ScenarioError(f"{t_where}: expected exactly one of 'to' or 'choose'")
        for target in transition.targets():
            if target not in actor.states:
                raise ScenarioError(f"{t_where}: expected a target among the actor's states "
                                    f"{_names(actor.states)}, found {target!r}"
                                    f"{_suggest(target, actor.states)}")


def _distance_loop(actor: Actor) -> tuple[list[str], float] | None:
    """A cycle of states joined by distance triggers that all hold at one distance (so the
    actor would go round it every tick), and that distance; None if there is none. Which
    triggers hold changes only at their thresholds, so those and the points between them
    are all the distances to try."""
    cuts = sorted({d for state in actor.states.values() for t in state.transitions
                   for d in (t.within, t.beyond) if d is not None})
    probes = [*cuts, *((a + b) / 2 for a, b in pairwise(cuts)), *(c + 1 for c in cuts[-1:])]
    for distance in probes:
        edges = {name: [target for t in state.transitions if _holds(t, distance)
                        for target in t.targets()]
                 for name, state in actor.states.items()}
        cycle = _cycle(edges)
        if cycle:
            return cycle, distance
    return None


def _holds(transition: Transition, distance: float) -> bool:
    return ((transition.within is not None and distance <= transition.within)
            or (transition.beyond is not None and distance >= transition.beyond))


def _cycle(edges: dict[str, list[str]]) -> list[str] | None:
    """A cycle in a directed graph, as the states round it in order, the first repeated."""
    try:
        # Read as "a state waits for the states it leads to": a cycle there is one here.
        graphlib.TopologicalSorter(edges).prepare()
    except graphlib.CycleError as exc:
        return list(reversed(exc.args[1]))
    return None


def _reachable(actor: Actor) -> set[str]:
    seen, queue = {actor.initial}, deque([actor.initial])
    while queue:
        for transition in actor.states[queue.popleft()].transitions:
            for target in transition.targets():
                if target in actor.states and target not in seen:
                    seen.add(target)
                    queue.append(target)
    return seen


def _unique(ids: list[str], source: str, key: str) -> None:
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ScenarioError(f"{source}: {key}: expected unique actor and cover ids, found "
                            f"{duplicates[0]!r} more than once")


def _names(names: Iterable[str]) -> str:
    return "[" + ", ".join(sorted(names)) + "]"
