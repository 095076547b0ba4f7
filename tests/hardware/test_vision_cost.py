"""The detector's cheaper stages reach exactly what the plain ones did: the same
brightness, the same connected components, the same strongest components, and the same
verdict for every candidate whether it is measured in stages or completely."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import cv2
import numpy as np
import pytest

from hardware.vision import spots
from hardware.vision.bench import scene_frames
from hardware.vision.config import Blob
from hardware.vision.detector import ShotDetector
from hardware.vision.pixels import brightness, component_box, components, peaks_in_turn


def _blobby(rng: np.random.Generator, h: int, w: int, n: int) -> np.ndarray:
    """A rise image: n discs of random levels over faint noise."""
    rise = rng.integers(0, 14, (h, w), dtype=np.uint8)
    for _ in range(n):
        centre = (int(rng.integers(0, w)), int(rng.integers(0, h)))
        cv2.circle(rise, centre, int(rng.integers(1, 9)), int(rng.integers(20, 256)), -1)
    return rise


def test_brightness_is_the_larger_of_red_and_green_for_any_layout() -> None:
    rng = np.random.default_rng(5)
    for h, w in ((1, 1), (1, 2), (3, 7), (480, 640), (541, 959)):
        image = rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
        want = np.maximum(image[..., 1], image[..., 2])
        assert np.array_equal(brightness(image), want)
        crop = image[:, w // 3:]  # a view, not contiguous: the plain way
        assert np.array_equal(brightness(crop), np.maximum(crop[..., 1], crop[..., 2]))
    mono = rng.integers(0, 256, (4, 5), dtype=np.uint8)
    assert brightness(mono) is mono


def test_components_match_opencvs_default_labelling() -> None:
    rng = np.random.default_rng(6)
    for h, w, n in ((1, 1, 0), (7, 9, 3), (61, 83, 20), (480, 640, 200)):
        mask = (_blobby(rng, h, w, n) >= 12).view(np.uint8)
        mask[rng.random((h, w)) < 0.03] = 1  # isolated pixels: many tiny components
        n_ref, labels_ref, stats_ref, cents_ref = cv2.connectedComponentsWithStats(
            mask, connectivity=8)
        n_got, labels_got, stats_got, cents_got = components(mask)
        assert n_got == n_ref
        assert np.array_equal(labels_got, labels_ref)
        assert np.array_equal(stats_got, stats_ref)
        assert np.array_equal(cents_got, cents_ref, equal_nan=True)


def ranked_by_sort(labels: np.ndarray, rise: np.ndarray, level: int
                   ) -> list[tuple[int, int, int]]:
    """The plain ranking, by definition: every pixel over `level` sorted by rise (stably:
    raster order within a level), each component at its first pixel in that order."""
    ys, xs = np.nonzero(rise >= level)
    values, owners = rise[ys, xs], labels[ys, xs]
    order = np.argsort(-values.astype(np.int16), kind="stable")
    _, first = np.unique(owners[order], return_index=True)
    picks = order[np.sort(first)]
    return [(int(owners[k]), int(ys[k]), int(xs[k])) for k in picks if owners[k] != 0]


def peaks_filling(half: np.ndarray, rise: np.ndarray, level: int) -> list[tuple[int, int]]:
    """Every peak `peaks_in_turn` yields, each component filled (in a copy of `half`) as
    the detector fills it."""
    half = half.copy()
    out = []
    for value, (py, px) in enumerate(peaks_in_turn(half, rise, level), 1):
        out.append((py, px))
        component_box(half, px, py, value % 254 + 1)
    return out


def peaks_by_sort(half: np.ndarray, rise: np.ndarray, level: int) -> list[tuple[int, int]]:
    """`ranked_by_sort`'s peaks of the components of `half`."""
    labels = components(half)[1]
    return [(py, px) for _, py, px in ranked_by_sort(labels, rise, level)]


@pytest.mark.parametrize("seed", range(12))
def test_strong_components_rank_as_the_sort_of_every_pixel_does(seed: int) -> None:
    rng = np.random.default_rng(seed)
    rise = _blobby(rng, 40, 60, 1 + seed % 4)
    rise[rng.integers(0, 40, 3), rng.integers(0, 60, 3)] = 200  # ties at the same level
    view = rise[2:, 3:]  # the detector ranks inside a region: a view of the frame
    half = cv2.threshold(view, 11, 255, cv2.THRESH_BINARY)[1]
    assert peaks_filling(half, view, 24) == peaks_by_sort(half, view, 24)


def test_many_strong_components_rank_as_the_sort_of_every_pixel_does() -> None:
    rng = np.random.default_rng(13)
    rise = _blobby(rng, 300, 400, 150)  # a wide region of moving content: many components
    rise[rng.integers(0, 300, 40), rng.integers(0, 400, 40)] = 255  # ties at the top
    half = cv2.threshold(rise, 11, 255, cv2.THRESH_BINARY)[1]
    ranked = peaks_filling(half, rise, 24)
    assert len(ranked) > 50
    assert ranked == peaks_by_sort(half, rise, 24)
    assert peaks_filling(half, np.zeros_like(rise), 24) == []


DECIDING = ("x", "y", "area", "w", "h", "peak", "peak_rise", "elongation", "accepted", "why")


@pytest.mark.parametrize("scene", ["motion", "people"])
def test_staged_measurement_reaches_the_complete_measurements_verdict(
        scene: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every candidate of a scene with moving content and shots: the staged measurement
    reaches the verdict and position of measuring everything, and a dot it accepts is
    measured in full (a rule added to `verdicts.verdict` that looks at the surroundings must not
    be listed in `SHAPE_VERDICTS`). The peak rise and brightness the candidate search
    hands over are the component's own."""
    staged = spots._measure
    seen: list[tuple[Blob, Blob]] = []

    def both(img: Any, ref: Any, bright: Any, rise: Any, comp: Any, ox: int, oy: int,
             cfg: Any, full: tuple[int, int], **known: Any) -> Blob:
        # staged with the peaks the caller knows; complete measuring them itself
        blob = staged(img, ref, bright, rise, comp, ox, oy, cfg, full, **known)
        seen.append((blob, staged(img, ref, bright, rise, comp, ox, oy, cfg, full,
                                  complete=True)))
        return blob

    monkeypatch.setattr(spots, "_measure", both)
    det = ShotDetector()
    for frame in scene_frames(scene, (640, 480), 90):
        det.feed(frame)
    rejected = [c for s, c in seen if not s.accepted]
    assert len(seen) > 10 and 0 < len(rejected) < len(seen)  # verdicts of both kinds
    for got, want in seen:
        assert [getattr(got, k) for k in DECIDING] == [getattr(want, k) for k in DECIDING]
        if want.accepted:
            assert got == want
    # measuring in stages saved something: some rejected blob's surroundings went unmeasured
    assert any(replace(c, ring_rise=0.0, flicker=0.0, contrast=0.0, core_fill=0.0) != c
               for c in rejected)
