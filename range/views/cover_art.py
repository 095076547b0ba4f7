"""Cover as what it is, in world metres projected: a car (body, cabin glass, wheels,
lights), a wall, a striped barrier, a doorway. Boxes show only their faces towards the
eye, lit from above, so each part's faces can be painted in any order."""

from __future__ import annotations

import math
from collections.abc import Callable

from range.views.geometry import RGB, Vec3, add, box, mul
from range.views.shapes import Lens, Shape, shade
from range.world.snapshot import CoverView

PAINT: RGB = (140, 28, 32)
TRIM: RGB = (34, 34, 36)
GLASS: RGB = (96, 118, 138)
GLASS_ALPHA = 100  # a person behind the car is seen through its windows
TYRE: RGB = (22, 22, 22)
RIM: RGB = (165, 168, 172)
HEADLIGHT: RGB = (236, 234, 210)
TAILLIGHT: RGB = (200, 20, 20)
WALL: RGB = (150, 138, 120)
CONCRETE: RGB = (176, 174, 166)
STRIPE: RGB = (236, 120, 20)
FRAME: RGB = (120, 92, 64)
OPENING: RGB = (26, 24, 22)
# Box faces: (corner indices of geometry.box in order round the face, outward axis, sign).
FACES = (((0, 1, 3, 2), 0, -1), ((4, 5, 7, 6), 0, 1), ((0, 1, 5, 4), 1, -1),
         ((2, 3, 7, 6), 1, 1), ((0, 2, 6, 4), 2, -1), ((1, 3, 7, 5), 2, 1))
UP: Vec3 = (0.0, 0.0, 1.0)


def cover_shapes(lens: Lens, cover: CoverView) -> tuple[Shape, ...]:
    if cover.kind == "vehicle":
        return _car(lens, cover)
    long, wide, length, width = _axes(cover)
    centre = (cover.center[0], cover.center[1], cover.height / 2)
    half = (length / 2, width / 2, cover.height / 2)
    if cover.kind == "barrier":
        return _barrier(lens, centre, long, wide, half)
    shapes = _box(lens, centre, (long, wide, UP), half, WALL if cover.kind == "wall" else FRAME)
    if cover.kind == "doorway":
        inner = (half[0] * 0.7, half[1] + 0.01, half[2] * 0.92)
        shapes += _box(lens, (centre[0], centre[1], centre[2] - half[2] * 0.08),
                       (long, wide, UP), inner, OPENING)
    return shapes


def _axes(cover: CoverView) -> tuple[Vec3, Vec3, float, float]:
    """The footprint's long axis and its length, the short one and its width."""
    cos, sin = math.cos(cover.angle), math.sin(cover.angle)
    along_x: Vec3 = (cos, sin, 0.0)
    along_y: Vec3 = (-sin, cos, 0.0)
    w, d = cover.size
    return (along_x, along_y, w, d) if w >= d else (along_y, along_x, d, w)


def _box(lens: Lens, centre: Vec3, axes: tuple[Vec3, Vec3, Vec3], half: Vec3, colour: RGB,
         taper: float = 1.0, alpha: int = 255) -> tuple[Shape, ...]:
    corners = box(centre, axes, half, taper)
    shapes = []
    for indices, axis, sign in FACES:
        normal = mul(axes[axis], sign)
        points = [corners[i] for i in indices]
        middle = mul(_sum(points), 0.25)
        if not lens.faces_eye(middle, normal):
            continue
        lit = 0.75 + 0.3 * normal[2] + 0.1 * normal[0]  # light from above and the right
        shape = lens.polygon(points, shade(colour, lit), alpha)
        if shape is not None:
            shapes.append(shape)
    return tuple(shapes)


def _sum(points: list[Vec3]) -> Vec3:
    total: Vec3 = (0.0, 0.0, 0.0)
    for p in points:
        total = add(total, p)
    return total


def _car(lens: Lens, cover: CoverView) -> tuple[Shape, ...]:
    """A saloon car: the body to the cover's height (what stops a round), the cabin above
    it in glass under a painted roof, a wheel at each corner."""
    long, wide, length, width = _axes(cover)
    cx, cy = cover.center
    top = cover.height

    def at(a: float, b: float, z: float) -> Vec3:
        return (cx + long[0] * a + wide[0] * b, cy + long[1] * a + wide[1] * b, z)

    axes = (long, wide, UP)
    sill = _box(lens, at(0, 0, 0.25), axes, (length / 2 - 0.25, width / 2 - 0.06, 0.08), TRIM)
    wheels = _wheels(lens, at, long, wide, length, width)
    body = _box(lens, at(0, 0, (0.3 + top) / 2), axes, (length / 2, width / 2, (top - 0.3) / 2),
                PAINT)
    bumpers = (_box(lens, at(s * (length / 2 + 0.03), 0, 0.45), axes, (0.05, width / 2 - 0.05,
                                                                        0.08), TRIM)
               for s in (-1.0, 1.0))
    lights = (_box(lens, at(s * (length / 2 + 0.005), t * (width / 2 - 0.22), top - 0.18), axes,
                   (0.01, 0.16, 0.05), HEADLIGHT if s > 0 else TAILLIGHT)
              for s in (-1.0, 1.0) for t in (-1.0, 1.0))
    glass = _box(lens, at(-0.06 * length, 0, top + 0.2), (UP, long, wide),
                 (0.2, 0.27 * length, width / 2 - 0.08), GLASS, taper=0.82, alpha=GLASS_ALPHA)
    roof = _box(lens, at(-0.06 * length, 0, top + 0.41), axes,
                (0.27 * length * 0.84, (width / 2 - 0.08) * 0.84, 0.015), PAINT)
    return (*sill, *body, *(s for b in bumpers for s in b), *(s for li in lights for s in li),
            *wheels, *glass, *roof)


def _wheels(lens: Lens, place: Callable[[float, float, float], Vec3], long: Vec3, wide: Vec3,
            length: float, width: float) -> tuple[Shape, ...]:
    """Tyres and rims on whichever side of the car faces the eye; `place(a, b, z)` is the
    world point a along the car, b across it, z up."""
    shapes: list[Shape] = []
    for side in (-1.0, 1.0):
        normal = mul(wide, side)
        hub = place(0.0, side * (width / 2 + 0.01), 0.33)
        if not lens.faces_eye(hub, normal):
            continue
        for a in (-0.32 * length, 0.32 * length):
            for radius, colour in ((0.33, TYRE), (0.19, RIM)):
                rim = [place(a + radius * math.cos(t), side * (width / 2 + 0.01),
                             0.33 + radius * math.sin(t))
                       for t in (i * math.pi / 8 for i in range(16))]
                shape = lens.polygon(rim, colour)
                if shape is not None:
                    shapes.append(shape)
    return tuple(shapes)


def _barrier(lens: Lens, centre: Vec3, long: Vec3, wide: Vec3, half: Vec3
             ) -> tuple[Shape, ...]:
    """A concrete barrier, tapering up, with a reflective stripe band near its top."""
    shapes = _box(lens, centre, (UP, long, wide), (half[2], half[0], half[1]), CONCRETE,
                  taper=0.6)
    stripe_centre = (centre[0], centre[1], centre[2] + half[2] * 0.55)
    stripe = _box(lens, stripe_centre, (UP, long, wide),
                  (half[2] * 0.12, half[0] * 0.98, half[1] * 0.72 + 0.005), STRIPE)
    return shapes + stripe
