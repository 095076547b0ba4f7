"""The candidate search's shortcut equals the plain area resize it replaces."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from hardware.vision.spots import _shrink


@pytest.mark.parametrize("size", [(640, 480), (960, 540), (640, 360), (683, 384), (17, 9)])
def test_shrink_is_the_area_resize_bit_for_bit(size: tuple[int, int]) -> None:
    w, h = size
    cw, ch = max(1, w // 8), max(1, h // 8)
    rng = np.random.default_rng(3)
    for trial in range(60):
        mask = np.zeros((h, w), np.uint8)
        for _ in range(trial % 4):  # none to three clusters of set pixels, anywhere
            x, y = int(rng.integers(0, w)), int(rng.integers(0, h))
            patch = mask[y:y + int(rng.integers(1, 30)), x:x + int(rng.integers(1, 30))]
            patch[rng.random(patch.shape) < rng.random()] = 255
        want = cv2.resize(mask, (cw, ch), interpolation=cv2.INTER_AREA)
        np.testing.assert_array_equal(_shrink(mask, cw, ch), want)
