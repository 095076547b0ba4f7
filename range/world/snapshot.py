"""The world's read model: a frozen snapshot of one tick.

Views, the after-action review and lag compensation read this, never engine internals or
pymunk shapes. A snapshot holds plain values only, so it can be kept in a history, sent
to another thread or compared."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from range.scenario.model import Appearance, Backdrop
from range.vocabulary import (
    Action,
    ForceOption,
    HeldObject,
    Point2,
    Role,
    ThreatLabel,
    WeaponName,
)
from range.world.body import Pose
from range.world.projection import Projection

RECENT_SHOTS_S = 2.0  # how far back a snapshot lists the shots fired


@dataclass(frozen=True, slots=True)
class ActorView:
    id: str
    role: Role
    state: str
    action: Action
    pose: Pose
    threat: ThreatLabel
    position: Point2  # metres on the ground plane
    facing: float  # heading on the ground plane, rad (0 = +x, pi/2 = away from the officer)
    held: HeldObject
    height: float  # standing height, m
    incapacitated: bool  # under a TASER's energy cycle
    # For drawing only (animation and look); the engine never reads these back.
    velocity: Point2 = (0.0, 0.0)  # m/s on the ground plane
    state_s: float = 0.0  # time in the current state
    last_attack_s: float | None = None  # world time of the state's latest attack
    attack_interval_s: float = 0.0  # time between attacks of the current state
    dropped: HeldObject = "none"  # the object the actor let go of, lying at his feet
    appearance: Appearance = field(default_factory=Appearance)

    @property
    def distance_m(self) -> float:
        """From the origin: the officer's feet in a view's own frame (`scene.officer_frame`);
        in the world's, use `WorldSnapshot.distance`."""
        return math.hypot(*self.position)


@dataclass(frozen=True, slots=True)
class CoverView:
    id: str
    kind: str
    center: Point2
    size: Point2  # width along x, depth along y before turning by `angle`
    height: float
    angle: float  # rad

    def corners(self) -> tuple[Point2, ...]:
        """The footprint's corners on the ground plane, in order around it."""
        return box_corners(self.center, self.size, self.angle)


@dataclass(frozen=True, slots=True)
class ShotView:
    shot: int
    tick: int
    weapon: WeaponName
    force: ForceOption
    point: Point2 | None  # projector px; None off the screen
    confirmed: bool


@dataclass(frozen=True, slots=True)
class ProbeView:
    """Where a TASER probe landed: a world point, and if it stuck in an actor, that actor
    and where he stood then (the probe moves with him)."""

    shot: int
    probe: int
    tick: int
    point: tuple[float, float, float]  # metres
    actor: str | None
    anchor: Point2 | None  # the actor's position when the probe landed


@dataclass(frozen=True, slots=True)
class WorldSnapshot:
    tick: int
    time_s: float
    step_s: float
    title: str
    projection: Projection
    actors: tuple[ActorView, ...]
    cover: tuple[CoverView, ...]
    recent_shots: tuple[ShotView, ...]  # fired within RECENT_SHOTS_S, oldest first
    ended: bool
    backdrop: Backdrop = "street"
    probes: tuple[ProbeView, ...] = ()  # landed within RECENT_SHOTS_S, oldest first
    officer_hits: tuple[int, ...] = ()  # ticks of the hits on the officer, latest last
    officer_down: bool = False  # down by the scenario's rule
    officer_cover: str | None = None  # the cover he is behind

    def distance(self, actor: ActorView) -> float:
        """His ground distance from the officer, where the officer stands."""
        return self.projection.distance_to(actor.position)

    def actor(self, actor_id: str) -> ActorView:
        return next(a for a in self.actors if a.id == actor_id)


def box_corners(center: Point2, size: Point2, angle: float) -> tuple[Point2, ...]:
    """Corners of a `size` box centred on `center`, turned by `angle`: the one definition
    of a cover footprint, for the physics and for every view."""
    half_w, half_d = size[0] / 2, size[1] / 2
    cos, sin = math.cos(angle), math.sin(angle)
    return tuple((cx * cos - cy * sin + center[0], cx * sin + cy * cos + center[1])
                 for cx, cy in ((-half_w, -half_d), (half_w, -half_d), (half_w, half_d),
                                (-half_w, half_d)))
