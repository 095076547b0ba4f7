"""The officer's rounds and cartridges: from the trigger pull, through flight in the
moving world, to where each landed, and the TASER outcome once its probes are in.

It emits the events of each shot and tells the actor hit, through the world's own event
sink and cast; the world calls `fire` for a pull and `fly` once a tick after its step."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Sequence
from typing import Literal

import numpy as np
import pymunk

from range.run.events import (
    BulletHit,
    BulletStopped,
    Event,
    OfficerReloaded,
    ProbeLanded,
    ShotFired,
    ShotTiming,
)
from range.scenario.model import Cover, Muzzle, Officer, TaserRules
from range.vocabulary import Attack, Point2, TaserMode, WeaponName, Zone
from range.world.actors import ActorRuntime, Wound
from range.world.attacks import AttackResult, Target, judge_attack
from range.world.ballistics import BodyAt, CoverAt, Flights, Impact, Projectile
from range.world.behaviour import Stimulus, stopping_transition
from range.world.body import DOWN_HEIGHT_M, area_to_avoid
from range.world.cast import Cast
from range.world.loads import Loads
from range.world.projection import Ray
from range.world.reactions import Reactions
from range.world.snapshot import ProbeView, ShotView, box_corners
from range.world.stance import Stance
from range.world.taser import Resolved, TaserJudge
from range.world.transitions import Transitions
from range.world.weapons import Firearm, TaserCartridge, Weapon, agency_weapons

SCENE_DEPTH_M = 300.0  # a bullet past this has left the scene
KEPT_LANDINGS = 64  # probe landings kept for the views: far more than a 2 s window holds


class Shooting:
    def __init__(self, space: pymunk.Space, stance: Stance, cast: Cast,
                 cover: Sequence[Cover], rules: TaserRules, officer: Officer,
                 rng: np.random.Generator, reactions: Reactions, step_s: float,
                 emit: Callable[[Event], None], counts_rounds: bool = True) -> None:
        self._space = space
        self._reactions = reactions
        self._officer = officer
        self._loads = Loads(officer.magazine, counts_rounds)
        self._weapons = agency_weapons(rules)
        self._transitions = Transitions(officer, step_s)
        self._aimed: list[str | None] = []  # whom each shot was aimed at
        self._stance = stance  # where the officer stands: his rounds leave from there
        self._cast = cast
        self._emit = emit
        self._step_s = step_s
        self._flights = Flights()
        self._taser = TaserJudge(rules, rng, cast.by_id, step_s, officer.muzzle.ahead,
                                 cast.sync)
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
             distances: dict[str, float] | None = None, aimed_at: str | None = None,
             officer: str | None = None, drive_stun: bool = False,
             dry: str | None = None) -> int:
        """A trigger pull at a projector pixel (None: off the screen); the shot id. `aimed_at`:
        whom a script aimed at (else the first body met); `dry`: why a replica fired nothing."""
        weapon = self._weapons[weapon_name]
        shot = len(self.shots) + 1
        projection = self._stance.projection
        on_screen = point is not None and projection.on_screen(*point)
        ray = projection.ray(*point) if point is not None and on_screen else None
        first = None if ray is None else self._first(ray, solid=False)
        aimed = aimed_at if aimed_at is not None or ray is None else self._first(ray, True)
        mode = self._mode(weapon, drive_stun) if confirmed else None
        load, dry = self._loads.pull(weapon_name, weapon, tick,
                                     confirmed and mode in (None, "probes"), arcs(dry, mode))
        self.shots.append(ShotView(shot, tick, weapon_name, weapon.force, point,
                                   confirmed and dry is None))
        self._aimed.append(aimed)
        self._emit(ShotFired(tick=tick, shot=shot, weapon=weapon_name, force=weapon.force,
                             point=point, replica=replica, confirmed=confirmed, aimed_at=aimed,
                             distances=self._cast.distances() if distances is None
                             else distances, officer=officer,
                             **(dataclasses.asdict(timing) if timing else {}),
                             first_on_line=first, device=weapon.device, load=load, mode=mode,
                             malfunction=dry, origin=projection.origin, heading=projection.heading))
        if not confirmed:
            return shot  # a spot with no trigger: recorded, not flown
        changed = self._transitions.pulled(shot, weapon.device, weapon.force, tick)
        if changed is not None:
            self._emit(changed)
        if dry is None:
            self._deliver(shot, tick, weapon_name, weapon, ray, aimed, mode, load)
        return shot

    def reload(self, tick: int, weapon: WeaponName, officer: str | None) -> None:
        """A fresh magazine: seated the officer's reload time from now."""
        took = self._officer.reload
        left = self._loads.reload(weapon, tick, round(took / self._step_s))
        self._emit(OfficerReloaded(tick=tick, weapon=weapon, left=left, ready_s=took,
                                   officer=officer))

    def _mode(self, weapon: Weapon, drive_stun: bool) -> TaserMode | None:
        """How a TASER pull delivers: pressed on him, through the probes already in him,
        or with a new cartridge's probes (None: a firearm)."""
        if not isinstance(weapon, TaserCartridge):
            return None
        if drive_stun:
            return "drive_stun"
        return "reenergise" if self._taser.attached(weapon) else "probes"

    def _deliver(self, shot: int, tick: int, name: WeaponName, weapon: Weapon, ray: Ray | None,
                 aimed: str | None, mode: TaserMode | None, load: int) -> None:
        """What a pull that fired sends on its way."""
        if isinstance(weapon, TaserCartridge) and mode == "drive_stun":
            self._resolved(self._taser.drive_stun(shot, name, weapon, aimed, tick), tick)
        elif isinstance(weapon, TaserCartridge) and mode == "reenergise":
            self._resolved(self._taser.reenergise(shot, name, weapon, tick), tick)
        elif ray is None and isinstance(weapon, TaserCartridge):
            self._resolved(self._taser.off_screen(shot, name, weapon, tick), tick)
        elif ray is None:
            self._emit(BulletStopped(tick=tick, shot=shot, by="nothing", distance_m=0.0))
        elif isinstance(weapon, Firearm):
            self._flights.launch(Projectile(shot, ray, weapon.muzzle_velocity, SCENE_DEPTH_M))
        else:
            self._taser.deployed(shot, name, weapon, aimed, load)
            met = self._cast.first_on_track(self._space, ray, SCENE_DEPTH_M, solid=True)
            for probe in launch_probes(shot, weapon, ray, self._officer.muzzle, met):
                self._flights.launch(probe)

    def _first(self, ray: Ray, solid: bool) -> str | None:
        met = self._cast.first_on_track(self._space, ray, SCENE_DEPTH_M, solid)
        return None if met is None else met[0]

    def attack(self, kind: Attack, shooter_id: str, shooter: Point2, muzzle_z: float,
               errors: tuple[float, float]) -> AttackResult:
        """What a subject's attack on the officer did (`attacks.judge_attack`): his round
        may meet anyone in its line but himself."""
        def others(shape: pymunk.Shape) -> BodyAt | None:
            body = self._body_at(shape)
            return None if body is None or body.actor == shooter_id else body

        officer = Target(self._stance.position, self._stance.projection.eye_height)
        return judge_attack(kind, shooter, muzzle_z, officer, errors, self._space, others,
                            self._cover_at)

    def aimed_at(self, shot: int) -> str | None:
        return self._aimed[shot - 1]

    def fell(self, actor: str, tick: int) -> None:
        for out in self._taser.fell(actor, tick):
            self._emit(out)

    def before_step(self, tick: int) -> None:
        """What the TASERs do as a tick starts: wires that broke, cycles that end."""
        for out in self._taser.wires_broken(tick):
            self._emit(out)
        for ended in self._taser.cycles_ending(tick):
            self._emit(ended)
            actor = self._cast.by_id[ended.actor]
            actor.recovering_until_tick = self._reactions.recovers(tick)
            actor.recovery_shot = ended.shot
            self._cast.tell(actor, Stimulus("taser", "cycle_ended", tick), tick)
            self._cast.look_at(actor, actor.recovering_until_tick)

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
                self._probe_landed(landing.shot, landing.probe, landing.impact, tick,
                                   landing.direction)

    def _bullet_landed(self, shot: int, impact: Impact, tick: int) -> None:
        if impact.actor is None or impact.zone is None:
            self._emit(BulletStopped(tick=tick, shot=shot, by=impact.by or "nothing",
                                     distance_m=impact.ground_distance))
            return
        actor = self._cast.by_id[impact.actor]
        self._emit(BulletHit(tick=tick, shot=shot, actor=actor.id, role=actor.spec.role,
                             zone=impact.zone, distance_m=impact.ground_distance,
                             height_m=impact.point[2]))
        struck(self._cast, self._reactions, actor, impact.zone, shot, tick)

    def _probe_landed(self, shot: int, probe: int, impact: Impact, tick: int,
                      direction: Point2) -> None:
        side: Literal["front", "back", ""] = ""
        avoid = ""
        if impact.actor is not None:
            x, y, z = impact.point
            actor = self._cast.sync(self._cast.by_id[impact.actor])
            on_body = actor.body_point(z, (x, y), direction)
            impact = dataclasses.replace(impact, on_body=on_body)
            front = actor.facing_officer()
            side = "front" if front else "back"
            avoid = area_to_avoid(actor.pose, actor.spec.height, impact.zone, on_body[0], z,
                                  front)
        self._emit(ProbeLanded(tick=tick, shot=shot, probe=probe, actor=impact.actor,
                               zone=impact.zone, by=impact.by,
                               distance_m=impact.ground_distance, height_m=impact.point[2],
                               side=side, avoid=avoid))
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
        if resolved.cycle_ends_tick is not None:  # his muscles lock at once, not by choice
            actor.nmi_until_tick = resolved.cycle_ends_tick
            self._cast.sync(actor).fall(tick, self._reactions.fall_ticks())
            self._cast.tell(actor, Stimulus("taser", "effective", tick), tick)
        elif event.result != "out_of_reach":  # he feels the pain, or the failed try
            felt = "drive_stun" if event.result == "drive_stun" else "failed"
            self._cast.tell(actor, Stimulus("taser", felt, self._reactions.perceived(tick)),
                            tick)

    def _body_at(self, shape: pymunk.Shape) -> BodyAt | None:
        actor = self._cast.on(shape)
        if actor is None:
            return None
        lying = DOWN_HEIGHT_M if actor.pose == "down" else None
        return BodyAt(actor.id, self._cast.sync(actor).zone_at, lying)  # where he is now

    def _cover_at(self, shape: pymunk.Shape) -> CoverAt | None:
        return self._cover_by_shape.get(shape)


def arcs(dry: str | None, mode: TaserMode | None) -> str | None:
    """A replica's dry pull, bar a spent TASER's through the probes in him: it still arcs,
    a new cycle through them."""
    return None if dry == "spent" and mode == "reenergise" else dry


def struck(cast: Cast, reactions: Reactions, actor: ActorRuntime, zone: Zone,
           shot: int | None, tick: int) -> None:
    """A round hit him in `zone` (the officer's `shot`, or None: a subject's round): he
    feels it in his reaction time, and a stopping hit takes effect in its own."""
    cast.tell(actor, Stimulus("hit", zone, reactions.perceived(tick), shot), tick)
    stopping = stopping_transition(actor.state, zone, actor.stopping)
    if stopping is not None and stopping.to is not None:
        stops = reactions.stops(tick, zone)
        actor.wounded(Wound(stops, stopping.to, zone, shot, tick))
        cast.look_at(actor, actor.wound.tick if actor.wound else stops)


def launch_probes(shot: int, cartridge: TaserCartridge, eye_ray: Ray, muzzle: Muzzle,
                  met: tuple[str, float] | None) -> list[Projectile]:
    """Probes leave the muzzle, ahead of the eye and below it; the top probe flies at the
    point the eye aims at (the laser's dot: where the eye line `met` the first body, else
    where it meets the floor or the wire ends), the others pitched below it."""
    limit = muzzle.ahead + cartridge.wire_length * eye_ray.ground_distance_per_metre()
    floor = -eye_ray.eye_height / eye_ray.slope if eye_ray.slope < 0 else math.inf
    aim = met[1] if met is not None else min(limit, floor)
    top = eye_ray.through(muzzle.ahead, eye_ray.eye_height - muzzle.below_eye, aim,
                          cartridge.laser_error(aim - muzzle.ahead))
    return [Projectile(shot, top.tilted(angle, muzzle.ahead), cartridge.probe_speed,
                       cartridge.wire_length, probe, start=muzzle.ahead)
            for probe, angle in enumerate(cartridge.probe_angles)]
