"""The candidate search's shortcut equals the plain area resize it replaces; a core's thickness."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from hardware.vision.pixels import core_thickness
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


def test_a_cores_thickness_is_its_width_across_its_narrowest_axis() -> None:
    def core(*pixels: tuple[int, int]) -> np.ndarray:
        out = np.zeros((9, 9), np.uint8)
        for y, x in pixels:
            out[y, x] = 1
        return out

    line, diagonal = core((4, 2), (4, 3), (4, 4), (4, 5)), core((2, 2), (3, 3), (4, 4))
    assert core_thickness(line) == pytest.approx(1.0)
    assert core_thickness(diagonal) == pytest.approx(1.0)  # a line at any angle
    assert core_thickness(core((3, 3), (3, 4), (4, 3), (4, 4))) == pytest.approx(2.0)
    assert 1.5 < core_thickness(core((3, 3), (3, 4), (4, 3))) < 1.6  # the smallest dot kept
    assert core_thickness(np.zeros((9, 9), np.uint8)) == 0.0
