"""The scenario engine: a pymunk ground-plane world stepped at a fixed rate.

The engine never reads a clock: time is `tick * step`. Officer inputs (commands, shots,
branch keys) are applied between steps by the session; everything that happens is
emitted as a typed event stamped with the tick where it happened. One seeded numpy
Generator per world drives every chance in it."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pymunk

from range.run.events import (
    ActorStateChanged,
    BranchKey,
    BulletHit,
    BulletStopped,
    Event,
    OfficerAttacked,
    OfficerCommand,
    ProbeLanded,
    ScenarioEnded,
    ScenarioStarted,
    ShotFired,
    TaserCycleEnded,
    TaserDeployment,
    WeaponDropped,
)
from range.scenario.model import Scenario
from range.vocabulary import Zone
from range.world.actors import REACH, ActorRuntime
from range.world.ballistics import BodyAt, CoverAt, Impact, Projectile
from range.world.behaviour import Stimulus, cause_of, choose_target, due_transition
from range.world.body import zone_centre
from range.world.projection import Projection
from range.world.taser import Outcome, judge_pair
from range.world.weapons import WEAPONS, Firearm, TaserCartridge

STEP_S = 1 / 240
SCENE_DEPTH_M = 300.0  # a bullet past this has left the scene
ATTACKS = {"handgun": "shot", "knife": "stab"}


@dataclass(slots=True)
class Deployment:
    """A TASER trigger pull whose probes are still in flight."""

    shot: int
    weapon: str
    cartridge: TaserCartridge
    aimed_at: str | None
    impacts: list[Impact | None]


@dataclass(slots=True)
class World:
    scenario: Scenario
    seed: int
    step_s: float = STEP_S
    on_event: Callable[[Event], None] | None = None
    tick: int = 0
    events: list[Event] = field(default_factory=list)
    rng: np.random.Generator = field(init=False)
    space: pymunk.Space = field(init=False)
    projection: Projection = field(init=False)
    actors: list[ActorRuntime] = field(init=False)
    cover_heights: dict[pymunk.Shape, tuple[str, float]] = field(init=False)
    projectiles: list[Projectile] = field(default_factory=list)
    deployments: dict[int, Deployment] = field(default_factory=dict)
    taser10_probes: dict[str, list[Impact]] = field(default_factory=dict)
    cycle_shots: dict[str, int] = field(default_factory=dict)  # actor -> shot powering it
    actor_by_shape: dict[pymunk.Shape, ActorRuntime] = field(default_factory=dict)
    shots_fired: int = 0
    ended: bool = False

    def __post_init__(self) -> None:
        self.rng = np.random.default_rng(self.seed)
        self.space = pymunk.Space()
        rig = self.scenario.rig
        self.projection = Projection(rig.screen_width, rig.screen_height, rig.screen_distance,
                                     rig.screen_bottom, rig.eye_height, rig.resolution)
        self.actors = [ActorRuntime.create(spec) for spec in self.scenario.actors]
        self.actor_by_shape = {a.shape: a for a in self.actors}
        for actor in self.actors:
            self.space.add(actor.body, actor.shape)
        self.cover_heights = {}
        for cover in self.scenario.cover:
            shape = _box(self.space.static_body, cover.center, cover.size, cover.angle)
            self.space.add(shape)
            self.cover_heights[shape] = (cover.id, cover.height)
        self._emit(ScenarioStarted(
            tick=0, scenario=self.scenario.id, title=self.scenario.title, seed=self.seed,
            step_s=self.step_s, policy=self.scenario.policy,
            actors={a.id: a.spec.role for a in self.actors}))
        for actor in self.actors:
            self._enter(actor, actor.state_name, None, None, "start")

    # -- officer inputs ---------------------------------------------------------------

    @property
    def time_s(self) -> float:
        return self.tick * self.step_s

    @property
    def end_tick(self) -> int:
        return round(self.scenario.duration / self.step_s)

    def command(self, name: str) -> None:
        self._emit(OfficerCommand(tick=self.tick, command=name, distances=self._distances()))
        for actor in self.actors:
            actor.stimuli.append(Stimulus("command", name))

    def branch(self, key: str, operator: str) -> None:
        self._emit(BranchKey(tick=self.tick, key=key, operator=operator))
        for actor in self.actors:
            actor.stimuli.append(Stimulus("branch", key))

    def fire(self, weapon_name: str, point: tuple[float, float] | None,
             replica: str | None = None, confirmed: bool = True) -> int:
        """A trigger pull at a projector pixel (None: off the screen). Returns the shot id."""
        weapon = WEAPONS[weapon_name]
        self.shots_fired += 1
        shot = self.shots_fired
        on_screen = point is not None and self.projection.on_screen(*point)
        ray = self.projection.ray(*point) if point is not None and on_screen else None
        aimed = None if ray is None else self._first_actor_on_track(
            ray.origin, ray.ground_point(SCENE_DEPTH_M))
        self._emit(ShotFired(tick=self.tick, shot=shot, weapon=weapon_name, force=weapon.force,
                             point=point, replica=replica, confirmed=confirmed, aimed_at=aimed,
                             distances=self._distances()))
        if not confirmed:
            return shot  # a spot with no trigger: recorded, not flown
        if ray is None:
            if isinstance(weapon, TaserCartridge):
                self._resolve_taser(Deployment(shot, weapon_name, weapon, None, []),
                                    Outcome("miss", None, None, [], "fired off the screen"))
            else:
                self._emit(BulletStopped(tick=self.tick, shot=shot, by="nothing",
                                         distance_m=0.0))
            return shot
        if isinstance(weapon, Firearm):
            self.projectiles.append(Projectile(shot, ray, weapon.muzzle_velocity, SCENE_DEPTH_M))
            return shot
        self.deployments[shot] = Deployment(shot, weapon_name, weapon, aimed,
                                            [None] * weapon.probes_per_pull)
        for probe, angle in enumerate(weapon.probe_angles):
            self.projectiles.append(Projectile(shot, ray.tilted(angle), weapon.probe_speed,
                                               weapon.wire_length, probe))
        return shot

    def aim_point(self, actor_id: str, zone: Zone,
                  offset: tuple[float, float] = (0.0, 0.0)) -> tuple[float, float] | None:
        """The projector pixel where an actor's zone is drawn now (scripted aiming);
        `offset` moves the aim right and up, in metres at the actor."""
        actor = self._actor(actor_id)
        height = zone_centre(actor.pose, actor.spec.height, zone)
        if height is None:
            return None
        x, y = actor.position
        return self.projection.world_to_screen(x + offset[0], y, height + offset[1])

    # -- stepping -----------------------------------------------------------------------

    def step(self) -> None:
        if self.ended:
            return
        self._end_cycles()
        for actor in self.actors:
            self._behave(actor)
        for actor in self.actors:
            actor.body.velocity = actor.desired_velocity(self.tick)
            self._attack(actor)
        self.space.step(self.step_s)
        for actor in self.actors:
            actor.sync()
        self._fly_projectiles()
        self.tick += 1
        if self.tick >= self.end_tick:
            self.ended = True
            self._emit(ScenarioEnded(tick=self.tick, reason="duration"))

    def run(self) -> None:
        while not self.ended:
            self.step()

    def _behave(self, actor: ActorRuntime) -> None:
        time_in_state = (self.tick - actor.entered_tick) * self.step_s
        transition = due_transition(actor.state, time_in_state, actor.distance(), actor.stimuli)
        if transition is None:
            return
        cause = cause_of(transition, actor.stimuli)
        target, by_chance = choose_target(transition, self.rng)
        self._enter(actor, target, actor.state_name, actor.state.threat,
                    f"{cause}:random" if by_chance else cause)

    def _enter(self, actor: ActorRuntime, state: str, previous: str | None,
               previous_threat: str | None, cause: str) -> None:
        actor.state_name = state
        actor.entered_tick = self.tick
        actor.stimuli.clear()
        actor.next_attack_tick = self.tick
        self._emit(ActorStateChanged(
            tick=self.tick, actor=actor.id, role=actor.spec.role, state=state,
            action=actor.state.action, threat=actor.state.threat, previous_state=previous,
            previous_threat=previous_threat, cause=cause, distance_m=actor.distance(),
            position=actor.position))
        if actor.state.action == "drop_weapon" and actor.weapon != "none":
            self._emit(WeaponDropped(tick=self.tick, actor=actor.id, weapon=actor.weapon))
            actor.weapon = "none"

    def _attack(self, actor: ActorRuntime) -> None:
        action = actor.state.action
        if action not in ("fire", "attack") or actor.incapacitated(self.tick):
            return
        if self.tick < actor.next_attack_tick:
            return
        if action == "attack" and actor.distance() > REACH:
            return
        kind = "shot" if action == "fire" else ATTACKS.get(actor.weapon, "strike")
        self._emit(OfficerAttacked(tick=self.tick, actor=actor.id, attack=kind,
                                   distance_m=actor.distance()))
        actor.next_attack_tick = self.tick + max(1, round(actor.state.interval_or_default()
                                                          / self.step_s))

    # -- projectiles ----------------------------------------------------------------------

    def _fly_projectiles(self) -> None:
        still_flying = []
        for projectile in self.projectiles:
            impact = projectile.advance(self.space, self.step_s, self._body_at, self._cover_at)
            if impact is None:
                still_flying.append(projectile)
            elif projectile.probe is None:
                self._bullet_landed(projectile.shot, impact)
            else:
                self._probe_landed(projectile.shot, projectile.probe, impact)
        self.projectiles = still_flying

    def _bullet_landed(self, shot: int, impact: Impact) -> None:
        if impact.actor is None or impact.zone is None:
            self._emit(BulletStopped(tick=self.tick, shot=shot, by=impact.by or "nothing",
                                     distance_m=impact.ground_distance))
            return
        actor = self._actor(impact.actor)
        self._emit(BulletHit(tick=self.tick, shot=shot, actor=actor.id, role=actor.spec.role,
                             zone=impact.zone, distance_m=impact.ground_distance,
                             height_m=impact.point[2]))
        actor.stimuli.append(Stimulus("hit", impact.zone))

    def _probe_landed(self, shot: int, probe: int, impact: Impact) -> None:
        self._emit(ProbeLanded(tick=self.tick, shot=shot, probe=probe, actor=impact.actor,
                               zone=impact.zone, by=impact.by,
                               distance_m=impact.ground_distance, height_m=impact.point[2]))
        deployment = self.deployments[shot]
        deployment.impacts[probe] = impact
        if all(i is not None for i in deployment.impacts):
            del self.deployments[shot]
            self._resolve_taser(deployment, self._judge(deployment))

    def _judge(self, deployment: Deployment) -> Outcome:
        impacts = [i for i in deployment.impacts if i is not None]
        cartridge = deployment.cartridge
        if cartridge.probes_per_pull == 1:
            impacts = self._taser10_probes(impacts[0])
        hit = next((i.actor for i in impacts if i.actor is not None), None)
        clothing_at = self._actor(hit).spec.clothing_at if hit else (lambda zone: 0.0)
        rules = self.scenario.taser
        return judge_pair(impacts, clothing_at, rules.min_spread, rules.max_clothing,
                          cartridge.wire_length)

    def _taser10_probes(self, impact: Impact) -> list[Impact]:
        """TASER 10: probes from separate pulls on one body make the circuit."""
        if impact.actor is None:
            return [impact]
        probes = self.taser10_probes.setdefault(impact.actor, [])
        probes.append(impact)
        return list(probes)

    def _resolve_taser(self, deployment: Deployment, outcome: Outcome) -> None:
        target = outcome.actor or deployment.aimed_at
        result = outcome.result
        if result == "effective" and target is not None:
            actor = self._actor(target)
            if self.rng.random() < actor.spec.taser_resistance:
                result = "resisted"
        distance = self._actor(target).distance() if target else None
        self._emit(TaserDeployment(
            tick=self.tick, shot=deployment.shot, weapon=deployment.weapon,
            cartridge=deployment.cartridge.name, actor=target, result=result,
            spread_m=outcome.spread_m, zones=outcome.zones, distance_m=distance,
            reason=outcome.reason if result != "resisted" else "subject kept moving under "
            "power (seeded chance of no effect)"))
        if target is None:
            return
        actor = self._actor(target)
        if result == "effective":
            actor.nmi_until_tick = self.tick + round(deployment.cartridge.cycle_s / self.step_s)
            actor.stimuli.append(Stimulus("taser", "effective"))
            self.cycle_shots[target] = deployment.shot
        else:
            actor.stimuli.append(Stimulus("taser", "failed"))

    def _end_cycles(self) -> None:
        for actor in self.actors:
            if actor.nmi_until_tick == self.tick:
                shot = self.cycle_shots.pop(actor.id, 0)
                self._emit(TaserCycleEnded(tick=self.tick, shot=shot, actor=actor.id))

    # -- lookups ----------------------------------------------------------------------------

    def _body_at(self, shape: pymunk.Shape) -> BodyAt | None:
        actor = self.actor_by_shape.get(shape)
        return None if actor is None else BodyAt(actor.id, actor.zone_at)

    def _cover_at(self, shape: pymunk.Shape) -> CoverAt | None:
        found = self.cover_heights.get(shape)
        return None if found is None else CoverAt(*found)

    def _first_actor_on_track(self, a: tuple[float, float],
                              b: tuple[float, float]) -> str | None:
        hits = self.space.segment_query(a, b, 0.0, pymunk.ShapeFilter())
        for info in sorted(hits, key=lambda h: h.alpha):
            actor = self.actor_by_shape.get(info.shape)
            if actor is not None:
                return actor.id
        return None

    def _distances(self) -> dict[str, float]:
        return {actor.id: actor.distance() for actor in self.actors}

    def _actor(self, actor_id: str) -> ActorRuntime:
        return next(a for a in self.actors if a.id == actor_id)

    def _emit(self, event: Event) -> None:
        self.events.append(event)
        if self.on_event is not None:
            self.on_event(event)


def _box(body: pymunk.Body, center: tuple[float, float], size: tuple[float, float],
         angle: float) -> pymunk.Poly:
    half_w, half_d = size[0] / 2, size[1] / 2
    cos, sin = math.cos(angle), math.sin(angle)
    corners = [(cx * cos - cy * sin + center[0], cx * sin + cy * cos + center[1])
               for cx, cy in ((-half_w, -half_d), (half_w, -half_d), (half_w, half_d),
                              (-half_w, half_d))]
    return pymunk.Poly(body, corners)
