"""The scenario engine: a pymunk ground-plane world stepped at a fixed rate.

The engine never reads a clock: time is `tick * step`. Officer inputs (commands, shots,
branch keys) are applied between steps by the run that drives the world; everything that
happens is emitted as a typed event stamped with the tick where it happened. One seeded
numpy Generator per world drives every chance in it. Projectiles fly in
`ballistics.Flights`, TASER outcomes are judged by `taser.TaserJudge`, and `snapshot()`
is the read model everything outside the engine draws from."""

from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pymunk

from range.run.codec import rounded
from range.run.events import (
    LOG_VERSION,
    ActorStateChanged,
    BranchKey,
    BulletHit,
    BulletStopped,
    Event,
    OfficerAttacked,
    OfficerCommand,
    ProbeLanded,
    Provenance,
    ScenarioEnded,
    ScenarioStarted,
    ShotFired,
    TaserCycleEnded,
    WeaponDropped,
)
from range.scenario.model import Scenario
from range.vocabulary import Command, Point2, WeaponName, Zone
from range.world.actors import NEVER, REACH, ActorRuntime
from range.world.ballistics import BodyAt, CoverAt, Flights, Impact, Projectile
from range.world.behaviour import Stimulus, cause_of, choose_target, due_transition
from range.world.body import zone_centre
from range.world.projection import Projection
from range.world.snapshot import (
    RECENT_SHOTS_S,
    ActorView,
    CoverView,
    ShotView,
    WorldSnapshot,
    box_corners,
)
from range.world.taser import Resolved, TaserJudge
from range.world.weapons import WEAPONS, Firearm, TaserCartridge

STEP_S = 1 / 240
SCENE_DEPTH_M = 300.0  # a bullet past this has left the scene
ATTACKS = {"handgun": "shot", "knife": "stab"}


@dataclass(slots=True)
class World:
    scenario: Scenario
    seed: int
    provenance: Provenance | None = None  # where the run came from, for its log
    step_s: float = STEP_S
    on_event: Callable[[Event], None] | None = None
    tick: int = 0
    events: list[Event] = field(default_factory=list)
    ended: bool = False
    rng: np.random.Generator = field(init=False)
    space: pymunk.Space = field(init=False)
    projection: Projection = field(init=False)
    actors: list[ActorRuntime] = field(init=False)
    flights: Flights = field(default_factory=Flights)
    taser: TaserJudge = field(init=False)
    shots: list[ShotView] = field(default_factory=list)
    _by_id: dict[str, ActorRuntime] = field(init=False)
    _by_shape: dict[pymunk.Shape, ActorRuntime] = field(init=False)
    _cover_by_shape: dict[pymunk.Shape, CoverAt] = field(init=False)
    _cycles: list[tuple[int, int, str]] = field(default_factory=list)  # (end, order, actor)
    _next_look: int = 0
    _generation: int = 0  # space steps taken: positions read at one generation hold

    def __post_init__(self) -> None:
        self.rng = np.random.default_rng(self.seed)
        self.space = pymunk.Space()
        self.space.on_collision(begin=self._touched, separate=self._parted)
        rig = self.scenario.rig
        self.projection = Projection(rig.screen_width, rig.screen_height, rig.screen_distance,
                                     rig.screen_bottom, rig.eye_height, rig.resolution)
        self.actors = [ActorRuntime.create(spec) for spec in self.scenario.actors]
        self._by_id = {a.id: a for a in self.actors}
        self._by_shape = {a.shape: a for a in self.actors}
        for actor in self.actors:
            self.space.add(actor.body, actor.shape)
        self._cover_by_shape = {}
        for cover in self.scenario.cover:
            shape = pymunk.Poly(self.space.static_body,
                                list(box_corners(cover.center, cover.size, cover.angle)))
            self.space.add(shape)
            self._cover_by_shape[shape] = CoverAt(cover.id, cover.height)
        self.taser = TaserJudge(self.scenario.taser, self.rng, self._by_id, self.step_s)
        self._emit(ScenarioStarted(
            tick=0, scenario=self.scenario.id, title=self.scenario.title, seed=self.seed,
            step_s=self.step_s, policy=self.scenario.policy,
            actors={a.id: a.spec.role for a in self.actors}, log_version=LOG_VERSION,
            **(self.provenance or Provenance()).fields()))
        for actor in self.actors:
            self._enter(actor, actor.state_name, None, None, "start")

    @property
    def time_s(self) -> float:
        return self.tick * self.step_s

    @property
    def end_tick(self) -> int:
        return round(self.scenario.duration / self.step_s)

    # -- officer inputs -------------------------------------------------------------------

    def command(self, name: Command) -> None:
        self._emit(OfficerCommand(tick=self.tick, command=name, distances=self._distances()))
        self._tell_all(Stimulus("command", name))

    def branch(self, key: str, operator: str) -> None:
        self._emit(BranchKey(tick=self.tick, key=key, operator=operator))
        self._tell_all(Stimulus("branch", key))

    def fire(self, weapon_name: WeaponName, point: Point2 | None,
             replica: str | None = None, confirmed: bool = True) -> int:
        """A trigger pull at a projector pixel (None: off the screen). Returns the shot id."""
        weapon = WEAPONS[weapon_name]
        shot = len(self.shots) + 1
        on_screen = point is not None and self.projection.on_screen(*point)
        ray = self.projection.ray(*point) if point is not None and on_screen else None
        aimed = None if ray is None else self._first_actor_on_track(
            ray.origin, ray.ground_point(SCENE_DEPTH_M))
        self.shots.append(ShotView(shot, self.tick, weapon_name, weapon.force, point, confirmed))
        self._emit(ShotFired(tick=self.tick, shot=shot, weapon=weapon_name, force=weapon.force,
                             point=point, replica=replica, confirmed=confirmed, aimed_at=aimed,
                             distances=self._distances()))
        if not confirmed:
            return shot  # a spot with no trigger: recorded, not flown
        if ray is None:
            if isinstance(weapon, TaserCartridge):
                self._taser_resolved(self.taser.off_screen(shot, weapon_name, weapon, self.tick))
            else:
                self._emit(BulletStopped(tick=self.tick, shot=shot, by="nothing",
                                         distance_m=0.0))
            return shot
        if isinstance(weapon, Firearm):
            self.flights.launch(Projectile(shot, ray, weapon.muzzle_velocity, SCENE_DEPTH_M))
            return shot
        self.taser.deployed(shot, weapon_name, weapon, aimed)
        for probe, angle in enumerate(weapon.probe_angles):
            self.flights.launch(Projectile(shot, ray.tilted(angle), weapon.probe_speed,
                                           weapon.wire_length, probe))
        return shot

    def aim_point(self, actor_id: str, zone: Zone,
                  offset: Point2 = (0.0, 0.0)) -> Point2 | None:
        """The projector pixel where an actor's zone is drawn now (scripted aiming);
        `offset` moves the aim right and up, in metres at the actor."""
        actor = self._by_id[actor_id]
        height = zone_centre(actor.pose, actor.spec.height, zone)
        if height is None:
            return None
        actor.sync(self._generation)
        return self.projection.world_to_screen(actor.x + offset[0], actor.y,
                                               height + offset[1])

    def stop(self, reason: str) -> None:
        """End the run now (an operator's stop, or a replay reaching its log's end)."""
        if not self.ended:
            self.ended = True
            self._emit(ScenarioEnded(tick=self.tick, reason=reason))

    # -- stepping -------------------------------------------------------------------------

    def step(self) -> None:
        if self.ended:
            return
        tick = self.tick
        ending = set()
        while self._cycles and self._cycles[0][0] <= tick:
            _, _, actor_id = heapq.heappop(self._cycles)
            if self._by_id[actor_id].nmi_until_tick == tick and actor_id not in ending:
                ending.add(actor_id)  # a cycle replaced by a later one ends only then
                self._emit(TaserCycleEnded(tick=tick, shot=self.taser.cycle_shot(actor_id),
                                           actor=actor_id))
        if tick >= self._next_look:
            self._look(tick)
        self.space.step(self.step_s)
        self._generation += 1
        if self.flights.flying:
            self._fly()
        self.tick += 1
        if self.tick >= self.end_tick:
            self.stop("duration")

    def run(self) -> None:
        while not self.ended:
            self.step()

    def snapshot(self) -> WorldSnapshot:
        """The read model of this tick."""
        recent = self.tick - round(RECENT_SHOTS_S / self.step_s)
        return WorldSnapshot(
            tick=self.tick, time_s=self.time_s, step_s=self.step_s, title=self.scenario.title,
            projection=self.projection, actors=tuple(self._view(a) for a in self.actors),
            cover=tuple(CoverView(c.id, c.kind, c.center, c.size, c.height, c.angle)
                        for c in self.scenario.cover),
            recent_shots=tuple(s for s in self.shots if s.tick >= recent), ended=self.ended)

    def _look(self, tick: int) -> None:
        """Behaviour, then movement and attacks, of the actors due a look this tick. A body
        in contact is steered every tick, and its distance triggers checked: a push can
        move it any way."""
        due = [a for a in self.actors if a.look_tick <= tick or a.touching]
        for actor in due:
            actor.sync(self._generation)
            if actor.look_tick <= tick or actor.reads_distance():
                self._behave(actor)
        for actor in due:
            actor.move(tick)
            self._attack(actor)
            if actor.look_tick <= tick:
                actor.look_tick = actor.next_look(tick, self.step_s)
        self._next_look = min((a.look_tick for a in self.actors), default=NEVER)
        if any(a.touching for a in self.actors):
            self._next_look = tick + 1

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

    def _fly(self) -> None:
        landed = self.flights.advance(self.space, self.step_s, self._body_at, self._cover_at)
        for landing in landed:
            if landing.probe is None:
                self._bullet_landed(landing.shot, landing.impact)
            else:
                self._probe_landed(landing.shot, landing.probe, landing.impact)

    def _bullet_landed(self, shot: int, impact: Impact) -> None:
        if impact.actor is None or impact.zone is None:
            self._emit(BulletStopped(tick=self.tick, shot=shot, by=impact.by or "nothing",
                                     distance_m=impact.ground_distance))
            return
        actor = self._by_id[impact.actor]
        self._emit(BulletHit(tick=self.tick, shot=shot, actor=actor.id, role=actor.spec.role,
                             zone=impact.zone, distance_m=impact.ground_distance,
                             height_m=impact.point[2]))
        self._tell(actor, Stimulus("hit", impact.zone))

    def _probe_landed(self, shot: int, probe: int, impact: Impact) -> None:
        self._emit(ProbeLanded(tick=self.tick, shot=shot, probe=probe, actor=impact.actor,
                               zone=impact.zone, by=impact.by,
                               distance_m=impact.ground_distance, height_m=impact.point[2]))
        self._sync_all()  # the judge reads the target's distance
        resolved = self.taser.probe_landed(shot, probe, impact, self.tick)
        if resolved is not None:
            self._taser_resolved(resolved)

    def _taser_resolved(self, resolved: Resolved) -> None:
        event = resolved.event
        self._emit(event)
        if event.actor is None:
            return
        actor = self._by_id[event.actor]
        if resolved.cycle_ends_tick is None:
            self._tell(actor, Stimulus("taser", "failed"))
            return
        actor.nmi_until_tick = resolved.cycle_ends_tick
        order = self.actors.index(actor)  # cycles ending on one tick end in actor order
        heapq.heappush(self._cycles, (resolved.cycle_ends_tick, order, actor.id))
        self._tell(actor, Stimulus("taser", "effective"))

    # -- lookups and plumbing -------------------------------------------------------------

    def _tell(self, actor: ActorRuntime, stimulus: Stimulus) -> None:
        """A stimulus is perceived at the actor's next behaviour step."""
        actor.stimuli.append(stimulus)
        self._look_soon(actor)

    def _tell_all(self, stimulus: Stimulus) -> None:
        for actor in self.actors:
            self._tell(actor, stimulus)

    def _look_soon(self, actor: ActorRuntime) -> None:
        actor.look_tick = min(actor.look_tick, self.tick)
        self._next_look = min(self._next_look, actor.look_tick)

    def _touched(self, arbiter: pymunk.Arbiter, space: pymunk.Space, data: object) -> None:
        for shape in arbiter.shapes:
            actor = self._by_shape.get(shape)
            if actor is not None:
                actor.touching += 1
                self._look_soon(actor)

    def _parted(self, arbiter: pymunk.Arbiter, space: pymunk.Space, data: object) -> None:
        for shape in arbiter.shapes:
            actor = self._by_shape.get(shape)
            if actor is not None:
                actor.touching -= 1
                self._look_soon(actor)  # once more: the contact may have moved it

    def _view(self, actor: ActorRuntime) -> ActorView:
        actor.sync(self._generation)
        state = actor.state
        return ActorView(actor.id, actor.spec.role, actor.state_name, state.action, actor.pose,
                         state.threat, actor.position, actor.facing, actor.weapon,
                         actor.spec.height, actor.incapacitated(self.tick))

    def _body_at(self, shape: pymunk.Shape) -> BodyAt | None:
        actor = self._by_shape.get(shape)
        return None if actor is None else BodyAt(actor.id, actor.zone_at)

    def _cover_at(self, shape: pymunk.Shape) -> CoverAt | None:
        return self._cover_by_shape.get(shape)

    def _first_actor_on_track(self, a: Point2, b: Point2) -> str | None:
        hits = self.space.segment_query(a, b, 0.0, pymunk.ShapeFilter())
        for info in sorted(hits, key=lambda h: h.alpha):
            actor = self._by_shape.get(info.shape)
            if actor is not None:
                return actor.id
        return None

    def _sync_all(self) -> None:
        for actor in self.actors:
            actor.sync(self._generation)

    def _distances(self) -> dict[str, float]:
        self._sync_all()
        return {actor.id: actor.distance() for actor in self.actors}

    def _emit(self, event: Event) -> None:
        event = rounded(event)
        self.events.append(event)
        if self.on_event is not None:
            self.on_event(event)
