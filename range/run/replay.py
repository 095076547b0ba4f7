"""Replay: a log's inputs run again through the world.

The log holds every input the world took (commands, branch keys, trigger pulls with the
pixel they were fired at) on the tick it took them, and the seed. Run through the same
scenario, they give the same log again, byte for byte: that is how the after-action
review shows any moment of a session, and how a record is checked against its log."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from range.errors import EventLogError
from range.run.events import (
    BranchKey,
    Event,
    ForceShown,
    FrameShown,
    OfficerCommand,
    OfficerReloaded,
    OperatorAction,
    ScenarioEnded,
    ScenarioStarted,
    ShotFired,
)
from range.run.officer_events import OfficerMoved
from range.run.queue import Branch, Fire, InputQueue, Move, Note, Reload, Say, Show
from range.scenario.model import Scenario
from range.scenario.validation import content_hash
from range.world.engine import World


def inputs_of(events: Sequence[Event]) -> InputQueue:
    """The officer's inputs in a log, and the frames shown, on the ticks the world took
    them, in log order."""
    queue = InputQueue()
    for event in events:
        match event:
            case OfficerCommand():
                queue.push(event.tick, Say(event.command, event.tone or None, event.officer))
            case ForceShown():
                queue.push(event.tick, Show(event.weapon, event.officer))
            case BranchKey():
                queue.push(event.tick, Branch(event.key, event.operator))
            case ShotFired():
                timing = event.timing()
                queue.push(event.tick, Fire(event.weapon, event.point, event.replica,
                                            event.confirmed, timing,
                                            event.distances if timing else None,
                                            event.aimed_at, event.officer,
                                            event.mode == "drive_stun",
                                            _replica_dry(event)))
            case OfficerReloaded():
                queue.push(event.tick, Reload(event.weapon, event.officer))
            case OfficerMoved():
                queue.push(event.tick, Move(event.move, event.officer))
            case FrameShown() | OperatorAction():
                queue.push(event.tick, Note(event))
    return queue


def replay(events: Sequence[Event], scenario: Scenario,
           sink: Callable[[Event], None] | None = None) -> World:
    """The world of a log run again: to its end, or, for a log cut short (a killed
    session), through the tick of its last event."""
    start = check_start(events, scenario)
    world = World(scenario, start.seed, provenance=start.provenance(), on_event=sink)
    queue = inputs_of(events)
    ended = next((e for e in reversed(events) if isinstance(e, ScenarioEnded)), None)
    if ended is None:
        queue.drive(world, events[-1].tick + 1)
        return world
    queue.drive(world, ended.tick)
    if not world.ended:  # the session was stopped before its scenario's end
        queue.apply_due(world)
        world.stop(ended.reason)
    return world


def check_start(events: Sequence[Event], scenario: Scenario) -> ScenarioStarted:
    """The log's first event, checked to be of this scenario, in this version."""
    start = events[0] if events else None
    if not isinstance(start, ScenarioStarted):
        raise EventLogError("replay: expected a log that begins with scenario_started")
    if start.scenario != scenario.id:
        raise EventLogError(f"replay: the log is of scenario {start.scenario!r}, found "
                            f"scenario {scenario.id!r}")
    if start.scenario_sha256 and start.scenario_sha256 != content_hash(scenario):
        raise EventLogError(f"replay: the log was recorded with another version of scenario "
                            f"{scenario.id!r} (sha256 {start.scenario_sha256[:12]}, this one "
                            f"{content_hash(scenario)[:12]})")
    return start


def _replica_dry(shot: ShotFired) -> str | None:
    """A replica's dry pull, as logged: the world cannot work that out again (the
    engine's own dry pulls, an empty or reloading pistol, it does)."""
    return shot.malfunction if shot.replica is not None else None
