"""A rise per channel where brightness has no headroom left (see docs/vision.md).

Brightness is max(R, G); on a backdrop that already clips the laser's channel, or the
other of red and green, it is at the top before the pulse and nothing can rise in it.
The dot's light still shows in a channel with headroom: its white core bleeds into blue,
or into red for a green laser (the sensor's crosstalk and the demosaicing spill a clipped
channel into its neighbours). So where the brightness background clips, brightness and
rise are read in the brightest channel whose own background leaves room for a rise of
`min_rise` before it clips, each over that channel's own background. A channel
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
        box = (slice(y, y + h), slice(x, x + w))
        pick, chosen = _headroom_channel(self._bg[box], cfg.saturated - cfg.min_rise)
        use = (clipped[box] > 0) & chosen
        level, level_bg, level_ref = (_take(im[box], pick) for im in (image, self._bg, ref))
        expected = cv2.convertScaleAbs(level_bg, alpha=gain) if gain != 1.0 else level_bg
        seen, rise = bright.copy(), rise.copy()
        seen_ref = ref[..., 1:].max(axis=2) if ref is not image else seen
        seen[box][use] = level[use]
        rise[box][use] = cv2.subtract(level, expected)[use]
        if ref is not image:
            seen_ref[box][use] = level_ref[use]
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


def _headroom_channel(bg: Image, most: int) -> tuple[np.ndarray, np.ndarray]:
    """Per pixel, the brightest channel whose background is at most `most` (room for a
    rise before it clips), as an index for `_take`, and whether there is one."""
    room = np.where(bg <= most, bg.astype(np.int16), -1)
    pick = np.argmax(room, axis=2)[..., None]
    return pick, np.take_along_axis(room, pick, axis=2)[..., 0] >= 0


def _take(image: Image, pick: np.ndarray) -> Image:
    """Each pixel's level in the channel `pick` names."""
    return np.ascontiguousarray(np.take_along_axis(image, pick, axis=2)[..., 0])
