"""Actors at run time: a pymunk body driven by the actor's behaviour state.

An actor is looked at only when something it reads may have changed: a stimulus arrived,
a timed trigger is due, its distance may have crossed a threshold, an attack is due, or it
is touching another body. Between those ticks its velocity holds (nothing else acts on a
body in this world), so the engine's cost per tick does not grow with idle or coasting
actors. `next_look` plans the next such tick conservatively: early is harmless, late is not.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pymunk

from range.scenario.model import FOOTPRINT_RADIUS_M, Actor, State
from range.vocabulary import HeldObject, Point2, ThreatLevel, Zone
from range.world.agitation import LOOK_S, Mood
from range.world.behaviour import Stimulus, pose_of
from range.world.body import DOWN_LENGTH, Pose, side_of_line, towards_head, zone_at
from range.world.stance import Stance

FOOTPRINT_RADIUS = FOOTPRINT_RADIUS_M
LYING_RADIUS = 0.15  # m: half a lying body's thickness across the floor
CONTACT_DISTANCE = 0.7  # m: a charging subject stops here, at arm's length
REACH = 1.0  # m: a strike or stab lands within this distance
MASS = 80.0  # kg
ARRIVED_M = 0.02  # a walk ends this close to its target
NEVER = 1 << 62  # a tick that never comes


@dataclass(frozen=True, slots=True)
class Wound:
    """A stopping hit still taking effect: at `tick` he goes down into `state`."""

    tick: int
    state: str
    zone: Zone
    shot: int | None
    hit_tick: int


@dataclass(slots=True)
class ActorRuntime:
    spec: Actor
    officer: Stance  # where the officer stands: what he approaches, faces, reaches
    body: pymunk.Body
    shape: pymunk.Shape
    state_name: str
    entered_tick: int
    weapon: HeldObject
    stimuli: list[Stimulus] = field(default_factory=list)
    next_attack_tick: int = 0
    nmi_until_tick: int = -1  # under a TASER's energy cycle until this tick
    recovering_until_tick: int = -1  # getting up after a cycle until this tick
    recovery_shot: int | None = None  # the cycle he is recovering from, until he has
    wound: Wound | None = None
    coast_until_tick: int = -1  # falling: his momentum carries him until this tick
    coast_velocity: tuple[float, float] = (0.0, 0.0)
    stopping: frozenset[str] = frozenset()  # his states of lying down
    mood: Mood | None = None  # his agitation, if he responds to de-escalation
    look_tick: int = 0  # the next tick the engine must look at this actor
    touching: int = 0  # bodies in contact now: steered every tick while > 0
    velocity: tuple[float, float] = (0.0, 0.0)  # as last set on the body
    facing: float = 0.0  # heading on the ground plane, rad (0 = +x)
    # Position read from pymunk at most once per tick: reading a body's position is costly.
    x: float = 0.0
    y: float = 0.0
    synced: int = -1  # the world's step count when x, y were read

    @classmethod
    def create(cls, spec: Actor, officer: Stance) -> ActorRuntime:
        body = pymunk.Body(MASS, math.inf)
        body.position = spec.position
        actor = cls(spec, officer, body, standing_shape(body), spec.initial, 0, spec.weapon)
        actor.mood = Mood.of(spec.agitation)
        actor.stopping = frozenset(name for name, state in spec.states.items()
                                   if state.action == "down")
        actor.sync(0)
        actor.facing = _heading(*actor.to_officer(), 0.0)
        return actor

    def sync(self, generation: int) -> None:
        """Read the body's position unless it was read since the world last stepped."""
        if self.synced != generation:
            self.x, self.y = self.body.position
            self.synced = generation

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def state(self) -> State:
        return self.spec.states[self.state_name]

    @property
    def threat(self) -> ThreatLevel:
        return ThreatLevel.from_label(self.state.threat)

    @property
    def pose(self) -> Pose:
        return pose_of(self.state.action)

    @property
    def position(self) -> tuple[float, float]:
        return (self.x, self.y)

    def distance(self) -> float:
        return self.officer.distance_to((self.x, self.y))

    def to_officer(self) -> tuple[float, float]:
        """The ground vector from him to the officer's feet."""
        return (self.officer.x - self.x, self.officer.y - self.y)

    def zone_at(self, z: float, point: Point2, direction: Point2) -> Zone | None:
        """The zone a line along `direction` meets at `point` (on the ground), height z."""
        if self.pose != "down":
            side = side_of_line(self.position, point, direction)
            return zone_at(self.pose, self.spec.height, z, side)
        hx, hy = towards_head(self.facing)
        along = (point[0] - self.x) * hx + (point[1] - self.y) * hy
        return zone_at("down", self.spec.height, z, along=along)

    def body_point(self, z: float, point: Point2, direction: Point2) -> tuple[float, float]:
        """Where a line meeting the body at `point` (height z) lands on it, in his own
        frame: across his width and up his length (along the floor once he is down)."""
        side = side_of_line(self.position, point, direction)
        if self.pose != "down":
            return (side, z)
        hx, hy = towards_head(self.facing)
        return (z, (point[0] - self.x) * hx + (point[1] - self.y) * hy)

    def facing_officer(self) -> bool:
        """Whether his front is towards the officer (else the officer sees his back)."""
        dx, dy = self.to_officer()
        return math.cos(self.facing - math.atan2(dy, dx)) >= 0.0

    def lying_shape(self) -> pymunk.Segment:
        """The body on the floor, feet to head: seen by shots, walked over by others."""
        hx, hy = towards_head(self.facing)
        length = DOWN_LENGTH * self.spec.height - LYING_RADIUS
        shape = pymunk.Segment(self.body, (0.0, 0.0), (hx * length, hy * length),
                               LYING_RADIUS)
        shape.sensor = True
        return shape

    def incapacitated(self, tick: int) -> bool:
        """Unable to act: under an energy cycle, or not yet recovered from one."""
        return tick < self.nmi_until_tick or tick < self.recovering_until_tick

    def fall(self, tick: int, fall_ticks: int) -> None:
        """His legs give way: what speed he had carries him on, slowing evenly to a stop
        over the fall (half his speed, on average)."""
        if self.velocity != (0.0, 0.0) and self.coast_until_tick <= tick:
            self.coast_velocity = (self.velocity[0] / 2, self.velocity[1] / 2)
            self.coast_until_tick = tick + fall_ticks

    def wounded(self, wound: Wound) -> None:
        if self.wound is None or wound.tick < self.wound.tick:
            self.wound = wound

    def move(self, tick: int) -> None:
        """Set the body's velocity to what the action asks for now, and face that way
        (or face the officer when standing)."""
        self.velocity = self.desired_velocity(tick)
        self.body.velocity = self.velocity
        vx, vy = self.velocity
        if vx or vy:
            self.facing = math.atan2(vy, vx)
        elif self.state.action not in ("flee", "down"):
            self.facing = _heading(*self.to_officer(), self.facing)

    def desired_velocity(self, tick: int) -> tuple[float, float]:
        """Velocity the current action asks for (m/s, ground plane)."""
        if tick < self.coast_until_tick:
            return self.coast_velocity
        if self.incapacitated(tick):
            return (0.0, 0.0)
        state = self.state
        ox, oy = self.to_officer()
        distance = math.hypot(ox, oy)
        speed = state.speed_or_default()
        if state.action == "walk_to" and state.target is not None:
            dx, dy = state.target[0] - self.x, state.target[1] - self.y
            return _towards(dx, dy, speed, math.hypot(dx, dy) - ARRIVED_M)
        if state.action == "approach":
            return _towards(ox, oy, speed, distance - state.stop_at)
        if state.action in ("charge", "attack"):
            return _towards(ox, oy, speed, distance - CONTACT_DISTANCE)
        if state.action == "flee":
            return _towards(-ox, -oy, speed, math.inf)
        return (0.0, 0.0)

    def next_look(self, tick: int, step_s: float) -> int:
        """The earliest tick after `tick` at which anything this actor reads could have
        changed. A state entered at `tick` is looked at again on the next tick."""
        if self.entered_tick == tick:
            return tick + 1
        state = self.state
        due = [self.entered_tick + _ticks_until(t.after, step_s) for t in state.transitions
               if t.after is not None]
        due += [t for t in (self.coast_until_tick, self.recovering_until_tick,
                            self.wound.tick if self.wound else -1) if t > tick]
        due += [s.at_tick for s in self.stimuli if s.at_tick > tick]
        if self.mood is not None:  # his agitation drifts: look at him now and then
            due.append(tick + max(1, round(LOOK_S / step_s)))
        if self.nmi_until_tick > tick:
            due.append(self.nmi_until_tick)
        elif state.action in ("fire", "attack") and self.next_attack_tick > tick:
            due.append(self.next_attack_tick)
        metres_per_tick = math.hypot(*self.velocity) * step_s
        due += [tick + _ticks_to_cover(gap, metres_per_tick) for gap in self._gaps(tick)]
        return max(tick + 1, min(due, default=NEVER))

    def reads_distance(self) -> bool:
        """Whether a transition of the current state fires on distance (or on agitation,
        which distance moves)."""
        return self.mood is not None or any(t.within is not None or t.beyond is not None
                                            for t in self.state.transitions)

    def _gaps(self, tick: int) -> list[float]:
        """Metres left before the actor's distance or movement crosses something it reads:
        a distance trigger, the end of its movement, an attack's reach once it is due."""
        distance = self.distance()
        state = self.state
        gaps = [distance - t.within for t in state.transitions if t.within is not None]
        gaps += [t.beyond - distance for t in state.transitions if t.beyond is not None]
        if state.action == "attack" and self.next_attack_tick <= tick:
            gaps.append(distance - REACH)
        if self.velocity != (0.0, 0.0):
            gaps.append(self._room())
        return gaps

    def _room(self) -> float:
        """Metres left before the current movement stops."""
        state = self.state
        if state.action == "walk_to" and state.target is not None:
            return math.hypot(state.target[0] - self.x, state.target[1] - self.y) - ARRIVED_M
        if state.action == "approach":
            return self.distance() - state.stop_at
        if state.action in ("charge", "attack"):
            return self.distance() - CONTACT_DISTANCE
        return math.inf  # fleeing: it never stops of itself


def standing_shape(body: pymunk.Body) -> pymunk.Circle:
    shape = pymunk.Circle(body, FOOTPRINT_RADIUS)
    shape.friction = 0.0
    return shape


def _ticks_until(after_s: float, step_s: float) -> int:
    """A lower bound on the ticks in state before `time_in_state >= after - 1e-9`."""
    return max(0, math.floor((after_s - 1e-9) / step_s) - 1)


def _ticks_to_cover(gap_m: float, metres_per_tick: float) -> int:
    """A lower bound on the ticks before a gap can close at this speed (a tick early);
    a gap already closed is looked at on the next tick."""
    if gap_m <= 0.0:
        return 1
    if metres_per_tick <= 0.0 or gap_m == math.inf:
        return NEVER
    return max(1, math.floor(gap_m / metres_per_tick) - 1)


def _heading(dx: float, dy: float, otherwise: float) -> float:
    return math.atan2(dy, dx) if dx or dy else otherwise


def _towards(dx: float, dy: float, speed: float, room: float) -> tuple[float, float]:
    """Unit direction (dx, dy) times speed, zero once there is no room left to go."""
    length = math.hypot(dx, dy)
    if length < 1e-9 or room <= 0.0:
        return (0.0, 0.0)
    return (dx / length * speed, dy / length * speed)
