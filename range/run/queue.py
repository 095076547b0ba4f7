"""The officer's inputs to a world, stamped by tick: one queue serves scripted, live and
replayed runs, so a replay applies a log's inputs exactly as the run that wrote it did.

Inputs due on one tick are applied in the order they arrived, before that tick's step.
One that arrives for a tick already stepped is applied on the current tick."""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field

from range.run.codec import quantise
from range.run.events import FrameShown, OperatorAction, ShotTiming
from range.scenario.model import Tone
from range.vocabulary import Command, Point2, WeaponName, Zone
from range.world.engine import World
from range.world.sightline import seen_hit, where_now
from range.world.snapshot import WorldSnapshot


@dataclass(frozen=True, slots=True)
class Say:
    """A verbal command, calm or shouted (None: the command's usual tone), and which officer
    gave it (None: the one officer of a script)."""

    command: Command
    tone: Tone | None = None
    officer: str | None = None


@dataclass(frozen=True, slots=True)
class Show:
    """A weapon drawn or pointed at the subjects, not fired."""

    weapon: WeaponName
    officer: str | None = None


@dataclass(frozen=True, slots=True)
class Branch:
    """An instructor's branch key, and who pressed it."""

    key: str
    operator: str


@dataclass(frozen=True, slots=True)
class Fire:
    """A trigger pull at a projector pixel (None: off the screen)."""

    weapon: WeaponName
    point: Point2 | None
    replica: str | None = None
    confirmed: bool = True
    timing: ShotTiming | None = None  # a live shot's pull and the frame it was aimed on
    distances: dict[str, float] | None = None  # a live shot's: each actor's at the pull
    aimed_at: str | None = None  # a replayed shot's, as its log has it
    officer: str | None = None  # whose pull, when several officers train at once
    drive_stun: bool = False  # a TASER pressed on him, not fired
    dry: str | None = None  # the replica discharged nothing (why, as far as it said)


@dataclass(frozen=True, slots=True)
class FireSeen:
    """A live pull at a pixel of the frame that was on screen (`shown`): the round flies
    at the spot of the person it met there, wherever he is drawn when it enters."""

    weapon: WeaponName
    point: Point2 | None
    shown: WorldSnapshot
    pull_s: float
    replica: str | None = None
    confirmed: bool = True
    officer: str | None = None
    drive_stun: bool = False  # a TASER pressed on him at that spot, not fired
    dry: str | None = None  # the replica discharged nothing (why, as far as it said)


@dataclass(frozen=True, slots=True)
class FireAt:
    """A scripted pull aimed at an actor's zone, resolved to the pixel where that zone is
    drawn on the tick it is applied; `offset` moves the aim right and up, metres."""

    weapon: WeaponName
    actor: str
    zone: Zone
    offset: Point2 = (0.0, 0.0)
    drive_stun: bool = False


@dataclass(frozen=True, slots=True)
class Reload:
    """A change of the pistol's magazine."""

    weapon: WeaponName
    officer: str | None = None


@dataclass(frozen=True, slots=True)
class Move:
    """The officer sets off: "back", or to a place of the scenario."""

    move: str
    officer: str | None = None


@dataclass(frozen=True, slots=True)
class Note:
    """A run's own event (a frame shown, an operator's action) put into the log between
    the world's."""

    event: FrameShown | OperatorAction


Input = Say | Show | Branch | Fire | FireAt | FireSeen | Note | Reload | Move


def apply(world: World, item: Input) -> None:
    match item:
        case Say(command, tone, officer):
            world.command(command, tone, officer)
        case Show(weapon, officer):
            world.show_force(weapon, officer)
        case Branch(key, operator):
            world.branch(key, operator)
        case Fire(weapon, point, replica, confirmed, timing, distances, aimed_at, officer):
            world.fire(weapon, quantise(point), replica, confirmed, timing, distances,
                       aimed_at, officer, item.drive_stun, item.dry)
        case FireAt(weapon, actor, zone, offset, drive_stun):
            world.fire(weapon, quantise(world.aim_point(actor, zone, offset)), aimed_at=actor,
                       drive_stun=drive_stun)
        case Reload(weapon, officer):
            world.reload(weapon, officer)
        case Move(move, officer):
            world.move(move, officer)
        case FireSeen():
            _fire_seen(world, item)
        case Note(event):
            world.note(event)


def _fire_seen(world: World, item: FireSeen) -> None:
    seen = quantise(item.point)
    hit = seen_hit(item.shown, seen) if seen is not None else None
    moved = where_now(world.snapshot(), hit) if hit is not None else None
    pull_tick = round(item.pull_s / world.step_s)
    timing = ShotTiming(pull_s=item.pull_s, shown_tick=item.shown.tick, seen_point=seen,
                        late=world.tick > pull_tick)
    # Each actor's distance at the pull: the world's now if the shot is on time, else the
    # frame on screen then (the nearest record of it, up to a frame before the pull).
    at_pull = None if not timing.late else {a.id: item.shown.distance(a) for a in item.shown.actors}
    world.fire(item.weapon, quantise(moved) if moved is not None else seen, item.replica,
               item.confirmed, timing, at_pull, officer=item.officer,
               drive_stun=item.drive_stun, dry=item.dry)


@dataclass(order=True, slots=True)
class _Queued:
    tick: int
    arrival: int
    item: Input = field(compare=False)


class InputQueue:
    def __init__(self) -> None:
        self._heap: list[_Queued] = []
        self._arrivals = 0

    def __len__(self) -> int:
        return len(self._heap)

    def push(self, tick: int, item: Input) -> None:
        self._arrivals += 1
        heapq.heappush(self._heap, _Queued(tick, self._arrivals, item))

    def items(self) -> list[tuple[int, Input]]:
        """The inputs still queued, (tick, input), in the order they will be applied."""
        return [(queued.tick, queued.item) for queued in sorted(self._heap)]

    def apply_due(self, world: World) -> None:
        """Apply every input due by the world's tick, in tick then arrival order."""
        while self._heap and self._heap[0].tick <= world.tick:
            apply(world, heapq.heappop(self._heap).item)

    def drive(self, world: World, until_tick: int) -> None:
        """Step the world up to `until_tick` (or its end), inputs applied on their ticks."""
        heap = self._heap
        while not world.ended and world.tick < until_tick:
            if heap and heap[0].tick <= world.tick:
                self.apply_due(world)
            world.step()
