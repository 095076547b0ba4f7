"""The scenario engine: a pymunk ground-plane world stepped at a fixed rate.

The engine never reads a clock: time is `tick * step`. Officer inputs (commands, shots,
branch keys) are applied between steps by the run that drives the world; everything that
happens is emitted as a typed event stamped with the tick where it happened. One seeded
numpy Generator per world drives every chance in it. Projectiles fly in
`shooting.Shooting` (through `ballistics` and `taser`), the actors' looks and contacts
are kept by `cast.Cast`, and `snapshot()` is the read model everything outside the engine
draws from."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np
import pymunk

from range.errors import RunError
from range.run.codec import rounded
from range.run.events import (
    LOG_VERSION,
    ActorStateChanged,
    BranchKey,
    Event,
    ForceShown,
    OfficerCommand,
    Provenance,
    ScenarioEnded,
    ScenarioStarted,
    ShotTiming,
    SubjectStopped,
    TaserRecovered,
    WeaponDropped,
)
from range.scenario.model import Scenario, Tone
from range.vocabulary import Command, Point2, ThreatLabel, WeaponName, Zone
from range.world.actors import ActorRuntime
from range.world.agitation import Agitations
from range.world.attacks import aim_streams, attack_by
from range.world.behaviour import Stimulus, cause_of, choose_target, due_transition
from range.world.body import zone_pixel
from range.world.cast import Cast
from range.world.officer import Officer
from range.world.projection import Projection
from range.world.reactions import Reactions
from range.world.shooting import Shooting
from range.world.snapshot import (
    RECENT_SHOTS_S,
    ActorView,
    CoverView,
    WorldSnapshot,
)
from range.world.stance import Stance

STEP_S = 1 / 240
# An hour-long drill logs about 40,000 events; a run past this is a behaviour loop.
MAX_EVENTS = 2_000_000


@dataclass(slots=True)
class World:
    scenario: Scenario
    seed: int
    provenance: Provenance | None = None  # where the run came from, for its log
    step_s: float = STEP_S
    on_event: Callable[[Event], None] | None = None
    live: bool | None = None  # a live trainee: no rounds counted (None: per provenance)
    tick: int = 0
    events: list[Event] = field(default_factory=list)
    ended: bool = False
    rng: np.random.Generator = field(init=False)
    space: pymunk.Space = field(init=False)
    officer: Officer = field(init=False)  # where he stands, and what attacks on him did
    cast: Cast = field(init=False)
    reactions: Reactions = field(init=False)
    agitations: Agitations = field(init=False)
    shooting: Shooting = field(init=False)
    _aims: dict[str, np.random.Generator] = field(init=False)
    end_tick: int = field(init=False)

    def __post_init__(self) -> None:
        self.rng = np.random.default_rng(self.seed)
        self.end_tick = round(self.scenario.duration / self.step_s)
        self.space = pymunk.Space()
        stance = _stance(self.scenario)
        self.cast = Cast(self.scenario.actors, self.space, stance)
        self._aims = aim_streams([a.id for a in self.cast.actors], self.rng)
        self.reactions = Reactions(self.scenario.response, self.rng, self.step_s)
        self.officer = Officer(stance, self.scenario, self.rng, self.step_s, self._emit)
        self.agitations = Agitations(self.cast, self.step_s, self._emit)
        self.shooting = Shooting(self.space, stance, self.cast, self.scenario.cover,
                                 self.scenario.taser, self.scenario.officer, self.rng,
                                 self.reactions, self.step_s, self._emit,
                                 not is_live(self.live, self.provenance))
        self._emit(ScenarioStarted(
            tick=0, scenario=self.scenario.id, title=self.scenario.title, seed=self.seed,
            step_s=self.step_s, policy=self.scenario.policy,
            actors={a.id: a.spec.role for a in self.cast.actors}, log_version=LOG_VERSION,
            **(self.provenance or Provenance()).fields()))
        for actor in self.cast.actors:
            self._enter(actor, actor.state_name, None, None, "start")

    @property
    def time_s(self) -> float:
        return self.tick * self.step_s

    @property
    def projection(self) -> Projection:  # as the officer sees it from where he stands now
        return self.officer.stance.projection

    # -- officer inputs -------------------------------------------------------------------

    def command(self, name: Command, tone: Tone | None = None,
                officer: str | None = None) -> None:
        """A verbal command; its tone by default calm for talk, shouted for an order."""
        tone = tone or ("calm" if name == "talk" else "shouted")
        self._emit(OfficerCommand(tick=self.tick, command=name, officer=officer,
                                  distances=self.cast.distances(), tone=tone))
        for actor in self.cast.actors:  # each hears it, and decides, in his own time
            self.cast.tell(actor, Stimulus("command", name, self.reactions.command(self.tick)),
                           self.tick)
        self.agitations.heard(self.tick, tone)

    def show_force(self, weapon: WeaponName, officer: str | None = None) -> None:
        """The officer draws or points a weapon at the subjects without firing."""
        self._emit(ForceShown(tick=self.tick, weapon=weapon, distances=self.cast.distances(),
                              officer=officer))
        self.agitations.force(self.tick, None)

    def branch(self, key: str, operator: str) -> None:
        self._emit(BranchKey(tick=self.tick, key=key, operator=operator))
        for actor in self.cast.actors:  # the instructor steers: at once
            self.cast.tell(actor, Stimulus("branch", key, self.tick), self.tick)

    def fire(self, weapon_name: WeaponName, point: Point2 | None, replica: str | None = None,
             confirmed: bool = True, timing: ShotTiming | None = None,
             distances: dict[str, float] | None = None,
             aimed_at: str | None = None, officer: str | None = None,
             drive_stun: bool = False, dry: str | None = None) -> int:
        """A trigger pull at a projector pixel (None: off the screen); the shot id. Also: a
        live pull's distances, a script's aim, whose pull, `drive_stun`, `dry` (a replica's)."""
        shot = self.shooting.fire(self.tick, weapon_name, point, replica, confirmed, timing,
                                  distances, aimed_at, officer, drive_stun, dry)
        if confirmed:
            self.agitations.force(self.tick, self.shooting.aimed_at(shot))
        return shot

    def reload(self, weapon: WeaponName, officer: str | None = None) -> None:
        """The officer changes his pistol's magazine."""
        self.shooting.reload(self.tick, weapon, officer)

    def move(self, move: str, officer: str | None = None) -> None:  # "back", or to a place
        self.officer.move(self.cast, move, self.tick, officer)

    def note(self, event: Event) -> None:
        """A run's own event (a frame shown, an operator's action) into the log, in order."""
        self._emit(event)

    def aim_point(self, actor_id: str, zone: Zone,
                  offset: Point2 = (0.0, 0.0)) -> Point2 | None:
        """The projector pixel where an actor's zone is drawn now (scripted aiming);
        `offset` moves the aim right and up, in metres at the actor."""
        actor = self.cast.sync(self.cast.by_id[actor_id])
        return zone_pixel(self.projection, actor.pose, actor.spec.height, actor.position, zone,
                          offset, actor.facing)

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
        self.shooting.before_step(tick)
        self.officer.walk(self.cast, tick)
        if self.cast.any_due(tick) and self._look(tick):
            return  # the officer is down: nothing after the log's end
        self.space.step(self.step_s)
        self.cast.stepped()
        self.shooting.fly(tick)
        self.tick += 1
        if self.tick >= self.end_tick:
            self.stop("duration")

    def run(self) -> None:
        while not self.ended:
            self.step()

    def snapshot(self) -> WorldSnapshot:
        """The read model of this tick."""
        return _snapshot(self)

    def _look(self, tick: int) -> bool:
        """Behaviour, movement and attacks of the actors due a look (one looked at for a
        contact only checks his distance triggers); True if the officer is down: it ends."""
        due = self.cast.due(tick)
        for actor in due:
            if actor.look_tick <= tick or actor.reads_distance():
                self._behave(actor)
        for actor in due:
            actor.move(tick)
            attacked = attack_by(actor, self.tick, self.step_s, self._aims[actor.id],
                                 self.shooting.attack)
            if attacked is not None and self.officer.attacked(self.cast, self.reactions,
                                                              attacked, self.tick):
                self.stop("officer_down")
                return True
        self.cast.looked(tick, self.step_s)
        return False

    def _behave(self, actor: ActorRuntime) -> None:
        tick = self.tick
        wound = actor.wound
        if wound is not None and wound.tick <= tick:  # the hit takes effect: he goes down
            self._emit(SubjectStopped(tick=tick, actor=actor.id, shot=wound.shot,
                                      zone=wound.zone, fall_s=self.scenario.response.fall,
                                      after_s=(tick - wound.hit_tick) * self.step_s))
            return self._enter(actor, wound.state, actor.state_name, actor.state.threat,
                               f"hit:{wound.zone}")
        if actor.recovery_shot is not None and actor.recovering_until_tick <= tick:
            self._emit(TaserRecovered(tick=tick, actor=actor.id, shot=actor.recovery_shot))
            actor.recovery_shot = None
            actor.stimuli.append(Stimulus("taser", "recovered", tick))
        agitation = self.agitations.now(actor, tick)
        time_in_state = (tick - actor.entered_tick) * self.step_s
        transition = due_transition(actor.state, time_in_state, actor.distance(), actor.stimuli,
                                    tick, actor.stopping, agitation)
        if transition is None:
            return
        cause = cause_of(transition, actor.stimuli, tick)
        target, by_chance = choose_target(transition, self.rng)
        self._enter(actor, target, actor.state_name, actor.state.threat,
                    f"{cause}:random" if by_chance else cause)

    def _enter(self, actor: ActorRuntime, state: str, previous: str | None,
               previous_threat: ThreatLabel | None, cause: str) -> None:
        actor.state_name = state
        actor.entered_tick = self.tick
        # What he has not yet acted on stays with him (a command half-heard as he turned).
        actor.stimuli[:] = [s for s in actor.stimuli if s.at_tick > self.tick]
        if state in actor.stopping:
            actor.wound = None
            actor.fall(self.tick, self.reactions.fall_ticks())
        actor.next_attack_tick = self.tick
        self.cast.posed(actor, self.space)
        if actor.pose == "down" and previous is not None:
            self.shooting.fell(actor.id, self.tick)
        self._emit(ActorStateChanged(
            tick=self.tick, actor=actor.id, role=actor.spec.role, state=state,
            action=actor.state.action, threat=actor.state.threat, previous_state=previous,
            previous_threat=previous_threat, cause=cause, distance_m=actor.distance(),
            position=actor.position))
        if actor.state.action == "drop_weapon" and actor.weapon != "none":
            self._emit(WeaponDropped(tick=self.tick, actor=actor.id, weapon=actor.weapon))
            actor.weapon = "none"

    def _emit(self, event: Event) -> None:
        if len(self.events) >= MAX_EVENTS:
            raise RunError(f"{self.scenario.id}: expected at most {MAX_EVENTS:,} events in a "
                           f"run, found more by {self.time_s:.1f} s: a behaviour that loops "
                           "without end")
        event = rounded(event)
        self.events.append(event)
        if self.on_event is not None:
            self.on_event(event)


def _stance(scenario: Scenario) -> Stance:
    rig = scenario.rig
    return Stance(scenario.officer.movement, Projection(
        rig.screen_width, rig.screen_height, rig.screen_distance, rig.screen_bottom,
        rig.eye_height, rig.resolution))


def _snapshot(world: World) -> WorldSnapshot:
    tick, step, scenario, shooting = world.tick, world.step_s, world.scenario, world.shooting
    recent = tick - round(RECENT_SHOTS_S / step)
    return WorldSnapshot(
        tick=tick, time_s=world.time_s, step_s=step, title=scenario.title,
        projection=world.projection, actors=_actor_views(world.cast, tick, step),
        cover=tuple(CoverView(c.id, c.kind, c.center, c.size, c.height, c.angle)
                    for c in scenario.cover),
        recent_shots=tuple(s for s in shooting.shots if s.tick >= recent),
        ended=world.ended, backdrop=scenario.backdrop,
        probes=tuple(p for p in shooting.landings if p.tick >= recent),
        officer_hits=tuple(t for t in world.officer.hits if t >= recent),
        officer_down=world.officer.down, officer_cover=world.officer.stance.cover)


def is_live(live: bool | None, provenance: Provenance | None) -> bool:
    """Whether a live trainee drives the world: as said, else as its provenance says."""
    if live is not None:
        return live
    return provenance is not None and provenance.input_source in ("mouse", "rig")


def _actor_views(cast: Cast, tick: int, step: float) -> tuple[ActorView, ...]:
    """Every actor's view, with what only the drawing reads."""
    return tuple(
        replace(view, velocity=actor.velocity, appearance=actor.spec.appearance,
                state_s=(tick - actor.entered_tick) * step,
                # An attack sets the next one an interval on; none yet leaves it at entry.
                last_attack_s=(actor.next_attack_tick * step - actor.state.interval_or_default()
                               if actor.next_attack_tick > actor.entered_tick else None),
                attack_interval_s=actor.state.interval_or_default(),
                dropped=actor.spec.weapon if actor.weapon != actor.spec.weapon else "none")
        for view, actor in zip(cast.views(tick), cast.actors, strict=True))
