"""Small vector helpers for the views: 3-D points as tuples, a two-bone reach, convex hulls
and clipping at the near plane. Pure functions; nothing here draws."""

from __future__ import annotations

import math
from collections.abc import Sequence

Vec3 = tuple[float, float, float]
Px = tuple[float, float]  # projector pixel (u, v)
RGB = tuple[int, int, int]

NEAR_Y_M = 0.15  # the near plane: world points nearer the eye than this are held here


def add(a: Vec3, b: Vec3) -> Vec3:
    return (a[0] + b[0], a[1] + b[1], a[2] + b[2])


def sub(a: Vec3, b: Vec3) -> Vec3:
    return (a[0] - b[0], a[1] - b[1], a[2] - b[2])


def mul(a: Vec3, k: float) -> Vec3:
    return (a[0] * k, a[1] * k, a[2] * k)


def dot(a: Vec3, b: Vec3) -> float:
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]


def cross(a: Vec3, b: Vec3) -> Vec3:
    return (a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0])


def norm(a: Vec3) -> Vec3:
    length = math.sqrt(dot(a, a))
    return a if length < 1e-12 else mul(a, 1.0 / length)


def lerp(a: Vec3, b: Vec3, t: float) -> Vec3:
    return (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t)


def smooth(t: float) -> float:
    """0 to 1 eased at both ends, for any t (clamped)."""
    t = min(1.0, max(0.0, t))
    return t * t * (3.0 - 2.0 * t)


def reach(root: Vec3, target: Vec3, first: float, second: float, bend: Vec3) -> Vec3:
    """The middle joint (elbow or knee) of a two-bone limb from `root` towards `target`,
    bent towards `bend`; a target out of reach straightens the limb along the line."""
    span = sub(target, root)
    distance = math.sqrt(dot(span, span))
    axis = norm(span)
    if distance >= first + second - 1e-9 or distance < 1e-9:
        return add(root, mul(axis, first))
    along = (first * first - second * second + distance * distance) / (2 * distance)
    across = math.sqrt(max(0.0, first * first - along * along))
    side = norm(sub(bend, mul(axis, dot(bend, axis))))
    return add(add(root, mul(axis, along)), mul(side, across))


def hull(points: Sequence[Px]) -> tuple[Px, ...]:
    """Convex hull, counter-clockwise (monotone chain): the outline of a projected box."""
    ordered = sorted(set(points))
    if len(ordered) < 3:
        return tuple(ordered)

    def half(seq: Sequence[Px]) -> list[Px]:
        chain: list[Px] = []
        for p in seq:
            while len(chain) >= 2 and _turn(chain[-2], chain[-1], p) <= 0:
                chain.pop()
            chain.append(p)
        return chain

    lower, upper = half(ordered), half(ordered[::-1])
    return tuple(lower[:-1] + upper[:-1])


def _turn(o: Px, a: Px, b: Px) -> float:
    return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])


def clip_near(points: Sequence[Vec3], near: float = NEAR_Y_M) -> list[Vec3]:
    """A world polygon cut at the plane y = near (Sutherland-Hodgman on one plane), so a
    floor or wall that runs past the eye projects without points behind it."""
    out: list[Vec3] = []
    for index, current in enumerate(points):
        previous = points[index - 1]
        inside, was_inside = current[1] >= near, previous[1] >= near
        if inside != was_inside:
            t = (near - previous[1]) / (current[1] - previous[1])
            out.append(lerp(previous, current, t))
        if inside:
            out.append(current)
    return out


def box(centre: Vec3, axes: tuple[Vec3, Vec3, Vec3], half: Vec3,
        taper: float = 1.0) -> list[Vec3]:
    """The 8 corners of a box (or a frustum: the +first-axis end scaled by `taper` across)
    with unit `axes` and half-extents `half` along them."""
    a, b, c = axes
    corners = []
    for sa in (-1.0, 1.0):
        k = taper if sa > 0 else 1.0
        for sb in (-1.0, 1.0):
            for sc in (-1.0, 1.0):
                corners.append(add(centre, add(mul(a, sa * half[0]), add(
                    mul(b, sb * half[1] * k), mul(c, sc * half[2] * k)))))
    return corners
