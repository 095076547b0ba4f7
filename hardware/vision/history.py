"""A candidate blob against the frames before it: how much new light it brings, and
whether clipped light appeared from nothing. What tells a laser dot from moving content."""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

from hardware.vision.config import Blob, DetectorConfig, changed
from hardware.vision.frames import Image
from hardware.vision.memory import Recall
from hardware.vision.pixels import weakest


def new_light(b: Blob, bright: Image, recent: Sequence[Image], reach: int,
              cfg: DetectorConfig, image: Image | None = None,
              frames: Sequence[Image] = (), memory: Recall | None = None) -> Blob:
    """Attach how far the blob's peak rises over the light already there: the brightest of
    the previous frame within reach of the blob, and of the frames before over the blob
    itself. Moving content brings its light from a few pixels away, and content a person
    walking past uncovers was there a few frames before; a laser dot's first frame rises
    over both. A blob without new light is moving content ("moved": like "activity", it
    holds the spot so the same content a frame later is no shot either), unless it clips
    and `appeared` (clipping hides how far it rose: a dot beside clipped content has no
    new light by its peak). The later frames of a pulse have no new light either; they
    extend the pulse's track whatever their verdict. `image` is the frame in colour and
    `frames` the last ones before it, oldest first (see `appeared`)."""
    new = new_light_of(b, recent, reach)
    r = (max(b.w, b.h) + 1) // 2 + reach
    if b.accepted and new < cfg.min_new_light:
        if not appeared(b, bright, recent, r, cfg, image, frames):
            return changed(b, new_light=new, accepted=False, why="moved")
        b = changed(b, appeared=True)
    if b.accepted and memory is not None and uncovered(b, bright, recent, memory, cfg):
        return changed(b, new_light=new, accepted=False, why="uncovered")
    return changed(b, new_light=new)


def uncovered(b: Blob, bright: Image, recent: Sequence[Image], memory: Recall,
              cfg: DetectorConfig) -> bool:
    """Whether the blob is content a person uncovers (see `memory`): at every pixel of its
    core the light now is light the place held over the last seconds (to within
    `min_new_light`, or it clipped then), and at some of them something stood in front
    of it a frame before: it was darker than it then was by as much as an unclipped dot
    must rise (`min_rise_unsaturated`), more than sensor noise and a camera's drifting
    gain take it (the memory is the brightest of noisy blocks, each scaled by an
    estimated gain).
    Pixel by pixel: a dot on the edge of a bright thing brings new light where it spills
    onto the dark side."""
    if not recent:
        return False
    near = _core_box(b, (slice(0, None), slice(0, None)))  # in the frame itself
    held = memory.brightest((near[1].start, near[0].start, near[1].stop, near[0].stop))
    if held is None:
        return False
    now, before = bright[near].astype(np.int16), recent[-1][near].astype(np.int16)
    lit = now >= b.peak - cfg.min_new_light
    was, clipped = held[0].astype(np.int16)[lit], held[1][lit]
    return bool(np.all(clipped | (now[lit] - was < cfg.min_new_light))
                and np.any(was - before[lit] >= cfg.min_rise_unsaturated))


def new_light_of(b: Blob, recent: Sequence[Image], reach: int) -> int:
    """How far the blob's peak rises over the brightest of the previous frame within
    `reach` of it and of the frames before over the blob itself (see `new_light`)."""
    around, over = _light_windows(b, reach)
    before = cv2.minMaxLoc(recent[-1][around])[1]
    for old in recent[:-1]:
        before = max(before, cv2.minMaxLoc(old[over])[1])
    return b.peak - int(before)


def brings_new_light(b: Blob, recent: Sequence[Image], reach: int, level: int) -> bool:
    """Whether `new_light_of(b, recent, reach) >= level`: every window it looks at holds
    light at most `level` under the blob's peak. Asked of blobs rejected for motion,
    whose windows most often hold more already in the frame before: the frames are
    looked at newest first, and no further once one does."""
    around, over = _light_windows(b, reach)
    ceiling = b.peak - level
    if cv2.minMaxLoc(recent[-1][around])[1] > ceiling:
        return False
    return all(cv2.minMaxLoc(old[over])[1] <= ceiling for old in reversed(recent[:-1]))


def _light_windows(b: Blob, reach: int) -> tuple[tuple[slice, slice], tuple[slice, slice]]:
    """The windows new light is measured against: the blob's box grown by `reach` (in the
    previous frame), and the box itself (in the frames before)."""
    half = (max(b.w, b.h) + 1) // 2
    x, y = round(b.x), round(b.y)
    r = half + reach
    return ((slice(max(0, y - r), y + r + 1), slice(max(0, x - r), x + r + 1)),
            (slice(max(0, y - half), y + half + 1), slice(max(0, x - half), x + half + 1)))


def appeared(b: Blob, bright: Image, recent: Sequence[Image], r: int,
             cfg: DetectorConfig, image: Image | None = None,
             frames: Sequence[Image] = ()) -> bool:
    """Whether a clipped blob is light that appeared from nothing rather than clipped content
    that moved: its white core is compact (moving white content is ragged where it
    clips); no light fell within reach between the two frames before (moving content
    leaves where it was, and keeps going; the faint start of a pulse only adds light);
    and most of the newly clipped pixels of the clipped patch it belongs to, within
    reach, were not clipped a frame before (moving content overlaps where it was: it
    moves less than half its size a frame), and what the patch gained since then lies
    mostly in the blob's own box (a pulse arrives whole, at one place; a piece of a
    moving edge holds a piece of its gain: `gained_beside`). The patch is asked so
    twice: in brightness (max(R, G)), and, given the frames in colour, where every
    channel clips (white): a white target moving over backdrop that clips in red and
    green alone (sunlit foliage, yellow) shows its motion only in the weakest channel,
    while a laser dot's white core appears there from nothing too. A blob with no
    white-clipped pixel has no say there. In the weakest channel clipping is a level with a
    noise band, `clip_noise` under `saturated`: the least of three noisy channels puts a
    white target at the clip level under it on a sieve of pixels, a patch in pieces
    whose holes would read as light from nothing; within the band its patch is one and
    was clipped. A dot's white core rose far in that channel (`core_headroom`), from
    well under the band."""
    if b.peak < cfg.saturated or b.core_fill < cfg.min_core_fill or len(recent) < 2:
        return False
    x, y = round(b.x), round(b.y)
    near = (slice(max(0, y - r), y + r + 1), slice(max(0, x - r), x + r + 1))
    fell = cv2.subtract(recent[-2][near], recent[-1][near])
    fallen = cv2.threshold(fell, cfg.min_new_light - 1, 255, cv2.THRESH_BINARY)[1]
    if cv2.countNonZero(fallen) >= cfg.min_area_unsaturated:  # fewer: sensor noise
        return False
    core = _core_box(b, near)
    now, before = bright[near], [f[near] for f in recent]
    fresh, overlap = newly_clipped(now, before, core, cfg.saturated, cfg.min_new_light)
    if fresh == 0 or overlap > cfg.max_clipped_before * fresh or _gained_beside(
            now, before[-1], core, cfg, 0):
        return False
    if image is None or image.ndim != 3 or not frames:
        return True
    now, before = weakest(image[near]), [weakest(f[near]) for f in frames]
    fresh, overlap = newly_clipped(now, before, core, cfg.saturated, cfg.min_new_light,
                                   cfg.clip_noise, edges=True)
    return overlap <= cfg.max_clipped_before * fresh and not _gained_beside(
        now, before[-1], core, cfg, cfg.clip_noise)


def _gained_beside(now: Image, last: Image, core: tuple[slice, slice], cfg: DetectorConfig,
                   band: int) -> bool:
    """Whether the clipped patch gained more pixels beside the core's box than in it
    (`gained_beside`): a piece of moving content's leading edge."""
    inside, beside = gained_beside(now, last, core, cfg.saturated, cfg.min_new_light, band)
    return beside > inside


def _core_box(b: Blob, near: tuple[slice, slice]) -> tuple[slice, slice]:
    """The blob's core box, in the coordinates of the window `near`."""
    y0, x0 = near[0].start, near[1].start
    return (slice(max(0, round(b.y - b.h / 2) - y0), round(b.y + b.h / 2) + 1 - y0),
            slice(max(0, round(b.x - b.w / 2) - x0), round(b.x + b.w / 2) + 1 - x0))


def newly_clipped(now: Image, before: Sequence[Image], core: tuple[slice, slice],
                  saturated: int, margin: int, band: int = 0, edges: bool = False
                  ) -> tuple[int, int]:
    """Of the clipped patch the core belongs to (`now`, a window): how many pixels are
    newly clipped, and how many of those were clipped in the last frame. Newly clipped:
    in the core's box, clipped now and not in every frame `before` (a lamp, a white
    print or clipped sky is in all); elsewhere in the patch, darker than clipping by
    `margin` in some frame before, light that arrived (a near-white patch that sensor
    noise takes across the clip level and back has not moved). Clipping joins a piece
    of a bright thing to the rest of it; the rise does not: the leading edge of a
    clipped target moving onto darker backdrop is the only part that rose over the
    background, a compact clipped blob alone, and its patch is the target. `band`: a
    noise band under `saturated` (a channel whose noise takes a clipped surface under
    it): the patch is grown from the clipped pixels through those within the band, as
    hysteresis does, and a pixel was clipped in the last frame if it was within it.
    `edges`: a pixel the clipped patch's edge lit a frame before was where the content
    was too (`_arriving`; asked in the weakest channel, where only white light rises:
    a laser's faint start, the frame before its pulse clips, is its own colour)."""
    patch = _clipped_patch(now, core, saturated, band)
    darkest = before[0]
    for old in before[1:]:
        darkest = cv2.min(darkest, old)
    fresh = patch & (darkest < saturated - margin)
    fresh[core] |= patch[core] & (darkest[core] < saturated)
    clipped = before[-1] >= saturated - band
    overlap = fresh & (_arriving(before[-1], darkest, clipped, margin) if edges else clipped)
    return int(np.count_nonzero(fresh)), int(np.count_nonzero(overlap))


def _arriving(last: Image, darkest: Image, clipped: np.ndarray, margin: int) -> np.ndarray:
    """Where clipped content's light already was a frame before (`last`): `clipped`
    then, or lit `margin` over the darkest it held and joined to what was clipped, the
    soft edge of content moving in (a pulse arrives within one frame, and its faint
    start is light of its own, joined to nothing clipped)."""
    lit = clipped | (cv2.subtract(last, darkest) >= margin)
    _, labels = cv2.connectedComponents(lit.view(np.uint8), connectivity=8)
    joined = np.unique(labels[clipped])
    return np.isin(labels, joined[joined > 0])


def gained_beside(now: Image, last: Image, core: tuple[slice, slice], saturated: int,
                  margin: int, band: int = 0) -> tuple[int, int]:
    """Of the pixels the clipped patch the core belongs to gained since the `last` frame
    (clipped now, darker than clipping by `margin` then: light that arrived, not noise
    at the clip level), how many are in the core's box and how many beside it. A
    pulse's white core arrives whole, at one place, within one frame; clipped content
    moving gains all along its leading edge, and a blob cut from that edge holds a
    piece of it (see `newly_clipped` for `band`)."""
    patch = _clipped_patch(now, core, saturated, band)
    arrived = patch & (now >= saturated) & (last < saturated - margin)
    inside = int(np.count_nonzero(arrived[core]))
    return inside, int(np.count_nonzero(arrived)) - inside


def _clipped_patch(now: Image, core: tuple[slice, slice], saturated: int, band: int
                   ) -> np.ndarray:
    """The clipped pixels of the window `now` connected to the core's box (grown through
    the `band` under `saturated` from the pieces that clip outright)."""
    _, labels = cv2.connectedComponents((now >= saturated - band).view(np.uint8),
                                        connectivity=8)
    if band:  # only the pieces holding a pixel clipped outright
        labels[~np.isin(labels, np.unique(labels[now >= saturated]))] = 0
    mine = labels[core]
    return np.isin(labels, np.unique(mine[mine > 0]))
