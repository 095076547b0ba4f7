"""The officer's rounds and cartridges: from the trigger pull, through flight in the
moving world, to where each landed, and the TASER outcome once its probes are in.

It emits the events of each shot and tells the actor hit, through the world's own event
sink and cast; the world calls `fire` for a pull and `fly` once a tick after its step."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence

import numpy as np
import pymunk

from range.run.events import (
    BulletHit,
    BulletStopped,
    Event,
    ProbeLanded,
    ShotFired,
    ShotTiming,
)
from range.scenario.model import Cover, TaserRules
from range.vocabulary import Point2, WeaponName
from range.world.ballistics import BodyAt, CoverAt, Flights, Impact, Projectile
from range.world.behaviour import Stimulus
from range.world.cast import Cast
from range.world.projection import Projection
from range.world.snapshot import ProbeView, ShotView, box_corners
from range.world.taser import Resolved, TaserJudge
from range.world.weapons import WEAPONS, Firearm, TaserCartridge

SCENE_DEPTH_M = 300.0  # a bullet past this has left the scene
KEPT_LANDINGS = 64  # probe landings kept for the views: far more than a 2 s window holds


class Shooting:
    def __init__(self, space: pymunk.Space, projection: Projection, cast: Cast,
                 cover: Sequence[Cover], rules: TaserRules, rng: np.random.Generator,
                 step_s: float, emit: Callable[[Event], None]) -> None:
        self._space = space
        self._projection = projection
        self._cast = cast
        self._emit = emit
        self._step_s = step_s
        self._flights = Flights()
        self._taser = TaserJudge(rules, rng, cast.by_id, step_s)
        self.shots: list[ShotView] = []
        self.landings: list[ProbeView] = []  # the latest probe landings, oldest first
        self._cover_by_shape: dict[pymunk.Shape, CoverAt] = {}
        for item in cover:
            shape = pymunk.Poly(space.static_body,
                                list(box_corners(item.center, item.size, item.angle)))
            space.add(shape)
            self._cover_by_shape[shape] = CoverAt(item.id, item.height, shape)

    def fire(self, tick: int, weapon_name: WeaponName, point: Point2 | None,
             replica: str | None, confirmed: bool, timing: ShotTiming | None = None,
             distances: dict[str, float] | None = None) -> int:
        """A trigger pull at a projector pixel (None: off the screen). Returns the shot id."""
        weapon = WEAPONS[weapon_name]
        shot = len(self.shots) + 1
        on_screen = point is not None and self._projection.on_screen(*point)
        ray = self._projection.ray(*point) if point is not None and on_screen else None
        aimed = None if ray is None else self._first_actor_on_track(
            ray.origin, ray.ground_point(SCENE_DEPTH_M))
        self.shots.append(ShotView(shot, tick, weapon_name, weapon.force, point, confirmed))
        self._emit(ShotFired(tick=tick, shot=shot, weapon=weapon_name, force=weapon.force,
                             point=point, replica=replica, confirmed=confirmed, aimed_at=aimed,
                             distances=self._cast.distances() if distances is None
                             else distances,
                             **(dataclasses.asdict(timing) if timing else {})))
        if not confirmed:
            return shot  # a spot with no trigger: recorded, not flown
        if ray is None:
            if isinstance(weapon, TaserCartridge):
                self._resolved(self._taser.off_screen(shot, weapon_name, weapon, tick), tick)
            else:
                self._emit(BulletStopped(tick=tick, shot=shot, by="nothing", distance_m=0.0))
            return shot
        if isinstance(weapon, Firearm):
            self._flights.launch(Projectile(shot, ray, weapon.muzzle_velocity, SCENE_DEPTH_M))
            return shot
        self._taser.deployed(shot, weapon_name, weapon, aimed)
        for probe, angle in enumerate(weapon.probe_angles):
            self._flights.launch(Projectile(shot, ray.tilted(angle), weapon.probe_speed,
                                            weapon.wire_length, probe))
        return shot

    def cycles_ending(self, tick: int) -> None:
        for ended in self._taser.cycles_ending(tick):
            self._emit(ended)

    def fly(self, tick: int) -> None:
        """Fly everything in the air through the space as it now is."""
        if not self._flights.flying:
            return
        landed = self._flights.advance(self._space, self._step_s, self._body_at,
                                       self._cover_at)
        for landing in landed:
            if landing.probe is None:
                self._bullet_landed(landing.shot, landing.impact, tick)
            else:
                self._probe_landed(landing.shot, landing.probe, landing.impact, tick)

    def _bullet_landed(self, shot: int, impact: Impact, tick: int) -> None:
        if impact.actor is None or impact.zone is None:
            self._emit(BulletStopped(tick=tick, shot=shot, by=impact.by or "nothing",
                                     distance_m=impact.ground_distance))
            return
        actor = self._cast.by_id[impact.actor]
        self._emit(BulletHit(tick=tick, shot=shot, actor=actor.id, role=actor.spec.role,
                             zone=impact.zone, distance_m=impact.ground_distance,
                             height_m=impact.point[2]))
        self._cast.tell(actor, Stimulus("hit", impact.zone), tick)

    def _probe_landed(self, shot: int, probe: int, impact: Impact, tick: int) -> None:
        self._emit(ProbeLanded(tick=tick, shot=shot, probe=probe, actor=impact.actor,
                               zone=impact.zone, by=impact.by,
                               distance_m=impact.ground_distance, height_m=impact.point[2]))
        self._cast.distances()  # read every position: the judge reads the target's distance
        self._keep_landing(shot, probe, impact, tick)
        resolved = self._taser.probe_landed(shot, probe, impact, tick)
        if resolved is not None:
            self._resolved(resolved, tick)

    def _keep_landing(self, shot: int, probe: int, impact: Impact, tick: int) -> None:
        anchor = None if impact.actor is None else self._cast.by_id[impact.actor].position
        self.landings.append(ProbeView(shot, probe, tick, impact.point, impact.actor, anchor))
        del self.landings[:-KEPT_LANDINGS]

    def _resolved(self, resolved: Resolved, tick: int) -> None:
        event = resolved.event
        self._emit(event)
        if event.actor is None:
            return
        actor = self._cast.by_id[event.actor]
        if resolved.cycle_ends_tick is not None:
            actor.nmi_until_tick = resolved.cycle_ends_tick
        effect = "failed" if resolved.cycle_ends_tick is None else "effective"
        self._cast.tell(actor, Stimulus("taser", effect), tick)

    def _body_at(self, shape: pymunk.Shape) -> BodyAt | None:
        actor = self._cast.on(shape)
        return None if actor is None else BodyAt(actor.id, actor.zone_at)

    def _cover_at(self, shape: pymunk.Shape) -> CoverAt | None:
        return self._cover_by_shape.get(shape)

    def _first_actor_on_track(self, a: Point2, b: Point2) -> str | None:
        hits = self._space.segment_query(a, b, 0.0, pymunk.ShapeFilter())
        for info in sorted(hits, key=lambda h: h.alpha):
            actor = self._cast.on(info.shape)
            if actor is not None:
                return actor.id
        return None
