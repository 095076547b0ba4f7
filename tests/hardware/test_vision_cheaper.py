"""The detector's cheaper computations equal the plain ones they replace, bit for bit."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hardware.vision import spots
from hardware.vision.spots import _cells_set, _regions

SIZES = [(640, 480), (960, 540), (640, 360), (683, 384), (17, 9), (8, 8), (24, 13), (16, 31)]


def _regions_plain(rise: np.ndarray, level: int) -> list[tuple[int, int, int, int]]:
    """`spots._regions` as first written: the area resize of the whole mask."""
    _, mask = cv2.threshold(rise, level - 1, 255, cv2.THRESH_BINARY)
    h, w = mask.shape
    small = cv2.resize(mask, (max(1, w // 8), max(1, h // 8)), interpolation=cv2.INTER_AREA)
    n, _, stats, _ = cv2.connectedComponentsWithStats((small > 0).view(np.uint8),
                                                      connectivity=8)
    sx, sy = w / small.shape[1], h / small.shape[0]
    boxes = []
    for i in range(1, n):
        x, y, bw, bh, _ = stats[i]
        boxes.append((int(x * sx), int(y * sy), int(np.ceil((x + bw) * sx)),
                      int(np.ceil((y + bh) * sy))))
    return boxes


def _cells_plain(mask: np.ndarray) -> np.ndarray:
    h, w = mask.shape
    small = cv2.resize(mask, (max(1, w // 8), max(1, h // 8)), interpolation=cv2.INTER_AREA)
    out: np.ndarray = small > 0
    return out


def _clusters(rng: np.random.Generator, h: int, w: int, count: int) -> np.ndarray:
    """A rise image with `count` clusters of random levels, some sparse, anywhere."""
    rise = np.zeros((h, w), np.uint8)
    for _ in range(count):
        x, y = int(rng.integers(0, w)), int(rng.integers(0, h))
        patch = rise[y:y + int(rng.integers(1, 40)), x:x + int(rng.integers(1, 40))]
        where = rng.random(patch.shape) < rng.random()
        patch[where] = rng.integers(0, 256, int(where.sum()))
    return rise


@pytest.mark.parametrize("size", SIZES)
def test_regions_equal_the_area_resize_of_the_whole_mask(size: tuple[int, int]) -> None:
    w, h = size
    rng = np.random.default_rng(11)
    found = 0
    for trial in range(80):
        rise = _clusters(rng, h, w, trial % 6)
        want = _regions_plain(rise, 30)
        assert _regions(rise, 30) == want
        found += len(want)
    assert found > 20  # the comparison saw regions, not only empty frames


@pytest.mark.parametrize("size", [(960, 540), (640, 480), (1280, 720), (24, 13)])
def test_cells_of_every_row_and_count_of_set_pixels(size: tuple[int, int]) -> None:
    """Every weight a row of pixels has in a cell of fractional height, with 1 to 8 set
    pixels in it: where the cell's mean is closest to rounding to nothing."""
    w, h = size
    set_cells = 0
    for row in range(h):
        for k in range(1, 9):
            mask = np.zeros((h, w), np.uint8)
            mask[row, 8:8 + k] = 255
            want = _cells_plain(mask)
            np.testing.assert_array_equal(_cells_set(mask, w // 8, h // 8), want)
            set_cells += int(want.sum())
    assert set_cells >= h * 8  # a row always weighs at least half in some cell


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(SIZES), st.integers(0, 2**32 - 1), st.floats(0.0, 0.2))
def test_cells_set_equal_the_area_resize(size: tuple[int, int], seed: int, density: float
                                         ) -> None:
    w, h = size
    rng = np.random.default_rng(seed)
    mask = np.where(rng.random((h, w)) < density, 255, 0).astype(np.uint8)
    np.testing.assert_array_equal(_cells_set(mask, max(1, w // 8), max(1, h // 8)),
                                  _cells_plain(mask))


def test_cells_in_doubt_are_left_to_the_resize(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every cell in doubt: the 8-bit resize decides, with the same result."""
    monkeypatch.setattr(spots, "_CELL_DOUBT", 1000.0)
    shrunk: list[int] = []
    real = spots._shrink

    def counted(mask: np.ndarray, cw: int, ch: int) -> np.ndarray:
        shrunk.append(1)
        return real(mask, cw, ch)

    monkeypatch.setattr(spots, "_shrink", counted)
    mask = np.where(np.random.default_rng(5).random((540, 960)) < 0.01, 255, 0).astype(np.uint8)
    np.testing.assert_array_equal(_cells_set(mask, 120, 67), _cells_plain(mask))
    assert shrunk == [1]
