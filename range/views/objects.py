"""The objects a person may hold, at their true size, as boxes in the object's own frame:
a along the object (barrel, blade, bat), b its top (a phone's screen side), c across.
Sizes: a full-size service pistol (186 x 128 x 25 mm), a 20 cm kitchen-knife blade on a
12 cm handle, a 150 x 72 mm phone, an 84 cm (33 in) bat."""

from __future__ import annotations

from dataclasses import dataclass

from range.views.figure import Grip
from range.views.geometry import RGB, Vec3, add, box, cross, mul, norm
from range.vocabulary import HeldObject

BLACK_STEEL: RGB = (20, 20, 22)
POLYMER: RGB = (36, 36, 38)
BLADE: RGB = (226, 231, 238)
HANDLE: RGB = (52, 34, 22)
PHONE_BODY: RGB = (24, 24, 28)
SCREEN: RGB = (185, 222, 255)
WOOD: RGB = (200, 156, 100)
FLASH: RGB = (255, 214, 90)
FLASH_CORE: RGB = (255, 250, 225)


@dataclass(frozen=True, slots=True)
class Part:
    colour: RGB
    centre: Vec3  # (a, b, c) from the hand, metres
    half: Vec3  # half-extents along a, b, c
    taper: float = 1.0  # the far (+a) end's size across, as a share of the near end's
    face_only: bool = False  # only its +b face, and only when that face is towards the eye


PARTS: dict[HeldObject, tuple[Part, ...]] = {
    "none": (),
    # The grip sits in the hand; the slide runs from the web of the hand to the muzzle.
    "handgun": (Part(POLYMER, (-0.01, -0.01, 0.0), (0.028, 0.052, 0.014)),
                Part(BLACK_STEEL, (0.05, 0.045, 0.0), (0.093, 0.017, 0.0125))),
    "knife": (Part(HANDLE, (0.0, 0.0, 0.0), (0.06, 0.013, 0.01)),
              Part(BLADE, (0.16, 0.004, 0.0), (0.10, 0.021, 0.0015), taper=0.12)),
    "phone": (Part(PHONE_BODY, (0.04, 0.0, 0.0), (0.075, 0.004, 0.036)),
              Part(SCREEN, (0.04, 0.0045, 0.0), (0.069, 0.0005, 0.031), face_only=True)),
    "bat": (Part(WOOD, (0.34, 0.0, 0.0), (0.42, 0.013, 0.013), taper=2.6),),
}
MUZZLE: Vec3 = (0.145, 0.045, 0.0)  # the handgun's muzzle in its frame
FLASH_RADII_M = (0.09, 0.035)  # the flash and its white core


def frame(grip: Grip) -> tuple[Vec3, Vec3, Vec3]:
    a = norm(grip.axis)
    c = norm(cross(a, grip.up))
    return a, cross(c, a), c


def to_world(grip: Grip, local: Vec3) -> Vec3:
    a, b, c = frame(grip)
    return add(grip.origin, add(mul(a, local[0]), add(mul(b, local[1]), mul(c, local[2]))))


def part_points(grip: Grip, part: Part) -> list[Vec3]:
    """The part's corners in world metres (a face-only part: its +b face's four)."""
    corners = box(to_world(grip, part.centre), frame(grip), part.half, part.taper)
    return [corners[i] for i in (2, 3, 7, 6)] if part.face_only else corners
