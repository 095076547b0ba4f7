"""Cheaper candidate work with the same verdicts: a candidate measured in the whole
region wherever it lies in it, a channel's top read from one histogram of the image, a
streak's colour measured only where the streak rule may need it; a wide region's
components ranked by their local maxima, labelled without statistics and boxed by flood
fill, and a plateau of one patch centred without labelling: the same blobs, bit for bit."""

from __future__ import annotations

import math
from dataclasses import replace

import cv2
import numpy as np
import pytest

from hardware.vision import pixels, spots
from hardware.vision.channels import _pile, channel_top
from hardware.vision.config import Blob, DetectorConfig, changed
from hardware.vision.detector import brightness
from hardware.vision.frames import Image
from hardware.vision.pixels import (
    component_box,
    components,
    labelled,
    plateau,
    strongest_components,
    weighted_shape,
)
from hardware.vision.spots import blobs_in
from tests.hardware.test_vision_cost import ranked_by_sort


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


def _wide_region(seed: int) -> tuple[Image, Image, Image, Image]:
    """A region of moving content wider than any dot (a lit, noisy patch of 20 000 risen
    pixels with clipped spots in it) and a few clipped dots beside it: image, reference,
    brightness, rise."""
    rng = np.random.default_rng(seed)
    image = np.full((200, 260, 3), 30, np.uint8)
    patch = rng.integers(60, 200, (110, 180), dtype=np.uint8)
    image[40:150, 20:200] = patch[..., None]
    for _ in range(12):  # clipped spots on the patch: candidates inside the wide component
        x, y = int(rng.integers(25, 195)), int(rng.integers(45, 145))
        cv2.circle(image, (x, y), int(rng.integers(1, 4)), (255, 255, 255), -1)
    for x, y in ((225, 30), (230, 120), (215, 180)):  # dots on their own
        cv2.circle(image, (x, y), 3, (255, 255, 255), -1)
        cv2.circle(image, (x, y), 5, (0, 0, 150), 1)
    ref = np.full_like(image, 30)
    bright = brightness(image)
    return image, ref, bright, cv2.subtract(bright, brightness(ref))


@pytest.mark.parametrize("seed", range(4))
def test_a_wide_region_ranks_by_its_local_maxima_as_by_every_pixel(seed: int) -> None:
    # over `_FEW_RISEN` risen pixels the ranking looks at local maxima alone: the same
    # components in the same order, at the same peak pixels (flat tops and ties included)
    rise = _wide_region(seed)[3]
    half = cv2.threshold(rise, 11, 255, cv2.THRESH_BINARY)[1]
    _, labels = labelled(half)
    assert int(np.count_nonzero(rise >= 24)) > pixels._FEW_RISEN
    assert strongest_components(labels, rise, 24) == ranked_by_sort(labels, rise, 24)


def test_a_components_box_by_flood_fill_is_its_statistics_box() -> None:
    rng = np.random.default_rng(8)
    for _ in range(50):
        h, w = (int(v) for v in rng.integers(1, 70, 2))
        mask = ((rng.random((h, w)) < rng.random()) * 255).astype(np.uint8)
        n, labels, stats, _ = components(mask)
        n_plain, labels_plain = labelled(mask)
        assert n_plain == n and np.array_equal(labels_plain, labels)
        filled = mask.copy()
        for i in rng.permutation(np.arange(1, n)):  # any order: components never touch
            ys, xs = np.nonzero(labels == i)
            k = int(rng.integers(len(xs)))
            assert component_box(filled, int(xs[k]), int(ys[k])) == tuple(
                int(v) for v in stats[i][:5])


def test_a_plateau_is_centred_as_opencv_centres_its_largest_patch() -> None:
    rng = np.random.default_rng(9)
    for k in range(400):
        h, w = (int(v) for v in rng.integers(3, 40, 2))
        bright = rng.integers(200, 256, (h, w)).astype(np.uint8)
        core = np.zeros((h, w), bool)
        for _ in range(1 + k % 3):  # one disc (one patch, mostly) or a few
            cv2.circle(core.view(np.uint8), (int(rng.integers(0, w)), int(rng.integers(0, h))),
                       int(rng.integers(0, 6)), 1, -1)
        top, levels = int(bright[core].max()), int(rng.integers(0, 40))
        patches = (core & (bright >= top - levels)).view(np.uint8)
        _, _, stats, cents = components(patches)
        best = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
        x, y, bw, bh = (int(v) for v in stats[best][:4])
        want = (float(cents[best][0]), float(cents[best][1]), (x, y, x + bw - 1, y + bh - 1))
        ys, xs = np.nonzero(core & (bright == top))
        pick = int(rng.integers(len(xs)))  # any pixel of the core at its peak will do
        assert plateau(bright, core, top, levels, (int(xs[pick]), int(ys[pick]))) == want


def test_a_weighted_shape_is_the_plain_weighted_covariance() -> None:
    # OpenCV's central moments against the sums over each pixel's offset from the
    # weighted centre: the same axes, to rounding
    rng = np.random.default_rng(10)
    for k in range(300):
        h, w = (int(v) for v in rng.integers(1, 40, 2))
        weights = (rng.integers(0, 256, (h, w)) * (rng.random((h, w)) < 0.6)).astype(np.uint8)
        weights[int(rng.integers(h)), int(rng.integers(w))] = 1 + k % 255  # never empty
        ys, xs = np.nonzero(weights)
        wts = weights[ys, xs].astype(np.float64)
        sw = float(wts.sum())
        dx, dy = xs - float(xs @ wts) / sw, ys - float(ys @ wts) / sw
        cxx, cyy = float(wts @ dx**2) / sw + 1 / 12, float(wts @ dy**2) / sw + 1 / 12
        cxy = float(wts @ (dx * dy)) / sw
        root, mid = math.hypot((cxx - cyy) / 2, cxy), (cxx + cyy) / 2
        area, elongation = weighted_shape(weights)
        assert area == len(xs)
        assert elongation == pytest.approx(math.sqrt((mid + root) / max(mid - root, 1e-6)),
                                           rel=1e-9)


def test_the_blobs_of_a_wide_region_are_those_measured_plainly(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # the region's labels without statistics, boxes by flood fill, ranking by local
    # maxima and the measurement given what screening found: the same blobs, bit for
    # bit, as the plain way (labels with statistics, each candidate measured from its
    # component alone)
    cfg = DetectorConfig()
    measure = spots._measure
    for seed in range(4):
        image, ref, bright, rise = _wide_region(seed)
        fast = blobs_in(image, ref, bright, rise, 0, 0, cfg, (640, 480))
        with monkeypatch.context() as m:
            m.setattr(spots, "labelled", lambda mask: components(mask)[:2])
            m.setattr(spots, "component_box", _box_from_statistics)
            m.setattr(spots, "strongest_components", ranked_by_sort)
            m.setattr(spots, "_measure", lambda *a, **_: measure(*a))  # knows nothing
            plain = blobs_in(image, ref, bright, rise, 0, 0, cfg, (640, 480))
        assert len(fast) >= 4 and fast == plain
        assert any(b.accepted for b in fast) and any(not b.accepted for b in fast)


def _box_from_statistics(mask: Image, x: int, y: int) -> tuple[int, int, int, int, int]:
    """The statistics box of the component of `mask` holding (x, y), by full labelling."""
    _, labels, stats, _ = components(mask)
    return tuple(int(v) for v in stats[labels[y, x]][:5])  # type: ignore[return-value]


def test_a_region_with_nothing_risen_enough_is_not_labelled(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # a wide region masked to its clipped pixels, none of them risen: no candidate, and
    # no labelling of the region
    def refuse(mask: Image) -> tuple[int, np.ndarray]:
        raise AssertionError("labelled")

    monkeypatch.setattr(spots, "labelled", refuse)
    rise = np.full((300, 400), 23, np.uint8)  # just under `min_rise` everywhere
    image = np.full((300, 400, 3), 200, np.uint8)
    assert blobs_in(image, image, brightness(image), rise, 0, 0, DetectorConfig(),
                    (640, 480)) == []


def test_a_blob_changed_is_the_blob_replaced() -> None:
    b = Blob(1.5, 2.5, 30, 5, 6, 250, 120, 3.0, 0.1, 2.0, 1.0, "red", True, "", 1.2)
    assert changed(b, activity=4.0, accepted=False, why="activity") == replace(
        b, activity=4.0, accepted=False, why="activity")
    assert changed(b) == b
