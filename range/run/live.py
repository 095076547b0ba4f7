"""A live session: the world stepped in step with a clock, fed by shots from the rig.

Shots arrive stamped with the host time of the trigger pull, some time after it happened:
fusion decides a shot only once no later report can change it
(`FusionConfig.decision_delay_ns`: about 90 ms for a 1 ms electronic pulse at 30 fps).
The world runs a fixed `delay` behind the clock, so a shot that arrives within the delay
still enters at the exact tick of its trigger pull; one that arrives later enters at once
and is counted as late. The delay is also how far the projected scene lags reality, so it
is a trade-off the live loop sets from the rig. Verbal commands and branch keys are
stamped when the operator gives them."""

from __future__ import annotations

from collections.abc import Callable

from hardware.clock import Clock
from hardware.events import Shot
from range.errors import InputsError
from range.run.events import Event, Provenance
from range.run.queue import Branch, Fire, Input, InputQueue, Say
from range.scenario.model import Scenario
from range.vocabulary import Command
from range.world.engine import World
from range.world.weapons import WEAPONS

DEFAULT_DELAY_S = 0.05  # trigger-to-host latency of a serial replica plus fusion window


class LiveSession:
    def __init__(self, scenario: Scenario, seed: int, clock: Clock,
                 delay_s: float = DEFAULT_DELAY_S,
                 sink: Callable[[Event], None] | None = None,
                 provenance: Provenance | None = None) -> None:
        self.clock = clock
        self.start_ns = clock.now_ns()
        self.world = World(scenario, seed, provenance=provenance, on_event=sink)
        self.delay_ns = round(delay_s * 1e9)
        self.late_shots = 0
        self._queue = InputQueue()

    def tick_at(self, t_ns: int) -> int:
        return max(0, round((t_ns - self.start_ns) / 1e9 / self.world.step_s))

    def submit_shot(self, shot: Shot) -> None:
        if shot.weapon not in WEAPONS:
            raise InputsError(f"shot from replica {shot.replica_id}: expected a weapon of "
                              f"{sorted(WEAPONS)}, found {shot.weapon!r}")
        tick = self.tick_at(shot.t_ns)
        if tick < self.world.tick:
            self.late_shots += 1
        self._push(tick, Fire(shot.weapon, shot.point, shot.replica_id, shot.confirmed))

    def command(self, name: Command) -> None:
        self._push(self.tick_at(self.clock.now_ns()), Say(name))

    def branch(self, key: str, operator: str) -> None:
        self._push(self.tick_at(self.clock.now_ns()), Branch(key, operator))

    def pump(self) -> int:
        """Step the world up to the clock less the delay; the number of steps taken."""
        before = self.world.tick
        self._queue.drive(self.world, self.tick_at(self.clock.now_ns() - self.delay_ns))
        return self.world.tick - before

    def _push(self, tick: int, item: Input) -> None:
        self._queue.push(max(tick, self.world.tick), item)
