"""A run: a scenario world driven by officer inputs, every event handed to a sink."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from range.run.events import Event
from range.scenario.inputs import ScriptedInput
from range.scenario.model import Scenario
from range.world.engine import STEP_S, World


@dataclass(frozen=True, slots=True)
class TimedInput:
    tick: int
    item: ScriptedInput


def schedule(inputs: Sequence[ScriptedInput], step_s: float = STEP_S) -> list[TimedInput]:
    """Inputs on the tick grid, in time order; equal times keep their file order."""
    timed = [TimedInput(round(item.at / step_s), item) for item in inputs]
    return sorted(timed, key=lambda t: t.tick)


def apply(world: World, item: ScriptedInput) -> None:
    if item.command is not None:
        world.command(item.command)
    elif item.branch is not None:
        world.branch(item.branch, item.operator)
    elif item.fire is not None:
        world.fire(item.fire, _point(world, item))


def _point(world: World, item: ScriptedInput) -> tuple[float, float] | None:
    if item.point is not None:
        return item.point
    target = item.aim_target()
    if target is None:
        return None  # off the screen
    return world.aim_point(*target, item.offset_m())


class ScriptedRun:
    """A world stepped forward with its scripted inputs applied on their ticks."""

    def __init__(self, scenario: Scenario, inputs: Sequence[ScriptedInput], seed: int,
                 sink: Callable[[Event], None] | None = None) -> None:
        self.world = World(scenario, seed, on_event=sink)
        self._pending = schedule(inputs, self.world.step_s)
        self._next = 0

    def advance_to(self, seconds: float) -> World:
        """Step until `seconds` of simulated time have passed, or the scenario ended."""
        world = self.world
        while not world.ended and world.time_s < seconds - 1e-9:
            while (self._next < len(self._pending)
                   and self._pending[self._next].tick <= world.tick):
                apply(world, self._pending[self._next].item)
                self._next += 1
            world.step()
        return world


def simulate(scenario: Scenario, inputs: Sequence[ScriptedInput], seed: int,
             sink: Callable[[Event], None] | None = None) -> World:
    """Run the scenario to its end, headless, as fast as the machine allows."""
    return ScriptedRun(scenario, inputs, seed, sink).advance_to(scenario.duration)
