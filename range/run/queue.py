"""The officer's inputs to a world, stamped by tick: one queue serves scripted, live and
replayed runs, so a replay applies a log's inputs exactly as the run that wrote it did.

Inputs due on one tick are applied in the order they arrived, before that tick's step.
One that arrives for a tick already stepped is applied on the current tick."""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field

from range.run.codec import quantise
from range.vocabulary import Command, Point2, WeaponName, Zone
from range.world.engine import World


@dataclass(frozen=True, slots=True)
class Say:
    """A verbal command."""

    command: Command


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


@dataclass(frozen=True, slots=True)
class FireAt:
    """A scripted pull aimed at an actor's zone, resolved to the pixel where that zone is
    drawn on the tick it is applied; `offset` moves the aim right and up, metres."""

    weapon: WeaponName
    actor: str
    zone: Zone
    offset: Point2 = (0.0, 0.0)


Input = Say | Branch | Fire | FireAt


def apply(world: World, item: Input) -> None:
    match item:
        case Say(command):
            world.command(command)
        case Branch(key, operator):
            world.branch(key, operator)
        case Fire(weapon, point, replica, confirmed):
            world.fire(weapon, quantise(point), replica, confirmed)
        case FireAt(weapon, actor, zone, offset):
            world.fire(weapon, quantise(world.aim_point(actor, zone, offset)))


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
