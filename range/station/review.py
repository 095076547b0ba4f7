"""The after-action review of a saved session log: the world replayed deterministically
from the log's inputs, with any moment of it a fast seek away.

Replaying the log once keeps the world's whole state every KEYFRAME_S of simulated time
(pickled: pymunk's space and the seeded generator come back exactly, but not the cached
impulses of a contact between bodies). Seeking to a tick restores the nearest keyframe at
or before it taken with no contact (within EXACT_REACH_S; else the nearest, which is then
right to within floating-point rounding) and steps the world from there with the log's
inputs, never from the start; a cursor kept at the last moment shown lets playing forward
go on from where it is. The replayed events are checked against the log's: a
replay that differs says at which event, since the view would then not be the session."""

from __future__ import annotations

import pickle
import threading
from collections.abc import Sequence
from dataclasses import MISSING, dataclass, fields
from itertools import pairwise
from statistics import median

from range.analysis.decisions import analyse
from range.analysis.report import DecisionReport
from range.run.events import (
    LOG_VERSION,
    Event,
    FrameShown,
    OperatorAction,
    ScenarioEnded,
    ScenarioStarted,
)
from range.run.queue import InputQueue, Note
from range.run.replay import check_start, inputs_of
from range.scenario.model import Scenario
from range.scenario.policy import Policy
from range.station.rounds import Round, rounds
from range.station.timeline import Entry, Reaction, cue_ticks, entries, reactions
from range.world.engine import World
from range.world.snapshot import WorldSnapshot

KEYFRAME_S = 0.5  # simulated time between kept states: a seek steps at most this far
# A body resting against another has a contact whose cached impulses pymunk does not
# carry across a copy, so stepping on from that keyframe differs in the last bits; a seek
# steps from an earlier keyframe without contacts if one is this near.
EXACT_REACH_S = 3.0
DEFAULT_FRAME_TICKS = 4  # a 60 Hz frame at the 240 Hz step, for logs without frames


@dataclass(frozen=True, slots=True)
class Trainee:
    name: str
    badge: str
    entered_by: str


class Review:
    def __init__(self, events: Sequence[Event], scenario: Scenario, policy: Policy,
                 source: str = "event log", keyframe_s: float = KEYFRAME_S) -> None:
        self.source = source
        self.scenario = scenario
        self.policy = policy
        self.events = list(events)
        self.start: ScenarioStarted = check_start(self.events, scenario)
        self.step_s = self.start.step_s
        self._every = max(1, round(keyframe_s / self.step_s))
        self._inputs = [(tick, item) for tick, item in inputs_of(self.events).items()
                        if not isinstance(item, Note)]  # notes only add lines to the log
        self._keyframes: list[bytes] = []
        self._exact: list[bool] = []  # whether each keyframe restores bit for bit
        self._lock = threading.Lock()
        self.replayed, self.end_tick = self._replay()
        self.differs_at = _first_difference(self.events, self.replayed)
        self.report: DecisionReport = analyse(self.replayed, policy, source)
        self.timeline: list[Entry] = entries(self.replayed, self.step_s, cue_ticks(self.report))
        self.reactions: list[Reaction] = reactions(self.report)
        self.rounds: list[Round] = rounds(self.replayed, dict(self.start.actors))
        self.frame_ticks = _frame_step(self.events)
        self._cursor: tuple[World, InputQueue] | None = None

    @property
    def duration_s(self) -> float:
        return self.end_tick * self.step_s

    @property
    def trainee(self) -> Trainee | None:
        entered = [e for e in self.events
                   if isinstance(e, OperatorAction) and e.action == "trainee"]
        last = entered[-1] if entered else None
        return Trainee(last.subject, last.detail, last.operator) if last else None

    def _world(self) -> World:
        return World(self.scenario, self.start.seed, provenance=self.start.provenance())

    def _replay(self) -> tuple[list[Event], int]:
        """Run the whole log again (with its notes, so the events can be compared),
        keeping a keyframe every `_every` ticks; the events and the last tick."""
        world = self._world()
        queue = inputs_of(self.events)
        ended = next((e for e in reversed(self.events) if isinstance(e, ScenarioEnded)), None)
        until = ended.tick if ended is not None else self.events[-1].tick + 1
        while not world.ended and world.tick < until:
            if world.tick % self._every == 0:
                self._keep(world)
            queue.drive(world, min(until, (world.tick // self._every + 1) * self._every))
        if ended is not None and not world.ended:  # stopped before the scenario's end
            queue.apply_due(world)
            world.stop(ended.reason)
        return world.events, min(world.tick, until)

    def _keep(self, world: World) -> None:
        events, world.events = world.events, []
        try:
            self._keyframes.append(pickle.dumps(world, protocol=pickle.HIGHEST_PROTOCOL))
        finally:
            world.events = events
        self._exact.append(not _in_contact(world))

    def snapshot_at(self, tick: int) -> WorldSnapshot:
        """The world as it was at `tick` (clamped to the session), as it was drawn."""
        tick = max(0, min(tick, self.end_tick))
        with self._lock:
            world, queue = self._from(tick)
            queue.drive(world, tick)
            self._cursor = (world, queue)
            return world.snapshot()

    def _from(self, tick: int) -> tuple[World, InputQueue]:
        """A world at or before `tick` to step from: the cursor if it is between the
        keyframe and `tick`, else that keyframe restored."""
        index = self._keyframe_for(tick)
        if self._cursor is not None and index * self._every <= self._cursor[0].tick <= tick:
            return self._cursor
        world: World = pickle.loads(self._keyframes[index])
        queue = InputQueue()
        for at, item in self._inputs:
            if at >= world.tick:
                queue.push(at, item)
        return world, queue

    def _keyframe_for(self, tick: int) -> int:
        """The keyframe to seek from: the latest at or before `tick` restored bit for bit
        (no body touching another then) if one is within EXACT_REACH_S, else the latest."""
        latest = min(tick // self._every, len(self._keyframes) - 1)
        reach = round(EXACT_REACH_S / self.step_s) // self._every
        for index in range(latest, max(-1, latest - reach - 1), -1):
            if self._exact[index]:
                return index
        return latest

    def exact_at(self, tick: int) -> bool:
        """Whether a seek to `tick` gives the session's world bit for bit (else to within
        floating-point rounding, about 1e-12 m)."""
        return self._exact[self._keyframe_for(max(0, min(tick, self.end_tick)))]

    def tick_of(self, seconds: float) -> int:
        return max(0, min(self.end_tick, round(seconds / self.step_s)))

    @property
    def keyframes(self) -> int:
        return len(self._keyframes)

    @property
    def exact_keyframes(self) -> int:
        """Keyframes taken with no body touching another: they restore bit for bit."""
        return sum(self._exact)


def _in_contact(world: World) -> bool:
    touching: list[object] = []
    for body in world.space.bodies:
        body.each_arbiter(touching.append)
        if touching:
            return True
    return False


def _first_difference(logged: Sequence[Event], replayed: Sequence[Event]) -> int | None:
    """The number (from 1) of the first event where the replay differs from the log. The
    first event is left out: it was checked against the scenario, and a replay writes it
    in this Holdfire's log version."""
    older = isinstance(logged[0], ScenarioStarted) and logged[0].log_version != LOG_VERSION
    for number, (a, b) in enumerate(zip(logged[1:], replayed[1:], strict=False), start=2):
        if a != b and not (older and _same_but_newer_fields(a, b)):
            return number
    if len(logged) != len(replayed):
        return min(len(logged), len(replayed)) + 1
    return None


def _same_but_newer_fields(logged: Event, replayed: Event) -> bool:
    """Whether two events differ only in fields the logged one leaves at their defaults:
    fields a later log version added (a 1.0 log's shots name no device), which the
    replay, written in this version, fills in."""
    if type(logged) is not type(replayed):
        return False
    for f in fields(logged):
        was, now = getattr(logged, f.name), getattr(replayed, f.name)
        if was != now and (f.default is MISSING or was != f.default):
            return False
    return True


def _frame_step(events: Sequence[Event]) -> int:
    """Ticks between the frames the session showed (the usual gap), for frame stepping."""
    ticks = [e.tick for e in events if isinstance(e, FrameShown)]
    gaps = [b - a for a, b in pairwise(ticks) if b > a]
    return max(1, round(median(gaps))) if gaps else DEFAULT_FRAME_TICKS
