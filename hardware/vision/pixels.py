"""Pixel measures of a candidate blob: how white its core is, where its clipped plateau
lies, how much light it added and in which channel, how drawn out and how flickering it
is; the connected components of a mask, and which of them rise highest. Plain functions
of image patches; `spots` decides with them."""

from __future__ import annotations

import math
from collections.abc import Iterator
from functools import cache

import cv2
import numpy as np

from hardware.events import Colour
from hardware.vision.frames import Image


def brightness(image: Image) -> Image:
    """max(R, G): the channel a red or green laser adds to; equal channels for mono.
    Computed on the rows as bytes, each byte against the next (at a pixel's G byte: its
    G against its R), then every third byte taken: one pass over the frame and one
    channel extraction, where extracting R and G and comparing them takes three."""
    if image.ndim == 2:
        return image
    h, w, channels = image.shape
    if channels != 3 or not image.flags.c_contiguous:
        return cv2.max(cv2.extractChannel(image, 2), cv2.extractChannel(image, 1))
    row = image.reshape(h, 3 * w)
    pairs = np.empty_like(image)
    cv2.max(row[:, 1:-1], row[:, 2:], dst=pairs.reshape(h, 3 * w)[:, :-2])
    out: Image = cv2.extractChannel(pairs, 0)
    return out


def components(mask: Image) -> tuple[int, np.ndarray, np.ndarray, np.ndarray]:
    """`cv2.connectedComponentsWithStats(mask, connectivity=8)`: the same labels, stats and
    centroids, by the block-based decision tree (Grana's BBDT), which with statistics
    costs a half to a third of OpenCV's default algorithm on the detector's masks."""
    n, labels, stats, cents = cv2.connectedComponentsWithStatsWithAlgorithm(
        mask, 8, cv2.CV_32S, cv2.CCL_BBDT)
    return int(n), labels, stats, cents


def component_box(mask: Image, x: int, y: int, value: int = 1
                  ) -> tuple[int, int, int, int, int]:
    """Left, top, width, height and area (as `components` gives them) of the 8-connected
    component of the set pixels (255) of `mask` that holds pixel (x, y), by one flood
    fill from it, which marks the component `value` (1 to 254) in `mask`: components
    never touch, so the others' fills are not changed by it."""
    area, (left, top, width, height) = filled(mask, (x, y), value)
    return left, top, width, height, area


def peaks_in_turn(half: Image, rise: Image, level: int) -> Iterator[tuple[int, int]]:
    """The peak (row, column) of each component of the set pixels (255) of `half`
    (8-connected, every pixel risen by at least half of `level`: every pixel beside one
    rises less than `level`) whose rise reaches `level`, highest peak first, each at its
    first peak pixel in raster order (ties between components: that pixel first in
    raster order), without labelling the region. The caller fills each component
    yielded (`component_box`, any value but 255) before asking for the next.

    The pixels that may be a component's first peak pixel (every pixel risen by
    `level`; past `_FEW_RISEN` of them, the local maxima: a component's peak pixels have
    no higher neighbour, a neighbour being in the component or under `level`) are put in
    one order, highest rise first and in raster order among equals (a stable radix sort
    of one byte); each component's first pixel in that order is its peak, and the
    components come in the order of those pixels. A pixel whose component was filled
    already is passed over (looked at a block at a time); the first peak is the
    region's first highest pixel, yielded before any of that is done (a region of one
    component asks no more). Labelling the region (a pass over it, 60-500 us on moving
    content) and grouping the pixels by label are not needed: the flood fills that box
    the candidates mark what was taken."""
    width = rise.shape[1]
    first = int(np.argmax(rise))  # the highest first in raster order: the first peak
    if rise[first // width, first % width] < level:
        return
    yield first // width, first % width
    over = cv2.threshold(rise, level - 1, 1, cv2.THRESH_BINARY)[1]  # 0 or 1
    risen = cv2.countNonZero(over)
    if risen > _FEW_RISEN:
        chosen = rise >= cv2.max(cv2.dilate(rise, _NEIGHBOURS), level)
    else:
        chosen = over.view(bool)
    flat = np.flatnonzero(chosen)  # raster order
    order = flat[np.argsort(255 - rise.ravel()[flat], kind="stable")]
    marks = half.ravel()
    start, block = 0, _PASSED_BLOCK
    while start < len(order):
        left = marks[order[start:start + block]] == 255
        j = int(left.argmax())  # the first not taken, if any
        if not left[j]:  # a block of filled components' pixels: look further on
            start, block = start + block, 2 * block
            continue
        k = int(order[start + j])
        start, block = start + j + 1, _PASSED_BLOCK
        yield k // width, k % width


def filled(mask: Image, seed: tuple[int, int], value: int
           ) -> tuple[int, tuple[int, int, int, int]]:
    """Flood-fill the 8-connected patch of equal pixels holding `seed` (x, y) in `mask`
    with `value` (not the patch's own, so that every pixel is reached); its area and box
    (left, top, width, height)."""
    area, _, _, box = cv2.floodFill(mask, None, seed, value, 0, 0,
                                    8 | cv2.FLOODFILL_FIXED_RANGE)
    return int(area), (int(box[0]), int(box[1]), int(box[2]), int(box[3]))


def white_core_fill(img: Image, ref: Image, grown: np.ndarray, clip_level: int,
                    min_rise: float, core_headroom: float) -> float:
    """How compact the dot's white core is: the largest patch where even the weakest
    channel rose by a quarter of its headroom (where the laser dwelt long enough to
    saturate its own channel and bleed into the others), as its pixel count over the disc
    its box spans. A round core fills about 1 whichever way the box lies, a core drawn
    out by motion far less (a 3:1 ellipse 0.75, a thin diagonal streak under 0.5); 0 if
    no pixel rose that far."""
    lo, lo_ref = weakest(img), weakest(ref)
    room = cv2.subtract(np.full_like(lo_ref, clip_level), lo_ref)
    need = np.maximum(min_rise, room * core_headroom)
    white = (grown & (cv2.subtract(lo, lo_ref) >= need)).view(np.uint8)
    n, _, stats, _ = components(white)
    if n < 2:
        return 0.0
    best = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    w, h, area = (int(v) for v in stats[best][2:5])
    return float(area / (np.pi * ((w + h) / 4) ** 2))


def weakest(image: Image) -> Image:
    """The weakest channel of each pixel (cv2 on the channel views: cheaper than numpy)."""
    if image.ndim == 2:
        return image
    return cv2.min(cv2.min(image[..., 0], image[..., 1]), image[..., 2])


def plateau(bright: Image, core: np.ndarray, top: int, levels: int, seed: tuple[int, int],
            within: tuple[slice, slice] | None = None
            ) -> tuple[float, float, tuple[int, int, int, int]]:
    """Centre and box of the largest connected patch within `levels` of the core's peak
    `top`: the dot's own clipped core, not a clipped ring of glow beside it. `seed`
    (x, y) is a core pixel at that peak, so on the plateau. (The centre is OpenCV's, the
    integer sums of the pixels' coordinates over their count.) `within`: a box holding
    every core pixel (the core's own box); a plateau of one patch is then found on that
    box alone, fewer pixels for the same patch (only the sums' origin moves, and they
    are integers)."""
    rows, cols = within or (slice(0, None), slice(0, None))
    x0, y0 = cols.start or 0, rows.start or 0
    found = _one_patch(bright[rows, cols], core[rows, cols], top, levels,
                       (seed[0] - x0, seed[1] - y0), (x0, y0))
    if found is not None:
        return found
    plateau = (core & (bright >= top - levels)).view(np.uint8)
    _, _, stats, cents = components(plateau)
    best = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    x, y, bw, bh = (int(v) for v in stats[best][:4])
    return float(cents[best][0]), float(cents[best][1]), (x, y, x + bw - 1, y + bh - 1)


def _one_patch(bright: Image, core: np.ndarray, top: int, levels: int, seed: tuple[int, int],
               origin: tuple[int, int]) -> tuple[float, float, tuple[int, int, int, int]] | None:
    """`plateau`'s answer if its plateau is one patch (most dots): its centre is the mean
    of its pixels, from exact integer sums, in the coordinates of a frame where these
    arrays start at `origin` (x, y); None if the plateau is in pieces."""
    plateau = (core & (bright >= top - levels)).view(np.uint8)
    count = cv2.countNonZero(plateau)
    area, (x, y, bw, bh) = filled(plateau, seed, 2)
    if area != count:
        return None
    m = cv2.moments(plateau[y:y + bh, x:x + bw], binaryImage=True)  # exact integer sums
    x, y = x + origin[0], y + origin[1]
    return ((m["m10"] + x * area) / area, (m["m01"] + y * area) / area,
            (x, y, x + bw - 1, y + bh - 1))


# A channel this close to clipping counts as having this much room: otherwise a bright
# background channel that clips at once outweighs the laser's own channel.
HEADROOM_FLOOR = 64.0


def added_light(now: np.ndarray, before: np.ndarray) -> tuple[float, float]:
    """How far red and green rose towards clipping, summed over the blob. A laser core
    clips every channel, so raw rises mislead on bright backgrounds; the fraction of the
    headroom used shows the laser's own channel filling first and widest (the fringe).
    (In place on two float copies: the same arithmetic as the plain expression.)"""
    used = _headroom_used(now[:, 1:].astype(np.float32), before[:, 1:].astype(np.float32))
    tot = used.sum(axis=0)
    return float(tot[1]), float(tot[0])


def _headroom_used(used: np.ndarray, ref: np.ndarray) -> np.ndarray:
    """The share of its headroom each level `used` (float32, now) rose by over `ref`
    (float32, before), in place in `used` (`ref` is overwritten)."""
    np.subtract(used, ref, out=used)
    np.maximum(used, 0.0, out=used)
    np.subtract(255.0, ref, out=ref)
    np.divide(used, np.maximum(ref, HEADROOM_FLOOR, out=ref), out=used)
    return used


@cache  # built on first use, not at import
def _headroom_table() -> np.ndarray:
    """`_headroom_used` of every pair of 8-bit levels, by the same float32 operations,
    at index before * 256 + now: a pixel's share is one look-up."""
    levels = np.arange(256, dtype=np.float32)
    now, before = np.tile(levels, 256)[:, None], np.repeat(levels, 256)[:, None]
    table: np.ndarray = _headroom_used(now, before).ravel()
    return table


# `cv2.mixChannels` pairs of (source channel, target channel): from a BGR box now
# (channels 0-2) and before (3-5), per pixel G now, G before, R now, R before; as two
# little-endian 16-bit words, the `_headroom_table` index of G and of R
_GR_PAIRS = [1, 0, 4, 1, 2, 2, 5, 3]


def added_light_in(now: Image, before: Image, mask: np.ndarray) -> tuple[float, float]:
    """`added_light(now[mask], before[mask])` of two BGR boxes and a bool `mask` of
    their size, bit for bit: each pixel's share of its headroom looked up (the table
    holds exactly what the arithmetic gives), over the same pixels in the same order
    (raster), each channel summed in float32 one pixel after the other, as numpy's sum
    over the first axis of `added_light`'s (pixels, 2) array adds them (pinned by a
    test). Picking 3-channel pixels under a 2-D mask costs numpy four to fifteen times
    what picking one 32-bit word a pixel costs (17-59 against 4 us on a large
    candidate), and that sum a row at a time twice a running sum along each channel:
    the two channels' levels are packed into one word first, and the shares laid out a
    channel a row."""
    if now.ndim != 3 or now.shape[2] != 3 or not mask.flags.c_contiguous or not mask.any():
        return added_light(now[mask], before[mask])
    h, w = mask.shape
    pairs = np.empty((h, w, 4), np.uint8)
    cv2.mixChannels([now, before], [pairs], _GR_PAIRS)
    picked = pairs.view(np.uint32).reshape(-1)[mask.reshape(-1)]
    used = _headroom_table()[picked.view(np.uint16).reshape(-1, 2).T]  # (2, pixels): G, R
    tot = np.cumsum(used, axis=1)[:, -1]
    return float(tot[1]), float(tot[0])


def dot_colour(now: np.ndarray, before: np.ndarray) -> Colour:
    """A dot's colour, from the light it added over itself, its fringe and the ring
    outside (4 px around): JPEG and most webcams' MJPEG keep colour at half resolution
    (one sample per 2x2 pixels, compressed in blocks of those), so a small dot's colour
    is spread past its own fringe while its brightness stays sharp."""
    d_red, d_green = added_light(now, before)
    return _colour_of(d_red, d_green)


def dot_colour_in(now: Image, before: Image, mask: np.ndarray) -> Colour:
    """`dot_colour(now[mask], before[mask])` of two BGR boxes (see `added_light_in`)."""
    return _colour_of(*added_light_in(now, before, mask))


def _colour_of(d_red: float, d_green: float) -> Colour:
    return "red" if d_red >= d_green else "green"


def weighted_shape(weights: Image) -> tuple[int, float]:
    """The pixels of weight over 0 (uint8 `weights`), and the major over minor axis of
    their weighted offsets from their weighted centre (OpenCV's central moments: integer
    weights, so the sums are exact and only the centre's products round)."""
    major, minor = _axes(cv2.moments(weights))
    return cv2.countNonZero(weights), math.sqrt(major / max(minor, 1e-6))


def core_thickness(core: Image) -> float:
    """The width of a core (uint8, set pixels over 0) across its minor axis, px: the width
    of a bar whose pixels spread as much that way (each pixel spans one)."""
    m = cv2.moments(core, binaryImage=True)
    if m["m00"] == 0:
        return 0.0
    return math.sqrt(12 * max(_axes(m)[1], 1 / 12))


def _axes(m: dict[str, float]) -> tuple[float, float]:
    """The variance along the major and the minor axis of what the moments `m` describe,
    each pixel spanning one (+ 1/12: a 1-px dot is round)."""
    sw = m["m00"]
    cxx = m["mu20"] / sw + 1 / 12
    cyy = m["mu02"] / sw + 1 / 12
    cxy = m["mu11"] / sw
    root = math.sqrt(((cxx - cyy) / 2) ** 2 + cxy * cxy)
    mid = (cxx + cyy) / 2
    return mid + root, mid - root


def ring_means(bright: Image, rise: Image, ref: Image, ring: np.ndarray
               ) -> tuple[float, float, float]:
    """The mean brightness, rise and |change of brightness since `ref`| over the `ring`
    pixels (not empty). Integer sums over the count: exactly numpy's means."""
    ring8 = ring.view(np.uint8)
    n = cv2.countNonZero(ring8)
    before = ref if ref.ndim == 2 else cv2.max(ref[..., 1], ref[..., 2])
    change = cv2.absdiff(bright, before)
    # one masked mean of the three as channels: OpenCV sums them as integers and scales
    # by 1 / n, so the product with n rounds back to the sums exactly (under 2^31)
    means = cv2.mean(cv2.merge((bright, rise, change)), mask=ring8)
    return (round(means[0] * n) / n, round(means[1] * n) / n, round(means[2] * n) / n)


# Risen pixels sorted whole up to this many; past it, cut to local maxima first: the cut's
# fixed cost (a dilation and a comparison of the region) pays off from about here.
_FEW_RISEN = 1000
_NEIGHBOURS = np.ones((3, 3), np.uint8)  # a pixel's 8 neighbours and itself
# `peaks_in_turn` looks past taken pixels this many at a time, twice as many each time
# a block holds none left
_PASSED_BLOCK = 64
