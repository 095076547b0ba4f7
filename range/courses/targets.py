"""Targets from their geometry: zones as outlines in target coordinates (metres, origin at
the target's reference point, x right, y up), never copied artwork.

A hit scores the best zone its hole touches (a hole cutting a line takes the higher
value, as on a paper target). Dimensions and their sources are in domain-facts D.4; the
ones that file calls unverified are marked `verified=False` and said so in every report.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

INCH = 0.0254
Point = tuple[float, float]
# What a zone means for a TASER probe (domain-facts D.3); "score" for firearm targets.
Area = Literal["score", "prefer", "avoid", "neutral"]


@dataclass(frozen=True, slots=True)
class Zone:
    """A scoring region: a polygon outline, or a circle (centre, radius)."""

    name: str
    value: int
    outline: tuple[Point, ...] = ()
    circle: tuple[float, float, float] | None = None
    area: Area = "score"

    def distance_outside(self, p: Point) -> float:
        """0 inside the zone, else the distance from `p` to its edge (metres)."""
        if self.circle is not None:
            cx, cy, r = self.circle
            return max(0.0, math.hypot(p[0] - cx, p[1] - cy) - r)
        if _inside(p, self.outline):
            return 0.0
        return min(_segment_distance(p, a, b) for a, b in _edges(self.outline))

    def touches(self, p: Point, radius: float) -> bool:
        return self.distance_outside(p) <= radius

    def area_m2(self) -> float:
        if self.circle is not None:
            return math.pi * self.circle[2] ** 2
        return abs(sum(a[0] * b[1] - b[0] * a[1] for a, b in _edges(self.outline))) / 2


@dataclass(frozen=True, slots=True)
class Target:
    """A target sheet or silhouette. `zones` run from the best to the worst value; the
    first one a hole touches is the zone it scores. `hang_height` is the height of the
    origin above the floor when the target is set up; `aim` is where a trained shooter
    aims (for a TASER, the top probe: the lower one lands lower at any range)."""

    name: str
    title: str
    sheet: tuple[float, float, float, float]  # left, bottom, right, top
    zones: tuple[Zone, ...]
    hang_height: float
    aim: Point
    verified: bool = True
    source: str = ""

    def zone_at(self, p: Point, radius: float = 0.0) -> Zone | None:
        return next((z for z in self.zones if z.touches(p, radius)), None)

    @property
    def best_value(self) -> int:
        return max(z.value for z in self.zones)


def _inside(p: Point, outline: tuple[Point, ...]) -> bool:
    """Even-odd rule: does a ray to the right cross the outline an odd number of times."""
    x, y = p
    inside = False
    for (x1, y1), (x2, y2) in _edges(outline):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def _edges(outline: tuple[Point, ...]) -> list[tuple[Point, Point]]:
    return list(zip(outline, outline[1:] + outline[:1], strict=True))


def _segment_distance(p: Point, a: Point, b: Point) -> float:
    dx, dy = b[0] - a[0], b[1] - a[1]
    length2 = dx * dx + dy * dy
    t = 0.0 if length2 == 0 else max(0.0, min(1.0, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy)
                                             / length2))
    return math.hypot(p[0] - a[0] - t * dx, p[1] - a[1] - t * dy)


def inches(*points: Point) -> tuple[Point, ...]:
    return tuple((x * INCH, y * INCH) for x, y in points)


def rect(cx: float, cy: float, width: float, height: float) -> tuple[Point, ...]:
    """A rectangle centred on (cx, cy), in inches."""
    w, h = width / 2, height / 2
    return inches((cx - w, cy - h), (cx + w, cy - h), (cx + w, cy + h), (cx - w, cy + h))


def chamfered(cx: float, cy: float, width: float, height: float, cut: float
              ) -> tuple[Point, ...]:
    """A rectangle with its corners cut at 45 degrees by `cut` (an octagon), inches."""
    left, right = cx - width / 2, cx + width / 2
    bottom, top = cy - height / 2, cy + height / 2
    return inches((left + cut, bottom), (right - cut, bottom), (right, bottom + cut),
                  (right, top - cut), (right - cut, top), (left + cut, top),
                  (left, top - cut), (left, bottom + cut))


def qit99() -> Target:
    """The FBI QIT-99 'bottle': scoring area about 192 sq in, anything outside scores 0
    (D.4). Drawn as a 10 x 14 in body, shoulders narrowing to a 4 in neck over 3 in, and
    a 4 x 7.75 in neck: 140 + 21 + 31 = 192 sq in."""
    bottle = inches((-5, -12), (5, -12), (5, 2), (2, 5), (2, 12.75), (-2, 12.75), (-2, 5),
                    (-5, 2))
    return Target("qit-99", "FBI QIT-99 bottle", (-11.5 * INCH, -17.5 * INCH, 11.5 * INCH,
                  17.5 * INCH), (Zone("bottle", 1, bottle),), hang_height=1.30,
                  aim=(0.0, -5 * INCH), source="domain-facts D.4 [D6]: bottle about 192 sq in")


def ipsc() -> Target:
    """An IPSC/USPSA-style target: A, C and D zones scored 5, 3, 1 (minor). The A zone's
    6 x 11 in is only quoted by weak sources (D.4), so the target is marked unverified."""
    return Target("ipsc", "IPSC/USPSA-style (A/C/D)", (-9 * INCH, -15 * INCH, 9 * INCH,
                  15 * INCH), (
        Zone("A", 5, rect(0, 5, 6, 11)),
        Zone("A", 5, rect(0, 12.5, 4, 2)),  # head A: the upper box of the head
        Zone("C", 3, chamfered(0, 1.5, 12, 19, 2)),
        Zone("C", 3, rect(0, 12, 6, 6)),
        Zone("D", 1, chamfered(0, -3.5, 18, 23, 4.5)),
    ), hang_height=1.30, aim=(0.0, 5 * INCH), verified=False,
        source="domain-facts D.4 [D18]: A zone about 6 x 11 in, unverified")


def idpa() -> Target:
    """An IDPA-style target, 18 x 30 in: head 6 x 6 in with a 4 x 4 in -0; body -0 an 8 in
    circle inside a 12 in -1 circle; the rest -3 (D.4; quoted from one program, so
    unverified). Values are points down, 0 best."""
    return Target("idpa", "IDPA-style (-0/-1/-3)", (-9 * INCH, -15 * INCH, 9 * INCH,
                  15 * INCH), (
        Zone("-0", 0, circle=(0.0, 3 * INCH, 4 * INCH)),
        Zone("-0", 0, rect(0, 12, 4, 4)),
        Zone("-1", -1, circle=(0.0, 3 * INCH, 6 * INCH)),
        Zone("-3", -3, rect(0, 12, 6, 6)),
        Zone("-3", -3, chamfered(0, -3, 18, 24, 3)),
    ), hang_height=1.30, aim=(0.0, 3 * INCH), verified=False,
        source="domain-facts D.4 [D17]: IDPA dimensions from an open-source program")


def cew(side: Literal["front", "back"]) -> Target:
    """A full-height silhouette (origin at the feet) for TASER probe drills, with the areas
    of domain-facts D.3: front, lower centre mass and legs preferred, head, throat,
    chest/heart and groin avoided; back, below the neck preferred. The aim is the top
    probe's: at the belt line, off the centre line, so the lower probe lands in a thigh
    rather than the groin."""
    head = Zone("head", 0, circle=(0.0, 64 * INCH, 4.5 * INCH), area="avoid")
    neck = Zone("neck", 0, rect(0, 57.5, 5, 4), area="avoid")
    legs = (Zone("left leg", 1, inches((-8, 0), (-1.5, 0), (-1, 30), (-8, 30)), area="prefer"),
            Zone("right leg", 1, inches((1.5, 0), (8, 0), (8, 30), (1, 30)), area="prefer"))
    arms = (Zone("left arm", 0, inches((-13, 28), (-9, 28), (-9, 54), (-13, 52)),
                 area="neutral"),
            Zone("right arm", 0, inches((9, 28), (13, 28), (13, 52), (9, 54)),
                 area="neutral"))
    if side == "front":
        torso: tuple[Zone, ...] = (
            Zone("chest", 0, rect(0, 48.5, 18, 13), area="avoid"),
            Zone("groin", 0, inches((-3, 30), (3, 30), (1, 26), (-1, 26)), area="avoid"),
            Zone("lower centre mass", 1, rect(0, 36, 16, 12), area="prefer"),
        )
    else:
        torso = (Zone("back", 1, rect(0, 42.5, 17, 25), area="prefer"),)
    return Target(f"cew-{side}", f"CEW silhouette, {side}", (-14 * INCH, 0.0, 14 * INCH,
                  70 * INCH), (head, neck, *torso, *legs, *arms), hang_height=0.0,
                  aim=(3 * INCH, 40 * INCH) if side == "front" else (3 * INCH, 46 * INCH),
                  source="domain-facts D.3 [D16][D19]: preferred and avoided areas")


TARGETS: dict[str, Callable[[], Target]] = {
    "qit-99": qit99, "ipsc": ipsc, "idpa": idpa,
    "cew-front": lambda: cew("front"), "cew-back": lambda: cew("back"),
}
