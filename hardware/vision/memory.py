"""The light each place of the view held over the last seconds, for telling content a
person uncovers from a laser dot.

A person walking past, or standing, in front of the screen hides the content behind
them for as long as they stay: half a second at a walk, seconds when they stop. When they
move on, the content reappears at once, a sudden, local rise in light at their trailing
edge, as a dot's is. What tells it apart is that the same place held that light, steady,
before it was hidden. So the memory keeps, per place and channel, the light each place
held all through some block of frames (250 ms) over the last `span_ms`: each block is
the minimum of its frames (a fixed cost a frame: one minimum of two images), so a bright
target passing through, or a dot, is not steady light there, and the boxes the
detector names (its dots, and moving content) hold nothing for the block. A camera's
exposure and white balance move over seconds, and both are a gain per channel: each
block keeps samples of its frames, and is recalled scaled, channel by channel, by how
much brighter the view is now than then.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field

import cv2
import numpy as np

from hardware.vision.frames import Image
from hardware.vision.pixels import brightness

Box = tuple[int, int, int, int]  # x0, y0, x1, y1
_STEP = 16  # px between the samples a block's gain is read from
# A sample this dark is mostly noise and the room's light; this bright, it may clip (a
# clipped channel's noise and compression reach a little under the top).
_DARK, _CLIPPED = 24.0, 230.0


@dataclass(slots=True)
class _Block:
    # per pixel and channel, the darkest of the block's frames: the light the place held
    # all through it (a bright target passing, or a dot, is no steady light there)
    steady: Image
    # the darkest of its frames at the `samples` points, as `steady` (over an exposure
    # swing both are its darkest frame's)
    samples: np.ndarray
    start_ns: int
    # per channel, how much brighter it was than the block before, set when it closes:
    # the gain from an older block to now is a product of these and two medians a
    # frame, where a median per block would cost a frame a millisecond
    step: tuple[float, ...] = (1.0,)


@dataclass(slots=True)
class LightMemory:
    """The light each pixel held all through each block of `block_ms` over the last
    `span_ms` (to a block's length); nothing in the boxes the detector names."""

    span_ms: float
    block_ms: float
    _blocks: deque[_Block] = field(default_factory=deque)

    def reset(self) -> None:
        self._blocks.clear()

    def add(self, image: Image, t_ns: int, measured: Sequence[Box] = ()) -> None:
        """Fold a frame in (the detector's working image, colour or mono), but for the
        boxes `measured`."""
        last = self._blocks[-1] if self._blocks else None
        if last is not None and last.steady.shape != image.shape:
            self.reset()
            last = None
        if last is None or t_ns - last.start_ns >= self.block_ms * 1e6:
            last = self._open(image, t_ns)
        else:
            cv2.min(last.steady, image, dst=last.steady)
            np.minimum(last.samples, samples(image), out=last.samples)
        for x0, y0, x1, y1 in measured:
            last.steady[y0:y1, x0:x1] = 0

    def _open(self, image: Image, t_ns: int) -> _Block:
        """A new block starting with this frame, in the oldest block's memory once the
        span is full (no new memory a block: a frame's worth of fresh pages costs more
        than the copy)."""
        if len(self._blocks) >= 2:  # the newest block is closing: its step is final
            self._blocks[-1].step = channel_gains(self._blocks[-1].samples,
                                                  self._blocks[-2].samples)
        if len(self._blocks) > max(1, round(self.span_ms / self.block_ms)):
            block = self._blocks.popleft()
            np.copyto(block.steady, image)
            block.samples, block.start_ns = samples(image), t_ns
        else:
            block = _Block(image.copy(), samples(image), t_ns)
        self._blocks.append(block)
        return block

    def recall(self, image: Image, saturated: int) -> Recall:
        """The memory as the camera shows the view in `image`, this frame, where it
        clips at `saturated` (until the next `add`, which may reuse a block)."""
        return Recall(list(self._blocks), image, saturated)


@dataclass(slots=True)
class Recall:
    """The light memory as one frame sees it; the scales are found once, when first
    asked (most frames never ask)."""

    blocks: list[_Block]
    image: Image
    saturated: int  # a level remembered at or over this clipped: it was at least that
    _gains: list[tuple[float, ...]] | None = None

    def brightest(self, box: Box) -> tuple[Image, Image] | None:
        """The brightest steady max(R, G) (`pixels.brightness`) each pixel of the box has
        held over the span, as seen now, and where it clipped (a clipped level is a
        lower bound: the light then may have been any brighter); None if nothing is
        remembered there."""
        x0, y0, x1, y1 = box
        if not self.blocks or y1 <= y0 or x1 <= x0:
            return None
        if self._gains is None:
            self._gains = self._chained()
        seen = highest = None
        for block, gains in zip(self.blocks, self._gains, strict=True):
            patch = block.steady[y0:y1, x0:x1]
            view = cv2.multiply(patch, gains, dtype=cv2.CV_8U) if patch.ndim == 3 else \
                cv2.convertScaleAbs(patch, alpha=gains[0])
            seen = view if seen is None else cv2.max(seen, view)
            highest = patch if highest is None else cv2.max(highest, patch)
        assert seen is not None and highest is not None
        return brightness(seen), brightness(highest) >= self.saturated

    def _chained(self) -> list[tuple[float, ...]]:
        """Per block, oldest first, how much brighter the view is now than then: to the
        newest block (still open) and the one before, measured; to each older one,
        through the steps of the closed blocks since."""
        now = samples(self.image)
        out = [np.asarray(channel_gains(now, b.samples)) for b in self.blocks[-2:]][::-1]
        for later in reversed(self.blocks[1:-1]):
            out.append(out[-1] * np.asarray(later.step))
        return [tuple(float(g) for g in gains) for gains in reversed(out)]


def samples(image: Image) -> np.ndarray:
    """Every 16th pixel of every 16th row, as float32: over a thousand at 640x480, as
    good a median as more (a cell mean costs a resize, 1 ms at 960x540)."""
    return image[_STEP // 2::_STEP, _STEP // 2::_STEP].astype(np.float32)


def channel_gains(now: np.ndarray, before: np.ndarray) -> tuple[float, ...]:
    """Per channel, how much brighter the view is now than `before` (`samples` of each):
    the median ratio of the samples lit and unclipped in both (one that clips in either
    shows 255 over 255 whatever the gain did; an over-exposed view is full of them)."""
    if now.ndim == 2:
        now, before = now[..., None], before[..., None]
    usable = (now > _DARK) & (before > _DARK) & (now < _CLIPPED) & (before < _CLIPPED)
    ratio = now / np.maximum(before, 1.0)
    gains = []
    for c in range(now.shape[2]):
        mine = ratio[..., c][usable[..., c]]
        gains.append(median(mine) if len(mine) >= 16 else 1.0)
    return tuple(gains)


def median(values: np.ndarray) -> float:
    """`float(np.median(values))` of a 1-D float32 array (not empty, no NaN), bit for bit:
    the same partition, and for an even count the same float32 mean of the middle two
    (their float32 sum halved), without `np.median`'s generic machinery (most of the
    cost of a median of a thousand samples)."""
    k = len(values) // 2
    if len(values) % 2:
        return float(np.partition(values, k)[k])
    part = np.partition(values, (k - 1, k))
    return float((part[k - 1] + part[k]) / part.dtype.type(2))
