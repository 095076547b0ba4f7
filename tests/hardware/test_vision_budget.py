"""Bounded cost per frame: candidates measured in their own boxes, strongest first, at
most `max_candidates` a frame, whatever the frame holds."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np
import pytest

from hardware.vision import spots
from hardware.vision.config import Blob, DetectorConfig
from hardware.vision.detector import ShotDetector
from hardware.vision.evaluate import read_frames
from hardware.vision.frames import Frame
from hardware.vision.pixels import brightness
from hardware.vision.spots import blobs_in
from tests.hardware.test_vision_cost import peaks_filling


def _dots(levels: list[int], size: tuple[int, int] = (640, 480)) -> np.ndarray:
    """A dark frame with one clipped round dot per level, in a row."""
    w, h = size
    image = np.full((h, w, 3), 20, np.uint8)
    for k, level in enumerate(levels):
        cv2.circle(image, (30 + 30 * (k % 20), 40 + 60 * (k // 20)), 4, (level,) * 3, -1)
    return image


def test_the_strongest_components_come_first() -> None:
    rise = np.zeros((20, 40), np.uint8)
    rise[5, 5], rise[5, 20], rise[5, 35] = 60, 200, 120
    half = cv2.threshold(rise, 24, 255, cv2.THRESH_BINARY)[1]
    assert peaks_filling(half, rise, 50) == [(5, 20), (5, 35), (5, 5)]


def test_a_frame_measures_no_more_than_its_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    measure = spots._measure

    def counted(*args: object, **kwargs: object) -> Blob:
        calls.append(1)
        return measure(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(spots, "_measure", counted)
    image = _dots([120 + 3 * k for k in range(40)])  # forty dots, dimmest first
    ref = np.full_like(image, 20)
    bright, rise = brightness(image), cv2.subtract(brightness(image), brightness(ref))
    cfg = replace(DetectorConfig(), min_peak=100)
    found = blobs_in(image, ref, bright, rise, 0, 0, cfg, (640, 480))
    assert len(calls) == cfg.max_candidates == len(found)
    assert min(b.peak for b in found) == 120 + 3 * (40 - cfg.max_candidates)  # the strongest


def test_a_wide_change_is_measured_in_a_dot_sized_window() -> None:
    # a bright person-sized shape: too big for a dot, rejected without measuring all of it
    image = np.full((480, 640, 3), 20, np.uint8)
    image[100:400, 200:300] = 250
    ref = np.full_like(image, 20)
    bright, rise = brightness(image), cv2.subtract(brightness(image), brightness(ref))
    found = blobs_in(image, ref, bright, rise, 0, 0, DetectorConfig(), (640, 480))
    assert len(found) == 1 and not found[0].accepted and found[0].why == "area"


def test_the_detector_still_finds_a_dot_among_many_moving_things() -> None:
    det = ShotDetector()
    base = np.full((480, 640, 3), 30, np.uint8)
    for i in range(30):  # settle on the scene
        det.feed(Frame(base, i * 33_000_000, i))
    busy = base.copy()
    for k in range(60):  # sixty dim grey specks of changing light, and one laser dot
        cv2.circle(busy, (20 + 10 * k, 400), 2, (90, 90, 90), -1)
    cv2.circle(busy, (320, 200), 6, (60, 60, 255), -1)  # red fringe
    cv2.circle(busy, (320, 200), 4, (255, 255, 255), -1)  # white core
    events = det.feed(Frame(busy, 30 * 33_000_000, 30))
    assert [(round(e.x), round(e.y), e.colour) for e in events] == [(320, 200, "red")]


@pytest.mark.slow  # decodes a peer clip and runs the detector on it: a few seconds
def test_no_frame_of_bouncing_targets_measures_past_its_budget(
        shootoff_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The peer's bouncing targets spend the whole candidate budget on most frames, and
    their leading edges bring new light: measuring a region again comes out of the same
    budget, never past it (it used to take one candidate more)."""
    calls: list[int] = []
    measure = spots._measure

    def counted(*args: object, **kwargs: object) -> Blob:
        calls.append(1)
        return measure(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(spots, "_measure", counted)
    det = ShotDetector()
    per_frame = []
    clip = shootoff_dir / "shotsearcher" / "logitech-nobg-bouncingtargets-noshots.mp4"
    for frame in read_frames(clip):
        calls.clear()
        det.feed(frame)
        per_frame.append(len(calls))
    budget = DetectorConfig().max_candidates
    assert per_frame.count(budget) > len(per_frame) // 3  # the budget is spent often
    assert max(per_frame) == budget
