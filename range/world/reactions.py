"""When a person acts on what happened to him: a reaction time after a command, a hit or
a TASER outcome, and the time a stopping hit takes to stop him, each drawn from the run's
one seeded generator (in the order the events happen, so a replay draws the same).

Figures are the scenario's `[response]` table (`range.scenario.model.Response`)."""

from __future__ import annotations

import numpy as np

from range.scenario.model import Response
from range.vocabulary import Zone


class Reactions:
    def __init__(self, response: Response, rng: np.random.Generator, step_s: float) -> None:
        self._response = response
        self._rng = rng
        self._step_s = step_s

    def command(self, tick: int) -> int:
        """The tick a person acts on a command given at `tick`."""
        return tick + self._draw(self._response.command)

    def perceived(self, tick: int) -> int:
        """The tick a person acts on a hit or a TASER outcome at `tick`."""
        return tick + self._draw(self._response.perceive)

    def stops(self, tick: int, zone: Zone) -> int:
        """The tick a hit in `zone` at `tick` stops him, if it is a stopping hit."""
        return tick + self._draw(self._response.incapacitation.get(zone, (0.0, 0.0)))

    def recovers(self, tick: int) -> int:
        """The tick he acts again after a TASER cycle that ended at `tick`."""
        return tick + self._draw(self._response.recovery)

    def fall_ticks(self) -> int:
        return max(1, round(self._response.fall / self._step_s))

    def _draw(self, span: tuple[float, float]) -> int:
        low, high = span
        seconds = low if high <= low else float(self._rng.uniform(low, high))
        return max(1, round(seconds / self._step_s))
