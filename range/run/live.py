"""A live session: the world stepped on time with a clock, the frames shown stamped at the
display flip, and shots from the mouse or the rig judged against what was on screen.

The world is never held back. Shots arrive some time after their trigger pull (a mouse
click by the next frame; a rig shot once fusion has decided it, about 90 ms later), and
each is aimed at the frame that was on screen at the pull: the session keeps the last
second of frames shown (their flip times and snapshots), finds the frame of the pull,
and the round flies at the spot of the person the officer hit on that frame, wherever he
is by now (`range.world.sightline`). The log records the pull time, the tick shown, the
tick the shot entered and whether it came late. Verbal commands and branch keys are
stamped when the operator gives them. Several officers may train at once (`squad`):
every shot and command is logged with whose it was."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

from hardware.clock import Clock
from hardware.events import Shot
from range.errors import InputsError
from range.run.events import Event, FrameShown, Provenance
from range.run.officers import Squad, squad
from range.run.queue import Branch, FireSeen, Input, InputQueue, Move, Reload, Say, Show
from range.scenario.model import Scenario, Tone
from range.vocabulary import Command, WeaponName
from range.world.engine import World
from range.world.snapshot import WorldSnapshot
from range.world.weapons import WEAPONS

HISTORY_S = 1.0  # frames kept for judging late shots: far past fusion's ~90 ms


class LiveSession:
    def __init__(self, scenario: Scenario, seed: int, clock: Clock,
                 sink: Callable[[Event], None] | None = None,
                 provenance: Provenance | None = None, officers: Squad | None = None) -> None:
        self.clock = clock
        self.squad = officers or squad([], scenario.rig.resolution[0])
        self.start_ns = clock.now_ns()
        self.world = World(scenario, seed, provenance=provenance, on_event=sink, live=True)
        self.late_shots = 0
        self._queue = InputQueue()
        self._frames: deque[tuple[int, WorldSnapshot]] = deque()  # (flip_ns, what it showed)

    def tick_at(self, t_ns: int) -> int:
        return max(0, round((t_ns - self.start_ns) / 1e9 / self.world.step_s))

    def seconds_at(self, t_ns: int) -> float:
        return (t_ns - self.start_ns) / 1e9

    def pump(self) -> int:
        """Step the world up to the clock; the number of steps taken."""
        before = self.world.tick
        self._queue.drive(self.world, self.tick_at(self.clock.now_ns()))
        return self.world.tick - before

    def frame(self) -> WorldSnapshot:
        """The snapshot to draw now."""
        return self.world.snapshot()

    def shown(self, snapshot: WorldSnapshot, flip_ns: int) -> None:
        """`snapshot` appeared on the projector at `flip_ns` (stamped right after the
        flip): logged, and kept for judging the shots aimed at it."""
        self.world.note(FrameShown(tick=snapshot.tick, flip_s=self.seconds_at(flip_ns)))
        self._frames.append((flip_ns, snapshot))
        oldest = flip_ns - int(HISTORY_S * 1e9)
        while len(self._frames) > 1 and self._frames[1][0] <= oldest:
            self._frames.popleft()

    def on_screen_at(self, t_ns: int) -> WorldSnapshot:
        """The frame on screen at `t_ns`: the last one flipped by then (the present world
        if none was shown yet, as in a headless run without frames)."""
        seen = [snapshot for flip_ns, snapshot in self._frames if flip_ns <= t_ns]
        return seen[-1] if seen else self.world.snapshot()

    def submit_shot(self, shot: Shot, officer: str | None = None,
                    drive_stun: bool = False) -> None:
        """A shot from the mouse or a script (whose it is said), or from the rig (whose
        is the officer of the firing replica's lane); `drive_stun`: a TASER pressed on
        him at that spot. A pull the replica said discharged nothing (`shot.fired` False)
        is logged with its cause as the shot's malfunction, and nothing flies."""
        if shot.weapon not in WEAPONS:
            raise InputsError(f"shot from replica {shot.replica_id}: expected a weapon of "
                              f"{sorted(WEAPONS)}, found {shot.weapon!r}")
        tick = self.tick_at(shot.t_ns)
        if tick < self.world.tick:
            self.late_shots += 1
        whose = officer if officer is not None else self.squad.by_lane(shot.lane).name
        self._push(tick, FireSeen(shot.weapon, shot.point, self.on_screen_at(shot.t_ns),
                                  self.seconds_at(shot.t_ns), shot.replica_id,
                                  shot.confirmed, whose, drive_stun,
                                  None if shot.fired else shot.dry or "no_discharge"))

    def command(self, name: Command, at_ns: int | None = None,
                officer: str | None = None, tone: Tone | None = None) -> None:
        """A verbal command given at `at_ns` (now, if not said) by `officer` (the first)."""
        self._push(self.tick_at(self.clock.now_ns() if at_ns is None else at_ns),
                   Say(name, tone, self._whose(officer)))

    def show(self, weapon: WeaponName, at_ns: int | None = None,
             officer: str | None = None) -> None:
        """A weapon drawn or pointed at `at_ns` (now, if not said), not fired."""
        self._push(self.tick_at(self.clock.now_ns() if at_ns is None else at_ns),
                   Show(weapon, self._whose(officer)))

    def reload(self, weapon: WeaponName, at_ns: int | None = None,
               officer: str | None = None) -> None:
        """A change of the pistol's magazine at `at_ns` (now, if not said)."""
        self._push(self._tick_of(at_ns), Reload(weapon, self._whose(officer)))

    def move(self, move: str, at_ns: int | None = None, officer: str | None = None) -> None:
        """The officer sets off at `at_ns` (now, if not said): "back", or to a place."""
        self._push(self._tick_of(at_ns), Move(move, self._whose(officer)))

    def _tick_of(self, at_ns: int | None) -> int:
        return self.tick_at(self.clock.now_ns() if at_ns is None else at_ns)

    def _whose(self, officer: str | None) -> str:
        return officer if officer is not None else self.squad.officers[0].name

    def branch(self, key: str, operator: str, at_ns: int | None = None) -> None:
        at = self.clock.now_ns() if at_ns is None else at_ns
        self._push(self.tick_at(at), Branch(key, operator))

    def _push(self, tick: int, item: Input) -> None:
        self._queue.push(max(tick, self.world.tick), item)
