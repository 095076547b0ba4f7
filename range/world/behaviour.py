"""Behaviour state machines: which transition of an actor's current state fires now.

Pure functions of what the actor has perceived since it entered the state (stimuli),
how long it has been there and how far it is from the officer. The seeded generator is
passed in for `choose` transitions; nothing else here is random."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from range.scenario.model import State, Transition
from range.world.body import Pose

StimulusKind = Literal["command", "hit", "taser", "branch", "officer"]


@dataclass(frozen=True, slots=True)
class Stimulus:
    """Something the actor perceived: a command given, a hit zone, a TASER result
    ("effective", "failed", "cycle_ended", "recovered"), an instructor's branch key, the
    officer hit ("officer", "hit"). He
    acts on it from `at_tick` (after his reaction time)."""

    kind: StimulusKind
    value: str
    at_tick: int = 0
    shot: int | None = None  # the shot that hit him, for a hit


NEVER_TICK = 1 << 62
POSES: dict[str, Pose] = {"comply": "hands_up", "kneel": "kneeling", "down": "down"}


def pose_of(action: str) -> Pose:
    return POSES.get(action, "standing")


def fires(transition: Transition, time_in_state: float, distance: float,
          stimuli: list[Stimulus], tick: int = NEVER_TICK, agitation: float = 0.0) -> bool:
    """Whether the transition's one trigger is satisfied (stimuli count once their
    reaction time has passed by `tick`)."""
    if transition.agitation_above is not None:
        return agitation >= transition.agitation_above
    if transition.agitation_below is not None:
        return agitation <= transition.agitation_below
    if transition.after is not None:
        return time_in_state >= transition.after - 1e-9
    if transition.within is not None:
        return distance <= transition.within
    if transition.beyond is not None:
        return distance >= transition.beyond
    wanted = _wanted_stimulus(transition)
    return any(_matches(wanted, s) and s.at_tick <= tick for s in stimuli)


def _wanted_stimulus(transition: Transition) -> tuple[StimulusKind, object]:
    if transition.command is not None:
        return "command", transition.command
    if transition.hit is not None:
        return "hit", transition.hit
    if transition.taser is not None:
        return "taser", transition.taser
    if transition.officer is not None:
        return "officer", transition.officer
    return "branch", transition.branch


def _matches(wanted: tuple[StimulusKind, object], stimulus: Stimulus) -> bool:
    kind, value = wanted
    if stimulus.kind != kind:
        return False
    if kind == "hit" and value == "any":
        return True
    if kind == "hit" and isinstance(value, list):
        return stimulus.value in value
    return stimulus.value == value


def due_transition(state: State, time_in_state: float, distance: float,
                   stimuli: list[Stimulus], tick: int = NEVER_TICK,
                   stopping: frozenset[str] = frozenset(),
                   agitation: float = 0.0) -> Transition | None:
    """The first transition, in file order, whose trigger is satisfied. A hit that lays
    him down (`stopping`: the states he lies in) is not a choice he makes: it takes
    effect as a wound (`stopping_transition`), not here."""
    for transition in state.transitions:
        if transition.hit is not None and transition.to in stopping:
            continue
        if fires(transition, time_in_state, distance, stimuli, tick, agitation):
            return transition
    return None


def stopping_transition(state: State, zone: str,
                        stopping: frozenset[str]) -> Transition | None:
    """The state's transition that a hit in `zone` lays him down by, if any."""
    for transition in state.transitions:
        if (transition.hit is not None and transition.to in stopping
                and _matches(("hit", transition.hit), Stimulus("hit", zone))):
            return transition
    return None


def cause_of(transition: Transition, stimuli: list[Stimulus], tick: int = NEVER_TICK) -> str:
    trigger = transition.trigger()
    if trigger in ("after", "within", "beyond", "agitation_above", "agitation_below"):
        return trigger.replace("_", " ")
    wanted = _wanted_stimulus(transition)
    stimulus = next(s for s in stimuli if _matches(wanted, s) and s.at_tick <= tick)
    return f"{stimulus.kind}:{stimulus.value}"


def choose_target(transition: Transition, rng: np.random.Generator) -> tuple[str, bool]:
    """The next state and whether chance chose it."""
    if transition.to is not None:
        return transition.to, False
    options = sorted((transition.choose or {}).items())
    weights = np.array([w for _, w in options], dtype=float)
    index = int(rng.choice(len(options), p=weights / weights.sum()))
    return options[index][0], True
