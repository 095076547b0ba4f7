"""Clipped light that appeared from nothing (a pulse) against clipped content that moved,
and levels that follow the camera's clip level. Hand-drawn frames with known truth."""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np
import pytest

from hardware.events import SpotEvent
from hardware.vision.config import DetectorConfig
from hardware.vision.detector import ShotDetector, camera_levels, clip_top, detect_still
from hardware.vision.frames import Frame, Image
from hardware.vision.scenes import run_kind

PERIOD_NS = 33_333_333
Draw = Callable[[Image, int], None]


def _feed(draw: Draw, frames: int = 40, base: int = 90, gain: float = 1.0) -> list[SpotEvent]:
    """A grey scene 640x480 with what `draw` adds to frame i, through a fresh detector."""
    det = ShotDetector()
    rng = np.random.default_rng(0)
    noise = [np.clip(base + rng.normal(0, 2, (480, 640, 3)), 0, 255).astype(np.uint8)
             for _ in range(3)]  # sensor noise, a few fields in turn
    events: list[SpotEvent] = []
    for i in range(frames):
        image = noise[i % 3].copy()
        draw(image, i)
        seen: Image = cv2.convertScaleAbs(image, alpha=gain) if gain != 1.0 else image
        events.extend(det.feed(Frame(seen, i * PERIOD_NS, i)))
    return [*events, *det.flush()]


def _lamp(image: Image) -> None:
    """A static clipped white bar: a lamp or a printed white edge the camera clips on."""
    cv2.rectangle(image, (300, 200), (340, 230), (255, 255, 255), -1)


def _pulse(image: Image, i: int, at: tuple[int, int], frames: tuple[int, ...] = (25, 26)) -> None:
    if i in frames:  # a red dot whose core clips to white, a red fringe around it
        cv2.circle(image, at, 7, (40, 60, 255), -1)
        cv2.circle(image, at, 4, (255, 255, 255), -1)


def test_a_clipped_dot_beside_static_clipped_content_is_a_shot() -> None:
    """Its peak rises over nothing (the lamp beside it is as bright a frame before), but
    its clipped pixels were dark then and nothing near it moved: it appeared."""
    def draw(image: Image, i: int) -> None:
        _lamp(image)
        _pulse(image, i, (350, 215))

    events = _feed(draw)
    assert [(round(e.x), round(e.y), e.colour, e.frame_index) for e in events] == [
        (350, 215, "red", 25)]


def test_clipped_moving_targets_outdoors_give_no_false_shot() -> None:
    """White targets moving over a bright sunlit backdrop break up where they clip into
    compact clipped pieces without new light; each overlaps where it was a frame before,
    so none appeared from nothing. Tuning seed 0, first 5 s: one false shot (frame 144)
    under the compact-core rule alone, none now."""
    score = run_kind("outdoor-moving-targets", 0, seconds=5.0)
    assert (score.false, score.seconds) == (0, 5.0)


def test_a_dot_at_a_darker_exposure_is_found_at_the_scaled_levels() -> None:
    """Gain 0.55: the camera tops out at 140, and so does a clipped dot (under `min_peak`
    at 255 scale); every level scales with the clip level, so it is still a shot."""
    def draw(image: Image, i: int) -> None:
        _lamp(image)  # a clipped patch shows the camera's top level
        _pulse(image, i, (200, 300))

    events = _feed(draw, gain=0.55)
    assert [(round(e.x), round(e.y), e.colour) for e in events] == [(200, 300, "red")]
    cfg = camera_levels(DetectorConfig(), 140)
    assert (cfg.min_peak, cfg.min_rise, cfg.saturated, cfg.clip_level) == (82, 13, 130, 139)
    assert camera_levels(DetectorConfig(), 0) == DetectorConfig()


def test_the_clip_level_needs_a_flat_patch() -> None:
    image = np.full((100, 100), 90, np.uint8)
    image[5, 5] = 200  # one hot pixel is no clip level
    assert clip_top(image) == 0
    image[5, 5] = 170
    image[50:60, 50:60] = 180  # a patch held flat at the top: where this camera clips
    assert clip_top(image) == 180


def test_a_still_at_a_darker_exposure_is_judged_at_its_clip_level() -> None:
    image = np.full((480, 640, 3), 90, np.uint8)
    _lamp(image)
    _pulse(image, 25, (200, 300))
    dark = cv2.convertScaleAbs(image, alpha=0.55)
    assert [(round(e.x), round(e.y)) for e in detect_still(dark)] == [(200, 300)]


@pytest.mark.slow
def test_outdoor_moving_targets_give_few_false_shots_on_a_held_out_seed() -> None:
    # measured on seed 100 (never tuned on): 0 false in 10 s; before the rule: 3
    assert run_kind("outdoor-moving-targets", 100).false <= 1
