"""A candidate blob against the frames before it: how much new light it brings, and
whether clipped light appeared from nothing. What tells a laser dot from moving content."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import cv2
import numpy as np

from hardware.vision.config import Blob, DetectorConfig
from hardware.vision.frames import Image


def new_light(b: Blob, bright: Image, recent: Sequence[Image], reach: int,
               cfg: DetectorConfig) -> Blob:
    """Attach how far the blob's peak rises over the light already there: the brightest of
    the previous frame within reach of the blob, and of the frames before over the blob
    itself. Moving content brings its light from a few pixels away, and content a person
    walking past uncovers was there a few frames before; a laser dot's first frame rises
    over both. A blob without new light is moving content ("moved": like "activity", it
    holds the spot so the same content a frame later is no shot either), unless it clips
    and `appeared` (clipping hides how far it rose: a dot beside clipped content has no
    new light by its peak). The later frames of a pulse have no new light either; they
    extend the pulse's track whatever their verdict."""
    new = new_light_of(b, recent, reach)
    r = (max(b.w, b.h) + 1) // 2 + reach
    if b.accepted and new < cfg.min_new_light and not appeared(b, bright, recent, r, cfg):
        return replace(b, new_light=new, accepted=False, why="moved")
    return replace(b, new_light=new)


def new_light_of(b: Blob, recent: Sequence[Image], reach: int) -> int:
    """How far the blob's peak rises over the brightest of the previous frame within
    `reach` of it and of the frames before over the blob itself (see `new_light`)."""
    half = (max(b.w, b.h) + 1) // 2
    x, y = round(b.x), round(b.y)
    r = half + reach
    before = cv2.minMaxLoc(recent[-1][max(0, y - r):y + r + 1, max(0, x - r):x + r + 1])[1]
    near = (slice(max(0, y - half), y + half + 1), slice(max(0, x - half), x + half + 1))
    for old in recent[:-1]:
        before = max(before, cv2.minMaxLoc(old[near])[1])
    return b.peak - int(before)


def appeared(b: Blob, bright: Image, recent: Sequence[Image], r: int,
              cfg: DetectorConfig) -> bool:
    """Whether a clipped blob is light that appeared from nothing rather than clipped
    content that moved: its white core is compact (moving white content is ragged where
    it clips); most of its newly clipped pixels (in its core's box, clipped now and not
    all along) were not clipped a frame before (moving content overlaps where it was: it
    moves less than half its size a frame); and no light fell within reach between the
    two frames before (moving content leaves where it was, and keeps going; the faint
    start of a pulse only adds light)."""
    if b.peak < cfg.saturated or b.core_fill < cfg.min_core_fill or len(recent) < 2:
        return False
    x, y = round(b.x), round(b.y)
    near = (slice(max(0, y - r), y + r + 1), slice(max(0, x - r), x + r + 1))
    fell = cv2.subtract(recent[-2][near], recent[-1][near])
    fallen = cv2.threshold(fell, cfg.min_new_light - 1, 255, cv2.THRESH_BINARY)[1]
    if cv2.countNonZero(fallen) >= cfg.min_area_unsaturated:  # fewer: sensor noise
        return False
    x0, y0 = max(0, round(b.x - b.w / 2)), max(0, round(b.y - b.h / 2))
    box = (slice(y0, round(b.y + b.h / 2) + 1), slice(x0, round(b.x + b.w / 2) + 1))
    always = recent[0][box]
    for old in recent[1:]:
        always = cv2.min(always, old[box])
    fresh = (bright[box] >= cfg.saturated) & (always < cfg.saturated)
    count = cv2.countNonZero(fresh.view(np.uint8))
    overlap = cv2.countNonZero((fresh & (recent[-1][box] >= cfg.saturated)).view(np.uint8))
    return count > 0 and overlap <= cfg.max_clipped_before * count
