"""A person as projector shapes: the skeleton of `figure` clothed and projected, its parts
painted far to near, and the object in the hand at its true size."""

from __future__ import annotations

import math
from dataclasses import dataclass

from range.views.figure import Grip, Skeleton, skeleton
from range.views.geometry import RGB, Px, Vec3, add, cross, mul, norm, sub
from range.views.objects import (
    FLASH,
    FLASH_CORE,
    FLASH_RADII_M,
    MUZZLE,
    PARTS,
    frame,
    part_points,
)
from range.views.objects import to_world as object_point
from range.views.shapes import Lens, Shape, shade
from range.world.snapshot import ActorView

SHOES: RGB = (30, 28, 27)
EYES: RGB = (28, 22, 20)
FAR_SIDE = 0.82  # the limbs on the far side are in the body's shadow
# Limb widths (m) of a 1.78 m adult.
WIDTHS = {"thigh": 0.16, "shin": 0.12, "foot": 0.10, "upper_arm": 0.10, "forearm": 0.085,
          "neck": 0.11}
HAND_RADIUS_M = 0.048
HEAD_HALF = (0.080, 0.115)  # half-width and half-height of the head
CUE_PX = 14  # height of the band at the screen's bottom edge for a body below it

Part = tuple[float, tuple[Shape, ...]]  # (depth: ground distance, shapes)


@dataclass(frozen=True, slots=True)
class Figure:
    actor: str
    role: str
    state: str
    distance_m: float
    shapes: tuple[Shape, ...]  # far to near
    head: Px  # where the centre of his head is drawn
    held: Px | None  # where the middle of the object in his hand is drawn
    below_screen: bool  # lying below the screen's bottom edge: drawn as the edge cue


def figure(lens: Lens, actor: ActorView, time_s: float) -> Figure:
    bones = skeleton(actor, time_s)
    look = actor.appearance
    colours = {"top": look.rgb("top"), "trousers": look.rgb("trousers"),
               "skin": look.rgb("skin"), "hair": look.rgb("hair")}
    parts = [*_limbs(lens, bones, colours, actor.height), _torso(lens, bones, colours["top"]),
             *_head(lens, bones, colours), *_object(lens, bones.grip),
             *_object(lens, bones.dropped)]
    if bones.flash and bones.grip is not None:
        parts.append(_flash(lens, bones.grip))
    parts.sort(key=lambda part: -part[0])
    shapes = tuple(s for _, group in parts for s in group)
    head = lens.point(bones.joints["head"])
    held = None if bones.grip is None else lens.point(
        object_point(bones.grip, PARTS[bones.grip.item][-1].centre))
    below = _below(lens, bones)
    if below:
        shapes = (*shapes, *_edge_cue(lens, bones, colours["top"]))
    return Figure(actor.id, actor.role, actor.state, actor.distance_m, shapes, head, held, below)


def _limbs(lens: Lens, bones: Skeleton, colours: dict[str, RGB], height: float) -> list[Part]:
    j = bones.joints
    k = height / 1.78
    parts: list[Part] = []
    near_side = "r" if j["shoulder_r"][1] < j["shoulder_l"][1] else "l"
    for side in ("r", "l"):
        dim = 1.0 if side == near_side else FAR_SIDE
        legs, top = shade(colours["trousers"], dim), shade(colours["top"], dim)
        for a, b, width, colour in (
                (f"hip_{side}", f"knee_{side}", "thigh", legs),
                (f"knee_{side}", f"foot_{side}", "shin", legs),
                (f"foot_{side}", f"toe_{side}", "foot", SHOES),
                (f"shoulder_{side}", f"elbow_{side}", "upper_arm", top),
                (f"elbow_{side}", f"hand_{side}", "forearm", top)):
            parts.append(_bone(lens, j[a], j[b], WIDTHS[width] * k, colour))
        hand = j[f"hand_{side}"]
        parts.append((hand[1], (lens.disc(hand, HAND_RADIUS_M * k, colours["skin"]),)))
    return parts


def _bone(lens: Lens, a: Vec3, b: Vec3, width: float, colour: RGB) -> Part:
    return ((a[1] + b[1]) / 2, lens.capsule(a, b, width, colour))


def _body_axes(bones: Skeleton) -> tuple[Vec3, Vec3, Vec3]:
    """Across (left to right shoulder), along the spine, and out of the chest."""
    j = bones.joints
    across = norm(sub(j["shoulder_r"], j["shoulder_l"]))
    spine = norm(sub(j["neck"], j["pelvis"]))
    return across, spine, cross(spine, across)


def _torso(lens: Lens, bones: Skeleton, colour: RGB) -> Part:
    """Chest and belly as one solid: shoulders to hips, with the body's depth."""
    j = bones.joints
    across, _, chest = _body_axes(bones)
    hips = [add(j["pelvis"], mul(across, s * 0.17)) for s in (-1.0, 1.0)]
    rim = [j["shoulder_l"], j["shoulder_r"], *hips]
    points = [add(p, mul(chest, d)) for p in rim for d in (-0.11, 0.11)]
    return sum(p[1] for p in rim) / 4, (lens.solid(points, colour),)


def _head(lens: Lens, bones: Skeleton, colours: dict[str, RGB]) -> list[Part]:
    """Neck, face and hair: the hair sits behind and above the face, so whichever is
    nearer the eye is painted last and the face shows only when he looks this way."""
    j = bones.joints
    across, spine, _ = _body_axes(bones)
    forward = bones.forward if bones.joints["head"][2] > 0.6 else norm(
        cross(across, spine))
    centre = j["head"]
    face_centre = add(centre, mul(forward, 0.012))
    hair_centre = add(centre, add(mul(forward, -0.03), mul(spine, 0.022)))
    neck = _bone(lens, j["neck"], centre, WIDTHS["neck"], colours["skin"])
    face = _ellipse(lens, face_centre, across, spine, HEAD_HALF, colours["skin"])
    hair = _ellipse(lens, hair_centre, across, spine, (HEAD_HALF[0] + 0.006, HEAD_HALF[1]),
                    colours["hair"])
    parts: list[Part] = [(neck[0] + 0.02, neck[1]), (hair_centre[1], (hair,)),
                         (face_centre[1], (face,))]
    if lens.faces_eye(centre, forward):
        eyes = tuple(lens.disc(add(centre, add(mul(forward, 0.07), add(
            mul(across, s * 0.032), mul(spine, 0.012)))), 0.011, EYES) for s in (-1.0, 1.0))
        parts.append((face_centre[1] - 0.001, eyes))
    return parts


def _ellipse(lens: Lens, centre: Vec3, across: Vec3, spine: Vec3, half: tuple[float, float],
             colour: RGB) -> Shape:
    points = [add(centre, add(mul(across, half[0] * math.cos(t)),
                              mul(spine, half[1] * math.sin(t))))
              for t in (i * math.pi / 8 for i in range(16))]
    return Shape("polygon", colour, tuple(lens.point(p) for p in points))


def _object(lens: Lens, grip: Grip | None) -> list[Part]:
    if grip is None:
        return []
    parts: list[Part] = []
    for part in PARTS[grip.item]:
        points = part_points(grip, part)
        centre = object_point(grip, part.centre)
        if part.face_only and not lens.faces_eye(centre, frame(grip)[1]):
            continue
        shape = lens.solid(points, part.colour)
        # Held in front of the hand it grips: painted just after the hand.
        parts.append((grip.origin[1] - 0.002 - 0.001 * len(parts), (shape,)))
    return parts


def _flash(lens: Lens, grip: Grip) -> Part:
    muzzle = object_point(grip, (MUZZLE[0] + 0.05, MUZZLE[1], MUZZLE[2]))
    outer, core = FLASH_RADII_M
    return (muzzle[1] - 0.01,
            (lens.disc(muzzle, outer, FLASH), lens.disc(muzzle, core, FLASH_CORE)))


def _below(lens: Lens, bones: Skeleton) -> bool:
    height = lens.projection.resolution[1]
    return all(lens.point(p)[1] > height for p in bones.joints.values())


def _edge_cue(lens: Lens, bones: Skeleton, colour: RGB) -> tuple[Shape, ...]:
    """A body lying on the floor nearer than the screen's bottom edge shows can't be drawn
    where he is; a band along the bottom edge over the columns he covers says he is there,
    down, in front."""
    width, height = lens.projection.resolution
    columns = [lens.point(p)[0] for p in bones.joints.values()]
    left, right = max(0.0, min(columns)), min(float(width), max(columns))
    if right - left < 1:
        return ()
    top = height - CUE_PX
    band = Shape("polygon", colour, ((left, top), (right, top), (right, height), (left, height)))
    middle = (left + right) / 2
    chevron = Shape("polygon", (250, 250, 250), ((middle - CUE_PX, top + 2),
                                                 (middle + CUE_PX, top + 2), (middle, height - 1)))
    return (band, chevron)
