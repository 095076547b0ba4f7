"""A subject's agitation and what moves it: the de-escalation model.

Agitation runs from 0 (calm) to 1. Between events it drifts at a steady rate: down by
`settle` per second (time taken calms him), up by `crowding` per second in proportion to
how far inside his `comfort` distance the officer is. Events step it: a command by its
tone (calm lowers, shouted raises), each further command within the overload window
(several at once overwhelm), force shown (a weapon drawn or pointed at him) and force
used (a round or a TASER at him). Transitions read it (`agitation_above`/`_below`).

It is evaluated when the actor is looked at (at least every `LOOK_S`), so a threshold is
crossed within that time of the moment the drift reaches it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from range.run.events import AgitationChanged, Event
from range.scenario.model import Agitation

if TYPE_CHECKING:  # the cast holds moods: typed here, never imported at run time
    from range.world.actors import ActorRuntime
    from range.world.cast import Cast

LOOK_S = 0.25  # an agitated person is looked at at least this often
LEVEL_STEP = 0.1  # a drift is logged each time it crosses a tenth


@dataclass(slots=True)
class Mood:
    rules: Agitation
    value: float
    tick: int = 0  # when `value` was last brought up to date
    commands: list[int] = field(default_factory=list)  # ticks of the commands he heard

    @classmethod
    def of(cls, rules: Agitation | None) -> Mood | None:
        return None if rules is None else cls(rules, rules.start)

    def drift(self, tick: int, distance: float, step_s: float) -> bool:
        """Bring the value up to `tick` at the rate of this distance; whether it crossed a
        tenth (worth logging)."""
        rules = self.rules
        crowded = max(0.0, rules.comfort - distance) / rules.comfort if rules.comfort else 0.0
        rate = rules.crowding * crowded - rules.settle
        before = self.value
        self.value = _clip(before + rate * (tick - self.tick) * step_s)
        self.tick = tick
        return _level(before) != _level(self.value)

    def step(self, amount: float) -> None:
        self.value = _clip(self.value + amount)

    def command(self, tick: int, calm: bool, step_s: float) -> tuple[float, bool]:
        """The step a command makes: its tone, plus the overload of each other command
        heard within the window; and whether there were any (commands at once)."""
        rules = self.rules
        window = round(rules.overload_window / step_s)
        self.commands = [t for t in self.commands if tick - t < window]
        amount = (rules.calm_command if calm else rules.shouted_command) + (
            rules.overload * len(self.commands))
        at_once = bool(self.commands)
        self.commands.append(tick)
        return amount, at_once


def _level(value: float) -> int:
    """The tenth a value is in, with a little slack so a start on a tenth is not a drift."""
    return int((value + LEVEL_STEP / 20) / LEVEL_STEP)


def _clip(value: float) -> float:
    return min(max(value, 0.0), 1.0)


class Agitations:
    """The cast's moods, moved by what the officer does; each move is logged."""

    def __init__(self, cast: Cast, step_s: float, emit: Callable[[Event], None]) -> None:
        self._cast = cast
        self._step_s = step_s
        self._emit = emit

    def heard(self, tick: int, tone: str) -> None:
        for actor in self._moody():
            assert actor.mood is not None
            step, at_once = actor.mood.command(tick, tone == "calm", self._step_s)
            self._move(actor, tick, step, "commands at once" if at_once else f"command:{tone}")

    def force(self, tick: int, used_on: str | None) -> None:
        """Force shown to everyone, or used on one (and shown to the others)."""
        for actor in self._moody():
            assert actor.mood is not None
            rules, used = actor.mood.rules, actor.id == used_on
            self._move(actor, tick, rules.force_used if used else rules.force_shown,
                       "force used" if used else "force shown")
            self._cast.look_at(actor, tick)

    def now(self, actor: ActorRuntime, tick: int) -> float:
        """His agitation now, logged when its drift crossed a tenth (0 with no mood)."""
        mood = actor.mood
        if mood is None:
            return 0.0
        before = mood.value
        if mood.drift(tick, actor.distance(), self._step_s):
            self._emit(AgitationChanged(tick=tick, actor=actor.id, agitation=mood.value,
                                        cause="distance" if mood.value > before else "time"))
        return mood.value

    def _moody(self) -> list[ActorRuntime]:
        return [a for a in self._cast.actors if a.mood is not None]

    def _move(self, actor: ActorRuntime, tick: int, step: float, cause: str) -> None:
        mood = actor.mood
        assert mood is not None
        mood.drift(tick, self._cast.sync(actor).distance(), self._step_s)
        mood.step(step)
        self._emit(AgitationChanged(tick=tick, actor=actor.id, agitation=mood.value,
                                    cause=cause))
