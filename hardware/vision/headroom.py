"""A rise per channel where brightness has no headroom left (see docs/vision.md).

Brightness is max(R, G); on a backdrop that already clips the laser's channel, or the
other of red and green, it is at the top before the pulse and nothing can rise in it.
The dot's light still shows in a channel with headroom: its white core bleeds into blue,
or into red for a green laser (the sensor's crosstalk and the demosaicing spill a clipped
channel into its neighbours). So where the brightness background clips, brightness and
rise are read in the channel with the most headroom (if it has room for a rise of
`min_rise` before it clips), over that channel's own background. A channel
background is kept only while some of the brightness background clips, and the rise
computed only in the box around those pixels: a camera with no clipped backdrop pays one
threshold of the background a frame.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from hardware.vision.config import DetectorConfig
from hardware.vision.frames import Image


@dataclass(slots=True)
class HeadroomChannels:
    """Each channel's slow background, learnt while the brightness background clips."""

    rate: float  # the brightness background's (`bg_rate`): the same memory
    _bg: Image | None = None  # B, G, R background, uint8

    def reset(self) -> None:
        self._bg = None

    def view(self, image: Image, ref: Image, bright: Image, bright_bg: Image, rise: Image,
             gain: float, cfg: DetectorConfig) -> tuple[Image, Image, Image | None]:
        """`bright` and `rise`, with each pixel whose brightness background clips read in
        its headroom channel instead, and `ref`'s brightness read the same way (None:
        nothing clips, brightness is max(R, G) everywhere; `bright` and `rise` as given)."""
        if image.ndim != 3 or self._bg is None or self._bg.shape != image.shape:
            return bright, rise, None
        clipped = cv2.inRange(bright_bg, cfg.saturated, 255)
        x, y, w, h = cv2.boundingRect(clipped)
        if w == 0:
            return bright, rise, None
        box = _at_least(x, y, w, h, clipped.shape)
        picks = _headroom_channel(self._bg[box], cfg.saturated - cfg.min_rise)
        use = cv2.bitwise_and(clipped[box], cv2.bitwise_or(picks[0], cv2.bitwise_or(
            picks[1], picks[2]))).view(bool)
        level, level_bg = _take(image[box], picks), _take(self._bg[box], picks)
        expected = cv2.convertScaleAbs(level_bg, alpha=gain) if gain != 1.0 else level_bg
        seen, rise = bright.copy(), rise.copy()
        np.copyto(seen[box], level, where=use)
        np.copyto(rise[box], cv2.subtract(level, expected), where=use)
        if ref is image:
            return seen, rise, seen
        seen_ref = cv2.max(cv2.extractChannel(ref, 1), cv2.extractChannel(ref, 2))
        np.copyto(seen_ref[box], _take(ref[box], picks), where=use)
        return seen, rise, seen_ref

    def learn(self, image: Image, bright_bg: Image, frame: int, cfg: DetectorConfig) -> None:
        """Blend the frame in (half the rows at twice the rate, as the brightness
        background), only while some of the brightness background clips."""
        if image.ndim != 3 or cv2.minMaxLoc(bright_bg)[1] < cfg.saturated:
            self._bg = None
            return
        if self._bg is None or self._bg.shape != image.shape:
            self._bg = image.copy()
            return
        r = min(1.0, 2 * self.rate)
        rows = slice(frame % 2, None, 2)
        cv2.addWeighted(image[rows], r, self._bg[rows], 1.0 - r, 0.0, dst=self._bg[rows])


# The smallest box side worked on: OpenCV's bindings take an array of up to four
# elements along an axis for a scalar.
_MIN_SIDE = 8


def _at_least(x: int, y: int, w: int, h: int, shape: tuple[int, ...]
              ) -> tuple[slice, slice]:
    """The box (x, y, w, h), grown to `_MIN_SIDE` a side inside an image of `shape`."""
    rows, cols = shape[:2]
    x0, y0 = max(0, min(x, cols - _MIN_SIDE)), max(0, min(y, rows - _MIN_SIDE))
    return slice(y0, max(y + h, y0 + _MIN_SIDE)), slice(x0, max(x + w, x0 + _MIN_SIDE))


def _headroom_channel(bg: Image, most: int) -> tuple[Image, Image, Image]:
    """Per pixel, the channel with the most headroom (the darkest background), if it has
    room for a rise (at most `most`): a mask per channel (B, G, R; 255 where it is the
    one, none where no channel has room). The darkest of three levels changes smoothly
    as they drift (where two swap, they are equal), so a change of choice as the
    exposure or the balance moves never reads as light that rose or fell."""
    chans = cv2.split(bg)
    best = cv2.min(chans[0], cv2.min(chans[1], chans[2]))
    room = cv2.compare(best, most, cv2.CMP_LE)
    red = cv2.bitwise_and(cv2.compare(chans[2], best, cv2.CMP_EQ), room)
    green = cv2.bitwise_and(cv2.compare(chans[1], best, cv2.CMP_EQ), room)
    green = cv2.bitwise_and(green, cv2.bitwise_not(red))
    blue = cv2.bitwise_and(room, cv2.bitwise_not(cv2.bitwise_or(red, green)))
    return blue, green, red


def _take(image: Image, picks: tuple[Image, Image, Image]) -> Image:
    """Each pixel's level in the channel `picks` names (blue where none does)."""
    out: Image = cv2.extractChannel(image, 0)
    for c in (1, 2):
        np.copyto(out, cv2.extractChannel(image, c), where=picks[c].view(bool))
    return out
