"""Actors at run time: a pymunk body driven by the actor's behaviour state."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pymunk

from range.scenario.model import Actor, State
from range.vocabulary import ThreatLevel, Zone
from range.world.behaviour import Stimulus, pose_of
from range.world.body import Pose, zone_at

FOOTPRINT_RADIUS = 0.22  # m: half a torso's width
CONTACT_DISTANCE = 0.7  # m: a charging subject stops here, at arm's length
REACH = 1.0  # m: a strike or stab lands within this distance
MASS = 80.0  # kg


@dataclass(slots=True)
class ActorRuntime:
    spec: Actor
    body: pymunk.Body
    shape: pymunk.Circle
    state_name: str
    entered_tick: int
    weapon: str
    stimuli: list[Stimulus] = field(default_factory=list)
    next_attack_tick: int = 0
    nmi_until_tick: int = -1
    # Position read from pymunk once per step: reading a body's position is costly.
    x: float = 0.0
    y: float = 0.0

    def sync(self) -> None:
        self.x, self.y = self.body.position

    @classmethod
    def create(cls, spec: Actor) -> ActorRuntime:
        body = pymunk.Body(MASS, math.inf)
        body.position = spec.position
        shape = pymunk.Circle(body, FOOTPRINT_RADIUS)
        shape.friction = 0.0
        actor = cls(spec, body, shape, spec.initial, 0, spec.weapon)
        actor.sync()
        return actor

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
        return math.hypot(self.x, self.y)

    def zone_at(self, z: float) -> Zone | None:
        return zone_at(self.pose, self.spec.height, z)

    def incapacitated(self, tick: int) -> bool:
        return tick < self.nmi_until_tick

    def desired_velocity(self, tick: int) -> tuple[float, float]:
        """Velocity the current action asks for (m/s, ground plane)."""
        if self.incapacitated(tick):
            return (0.0, 0.0)
        state = self.state
        x, y = self.x, self.y
        distance = math.hypot(x, y)
        speed = state.speed_or_default()
        if state.action == "walk_to" and state.target is not None:
            dx, dy = state.target[0] - x, state.target[1] - y
            return _towards(dx, dy, speed, math.hypot(dx, dy) - 0.02)
        if state.action == "approach":
            return _towards(-x, -y, speed, distance - state.stop_at)
        if state.action in ("charge", "attack"):
            return _towards(-x, -y, speed, distance - CONTACT_DISTANCE)
        if state.action == "flee":
            return _towards(x, y, speed, math.inf)
        return (0.0, 0.0)


def _towards(dx: float, dy: float, speed: float, room: float) -> tuple[float, float]:
    """Unit direction (dx, dy) times speed, zero once there is no room left to go."""
    length = math.hypot(dx, dy)
    if length < 1e-9 or room <= 0.0:
        return (0.0, 0.0)
    return (dx / length * speed, dy / length * speed)
