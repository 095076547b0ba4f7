"""The detector's cheaper computations equal the plain ones they replace, bit for bit."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hardware.vision import spots
from hardware.vision.detector import ShotDetector
from hardware.vision.evaluate import read_frames
from hardware.vision.history import new_light_of
from hardware.vision.memory import median
from hardware.vision.pixels import (
    _headroom_table,
    added_light,
    added_light_in,
    brightness,
    components,
    dot_colour,
    dot_colour_in,
    peaks_in_turn,
    ring_means,
)
from hardware.vision.spots import _cells_set, _regions
from tests.hardware.test_vision_cost import peaks_by_sort, peaks_filling

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


@settings(max_examples=300, deadline=None)
@given(st.lists(st.floats(0.0, 300.0, width=32), min_size=1, max_size=400),
       st.integers(0, 3))
def test_median_is_numpys(values: list[float], repeats: int) -> None:
    """Odd and even counts, ties (values repeated), float32 sums that round."""
    samples = np.array(values * (repeats + 1), np.float32)
    assert median(samples) == float(np.median(samples))


def test_median_of_the_middle_two_rounds_as_numpys() -> None:
    """Two middle values whose float32 sum rounds: the mean is numpy's, not the exact one."""
    samples = np.array([1.0, 16777215.0, 16777214.0, 3e7], np.float32)
    assert median(samples) == float(np.median(samples)) == 16777214.0
    assert median(samples) != (16777215.0 + 16777214.0) / 2


def _patches(seed: int, h: int, w: int, density: float
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    now = rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
    before = rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
    mask = rng.random((h, w)) < density
    return now, before, mask, rng.integers(0, 256, (h, w), dtype=np.uint8)


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 60), st.integers(1, 60),
       st.floats(0.0, 1.0), st.booleans())
def test_ring_means_are_numpys(seed: int, h: int, w: int, density: float, mono: bool
                               ) -> None:
    now, before, ring, rise = _patches(seed, h, w, density)
    ring[h // 2, w // 2] = True  # not empty
    bright = brightness(now)
    ref = before[..., 0] if mono else before
    was = ref if mono else np.maximum(before[..., 1], before[..., 2])
    change = np.abs(bright.astype(int) - was.astype(int))
    want = (bright[ring].mean(), rise[ring].mean(), change[ring].mean())
    assert ring_means(bright, rise, ref, ring) == want


def test_ring_means_of_a_full_bright_frame() -> None:
    """The largest sums: every pixel of a 1080p frame at 255."""
    bright = np.full((1080, 1920), 255, np.uint8)
    ring = np.ones((1080, 1920), bool)
    ref = np.zeros((1080, 1920, 3), np.uint8)
    assert ring_means(bright, bright, ref, ring) == (255.0, 255.0, 255.0)


def test_headroom_table_is_the_arithmetic() -> None:
    """Every pair of levels: the table holds the share the float32 arithmetic gives."""
    now = np.tile(np.arange(256, dtype=np.float32), 256)
    before = np.repeat(np.arange(256, dtype=np.float32), 256)
    want = np.maximum(now - before, np.float32(0)) / np.maximum(np.float32(255) - before,
                                                                np.float32(64))
    assert want.dtype == np.float32
    assert np.array_equal(_headroom_table(), want)


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 60), st.integers(1, 60),
       st.floats(0.0, 1.0), st.integers(0, 3), st.integers(0, 3))
def test_added_light_in_a_box_is_the_plain_sum(seed: int, h: int, w: int, density: float,
                                               dx: int, dy: int) -> None:
    """Random levels, any mask (empty included), boxes that are views of a larger frame."""
    now, before, mask, _ = _patches(seed, h + dy, w + dx, density)
    box = (slice(dy, None), slice(dx, None))
    mask = np.ascontiguousarray(mask[box])
    assert added_light_in(now[box], before[box], mask) == added_light(now[box][mask],
                                                                      before[box][mask])
    assert dot_colour_in(now[box], before[box], mask) == dot_colour(now[box][mask],
                                                                    before[box][mask])


def test_added_light_in_sums_in_order() -> None:
    """Shares whose float32 sum depends on the order they are added in: the running sum
    is the plain one's (a pairwise or a double sum would differ)."""
    rng = np.random.default_rng(5)
    now = rng.integers(0, 256, (64, 64, 3), dtype=np.uint8)
    before = rng.integers(0, 64, (64, 64, 3), dtype=np.uint8)
    mask = np.ones((64, 64), bool)
    shares = _headroom_table()[before[..., 1:].astype(np.intp) * 256 + now[..., 1:]]
    pairwise = np.ascontiguousarray(shares.reshape(-1, 2).T).sum(axis=1)
    assert (float(pairwise[1]), float(pairwise[0])) != added_light(now[mask], before[mask])
    assert added_light_in(now, before, mask) == added_light(now[mask], before[mask])


def _plateau_plain(bright: np.ndarray, core: np.ndarray, top: int, levels: int,
                   seed: tuple[int, int]) -> tuple[float, float, tuple[int, int, int, int]]:
    """`pixels.plateau` as it was: on the whole box, OpenCV's centroid of the largest."""
    patch = (core & (bright >= top - levels)).view(np.uint8)
    _, _, stats, cents = components(patch)
    best = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    x, y, bw, bh = (int(v) for v in stats[best][:4])
    return float(cents[best][0]), float(cents[best][1]), (x, y, x + bw - 1, y + bh - 1)


def _checked(monkeypatch: pytest.MonkeyPatch, name: str,
             plain: Callable[..., Any], args: Callable[..., tuple[Any, ...]]) -> list[int]:
    """Replace `spots.<name>` by itself checked against `plain` on every call (`args`: the
    plain one's arguments from the call's); the calls counted."""
    cheap = getattr(spots, name)
    calls: list[int] = []

    def checked(*a: Any) -> Any:
        want = plain(*args(*a))
        got = cheap(*a)
        assert got == want
        calls.append(1)
        return got

    monkeypatch.setattr(spots, name, checked)
    return calls


@pytest.mark.parametrize("clip", ["logitech-nobg-bouncingtargets-noshots.mp4",
                                  "lifecam-motion-in-room.mp4"])
def test_cheaper_measurement_on_the_peer_motion_clips(
        monkeypatch: pytest.MonkeyPatch, shootoff_dir: Path, clip: str) -> None:
    """Every candidate of the peer's two motion clips: the ranking of its region's
    peaks, its colour sums, its plateau and whether a blob rejected for motion brings new
    light, as the plain computations give them."""
    light = _checked(monkeypatch, "added_light_in", added_light,
                     lambda now, before, mask: (now[mask], before[mask]))
    _checked(monkeypatch, "dot_colour_in", dot_colour,
             lambda now, before, mask: (now[mask], before[mask]))
    patches = _checked(monkeypatch, "plateau", _plateau_plain,
                       lambda bright, core, top, levels, seed, within=None:
                       (bright, core.copy(), top, levels, seed))
    asked = _checked(monkeypatch, "brings_new_light",
                     lambda b, recent, reach, level: new_light_of(b, recent, reach) >= level,
                     lambda *a: a)
    monkeypatch.setattr(spots, "peaks_in_turn", _peaks_checked)
    det = ShotDetector()
    for frame in read_frames(shootoff_dir / "shotsearcher" / clip):
        det.feed(frame)
    assert len(light) > 50 and len(patches) > 50 and asked  # and every dot's colour


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 80), st.integers(1, 80),
       st.sampled_from([2, 4, 256]), st.integers(1, 40))
def test_peaks_in_turn_are_the_ranking_by_labels(seed: int, h: int, w: int, levels: int,
                                                 blobs: int) -> None:
    """Random regions, few distinct levels (ties and flat tops) among them, as views, and
    past `_FEW_RISEN` risen pixels (the local maxima): the same peaks in the same order."""
    rng = np.random.default_rng(seed)
    frame = np.zeros((h + 2, w + 2), np.uint8)
    rise = frame[1:-1, 1:-1]
    for _ in range(blobs):
        y, x = int(rng.integers(0, h)), int(rng.integers(0, w))
        patch = rise[y:y + int(rng.integers(1, 30)), x:x + int(rng.integers(1, 30))]
        patch[...] = rng.integers(0, levels, patch.shape) * (255 // (levels - 1))
    level = int(rng.integers(2, 256))
    half = cv2.threshold(rise, level // 2 - 1, 255, cv2.THRESH_BINARY)[1]
    assert peaks_filling(half, rise, level) == peaks_by_sort(half, rise, level)


def _peaks_checked(half: np.ndarray, rise: np.ndarray, level: int) -> Iterator[tuple[int, int]]:
    """`peaks_in_turn`, each peak held to the plain ranking of the region as it was."""
    want = iter(peaks_by_sort(half, rise, level))
    for peak in peaks_in_turn(half, rise, level):
        assert peak == next(want)
        yield peak
