"""Levels that follow the exposure (`hardware.vision.levels`): a frame's own top level
after its gain drops, and `min_peak` from the scene where the camera's top level is not
known. Hand-drawn frames with known truth (each fails without its rule)."""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np
import pytest

from hardware.events import SpotEvent
from hardware.vision.config import DetectorConfig
from hardware.vision.detector import ShotDetector
from hardware.vision.frames import Frame, Image
from hardware.vision.levels import frame_top, scene_levels

PERIOD_NS = 33_333_333
Draw = Callable[[Image, int], None]


def _feed(draw: Draw, base: int, gain: Callable[[int], float], frames: int = 40,
          noise: float = 2.0) -> list[tuple[int, int, str, int]]:
    """A grey scene 640x480 at `base`, what `draw` adds to frame i, then the camera's
    gain for frame i applied after the sensor clipped (a digital gain, as auto exposure
    applies it), through a fresh detector: (x, y, colour, frame) of each shot."""
    det = ShotDetector()
    rng = np.random.default_rng(0)
    fields = [np.clip(base + rng.normal(0, noise, (480, 640, 3)), 0, 255).astype(np.uint8)
              for _ in range(3)]
    events: list[SpotEvent] = []
    for i in range(frames):
        image = fields[i % 3].copy()
        draw(image, i)
        seen: Image = cv2.convertScaleAbs(image, alpha=gain(i))
        events.extend(det.feed(Frame(seen, i * PERIOD_NS, i)))
    return [(round(e.x), round(e.y), e.colour, e.frame_index) for e in [*events, *det.flush()]]


def _dot(image: Image, at: tuple[int, int], core: int, fringe: int) -> None:
    """A red laser dot whose core clips to white, a red fringe around it."""
    cv2.circle(image, at, fringe, (40, 60, 255), -1)
    cv2.circle(image, at, core, (255, 255, 255), -1)


def test_a_close_dot_after_the_gain_drops_is_clipped_at_the_frames_own_top() -> None:
    """A lamp shows the top level 255; then auto exposure lowers the gain to 0.85, and
    the lamp and a close dot's clipped core (about 250 px) sit at 217. Judged against the
    top seen before, the dot is a big blob that does not clip ("peak"); against this
    frame's top it is a clipped dot."""
    def draw(image: Image, i: int) -> None:
        cv2.rectangle(image, (20, 20), (60, 50), (255, 255, 255), -1)
        if i == 30:
            _dot(image, (300, 240), 9, 12)

    def gain(i: int) -> float:
        return 1.0 if i < 15 else 0.85

    assert _feed(draw, 90, gain) == [(300, 240, "red", 30)]
    assert frame_top(217, 255) == 217 and frame_top(0, 255) == 255


def test_a_dim_dot_on_a_dark_scene_of_a_camera_whose_top_is_not_known() -> None:
    """Gain 0.55 on a dark room (level 25): the dot's core tops out at 140, under the
    fixed `min_peak`, and nothing in view clips in a patch that would show the top
    level. The dot is far brighter than the brightest part of the scene: a shot."""
    def draw(image: Image, i: int) -> None:
        if i == 30:  # a small dot: its clipped core (13 px) is too small to show the top
            cv2.circle(image, (320, 240), 4, (40, 60, 200), -1)
            cv2.circle(image, (320, 240), 2, (255, 255, 255), -1)

    assert _feed(draw, 25, lambda _: 0.55) == [(320, 240, "red", 30)]
    cfg = DetectorConfig()
    assert scene_levels(cfg, 0, 14.0).min_peak == 54
    assert scene_levels(cfg, 0, 200.0).min_peak == cfg.min_peak
    assert scene_levels(cfg, 140, 14.0) == cfg


@pytest.mark.parametrize("base", [60, 200])
def test_a_grey_scene_without_shots_stays_quiet(base: int) -> None:
    assert _feed(lambda image, i: None, base, lambda i: 1.0 + 0.2 * np.sin(i / 5)) == []
