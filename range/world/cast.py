"""The cast of a world: its actors' bodies in the space, which of them is due a look on a
tick, what each has perceived, and which bodies are in contact.

An actor is due a look when its planned tick comes (`ActorRuntime.next_look`), when it
perceives something, or, every tick, while its body touches another: a push can move it
any way, so it is steered back onto its path as a person keeps to his."""

from __future__ import annotations

from collections.abc import Sequence

import pymunk

from range.scenario.model import Actor
from range.world.actors import NEVER, ActorRuntime, standing_shape
from range.world.behaviour import Stimulus
from range.world.projection import Ray
from range.world.snapshot import ActorView
from range.world.stance import Stance


class Cast:
    def __init__(self, specs: Sequence[Actor], space: pymunk.Space, officer: Stance) -> None:
        self.actors = [ActorRuntime.create(spec, officer) for spec in specs]
        self.by_id = {a.id: a for a in self.actors}
        self._by_shape: dict[pymunk.Shape, ActorRuntime] = {a.shape: a for a in self.actors}
        self._next_look = 0
        self._generation = 0  # space steps taken: positions read at one generation hold
        for actor in self.actors:
            space.add(actor.body, actor.shape)
        space.on_collision(begin=self._touched, separate=self._parted)

    def posed(self, actor: ActorRuntime, space: pymunk.Space) -> None:
        """Give the actor the footprint of his pose: a lying body once he is down."""
        down = actor.pose == "down"
        if down == isinstance(actor.shape, pymunk.Segment):
            return
        space.remove(actor.shape)
        del self._by_shape[actor.shape]
        actor.shape = actor.lying_shape() if down else standing_shape(actor.body)
        space.add(actor.shape)
        self._by_shape[actor.shape] = actor

    def on(self, shape: pymunk.Shape) -> ActorRuntime | None:
        """The actor whose footprint `shape` is, if any."""
        return self._by_shape.get(shape)

    def first_on_track(self, space: pymunk.Space, ray: Ray, depth: float,
                       solid: bool) -> tuple[str, float] | None:
        """The first person whose footprint a shot's ground track crosses within `depth`,
        or (`solid`) the first whose body its line meets at the height it passes him; and
        the ground distance where it meets him."""
        a, b = ray.origin, ray.ground_point(depth)
        hits = space.segment_query(a, b, 0.0, pymunk.ShapeFilter())
        for info in sorted(hits, key=lambda h: h.alpha):
            actor = self.on(info.shape)
            if actor is None:
                continue
            self.sync(actor)
            s = info.alpha * depth
            if not solid or actor.zone_at(ray.height_at(s), ray.ground_point(s),
                                          ray.direction) is not None:
                return actor.id, s
        return None

    # -- looks ----------------------------------------------------------------------------

    def any_due(self, tick: int) -> bool:
        return tick >= self._next_look

    def due(self, tick: int) -> list[ActorRuntime]:
        """Actors to look at this tick, in cast order, their positions read."""
        due = [a for a in self.actors if a.look_tick <= tick or a.touching]
        for actor in due:
            actor.sync(self._generation)
        return due

    def looked(self, tick: int, step_s: float) -> None:
        """Plan the next look of every actor looked at as planned this tick."""
        for actor in self.actors:
            if actor.look_tick <= tick:
                actor.look_tick = actor.next_look(tick, step_s)
        self._next_look = min((a.look_tick for a in self.actors), default=NEVER)
        if any(a.touching for a in self.actors):
            self._next_look = tick + 1

    def tell(self, actor: ActorRuntime, stimulus: Stimulus, tick: int) -> None:
        """A stimulus is acted on at the actor's first behaviour step from its tick."""
        actor.stimuli.append(stimulus)
        self._look_soon(actor, max(tick, stimulus.at_tick))

    def look_at(self, actor: ActorRuntime, tick: int) -> None:
        """Something of his changed that he must act on by `tick` (a wound)."""
        self._look_soon(actor, tick)

    def look_at_all(self, tick: int) -> None:
        """The officer moved: everyone's distance, reach and heading to him changed."""
        for actor in self.actors:
            self._look_soon(actor, tick)

    def _look_soon(self, actor: ActorRuntime, tick: int) -> None:
        actor.look_tick = min(actor.look_tick, tick)
        self._next_look = min(self._next_look, actor.look_tick)

    # -- positions ------------------------------------------------------------------------

    def stepped(self) -> None:
        """The space has moved every body: positions read before are stale."""
        self._generation += 1

    def sync(self, actor: ActorRuntime) -> ActorRuntime:
        actor.sync(self._generation)
        return actor

    def distances(self) -> dict[str, float]:
        return {a.id: self.sync(a).distance() for a in self.actors}

    def views(self, tick: int) -> tuple[ActorView, ...]:
        return tuple(self._view(self.sync(a), tick) for a in self.actors)

    @staticmethod
    def _view(actor: ActorRuntime, tick: int) -> ActorView:
        state = actor.state
        return ActorView(actor.id, actor.spec.role, actor.state_name, state.action, actor.pose,
                         state.threat, actor.position, actor.facing, actor.weapon,
                         actor.spec.height, tick < actor.nmi_until_tick)

    # -- contacts (called by pymunk during a step) ------------------------------------------

    def _touched(self, arbiter: pymunk.Arbiter, space: pymunk.Space, data: object) -> None:
        self._contact(arbiter, +1)

    def _parted(self, arbiter: pymunk.Arbiter, space: pymunk.Space, data: object) -> None:
        self._contact(arbiter, -1)  # and one more look: the contact may have moved it

    def _contact(self, arbiter: pymunk.Arbiter, change: int) -> None:
        for shape in arbiter.shapes:
            actor = self._by_shape.get(shape)
            if actor is not None:
                actor.touching += change
                self._look_soon(actor, -1)  # at the next tick, whichever it is
