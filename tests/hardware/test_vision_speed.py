"""Cheaper candidate work with the same verdicts: a candidate measured in the whole
region wherever it lies in it, a channel's top read from one histogram of the image and
learnt from each view's max (counted only where it reaches the highest top seen), a
streak's colour measured only where the streak rule may need it; a wide region's
components ranked by their local maxima, labelled without statistics and boxed by flood
fill, and a plateau of one patch centred without labelling: the same blobs, bit for bit."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import replace

import cv2
import numpy as np
import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from hardware.vision import pixels, spots
from hardware.vision.channels import (
    LOWEST_TOP,
    MIN_CLIPPED,
    PILE_UP,
    STRIPS,
    Box,
    ChannelBalance,
    Pile,
    balance_gains,
    channel_top,
    gain_table,
    highest,
)
from hardware.vision.config import Blob, DetectorConfig, changed
from hardware.vision.frames import Image
from hardware.vision.pixels import (
    brightness,
    component_box,
    components,
    plateau,
    weighted_shape,
)
from hardware.vision.spots import blobs_in
from tests.hardware.test_vision_cost import peaks_by_sort, peaks_filling, ranked_by_sort


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
    assert highest(image, [1]) == [230]  # a max per channel
    assert highest(image, [0, 1, 2]) == [100, 230, 250]  # down the rows first
    pile = Pile()
    pile.add(image, 1, 230)
    assert (pile.level, pile.at, pile.below) == (230, 20, 10)
    view = image[2:12, 0:8]  # a candidate's box: a view, not a copy
    assert highest(view, [1, 2]) == [230, 250]
    pile = Pile()
    pile.add(view, 1, 230)
    assert (pile.level, pile.at, pile.below) == (230, 20, 10)
    assert channel_top(np.ascontiguousarray(image[..., 1])) == 230


def test_a_dark_channel_adds_nothing_to_the_piles() -> None:
    pile = Pile()
    pile.add(np.full((10, 10, 3), 90, np.uint8), 0, 90)  # below half scale: no clip
    assert (pile.level, pile.at, pile.below, pile.top()) == (0, 0, 0, 0)
    assert highest(np.zeros((0, 10, 3), np.uint8), [0]) == [0]  # a tiny frame's strip
    assert highest(np.zeros((100, 0, 3), np.uint8), [0, 1, 2]) == [0, 0, 0]


def test_only_the_highest_top_seen_keeps_its_counts() -> None:
    image = np.full((10, 10), 100, np.uint8)
    image[0, :9] = 230
    image[1, :4] = 229
    pile = Pile()
    pile.add(image, 0, 230)
    image[0, :9] = 229  # a view whose own top is lower: nothing
    pile.add(image, 0, 229)
    assert (pile.level, pile.at, pile.below) == (230, 9, 4)
    image[0, :9] = 230  # the same top again: both counts add up
    pile.add(image, 0, 230)
    assert (pile.level, pile.at, pile.below, pile.top()) == (230, 18, 8, 230)
    image[5, 5] = 231  # one pixel higher: the counts start again there
    pile.add(image, 0, 231)
    assert (pile.level, pile.at, pile.below, pile.top()) == (231, 1, 9, 0)


@st.composite
def _views(draw: st.DrawFn) -> Image:
    """A view up to 120x60 (empty or not) of a random frame, with margins round it."""
    h, w = draw(st.integers(0, 120)), draw(st.integers(0, 60))
    top, left, bottom, right = (draw(st.integers(0, 8)) for _ in range(4))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    frame = rng.integers(0, 256, (top + h + bottom, left + w + right, 3)).astype(np.uint8)
    return frame[top:top + h, left:left + w]


@settings(max_examples=300, deadline=None)
@given(view=_views(), channels=st.lists(st.integers(0, 2), min_size=1, max_size=3, unique=True))
def test_a_views_highest_levels_are_its_channels_maxes(view: Image, channels: list[int]
                                                      ) -> None:
    assert highest(view, channels) == [
        int(view[..., c].max()) if view.size else 0 for c in channels]


class PlainBalance:
    """`ChannelBalance` as it was: a histogram of every view, each view's counts at its
    own top and just below it piled up per level, the top read from the piles."""

    def __init__(self) -> None:
        self.tops = [0, 0, 0]
        self.gains: tuple[float, ...] = (1.0, 1.0, 1.0)
        self.table: Image | None = None
        self.turn = 0
        self.piles = np.zeros((3, 2, 256), np.int64)

    def learn(self, image: Image, spots: list[Box], every: bool) -> tuple[float, ...] | None:
        open_ = [c for c, t in enumerate(self.tops) if t < 255]
        if not open_:
            return None
        if every:
            views = [(c, image) for c in open_]
        else:
            self.turn += 1
            c, strip = open_[self.turn % len(open_)], (self.turn // len(open_)) % STRIPS
            h = image.shape[0]
            views = [(c, image[strip * h // STRIPS:(strip + 1) * h // STRIPS])]
            views += [(c, image[y0:y1, x0:x1]) for c in open_ for x0, y0, x1, y1 in spots
                      if x1 > x0 and y1 > y0]
        for c, view in views:
            plain_pile(view, c, self.piles[c])
        for c in open_:
            self.tops[c] = plain_top(self.piles[c])
        gains = balance_gains(tuple(self.tops), 0.02)
        if gains == self.gains:
            return None
        before, self.gains = self.gains, gains
        self.table = None if all(g == 1.0 for g in gains) else gain_table(gains)
        return before


def plain_pile(image: Image, channel: int, piles: np.ndarray) -> None:
    hist = cv2.calcHist([image], [channel], None, [256], [0, 256]).ravel()
    levels = np.flatnonzero(hist)
    top = int(levels[-1]) if len(levels) else 0
    if top >= LOWEST_TOP:
        piles[0, top] += int(hist[top])
        piles[1, top] += int(hist[top - 1])


def plain_top(piles: np.ndarray) -> int:
    seen = np.flatnonzero(piles[0])
    if not len(seen):
        return 0
    top = int(seen[-1])
    return top if piles[0, top] >= MIN_CLIPPED and piles[0, top] >= PILE_UP * piles[1, top] else 0


def _near_the_top(rng: np.random.Generator, h: int, w: int, ceilings: list[int]) -> Image:
    """Levels mostly 120-255, each channel cut at its ceiling or a level or two under it
    (a clip: levels pile up there), some pixels in a few levels just under the cut (as
    many at the level below as at the top, or more: no clip), and a few stray brighter
    pixels over it (a clip outshone)."""
    cut = np.asarray(ceilings) - rng.integers(0, 3, 3)
    image = np.minimum(rng.integers(120, 256, (h, w, 3)), cut)
    near = rng.random((h, w, 3)) < rng.random()
    image[near] = (cut - rng.choice(3, (h, w, 3), p=rng.dirichlet((1, 1, 1))))[near]
    stray = rng.random((h, w, 3)) < 0.005
    image[stray] = rng.integers(120, 256, int(stray.sum()))
    return image.astype(np.uint8)


@st.composite
def _calls(draw: st.DrawFn) -> tuple[tuple[int, int], list[tuple[str, int, list[Box], bool]]]:
    """A frame size and calls: ("learn", noise seed, boxes, every) or ("reset", ...)."""
    h, w = draw(st.integers(1, 40)), draw(st.integers(1, 30))
    edge = st.tuples(st.integers(0, w), st.integers(0, h), st.integers(0, w), st.integers(0, h))
    call = st.tuples(st.sampled_from(["learn"] * 12 + ["reset"]), st.integers(0, 2**32 - 1),
                     st.lists(edge, max_size=6), st.booleans() if draw(st.booleans())
                     else st.just(False))
    return (h, w), draw(st.lists(call, min_size=1, max_size=30))


@settings(max_examples=300, deadline=None)
@given(calls=_calls(), ceilings=st.lists(st.sampled_from([128, 180, 204, 230, 250, 254, 255]),
                                         min_size=3, max_size=3))
def test_the_balance_learns_as_the_histogram_of_every_view_did(
        calls: tuple[tuple[int, int], list[tuple[str, int, list[Box], bool]]],
        ceilings: list[int]) -> None:
    (h, w), steps = calls
    balance, plain = ChannelBalance(), PlainBalance()
    for kind, seed, boxes, every in steps:
        if kind == "reset":
            balance.reset()
            plain = PlainBalance()
            continue
        image = _near_the_top(np.random.default_rng(seed), h, w, ceilings)
        before = balance.learn(image, boxes, every)
        assert before == plain.learn(image, boxes, every)
        assert (balance.tops, balance.gains) == (plain.tops, plain.gains)
        assert np.array_equal(balance.apply(image), image if plain.table is None
                              else cv2.LUT(image, plain.table))
        event(f"tops known: {sum(t > 0 for t in balance.tops)}")
        event(f"gains changed: {before is not None}")


@settings(max_examples=200, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), h=st.integers(1, 30), w=st.integers(1, 30),
       ceiling=st.integers(100, 255))
def test_a_channel_top_is_read_as_from_its_histogram(seed: int, h: int, w: int,
                                                     ceiling: int) -> None:
    channel = _near_the_top(np.random.default_rng(seed), h, w, [ceiling] * 3)[..., 0].copy()
    piles = np.zeros((2, 256), np.int64)
    plain_pile(channel, 0, piles)
    assert channel_top(channel) == plain_top(piles)


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
    assert int(np.count_nonzero(rise >= 24)) > pixels._FEW_RISEN
    assert peaks_filling(half, rise, 24) == peaks_by_sort(half, rise, 24)


def test_a_components_box_by_flood_fill_is_its_statistics_box() -> None:
    rng = np.random.default_rng(8)
    for _ in range(50):
        h, w = (int(v) for v in rng.integers(1, 70, 2))
        mask = ((rng.random((h, w)) < rng.random()) * 255).astype(np.uint8)
        n, labels, stats, _ = components(mask)
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
            m.setattr(spots, "peaks_in_turn", _peaks_by_labels)
            m.setattr(spots, "component_box", _box_from_statistics)
            m.setattr(spots, "_measure", lambda *a, **_: measure(*a))  # knows nothing
            plain = blobs_in(image, ref, bright, rise, 0, 0, cfg, (640, 480))
        assert len(fast) >= 4 and fast == plain
        assert any(b.accepted for b in fast) and any(not b.accepted for b in fast)


def _box_from_statistics(mask: Image, x: int, y: int, value: int = 1
                         ) -> tuple[int, int, int, int, int]:
    """The statistics box of the component of `mask` holding (x, y), by full labelling,
    the component marked `value`."""
    _, labels, stats, _ = components(mask)
    mask[labels == labels[y, x]] = value
    return tuple(int(v) for v in stats[labels[y, x]][:5])  # type: ignore[return-value]


def _peaks_by_labels(half: Image, rise: Image, level: int) -> Iterator[tuple[int, int]]:
    """The peaks of `half`'s components reaching `level`, ranked plainly: labels with
    statistics, every risen pixel sorted."""
    labels = components(half)[1]
    for _, py, px in ranked_by_sort(labels, rise, level):
        yield py, px


def test_a_region_with_nothing_risen_enough_is_not_labelled(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # a wide region masked to its clipped pixels, none of them risen: no candidate, and
    # no ranking of the region
    def refuse(half: Image, rise: Image, level: int) -> Iterator[tuple[int, int]]:
        raise AssertionError("ranked")

    monkeypatch.setattr(spots, "peaks_in_turn", refuse)
    rise = np.full((300, 400), 23, np.uint8)  # just under `min_rise` everywhere
    image = np.full((300, 400, 3), 200, np.uint8)
    assert blobs_in(image, image, brightness(image), rise, 0, 0, DetectorConfig(),
                    (640, 480)) == []


def test_a_blob_changed_is_the_blob_replaced() -> None:
    b = Blob(1.5, 2.5, 30, 5, 6, 250, 120, 3.0, 0.1, 2.0, 1.0, "red", True, "", 1.2)
    assert changed(b, activity=4.0, accepted=False, why="activity") == replace(
        b, activity=4.0, accepted=False, why="activity")
    assert changed(b) == b
