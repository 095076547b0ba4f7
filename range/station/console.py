"""The live console's state: the scenarios to pick from, the trainee, the run under way
and what the range master asked of it. Shared by the web app's threads (which read the
state and queue commands) and the live loop's (which takes the commands between frames
and reports every event and frame): every field is behind one lock, and the world itself
is only ever touched by the live loop."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from range.analysis.decisions import analyse
from range.errors import HoldfireError
from range.run.events import (
    ActorStateChanged,
    Event,
    OfficerCommand,
    ScenarioEnded,
    ShotFired,
    TaserDeployment,
)
from range.scenario.model import Scenario
from range.scenario.policy import Policy
from range.station.mapview import map_view
from range.station.rigstatus import check_replica_command
from range.station.rounds import rounds
from range.station.timeline import Entry, cue_ticks, entries, reactions
from range.world.snapshot import WorldSnapshot

Status = Literal["ready", "starting", "running", "paused", "ended"]
MAX_NAME = 80
# Events after which the debrief's reaction times may have changed.
REACTION_EVENTS = (ActorStateChanged, OfficerCommand, ShotFired, TaserDeployment, ScenarioEnded)


class ConsoleError(HoldfireError):
    """A console request that cannot be done now, said in one line."""


@dataclass(frozen=True, slots=True)
class Choice:
    """A scenario on offer, with the policy its debrief applies."""

    name: str
    scenario: Scenario
    policy: Policy

    def describe(self) -> dict[str, Any]:
        s = self.scenario
        return {"name": self.name, "title": s.title, "description": s.description,
                "policy": self.policy.title, "weapons": list(s.officer.weapons),
                "duration_s": s.duration, "branches": branches(s)}


def branches(scenario: Scenario) -> list[dict[str, str]]:
    """Each branch key the scenario answers, with what it does (actor: from -> to)."""
    found: dict[str, list[str]] = {}
    for actor in scenario.actors:
        for name, state in actor.states.items():
            for transition in state.transitions:
                if transition.branch is not None:
                    target = transition.to or "/".join(sorted(transition.choose or {}))
                    found.setdefault(transition.branch, []).append(
                        f"{actor.id}: {name} -> {target}")
    return [{"key": key, "effect": "; ".join(effects)} for key, effects in sorted(found.items())]


@dataclass(frozen=True, slots=True)
class RunRequest:
    choice: Choice
    seed: int
    trainee: str
    badge: str
    operator: str


@dataclass(frozen=True, slots=True)
class Command:
    """What the range master asked of the run under way, queued for the live loop."""

    action: Literal["branch", "pause", "resume", "stop", "replica"]
    operator: str
    key: str = ""
    screen_tick: int | None = None
    replica: str = ""
    detail: str = ""


@dataclass(slots=True)
class _Run:
    choice: Choice
    seed: int
    step_s: float = 1 / 240
    events: list[Event] = field(default_factory=list)
    timeline: list[Entry] = field(default_factory=list)
    snapshot: WorldSnapshot | None = None
    reactions: list[dict[str, Any]] = field(default_factory=list)
    cues: set[tuple[str, int]] = field(default_factory=set)  # (actor, tick) of each cue
    stale: bool = False
    log: Path | None = None
    frames: dict[str, Any] = field(default_factory=dict)
    rig: dict[str, Any] = field(default_factory=dict)


class Console:
    def __init__(self, choices: Sequence[Choice], selected: str | None = None) -> None:
        if not choices:
            raise ConsoleError("the console needs at least one scenario")
        self.choices = {c.name: c for c in choices}
        self._lock = threading.Condition()
        self._selected = selected if selected in self.choices else choices[0].name
        self._trainee = ("", "")
        self._status: Status = "ready"
        self._requests: deque[RunRequest] = deque()
        self._commands: deque[Command] = deque()
        self._run: _Run | None = None
        self._last_seed = -1
        self._closed = False
        self.error = ""  # why the last run failed, if it did
        self.logs: list[Path] = []  # every session this console ran, oldest first

    # -- the web app's side ---------------------------------------------------------------

    def select(self, name: str) -> None:
        with self._lock:
            if name not in self.choices:
                raise ConsoleError(f"scenario: expected one of {sorted(self.choices)}, found "
                                   f"{name!r}")
            self._idle_or_refuse("pick a scenario")
            self._selected = name

    def set_trainee(self, name: str, badge: str) -> None:
        name, badge = name.strip(), badge.strip()
        if not name or len(name) > MAX_NAME or len(badge) > MAX_NAME:
            raise ConsoleError(f"trainee: expected a name of 1 to {MAX_NAME} characters and "
                               f"a badge of at most {MAX_NAME}")
        with self._lock:
            self._idle_or_refuse("change the trainee")
            self._trainee = (name, badge)

    def start(self, operator: str, seed: int | None = None) -> int:
        """Queue a run of the selected scenario; its seed (the next one unless given)."""
        with self._lock:
            self._idle_or_refuse("start another run")
            if not self._trainee[0]:
                raise ConsoleError("enter the trainee's name before starting")
            chosen = self._last_seed + 1 if seed is None else seed
            if not 0 <= chosen < 2 ** 32:
                raise ConsoleError(f"seed: expected 0 to {2 ** 32 - 1}, found {chosen}")
            self._last_seed = chosen
            self._requests.append(RunRequest(self.choices[self._selected], chosen,
                                             *self._trainee, operator))
            self._status = "starting"
            self._lock.notify_all()
            return chosen

    def again(self, operator: str) -> int:
        """Run the selected scenario again with a new seed."""
        return self.start(operator)

    def reset(self) -> None:
        """Back to ready, for the next run (a run under way must be stopped first)."""
        with self._lock:
            if self._status in ("running", "paused", "starting"):
                raise ConsoleError("stop the run before resetting the console")
            self._status = "ready"
            self._run = None

    def command(self, command: Command) -> None:
        with self._lock:
            if self._status not in ("running", "paused"):
                raise ConsoleError(f"{command.action}: no run under way")
            if command.action == "branch":
                keys = [b["key"] for b in branches(self._current().choice.scenario)]
                if command.key not in keys:
                    raise ConsoleError(f"branch: expected a key of {keys}, found "
                                       f"{command.key!r}")
            if command.action == "replica":
                check_replica_command(self._current().rig, command.replica, command.detail)
            self._commands.append(command)

    def _idle_or_refuse(self, what: str) -> None:
        if self._status in ("running", "paused", "starting"):
            raise ConsoleError(f"cannot {what} while a run is under way: stop it first")

    def _current(self) -> _Run:
        assert self._run is not None
        return self._run

    def state(self, since: int = 0) -> dict[str, Any]:
        """What the page shows: the status, the choice, the map, new timeline entries.
        The work is done outside the lock, so the live loop never waits on a page."""
        with self._lock:
            run = self._run
            state: dict[str, Any] = {
                "status": self._status, "selected": self._selected,
                "trainee": {"name": self._trainee[0], "badge": self._trainee[1]},
                "run": None, "error": self.error,
            }
            if run is None:
                return state
            events, snapshot, stale = list(run.events), run.snapshot, run.stale
            run.stale = False
            timeline = run.timeline[since:]
            count = len(run.timeline)
        if stale:  # the reaction times known so far: the debrief of the log up to now
            report = analyse(events, run.choice.policy, "the live session")
            run.reactions = [r.to_dict() for r in reactions(report)]
            run.cues = cue_ticks(report)
        state["run"] = {
            "scenario": run.choice.name, "seed": run.seed,
            "map": (map_view(snapshot, rounds(events, _roles(run)))
                    if snapshot is not None else None),
            "timeline": [_marked(e, run.cues).to_dict() for e in timeline],
            "timeline_count": count,
            "reactions": run.reactions,
            "branches": branches(run.choice.scenario),
            "log": run.log.name if run.log is not None else None,
            "frames": run.frames, "rig": run.rig,
        }
        return state

    def snapshot(self) -> WorldSnapshot | None:
        with self._lock:
            return self._run.snapshot if self._run is not None else None

    # -- the live loop's side -------------------------------------------------------------

    def next_request(self, timeout_s: float | None = None) -> RunRequest | None:
        with self._lock:
            self._lock.wait_for(lambda: self._requests or self._closed, timeout_s)
            return self._requests.popleft() if self._requests and not self._closed else None

    def began(self, request: RunRequest, step_s: float, log: Path | None) -> None:
        with self._lock:
            self._run = _Run(request.choice, request.seed, step_s, log=log)
            self._commands.clear()
            self._status = "running"

    def took(self, event: Event) -> None:
        with self._lock:
            run = self._current()
            run.events.append(event)
            entry = entries([event], run.step_s)
            if entry:
                run.timeline.append(entry[0])
            if isinstance(event, REACTION_EVENTS):
                run.stale = True

    def shown(self, snapshot: WorldSnapshot) -> None:
        with self._lock:
            self._current().snapshot = snapshot

    def commands(self) -> list[Command]:
        with self._lock:
            taken = list(self._commands)
            self._commands.clear()
            return taken

    def requeue(self, commands: list[Command]) -> None:
        """Commands taken while paused that wait for the run to go on (branch presses)."""
        with self._lock:
            self._commands.extendleft(reversed(commands))

    def paused(self, paused: bool) -> None:
        with self._lock:
            self._status = "paused" if paused else "running"

    def report_rig(self, frames: dict[str, Any], rig: dict[str, Any]) -> None:
        with self._lock:
            if self._run is not None:
                self._run.frames, self._run.rig = frames, rig

    def finished(self, log: Path | None) -> None:
        with self._lock:
            if self._run is not None:
                self._run.log = log
                self._run.stale = True
            if log is not None:
                self.logs.append(log)
            self._status = "ended"

    def failed(self, message: str) -> None:
        """A run that could not start or go on: the console is ready again, and says why."""
        with self._lock:
            self._status = "ended" if self._run is not None else "ready"
            self.error = message

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._lock.notify_all()

    @property
    def closed(self) -> bool:
        with self._lock:
            return self._closed


def _marked(entry: Entry, cues: set[tuple[str, int]]) -> Entry:
    """A state change is a cue where the debrief counts one."""
    if entry.kind not in ("cue", "transition") or entry.actor is None:
        return entry
    kind = "cue" if (entry.actor, entry.tick) in cues else "transition"
    return entry if kind == entry.kind else replace(entry, kind=kind)


def _roles(run: _Run) -> dict[str, str]:
    return {a.id: a.role for a in run.choice.scenario.actors}
