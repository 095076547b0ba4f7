"""Each colour channel's own top level, and the frame with its channels brought to one top.

A camera's white balance is a gain per channel applied after the sensor: a channel whose
gain is below the others' tops out lower (red x0.8 clips at 204 while green still reaches
255). Read at the common top, such a channel never "clips", and its headroom is counted to
a level it cannot reach, so a red dot's red fringe reads weaker than its green one. Each
channel's top is found as the camera's is (`detector.clip_top`: the highest level a flat
patch holds), with one more condition that tells a clip from a flat area of the scene:
clipping folds every brighter level into the top, so the top holds far more pixels than
the level just below it. A channel that tops out lower than the highest channel top is
scaled up to it (`ChannelBalance.apply`, one table look-up per frame, and only on such a
camera): the frame as the sensor saw it, before the balance's gain cut the channel short.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import cv2
import numpy as np

from hardware.vision.frames import Image

FULL_SCALE = 255
# A clipped top holds this many pixels (a patch, not a hot pixel: as `clip_top`) and at
# least `PILE_UP` times as many as the level below it (clipping folds every brighter
# level into the top; a flat area of the scene has its neighbours about as populous).
MIN_CLIPPED = 16
PILE_UP = 2.0
LOWEST_TOP = 128  # a top below half scale is a dark scene, not a clip (as `clip_top`)


def channel_top(channel: Image) -> int:
    """The level one channel clips at, as one image shows it, or 0 if it shows none."""
    pile = Pile()
    pile.add(channel, 0, int(channel.max(initial=0)))
    return pile.top()


@dataclass(slots=True)
class Pile:
    """One channel's highest level seen (each view counted at its own top, if that is at
    least `LOWEST_TOP`), the pixels at it and those just below it, summed over the views
    whose own top it was. A view whose top is lower adds nothing that could ever be read
    again: the highest level never falls, and only its counts decide the clip."""

    level: int = 0  # 0: no view has shown a top yet
    at: int = 0
    below: int = 0

    def add(self, image: Image, channel: int, top: int) -> None:
        """Count this image's `channel` (an image of one channel: 0) whose highest level
        is `top`. Most views fall short of the level already seen, and their max costs
        less than a histogram: the histogram, both counts in one pass over the channel as
        it lies in the image, only for a view that reaches the level. Float counts are
        exact: a frame holds far fewer than 2**24 pixels."""
        if top < max(self.level, LOWEST_TOP):
            return
        hist = cv2.calcHist([image], [channel], None, [2], [top - 1, top + 1]).ravel()
        if top > self.level:
            self.level, self.at, self.below = top, 0, 0
        self.at += int(hist[1])
        self.below += int(hist[0])

    def top(self) -> int:
        """The highest level seen, if the counts show it as a clip (nothing ever rises
        above a clip; a flat highlight of the scene is outshone some time), else 0."""
        clipped = self.at >= MIN_CLIPPED and self.at >= PILE_UP * self.below
        return self.level if self.level and clipped else 0


# A view with at least this many rows per channel asked for has its maxes taken down its
# rows first (`highest`): below it, a max per channel is cheaper (measured on 640-1920
# wide frames: a 640x60 strip of one channel, or a candidate's box of two up to 50x50).
ROWS_FIRST = 80


def highest(image: Image, channels: Sequence[int]) -> list[int]:
    """The highest level of each of `channels` in this view of a frame (0 if empty). A
    channel's own max strides over the other channels' bytes; down whole rows first, the
    max runs over contiguous bytes for every channel at once, then along the one row
    left: cheaper on a view of many rows, and for several channels."""
    h, w, n = image.shape
    if len(channels) * h < ROWS_FIRST:
        return [int(image[..., c].max(initial=0)) for c in channels]
    down = np.maximum.reduce(image.reshape(h, w * n), axis=0, initial=0)
    along = down.reshape(w, n).max(axis=0, initial=0)
    return [int(along[c]) for c in channels]


def balance_gains(tops: tuple[int, ...], tolerance: float) -> tuple[float, ...]:
    """Per channel, the gain that brings its top to the highest channel top; 1 for a
    channel whose top is not known (0) or within `tolerance` of the highest."""
    highest = max(tops)
    return tuple(highest / t if t and highest / t > 1.0 + tolerance else 1.0 for t in tops)


def gain_table(gains: tuple[float, ...]) -> Image:
    """The look-up table (1 x 256 x channels) that applies `gains` per channel."""
    levels = np.arange(256, dtype=np.float32)[:, None] * np.asarray(gains, np.float32)
    return np.clip(np.rint(levels), 0, FULL_SCALE).astype(np.uint8)[None]


# A frame's rows are checked in this many strips, one strip of one channel a frame: a
# static clipped patch is seen within a few dozen frames, at an eighth of the cost.
STRIPS = 8
Box = tuple[int, int, int, int]  # x0, y0, x1, y1


@dataclass(slots=True)
class ChannelBalance:
    """The tops learnt so far (per channel, B, G, R) and the gains they give. A top is
    where the highest levels seen pile up, summed over what was checked: a small dot that
    clips its channel shows the top in a few pixels a frame, a lamp in many at once. Each
    frame, every channel not yet at full scale (which a channel cannot rise past) is
    checked over each candidate's box (where a dot would show its channel's top), and one
    strip of rows of one of them over the whole width, in turn; a camera whose channels
    all clip at 255 pays nothing once each has shown it."""

    tolerance: float = 0.02  # channel gains closer to 1 than this are left alone
    shared: bool = False  # the channels already share one scale: nothing to learn
    tops: list[int] = field(default_factory=lambda: [0, 0, 0])
    gains: tuple[float, ...] = (1.0, 1.0, 1.0)
    _table: Image | None = None
    _turn: int = 0
    _piles: list[Pile] = field(default_factory=lambda: [Pile() for _ in range(3)])

    @property
    def known(self) -> bool:
        """Every channel has shown full scale: there is nothing left to learn."""
        return min(self.tops) >= FULL_SCALE

    def __post_init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self._piles = [Pile() for _ in self._piles]
        self.tops = [FULL_SCALE if self.shared else 0] * len(self.tops)
        self.gains = (1.0, 1.0, 1.0)
        self._table = None
        self._turn = 0

    def learn(self, image: Image, spots: Sequence[Box] = (), every: bool = False
              ) -> tuple[float, ...] | None:
        """Learn from this (unbalanced) frame: its candidates' boxes `spots` and a strip,
        or every channel over the whole image (`every`: a still, or a camera's first
        frames). The gains before, if the balance changed, else None."""
        if image.ndim != 3 or image.shape[2] != len(self.tops):
            return None
        open_ = [c for c, t in enumerate(self.tops) if t < FULL_SCALE]
        if not open_:
            return None
        for view, channels in self._views(image, open_, spots, every):
            for c, top in zip(channels, highest(view, channels), strict=True):
                self._piles[c].add(view, c, top)
        for c in open_:
            self.tops[c] = self._piles[c].top()
        gains = balance_gains(tuple(self.tops), self.tolerance)
        if gains == self.gains:
            return None
        before, self.gains = self.gains, gains
        self._table = None if all(g == 1.0 for g in gains) else gain_table(gains)
        return before

    def _views(self, image: Image, open_: list[int], spots: Sequence[Box], every: bool
               ) -> list[tuple[Image, list[int]]]:
        """The views to check and the channels to check in each (the order of the views
        does not matter: the piles keep only the highest top and its counts)."""
        if every:
            return [(image, open_)]
        self._turn += 1
        c, strip = open_[self._turn % len(open_)], (self._turn // len(open_)) % STRIPS
        h = image.shape[0]
        views = [(image[strip * h // STRIPS:(strip + 1) * h // STRIPS], [c])]
        return views + [(image[y0:y1, x0:x1], open_) for x0, y0, x1, y1 in spots
                        if x1 > x0 and y1 > y0]

    def apply(self, image: Image) -> Image:
        """The frame with every channel brought to the common top (the frame itself on a
        balanced camera)."""
        if self._table is None or image.ndim != 3:
            return image
        out: Image = cv2.LUT(image, self._table)
        return out

    def refit(self, image: Image, before: tuple[float, ...]) -> Image:
        """A frame balanced with the gains `before`, as the current gains show it."""
        if image.ndim != 3:
            return image
        out: Image = cv2.LUT(image, gain_table(tuple(
            g / b for g, b in zip(self.gains, before, strict=True))))
        return out
