"""The projection model: one place where screen pixels and world rays meet.

World frame: metres, the officer's feet at the start at the origin, +y straight ahead, z
up. He stands at `origin` (where he has stepped to), turned `heading` to the left of +y: the
screen is a vertical plane `distance` ahead of him, centred on him, its bottom edge
`bottom` above the floor. A projector pixel (u, v) (origin top-left) is a point on that
plane; the ray from the officer's eye through it is the line of a shot. A world point
drawn at its projection appears life-size to the officer at the eye point.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Ray:
    """A shot's line: ground track from `origin` along unit `direction`, height
    `eye_height + slope * s` at ground distance s."""

    origin: tuple[float, float]
    direction: tuple[float, float]
    eye_height: float
    slope: float

    def ground_point(self, s: float) -> tuple[float, float]:
        return (self.origin[0] + self.direction[0] * s, self.origin[1] + self.direction[1] * s)

    def height_at(self, s: float) -> float:
        return self.eye_height + self.slope * s

    def tilted(self, angle_rad: float, pivot: float = 0.0) -> Ray:
        """The same ground track, pitched `angle_rad` further down about the point at
        ground distance `pivot` (a lower probe, from the muzzle)."""
        slope = math.tan(math.atan(self.slope) - angle_rad)
        return Ray(self.origin, self.direction, self.height_at(pivot) - slope * pivot, slope)

    def through(self, start: float, start_height: float, end: float, rise: float = 0.0
                ) -> Ray:
        """The same ground track, from height `start_height` at ground distance `start`
        through this line's point at `end`, `rise` above it (a muzzle below the eye, aimed
        by its laser at what the eye aims at, off it by the laser's zero)."""
        if end <= start + 1e-3:
            slope = self.slope
        else:
            slope = (self.height_at(end) + rise - start_height) / (end - start)
        return Ray(self.origin, self.direction, start_height - slope * start, slope)

    def ground_distance_per_metre(self) -> float:
        """Ground distance covered per metre flown along the 3-D line."""
        return 1.0 / math.hypot(1.0, self.slope)


@dataclass(frozen=True, slots=True)
class Projection:
    screen_width: float = 3.0
    screen_height: float = 1.7
    distance: float = 4.5
    bottom: float = 0.3
    eye_height: float = 1.65
    resolution: tuple[int, int] = (1920, 1080)
    origin: tuple[float, float] = (0.0, 0.0)  # the officer's feet on the ground plane
    heading: float = 0.0  # rad, turned left of +y (counter-clockwise from above)

    def screen_to_plane(self, u: float, v: float) -> tuple[float, float]:
        """Projector pixel -> (x, z) on the screen plane, metres."""
        width_px, height_px = self.resolution
        x = (u / width_px - 0.5) * self.screen_width
        z = self.bottom + (1.0 - v / height_px) * self.screen_height
        return x, z

    def plane_to_screen(self, x: float, z: float) -> tuple[float, float]:
        width_px, height_px = self.resolution
        u = (x / self.screen_width + 0.5) * width_px
        v = (1.0 - (z - self.bottom) / self.screen_height) * height_px
        return u, v

    def ray(self, u: float, v: float) -> Ray:
        x, z = self.screen_to_plane(u, v)
        ground = math.hypot(x, self.distance)
        return Ray(self.origin, self.to_world((x / ground, self.distance / ground)),
                   self.eye_height, (z - self.eye_height) / ground)

    def to_world(self, v: tuple[float, float]) -> tuple[float, float]:
        """A ground vector in the officer's own frame (+y ahead) in the world's."""
        if self.heading == 0.0:
            return v
        cos, sin = math.cos(self.heading), math.sin(self.heading)
        return (v[0] * cos - v[1] * sin, v[0] * sin + v[1] * cos)

    def to_own(self, point: tuple[float, float]) -> tuple[float, float]:
        """A world ground point in the officer's own frame: his feet at 0, +y ahead."""
        x, y = point[0] - self.origin[0], point[1] - self.origin[1]
        if self.heading == 0.0:
            return (x, y)
        cos, sin = math.cos(self.heading), math.sin(self.heading)
        return (x * cos + y * sin, -x * sin + y * cos)

    def world_to_screen(self, x: float, y: float, z: float) -> tuple[float, float] | None:
        """Projector pixel where the world point (x, y, z) is drawn; None behind the eye."""
        x, y = self.to_own((x, y))
        if y <= 1e-6:
            return None
        scale = self.distance / y
        return self.plane_to_screen(x * scale, self.eye_height + (z - self.eye_height) * scale)

    def at(self, origin: tuple[float, float], heading: float = 0.0) -> Projection:
        """The same screen, the officer standing at `origin`, turned `heading`."""
        return dataclasses.replace(self, origin=origin, heading=heading)

    def distance_to(self, point: tuple[float, float]) -> float:
        """Ground distance from the officer's feet to `point`."""
        return math.hypot(point[0] - self.origin[0], point[1] - self.origin[1])

    def on_screen(self, u: float, v: float) -> bool:
        width_px, height_px = self.resolution
        return 0.0 <= u < width_px and 0.0 <= v < height_px
