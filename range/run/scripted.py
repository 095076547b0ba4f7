"""A scripted run: a scenario world driven by an inputs script, headless, as fast as the
machine allows (`holdfire simulate`), every event handed to a sink."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from range.run.events import Event, Provenance
from range.run.queue import Branch, Fire, FireAt, Input, InputQueue, Move, Reload, Say, Show
from range.scenario.inputs import ScriptedInput
from range.scenario.model import Scenario
from range.world.engine import World


def script_input(item: ScriptedInput) -> Input:
    """One line of an inputs script as an input to the world."""
    if item.command is not None:
        return Say(item.command, item.tone)
    if item.show is not None:
        return Show(item.show)
    if item.branch is not None:
        return Branch(item.branch, item.operator)
    if item.reload is not None:
        return Reload(item.reload)
    if item.move is not None:
        return Move(item.move)
    assert item.fire is not None, "parse_inputs checked one of command, branch or fire"
    target = item.aim_target()
    if target is not None:
        return FireAt(item.fire, *target, item.offset_m(), item.drive_stun)
    # A fixed pixel, or None: off the screen.
    return Fire(item.fire, item.point, drive_stun=item.drive_stun)


def script_queue(inputs: Sequence[ScriptedInput], step_s: float) -> InputQueue:
    """The script on the tick grid; inputs at one time keep their file order."""
    queue = InputQueue()
    for item in inputs:
        queue.push(round(item.at / step_s), script_input(item))
    return queue


class ScriptedRun:
    """A world stepped forward with its scripted inputs applied on their ticks."""

    def __init__(self, scenario: Scenario, inputs: Sequence[ScriptedInput], seed: int,
                 sink: Callable[[Event], None] | None = None,
                 provenance: Provenance | None = None) -> None:
        self.world = World(scenario, seed, provenance=provenance, on_event=sink)
        self._queue = script_queue(inputs, self.world.step_s)

    def advance_to(self, seconds: float) -> World:
        """Step until `seconds` of simulated time have passed, or the scenario ended."""
        world = self.world
        self._queue.drive(world, math.ceil((seconds - 1e-9) / world.step_s))
        return world


def simulate(scenario: Scenario, inputs: Sequence[ScriptedInput], seed: int,
             sink: Callable[[Event], None] | None = None,
             provenance: Provenance | None = None) -> World:
    """Run the scenario to its end."""
    return ScriptedRun(scenario, inputs, seed, sink, provenance).advance_to(scenario.duration)
