"""Cheaper candidate work with the same verdicts: a candidate measured in the whole
region wherever it lies in it, a channel's top read from one histogram of the image, and
a streak's colour measured only where the streak rule may need it."""

from __future__ import annotations

import cv2
import numpy as np

from hardware.vision import spots
from hardware.vision.channels import _pile, channel_top
from hardware.vision.config import DetectorConfig
from hardware.vision.detector import brightness
from hardware.vision.frames import Image
from hardware.vision.spots import blobs_in


def test_a_dot_away_from_the_region_corner_is_measured_in_the_whole_region() -> None:
    # a clipped dot on a dark region, its ring reaching past the risen pixels' box: the
    # same blob, shifted, wherever the dot lies in the region
    def found_at(cx: int, cy: int) -> tuple[float, float, int, str]:
        image = np.full((120, 160, 3), 20, np.uint8)
        cv2.circle(image, (cx, cy), 3, (255, 255, 255), -1)
        cv2.circle(image, (cx, cy), 5, (0, 0, 120), 1)  # a red fringe: its colour
        ref = np.full_like(image, 20)
        bright = brightness(image)
        rise = cv2.subtract(bright, brightness(ref))
        (b,) = blobs_in(image, ref, bright, rise, 0, 0, DetectorConfig(), (640, 480))
        return b.x - cx, b.y - cy, b.area, b.colour

    near_corner, far_in = found_at(12, 12), found_at(100, 70)
    assert near_corner == far_in
    assert near_corner[:2] == (0.0, 0.0) and near_corner[3] == "red"


def test_a_channel_top_is_counted_in_the_image_as_it_lies() -> None:
    image = np.full((30, 40, 3), 100, np.uint8)
    image[2:6, 3:8, 1] = 230  # green: 20 pixels at its top
    image[10:12, 0:5, 1] = 229  # 10 just below it
    image[:, :, 2] = 250  # red: higher, in another channel
    piles = np.zeros((2, 256), np.int64)
    _pile(image, 1, piles)
    assert piles[0, 230] == 20 and piles[1, 230] == 10
    assert piles.sum() == 30
    view = image[2:12, 0:8]  # a candidate's box: a view, not a copy
    piles[:] = 0
    _pile(view, 1, piles)
    assert piles[0, 230] == 20 and piles[1, 230] == 10
    assert channel_top(np.ascontiguousarray(image[..., 1])) == 230


def test_a_dark_channel_adds_nothing_to_the_piles() -> None:
    piles = np.zeros((2, 256), np.int64)
    _pile(np.full((10, 10, 3), 90, np.uint8), 0, piles)  # below half scale: no clip
    assert piles.sum() == 0


def _streak(length: int, rise_level: int) -> tuple[Image, Image, Image, Image, np.ndarray]:
    """A red streak 3 px thick and `length` long on a dark frame: image, reference, its
    brightness, its rise, and its pixels."""
    image = np.full((40, 80, 3), 20, np.uint8)
    image[19:22, 10:10 + length] = (20, 20, 20 + rise_level)
    ref = np.full_like(image, 20)
    bright = brightness(image)
    rise = cv2.subtract(bright, brightness(ref))
    return image, ref, bright, rise, rise > 0


def test_a_streak_too_long_for_a_dot_is_rejected_without_its_colour() -> None:
    # 40 x 3 px: elongation about 13 (over `max_elongation` 4.5), whatever its colour
    cfg = DetectorConfig()
    args = _streak(40, 235)
    staged = spots._measure(*args, 0, 0, cfg, (640, 480))
    complete = spots._measure(*args, 0, 0, cfg, (640, 480), complete=True)
    assert staged.elongation > cfg.max_elongation
    assert staged.why == complete.why == "streak"
    assert (staged.d_red, staged.d_green) == (0.0, 0.0)  # not measured
    assert complete.d_red > 0.0 and complete.d_green == 0.0  # red light added, no green


def test_a_streak_that_may_be_laser_light_has_its_colour_measured() -> None:
    # 10 x 3 px: elongation about 3.3, between `streak_elongation` and `max_elongation`,
    # rising 235 levels (over `min_rise_streak`): its colour decides
    cfg = DetectorConfig()
    args = _streak(10, 235)
    staged = spots._measure(*args, 0, 0, cfg, (640, 480))
    assert cfg.streak_elongation < staged.elongation <= cfg.max_elongation
    assert staged.d_red > 0.0 and staged.d_green == 0.0
