"""The drawing vocabulary of the projector view and the lens that makes it: world metres to
projector pixels through the projection model, with a near plane so that a point between
the eye and the screen is drawn where the eye would see it (off the screen edges if need
be: the drawing is clipped there)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from range.views.geometry import NEAR_Y_M, RGB, Px, Vec3, clip_near, hull
from range.world.projection import Projection

ShapeKind = Literal["polygon", "circle", "line"]


@dataclass(frozen=True, slots=True)
class Shape:
    """One primitive: a filled polygon, a filled circle (points[0], radius `size`) or a
    polyline `size` px wide. `alpha` below 255 is see-through (glass)."""

    kind: ShapeKind
    colour: RGB
    points: tuple[Px, ...]
    size: float = 0.0
    alpha: int = 255


class Lens:
    """World metres -> projector pixels for one projection."""

    __slots__ = ("_px_per_m", "eye", "projection")

    def __init__(self, projection: Projection) -> None:
        self.projection = projection
        self._px_per_m = projection.resolution[0] / projection.screen_width
        self.eye: Vec3 = (0.0, 0.0, projection.eye_height)

    def point(self, p: Vec3) -> Px:
        x, y, z = p
        screen = self.projection.world_to_screen(x, max(y, NEAR_Y_M), z)
        assert screen is not None  # y is past the near plane
        return screen

    def scale(self, y: float) -> float:
        """Projector px per metre, across the line of sight, at ground distance y."""
        return self.projection.distance / max(y, NEAR_Y_M) * self._px_per_m

    def polygon(self, points: Sequence[Vec3], colour: RGB, alpha: int = 255) -> Shape | None:
        """A flat world polygon, cut at the near plane; None if nothing is in front."""
        front = clip_near(points)
        if len(front) < 3:
            return None
        return Shape("polygon", colour, tuple(self.point(p) for p in front), alpha=alpha)

    def solid(self, points: Iterable[Vec3], colour: RGB) -> Shape:
        """The outline of a convex solid (its corners' projected hull)."""
        return Shape("polygon", colour, hull([self.point(p) for p in points]))

    def disc(self, centre: Vec3, radius_m: float, colour: RGB) -> Shape:
        return Shape("circle", colour, (self.point(centre),), radius_m * self.scale(centre[1]))

    def capsule(self, a: Vec3, b: Vec3, width_m: float, colour: RGB) -> tuple[Shape, ...]:
        """A limb: a band from a to b, as wide as the limb at each end, with round ends."""
        pa, pb = self.point(a), self.point(b)
        ra, rb = width_m / 2 * self.scale(a[1]), width_m / 2 * self.scale(b[1])
        du, dv = pb[0] - pa[0], pb[1] - pa[1]
        length = (du * du + dv * dv) ** 0.5
        ends = (Shape("circle", colour, (pa,), ra), Shape("circle", colour, (pb,), rb))
        if length < 1e-6:
            return ends
        nu, nv = -dv / length, du / length
        band = Shape("polygon", colour, ((pa[0] + nu * ra, pa[1] + nv * ra),
                                         (pb[0] + nu * rb, pb[1] + nv * rb),
                                         (pb[0] - nu * rb, pb[1] - nv * rb),
                                         (pa[0] - nu * ra, pa[1] - nv * ra)))
        return (band, *ends)

    def faces_eye(self, centre: Vec3, normal: Vec3) -> bool:
        to_eye = (self.eye[0] - centre[0], self.eye[1] - centre[1], self.eye[2] - centre[2])
        return to_eye[0] * normal[0] + to_eye[1] * normal[1] + to_eye[2] * normal[2] > 0


def shade(colour: RGB, factor: float) -> RGB:
    r, g, b = colour
    return (min(255, round(r * factor)), min(255, round(g * factor)),
            min(255, round(b * factor)))
