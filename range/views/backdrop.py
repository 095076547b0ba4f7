"""The scenario's backdrop in perspective: the same projection as the people, so the
horizon sits at eye height and the ground recedes to it. Static, so a renderer draws it
once per scenario. Each scene is a few ground strips and upright planes in world metres."""

from __future__ import annotations

from collections.abc import Callable

from range.scenario.model import Backdrop
from range.views.geometry import RGB, Vec3
from range.views.shapes import Lens, Shape, shade
from range.world.projection import Projection

FAR_M = 400.0  # the ground runs this far out; past it is the horizon haze
Quad = tuple[Vec3, Vec3, Vec3, Vec3]
NEAR = 0.2


def backdrop_shapes(lens: Lens, kind: Backdrop,
                    seen_from: Projection | None = None) -> tuple[Shape, ...]:
    """The backdrop seen by the officer where `seen_from` has him stand and face, the
    lens in his own frame."""
    build: dict[Backdrop, Callable[[], list[tuple[Quad, RGB]]]] = {
        "street": _street, "parking-lot": _parking_lot, "hallway": _hallway, "park": _park}
    sky = _sky(lens, (120, 150, 182) if kind != "hallway" else (40, 40, 44))
    own = seen_from.to_own if seen_from is not None else (lambda p: p)
    world = (lens.polygon(tuple((*own((x, y)), z) for x, y, z in quad), colour)
             for quad, colour in build[kind]())
    return (*sky, *(s for s in world if s is not None))


def _sky(lens: Lens, colour: RGB) -> tuple[Shape, ...]:
    """Bands lightening towards the horizon, and the far ground below it."""
    width, height = lens.projection.resolution
    horizon = lens.point((0.0, FAR_M * 10, lens.projection.eye_height))[1]
    bands = []
    steps = 6
    for i in range(steps):
        top, bottom = horizon * i / steps, horizon * (i + 1) / steps
        band = shade(colour, 0.85 + 0.3 * i / steps)
        bands.append(Shape("polygon", band, ((0, top), (width, top), (width, bottom),
                                              (0, bottom))))
    ground = Shape("polygon", (92, 92, 88), ((0, horizon), (width, horizon), (width, height),
                                            (0, height)))
    return (*bands, ground)


def _ground(x0: float, x1: float, y0: float, y1: float, colour: RGB,
            z: float = 0.0) -> tuple[Quad, RGB]:
    return ((x0, y0, z), (x1, y0, z), (x1, y1, z), (x0, y1, z)), colour


def _upright(x0: float, y0: float, x1: float, y1: float, z0: float, z1: float,
             colour: RGB) -> tuple[Quad, RGB]:
    """A vertical rectangle from (x0, y0) to (x1, y1) on the ground, z0 to z1 high."""
    return ((x0, y0, z0), (x1, y1, z0), (x1, y1, z1), (x0, y0, z1)), colour


def _facades(x: float, step: float, far: float, tone: int) -> list[tuple[Quad, RGB]]:
    """A row of building fronts along the plane x, each with rows of dark windows, the
    farthest first so the nearer are painted over them."""
    buildings: list[list[tuple[Quad, RGB]]] = []
    y, index = 9.0, 0
    while y < far:
        storeys = 2 + (index * 7 + tone) % 4
        top = 3.2 * storeys + 0.6
        hue = ((150, 128, 110), (176, 164, 140), (120, 110, 104), (160, 96, 78))[
            (index + tone) % 4]
        quads = [_upright(x, y, x, y + step, 0.0, top, hue)]
        for storey in range(storeys):
            z = 1.0 + 3.2 * storey
            for w in range(3):
                wy = y + 1.0 + w * (step - 2.0) / 3
                quads.append(_upright(x * 0.999, wy, x * 0.999, wy + 1.1, z, z + 1.6,
                                      (44, 52, 62)))
        buildings.append(quads)
        y += step
        index += 1
    return [quad for building in reversed(buildings) for quad in building]


def _street() -> list[tuple[Quad, RGB]]:
    quads = [_ground(-7.5, -3.6, NEAR, FAR_M, (150, 146, 138)),
             _ground(3.6, 7.5, NEAR, FAR_M, (150, 146, 138)),
             _ground(-3.6, 3.6, NEAR, FAR_M, (66, 68, 72)),
             _ground(-3.75, -3.6, NEAR, FAR_M, (196, 192, 180)),
             _ground(3.6, 3.75, NEAR, FAR_M, (196, 192, 180))]
    quads += [_ground(-0.06, 0.06, y, y + 3.0, (222, 206, 120)) for y in range(2, 160, 9)]
    quads += _facades(7.5, 9.0, 150.0, 0) + _facades(-7.5, 9.0, 150.0, 1)
    return quads


def _parking_lot() -> list[tuple[Quad, RGB]]:
    quads = [_ground(-60.0, 60.0, NEAR, FAR_M, (74, 76, 80))]
    for row_y in (4.0, 14.0, 24.0):  # bays either side of each aisle, lines 2.6 m apart
        for i in range(-10, 11):
            x = i * 2.6
            quads.append(_ground(x - 0.05, x + 0.05, row_y, row_y + 5.0, (214, 214, 206)))
    quads.append(_upright(-40.0, 45.0, 40.0, 45.0, 0.0, 4.6, (168, 158, 140)))
    quads.append(_upright(-12.0, 44.9, 12.0, 44.9, 3.4, 4.3, (30, 70, 140)))  # the shop sign
    quads += [_upright(x, 44.9, x + 4.0, 44.9, 0.0, 3.0, (60, 80, 96))
              for x in (-20.0, -8.0, 4.0, 16.0)]  # shop windows
    for x, y in ((-9.0, 30.0), (9.0, 30.0), (-9.0, 12.0), (9.0, 12.0)):  # lamp posts
        quads.append(_upright(x - 0.08, y, x + 0.08, y, 0.0, 7.0, (70, 72, 76)))
        quads.append(_upright(x - 0.5, y, x + 0.5, y, 6.9, 7.1, (200, 200, 186)))
    return quads


def _hallway() -> list[tuple[Quad, RGB]]:
    half, high, end = 1.7, 2.7, 34.0
    quads = [_ground(-half, half, NEAR, end, (120, 112, 100)),
             _ground(-half, half, NEAR, end, (200, 198, 190), z=high),
             _upright(-half, NEAR, -half, end, 0.0, high, (176, 170, 150)),
             _upright(half, NEAR, half, end, 0.0, high, (168, 162, 144)),
             _upright(-half, end, half, end, 0.0, high, (150, 144, 128))]
    quads += [_ground(-half, half, y, y + 0.04, (90, 84, 76)) for y in range(1, int(end))]
    quads += [_ground(-0.5, 0.5, y, y + 0.6, (246, 246, 236), z=high - 0.01)
              for y in range(3, int(end), 4)]  # ceiling lights
    for y in range(5, int(end) - 2, 6):  # doors on both sides, staggered
        quads.append(_upright(-half + 0.01, y, -half + 0.01, y + 0.9, 0.0, 2.05, (110, 80, 54)))
        quads.append(_upright(half - 0.01, y + 3, half - 0.01, y + 3.9, 0.0, 2.05,
                              (104, 76, 52)))
    quads.append(_upright(-0.45, end - 0.01, 0.45, end - 0.01, 0.0, 2.05, (96, 70, 48)))
    return quads


def _park() -> list[tuple[Quad, RGB]]:
    quads = [_ground(-80.0, 80.0, NEAR, FAR_M, (86, 128, 66)),
             _ground(-1.2, 1.2, NEAR, FAR_M, (186, 170, 136)),
             _upright(-200.0, 120.0, 200.0, 120.0, 0.0, 14.0, (54, 86, 50))]  # far treeline
    for x, y in ((-14.0, 70.0), (12.0, 60.0), (-4.5, 48.0), (8.0, 38.0), (-9.0, 30.0),
                 (5.5, 20.0), (-6.0, 14.0)):  # far to near
        quads.append(_upright(x - 0.18, y, x + 0.18, y, 0.0, 3.0, (96, 70, 46)))  # trunk
        for layer in range(3):  # the crown, as three widening boughs seen side on
            w = 2.4 - 0.6 * layer
            quads.append(_upright(x - w, y - 0.01, x + w, y - 0.01, 2.6 + 1.1 * layer,
                                  4.1 + 1.1 * layer, (58 + 8 * layer, 104 + 10 * layer, 52)))
    quads.append(_upright(2.2, 9.0, 4.0, 9.0, 0.42, 0.9, (120, 84, 52)))  # a bench
    quads.append(_upright(2.2, 8.8, 4.0, 8.8, 0.42, 0.47, (132, 92, 58)))
    return quads
