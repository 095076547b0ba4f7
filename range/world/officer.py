"""The officer in the world: where he stands and walks (`stance.Stance`), and what the
subjects' attacks on him do.

A move is logged where it starts and where he gets there; while he walks everyone looks
at him afresh each tick. An attack is logged, then takes effect: a round that hit another
person in its line wounds him as the officer's would; a hit on the officer is felt by
everyone after the perception time (transitions `officer = "hit"`), and at the scenario's
`down_after` he is down and the run ends."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np

from range.run.events import Event, OfficerAttacked
from range.run.officer_events import OfficerArrived, OfficerDown, OfficerMoved
from range.scenario.model import Scenario
from range.world.behaviour import Stimulus
from range.world.cast import Cast
from range.world.reactions import Reactions
from range.world.shooting import struck
from range.world.stance import Stance


class Officer:
    def __init__(self, stance: Stance, scenario: Scenario, rng: np.random.Generator,
                 step_s: float, emit: Callable[[Event], None]) -> None:
        self.stance = stance
        self.down_after = scenario.officer.down_after
        self.hits: list[int] = []  # the ticks of the hits on him
        # How soon each actor takes in a hit on him: a stream of its own, spawned from the
        # run's generator (which draws nothing), so a hit moves no other chance of the run.
        self._felt = Reactions(scenario.response, rng.spawn(1)[0], step_s)
        self._step_s = step_s
        self._emit = emit

    @property
    def down(self) -> bool:
        return self.down_after is not None and len(self.hits) >= self.down_after

    def move(self, cast: Cast, move: str, tick: int, officer: str | None) -> None:
        """He sets off: "back", or to a place of the scenario."""
        leg = self.stance.go(move, tick)
        self._emit(OfficerMoved(tick=tick, move=move, start=leg.start, to=leg.to,
                                speed=leg.speed, takes_s=leg.seconds(), cover=leg.cover,
                                distances=cast.distances(), officer=officer))
        cast.look_at_all(tick)

    def walk(self, cast: Cast, tick: int) -> None:
        """The move under way, a tick on; everyone looks again as he goes."""
        if not self.stance.moving:
            return
        arrived = self.stance.advance(tick, self._step_s)
        cast.look_at_all(tick)
        if arrived is not None:
            self._emit(OfficerArrived(tick=tick, move=arrived.move, position=arrived.to,
                                      cover=arrived.cover, distances=cast.distances()))

    def attacked(self, cast: Cast, reactions: Reactions, attacked: OfficerAttacked,
                 tick: int) -> bool:
        """An attack's log line, then what it does; whether it put him down."""
        if attacked.outcome == "hit":
            self.hits.append(tick)
            attacked = replace(attacked, hits=len(self.hits))
        self._emit(attacked)
        if attacked.outcome == "hit_other" and attacked.other and attacked.zone:
            struck(cast, reactions, cast.by_id[attacked.other], attacked.zone, None, tick)
        if attacked.outcome != "hit":
            return False
        for actor in cast.actors:
            cast.tell(actor, Stimulus("officer", "hit", self._felt.perceived(tick)), tick)
        if not self.down:
            return False
        self._emit(OfficerDown(tick=tick, hits=len(self.hits), actor=attacked.actor))
        return True
