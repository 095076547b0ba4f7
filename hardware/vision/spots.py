"""Measuring candidate blobs of risen brightness and deciding which are laser dots."""

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import islice

import cv2
import numpy as np

from hardware.vision.config import Blob, DetectorConfig, changed
from hardware.vision.frames import Image
from hardware.vision.history import brings_new_light, new_light, uncovered
from hardware.vision.memory import Recall
from hardware.vision.pixels import (
    added_light_in,
    component_box,
    components,
    core_thickness,
    dot_colour_in,
    peaks_in_turn,
    plateau,
    ring_means,
    weighted_shape,
    white_core_fill,
)
from hardware.vision.verdicts import SHAPE_VERDICTS, cut_off, purity, verdict

_COARSE = 8  # candidate search grid: one cell per 8x8 pixels
_GROW = np.ones((5, 5), np.uint8)  # a blob's surroundings: 2 px out, then 2 more


def _regions(rise: Image, level: int) -> list[tuple[int, int, int, int]]:
    """Boxes (x0, y0, x1, y1) around clusters of risen pixels, found on a coarse grid."""
    _, mask = cv2.threshold(rise, level - 1, 255, cv2.THRESH_BINARY)
    h, w = mask.shape
    small = _cells_set(mask, max(1, w // _COARSE), max(1, h // _COARSE))
    n, _, stats, _ = components(small.view(np.uint8))
    sx, sy = w / small.shape[1], h / small.shape[0]
    x, y, bw, bh = (stats[1:n, k] for k in range(4))
    # truncated and ceiled as floats: one array operation a column for all the regions
    corners = ((x * sx).astype(np.int64), (y * sy).astype(np.int64),
               np.ceil((x + bw) * sx).astype(np.int64), np.ceil((y + bh) * sy).astype(np.int64))
    return list(zip(*(c.tolist() for c in corners), strict=True))


def _cells_set(mask: Image, cw: int, ch: int) -> np.ndarray:
    """`_shrink(mask, cw, ch) > 0` (`mask` 0 or 255) without the area resize where the
    cells are 8 px wide: each cell's row of 8 pixels is then one 64-bit word. Where they
    are 8 rows tall too, a cell is set if any pixel under it is (its mean is at least
    255 / 64, never rounded to 0): the words' maximum over its 8 rows. Cells a fractional
    number of rows tall (at 960x540: 8.06) weigh the rows they share with their
    neighbours by their overlap, so a pixel there may round to nothing: the resize is
    then run on each cell row's count of set pixels (as 255 / 8 each, the area mean of
    the row's 8 pixels) in floats, a resize of an eighth of the pixels; the rounding
    of a cell within `_CELL_DOUBT` of the half level is not guessed at (float error is
    far below it), the full `_shrink` decides then."""
    h, w = mask.shape
    if w != cw * _COARSE or not mask.flags.c_contiguous:
        return _shrink(mask, cw, ch) > 0
    words = mask.view(np.uint64)  # a cell row's 8 pixels each
    if h == ch * _COARSE:
        cells: np.ndarray = words.reshape(ch, _COARSE, cw).max(axis=1) != 0
        return cells
    rows = np.bitwise_count(words).astype(np.float32)  # 8 bits a set pixel
    rows *= np.float32(255 / 64)  # exact: multiples of 255 / 8 up to 255
    mean = cv2.resize(rows, (cw, ch), interpolation=cv2.INTER_AREA)
    if bool((np.abs(mean - 0.5) <= _CELL_DOUBT).any()):
        return _shrink(mask, cw, ch) > 0
    lit: np.ndarray = mean > 0.5  # what rounds to 1 or more
    return lit


# How close to the rounding point (0.5) a cell's float mean must be for `_cells_set` to
# leave it to the 8-bit resize: float32 sums of ten terms up to 255 err by under 1e-4.
_CELL_DOUBT = 0.01


def _shrink(mask: Image, cw: int, ch: int) -> Image:
    """`cv2.resize(mask, (cw, ch), interpolation=cv2.INTER_AREA)` bit for bit, averaging
    only the cells over the set pixels. Each cell depends on the pixels under it alone,
    so a crop on cell edges, at the same scale, gives the same cells; that needs cells a
    whole number of pixels wide (at 960x540 the 67 rows of cells are 8.06 px tall, so
    rows keep their full length). A frame with a dot is otherwise empty, and OpenCV's
    area resize at a fractional scale is slow: ~0.4 ms saved per dot frame at 1920x1080."""
    x, y, bw, bh = cv2.boundingRect(mask)
    small = np.zeros((ch, cw), np.uint8)
    if bw == 0:
        return small
    (j0, j1), cols = _cell_span(x, bw, mask.shape[1], cw)
    (i0, i1), rows = _cell_span(y, bh, mask.shape[0], ch)
    small[i0:i1, j0:j1] = cv2.resize(mask[rows, cols], (j1 - j0, i1 - i0),
                                     interpolation=cv2.INTER_AREA)
    return small


def _cell_span(start: int, length: int, pixels: int, cells: int
               ) -> tuple[tuple[int, int], slice]:
    """The cells over pixels [start, start + length) along one axis, and the pixels
    under those cells; all of them if a cell is not a whole number of pixels."""
    step = pixels // cells
    if step * cells != pixels:
        return (0, cells), slice(0, pixels)
    first, last = start // step, -(-(start + length) // step)
    return (first, last), slice(first * step, last * step)


# Rejections that mean "moving content is mixed in": a dot on a moving subject is
# measured together with the subject's own rise over the slow background.
MOVING = frozenset({"activity", "surrounded", "large", "streak", "fill", "aspect", "ring",
                    "flicker"})


def measure_blobs(image: Image, ref: Image, bright: Image, activity: np.ndarray, rise: Image,
                  cfg: DetectorConfig, recent: Sequence[Image] = (),
                  frames: Sequence[Image] = (), memory: Recall | None = None
                  ) -> list[Blob]:
    """Blobs of risen brightness, measured and judged. `recent` is the brightness of the
    last frames, oldest first: with it, new light is told from moving content (see
    `history.new_light`); `frames`, the last few frames in colour, oldest first, show
    clipped content moving where only the weakest channel sees it (`history.appeared`)."""
    h, w = rise.shape
    scale = (w * h) / (640 * 480)
    pad = 12  # room for the fainter halo around a dot's core
    reach = max(2, round(cfg.new_light_reach * w / 640))
    out: list[Blob] = []
    # a noisy camera changes everywhere: the limit follows the quiet part of the view
    flat = activity.ravel()
    quiet = float(np.partition(flat, len(flat) // 5)[len(flat) // 5])  # 20th percentile
    limit = min(max(cfg.max_activity, cfg.activity_over_quiet * quiet), 3 * cfg.max_activity)
    budget = cfg.max_candidates  # for the whole frame, strongest regions first
    regions = sorted(_regions(rise, cfg.min_rise),
                     key=lambda r: -cv2.minMaxLoc(rise[r[1]:r[3], r[0]:r[2]])[1])
    for x0, y0, x1, y1 in regions:
        if budget <= 0:
            break
        ax, ay = max(0, x0 - pad), max(0, y0 - pad)
        bx, by = min(w, x1 + pad), min(h, y1 + pad)
        roi = (slice(ay, by), slice(ax, bx))
        roi_rise = rise[roi]
        wide = (x1 - x0) * (y1 - y0) > cfg.max_area * scale * 16
        if wide:
            # a person or a lamp changed a wide area: a dot inside it can only be told
            # apart where it clips, so look there alone
            roi_rise = cv2.bitwise_and(roi_rise, roi_rise, mask=cv2.inRange(
                bright[roi], cfg.saturated, 255))
        found = blobs_in(image[roi], ref[roi], bright[roi], roi_rise, ax, ay, cfg, (w, h),
                         budget)
        budget -= max(1, len(found))  # a region with no candidate still cost a ranking
        if wide:
            found = [_isolated(b, rise, cfg) for b in found]
        found = [_with_activity(b, activity, limit, w, h, cfg) for b in found]
        if recent:
            # only a dot's new light decides its verdict; a blob rejected for motion is
            # looked at only for whether it brings any, and only while the budget lasts
            found = [new_light(b, bright, recent, reach, cfg, image, frames, memory)
                     if b.accepted else b for b in found]
            if budget > 0 and any(b.why in MOVING and brings_new_light(
                    b, recent, reach, cfg.min_new_light) for b in found):
                share = max(1, budget // 2)  # measuring again: half what is left at most
                found = _fresh(found, image, ref, bright, rise, recent, roi, reach, cfg,
                               (w, h), share, memory)
                budget -= share
        out.extend(found)
    if sum(b.accepted for b in out) > cfg.max_dots_per_frame:  # a flash, not shooters
        out = [changed(b, accepted=False, why="burst") if b.accepted else b for b in out]
    return out


def _fresh(found: list[Blob], image: Image, ref: Image, bright: Image, rise: Image,
           recent: Sequence[Image], roi: tuple[slice, slice], reach: int,
           cfg: DetectorConfig, full: tuple[int, int], budget: int,
           memory: Recall | None = None) -> list[Blob]:
    """Measure the region again on its new light alone (risen over the background and over
    the light already there, as `history.new_light` sees it): a dot on a moving subject,
    rejected because the subject's rise was measured with it, comes out on its own. Dots
    found so replace the motion-rejected blobs near them; they need no activity or
    isolation gate, the new light is the evidence that they are not moving content, but
    like a dot passing the activity gate they must show their colour (moving white
    content is grey), and not be content the subject uncovers (`history.uncovered`)."""
    kernel = np.ones((2 * reach + 1, 2 * reach + 1), np.uint8)
    before = cv2.dilate(recent[-1][roi], kernel)
    for old in recent[:-1]:
        before = cv2.max(before, old[roi])
    new = cv2.subtract(bright[roi], before)
    oy, ox = roi[0].start or 0, roi[1].start or 0
    dots = [changed(b, new_light=b.peak_rise) for b in blobs_in(
        image[roi], ref[roi], bright[roi], cv2.min(rise[roi], new), ox, oy, cfg, full, budget)
        if b.accepted and purity(b) >= cfg.min_purity_moving
        and (memory is None or not uncovered(b, bright, recent, memory, cfg))]
    if not dots:
        return found
    r2 = cfg.same_pulse_radius ** 2
    kept = [b for b in found if b.accepted or b.why not in MOVING or all(
        (b.x - d.x) ** 2 + (b.y - d.y) ** 2 > r2 for d in dots)]
    return dots + kept


def _isolated(b: Blob, rise: Image, cfg: DetectorConfig) -> Blob:
    """Inside a wide change, a dot must still stand alone: most of the ring just outside
    it must not have risen (a clipped piece of a lit area is surrounded by more of it).
    A blob rejected already is left as it is, its ring not looked at."""
    if not b.accepted:
        return b
    r = int(max(b.w, b.h)) + 3
    x0, y0 = max(0, round(b.x) - r), max(0, round(b.y) - r)
    patch = rise[y0:round(b.y) + r + 1, x0:round(b.x) + r + 1]
    edge = np.concatenate([patch[0], patch[-1], patch[:, 0], patch[:, -1]])
    if float((edge >= cfg.min_rise).mean()) > 0.25:
        return changed(b, accepted=False, why="surrounded")
    return b


def blobs_in(img: Image, ref: Image, bright: Image, rise: Image, ox: int, oy: int,
             cfg: DetectorConfig, full: tuple[int, int], budget: int | None = None
             ) -> list[Blob]:
    """The candidates in a region (pixels risen by half `min_rise`, connected, reaching
    `min_rise` somewhere), strongest rise first, at most `budget` of them (default
    `max_candidates`), each measured inside its own box, and a component larger than any
    dot inside a dot-sized window around its peak: the cost of a frame is bounded by
    the number of candidates, not set by the size of what moved."""
    limit = cfg.max_candidates if budget is None else budget
    if limit <= 0 or cv2.minMaxLoc(rise)[1] < cfg.min_rise:
        return []  # no candidate: nothing to rank (a wide region with nothing clipped)
    half = cv2.threshold(rise, cfg.min_rise // 2 - 1, 255, cv2.THRESH_BINARY)[1]
    h, w = rise.shape
    reach = dot_reach(cfg, full)
    out: list[Blob] = []
    measured = 0
    # each candidate's component is filled with its own value: its pixels in its box
    peaks = islice(peaks_in_turn(half, rise, cfg.min_rise), min(_SCREENED * limit, _FILLS))
    for value, (py, px) in enumerate(peaks, 1):
        x, y, bw, bh, area = component_box(half, px, py, value)
        # rejected whatever else is measured: a speck, or nothing bright enough in its box
        # (bright enough at its peak rise already: the box's brightest is no less)
        if area < cfg.min_area or (bright[py, px] < cfg.min_peak and cv2.minMaxLoc(
                bright[y:y + bh, x:x + bw])[1] < cfg.min_peak):
            continue
        windowed = max(bw, bh) > 2 * reach
        if windowed:  # wider than any dot: look around its strongest point only
            x, y, bw, bh = px - reach, py - reach, 2 * reach + 1, 2 * reach + 1
        x0, y0 = max(0, x - _MARGIN), max(0, y - _MARGIN)
        x1, y1 = min(w, x + bw + _MARGIN), min(h, y + bh + _MARGIN)
        box = (slice(y0, y1), slice(x0, x1))
        comp = half[box] == value
        peak_rise = int(rise[py, px])
        screened, top, core = _screen(bright[box], rise[box], comp, peak_rise, cfg, full)
        if screened:  # rejected on its peak and size alone: placed at its strongest point
            out.append(Blob(float(px + ox), float(py + oy), area, bw, bh, 0, int(rise[py, px]),
                            0.0, 0.0, 0.0, 0.0, "red", False, screened))
            continue
        measured += 1
        blob = _measure(img[box], ref[box], bright[box], rise[box], comp, ox + x0, oy + y0,
                        cfg, full, peak_rise=peak_rise, top=top, core=core)
        if windowed and blob.accepted and _core_reaches_edge(blob, ox + x0, oy + y0, comp):
            blob = changed(blob, accepted=False, why="area")
        out.append(blob)
        if measured >= limit:
            break
    return out


# Candidates screened (`_screen`) per candidate measured, at most: screening is a few
# array operations on the candidate's box, measuring a few dozen.
_SCREENED = 4
# The fill values a region's candidates can be told apart by (1 to 254: not the mask's 0
# or 255): at most this many are screened in a region (`_SCREENED` x 8 by default).
_FILLS = 254


def _screen(bright: Image, rise: Image, comp: np.ndarray, peak_rise: int,
            cfg: DetectorConfig, full: tuple[int, int]) -> tuple[str, int, np.ndarray]:
    """The verdict `verdicts.verdict` would reach on area and peak alone ("area", "peak"), from
    the component's brightest pixel and its core's size, or "" if it must be measured;
    with that brightest level and the core (risen by half the peak; `_measure` starts
    from both). Exact: the core's peak is at
    most the component's, so what this rejects is rejected by the full measurement for
    the same reason."""
    scale = full[0] * full[1] / (640 * 480)
    core = comp & (rise >= max(cfg.min_rise, peak_rise // 2))
    core_area = cv2.countNonZero(core.view(np.uint8))
    if core_area > cfg.max_area * scale or core_area < cfg.min_area:
        return "area", 0, core
    top = int(cv2.minMaxLoc(bright, mask=comp.view(np.uint8))[1])
    dim = top < cfg.saturated
    if top < cfg.min_peak or (dim and (
            peak_rise < cfg.min_rise_unsaturated or core_area < cfg.min_area_unsaturated
            or core_area > cfg.max_area_unsaturated * scale)):
        return "peak", top, core
    return "", top, core


# A blob is measured with its fringe (one 5x5 dilation) and the ring outside that (one
# more): 4 px around its own box, and one to spare.
_MARGIN = 5


def dot_reach(cfg: DetectorConfig, full: tuple[int, int]) -> int:
    """Half the side of the largest dot's box: the side of a square of `max_area` pixels
    (at this frame size), and that again for an elongated one."""
    scale = full[0] * full[1] / (640 * 480)
    return math.ceil(math.sqrt(cfg.max_area * scale))


def _core_reaches_edge(b: Blob, ox: int, oy: int, comp: np.ndarray) -> bool:
    """Whether a blob measured in a window may run past it: its core box touches the
    window's edge (a dot's core lies well inside)."""
    h, w = comp.shape
    return (b.x - b.w / 2 - ox <= _MARGIN or b.y - b.h / 2 - oy <= _MARGIN
            or b.x + b.w / 2 - ox >= w - 1 - _MARGIN or b.y + b.h / 2 - oy >= h - 1 - _MARGIN)


def _measure(img: Image, ref: Image, bright: Image, rise: Image, comp: np.ndarray,
             ox: int, oy: int, cfg: DetectorConfig, full: tuple[int, int],
             complete: bool = False, peak_rise: int | None = None, top: int | None = None,
             core: np.ndarray | None = None) -> Blob:
    """Shape from the core (rise over half its peak: the glow around a dot is not the
    dot), position from the clipped plateau of the core, ring and colour from the whole
    blob and its surroundings. Measured in stages, cheapest first: a blob its shape
    alone rejects (`SHAPE_VERDICTS`) is not measured further, and only a blob that
    passes has its white core measured; what a rejected blob was not measured for is
    left 0 (`complete`: measure everything; the verdict is the same). `peak_rise`, `top`
    and `core`: the highest rise and brightness in the component and its pixels risen
    by half that rise (or `min_rise`), if the caller has them (`core` is then changed)."""
    mask = comp.view(np.uint8)
    if peak_rise is None:
        peak_rise = int(cv2.minMaxLoc(rise, mask=mask)[1])
    if top is None:
        top = int(cv2.minMaxLoc(bright, mask=mask)[1])
    if core is None:
        core = comp & (rise >= max(cfg.min_rise, peak_rise // 2))
    clipped = comp & (bright >= cfg.saturated) if top >= cfg.saturated else None
    if clipped is not None:
        # where it clips, a pixel rose as far as the sensor lets it show: on a pale target
        # that is little, however bright the laser, so clipped pixels are core at full
        # weight
        core |= clipped
    core8 = core.view(np.uint8)
    bx, by, bw, bh = cv2.boundingRect(core8)
    inner = (slice(by, by + bh), slice(bx, bx + bw))  # the core's own box: fewer pixels
    weights = cv2.bitwise_and(rise[inner], rise[inner], mask=core8[inner])
    if clipped is not None:  # no pixel of the component rose past `peak_rise`
        weights[clipped[inner]] = peak_rise
    area, elong = weighted_shape(weights)
    _, brightest, _, seed = cv2.minMaxLoc(bright[inner], mask=core8[inner])
    peak = int(brightest)
    cx, cy, extent = plateau(bright, core, peak, cfg.plateau_levels,
                             (seed[0] + bx, seed[1] + by), inner)
    # the streak rule asks a long blob for its colour, unless it is too long, or rises too
    # little, for a streak of laser light whatever its colour
    asks_colour = (cfg.streak_elongation < elong <= cfg.max_elongation
                   and peak_rise >= cfg.min_rise_streak)
    grown = cv2.dilate(mask, _GROW).view(bool) if complete or asks_colour else None
    light = added_light_in(img, ref, grown) if grown is not None else None
    d_red, d_green = light or (0.0, 0.0)
    blob = Blob(cx + ox, cy + oy, area, bw, bh, peak, peak_rise, 0.0, 0.0, d_red, d_green,
                "red" if d_red >= d_green else "green", True, "", elong,
                thickness=core_thickness(core8[inner]))
    why = verdict(blob, cfg, full)
    if why in SHAPE_VERDICTS and not complete:
        return changed(blob, accepted=False, why=why)
    if grown is None:
        grown = cv2.dilate(mask, _GROW).view(bool)
    # the blob, its fringe and the ring outside: grown once more; the ring is what that
    # adds (one subtraction of the 0/1 masks, where `& ~grown` takes two operations)
    near8 = cv2.dilate(grown.view(np.uint8), _GROW)
    ring = cv2.subtract(near8, grown.view(np.uint8)).view(bool)
    contrast, ring_rise, flicker = float(peak), 0.0, 0.0
    if cv2.countNonZero(ring.view(np.uint8)):
        level, risen, change = ring_means(bright, rise, ref, ring)
        contrast = float(peak - level)
        ring_rise = risen / max(1, peak_rise)
        # how much the surroundings flicker between frames, against the dot's own rise
        flicker = change / max(1, peak_rise)
    d_red, d_green = light or added_light_in(img, ref, grown)
    blob = changed(blob, contrast=contrast, ring_rise=ring_rise, d_red=d_red,
                   d_green=d_green, colour="red" if d_red >= d_green else "green",
                   flicker=flicker)
    box = (extent[0] + ox, extent[1] + oy, extent[2] + ox, extent[3] + oy)
    why = verdict(blob, cfg, full) or cut_off(blob, box, full, cfg.saturated)
    if why and not complete:
        return changed(blob, accepted=False, why=why)
    near = near8.view(bool)  # grown | ring
    core_fill = white_core_fill(img, ref, near, cfg.clip_level, cfg.min_rise,
                                cfg.core_headroom)
    return changed(blob, accepted=not why, why=why, core_fill=core_fill,
                   colour=blob.colour if why else dot_colour_in(img, ref, near))


def _with_activity(b: Blob, activity: np.ndarray, limit: float, w: int, h: int,
                   cfg: DetectorConfig) -> Blob:
    """Attach the strongest recent change in the coarse cells under the blob; reject
    the blob if that is over the limit (it sits in moving content or a moving person),
    unless it is a clipped, round dot rising far above that motion."""
    ah, aw = activity.shape
    sy, sx = ah / h, aw / w  # cells per pixel; look one cell past the blob on every side
    i0, i1 = int((b.y - b.h / 2) * sy) - 1, int((b.y + b.h / 2) * sy) + 2
    j0, j1 = int((b.x - b.w / 2) * sx) - 1, int((b.x + b.w / 2) * sx) + 2
    act = float(cv2.minMaxLoc(activity[max(0, i0):max(1, i1), max(0, j0):max(1, j1)])[1])
    stands_out = (b.peak >= cfg.saturated and b.elongation < cfg.max_elongation_large
                  and b.peak_rise >= cfg.rise_over_activity * act
                  and purity(b) >= cfg.min_purity_moving)
    if b.accepted and act > limit and not stands_out:
        return changed(b, activity=act, accepted=False, why="activity")
    return changed(b, activity=act)
