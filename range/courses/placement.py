"""A target set up at a distance, seen through the rig's projection model
(`range.world.projection`): where each of its points is drawn, so 25 yd looks like 25 yd
from the officer's eye point, and where a shot's line through a projector pixel meets it."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from range.courses.targets import Point, Target
from range.world.projection import Projection, Ray


@dataclass(frozen=True, slots=True)
class TargetPlacement:
    target: Target
    distance: float  # metres from the officer's feet to the target face
    projection: Projection = field(default_factory=Projection)

    def world(self, p: Point) -> tuple[float, float, float]:
        return (p[0], self.distance, self.target.hang_height + p[1])

    def pixel(self, p: Point) -> tuple[float, float]:
        """Projector pixel where the target point `p` is drawn (the target is always in
        front of the eye, so it has one)."""
        drawn = self.projection.world_to_screen(*self.world(p))
        assert drawn is not None
        return drawn

    def aim_pixel(self, right: float, up: float) -> tuple[float, float] | None:
        """The pixel of a shot aimed at the target's aim point and off by the angles
        `right` and `up` (radians); None when that line leaves the screen."""
        x, y, z = self.world(self.target.aim)
        eye = self.projection.eye_height
        azimuth = math.atan2(x, y) + right
        ground = y / math.cos(azimuth)
        elevation = math.atan2(z - eye, math.hypot(x, y)) + up
        u, v = self.projection.world_to_screen(y * math.tan(azimuth), y,
                                               eye + ground * math.tan(elevation)) or (-1, -1)
        return (round(u, 3), round(v, 3)) if self.projection.on_screen(u, v) else None

    def hit(self, pixel: tuple[float, float], drop: float = 0.0) -> Point:
        """Where the line through `pixel`, pitched `drop` radians further down (a lower
        TASER probe), meets the target plane, in target coordinates."""
        ray: Ray = self.projection.ray(*pixel)
        if drop:
            ray = ray.tilted(drop)
        s = self.distance / ray.direction[1]
        x, _ = ray.ground_point(s)
        return (x, ray.height_at(s) - self.target.hang_height)
