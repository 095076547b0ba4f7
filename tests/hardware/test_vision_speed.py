"""Cheaper candidate work with the same results: components labelled inside the box of
the risen pixels only, and a channel's top read from one histogram of the image."""

from __future__ import annotations

import cv2
import numpy as np

from hardware.vision.channels import _pile, channel_top
from hardware.vision.config import DetectorConfig
from hardware.vision.detector import brightness
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
