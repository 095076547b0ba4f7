"""The detector at other camera resolutions: a dot's size in pixels follows the frame,
a lone pixel is never a dot."""

from __future__ import annotations

import numpy as np
import pytest

import hardware.vision.detector as detector_module
from hardware.events import SpotEvent
from hardware.vision.config import DetectorConfig
from hardware.vision.detector import ShotDetector
from hardware.vision.frames import Frame
from hardware.vision.resolution import MIN_PIXELS, at_resolution
from hardware.vision.synthetic import SceneSpec, SyntheticSource


def _events(spec: SceneSpec) -> tuple[SyntheticSource, list[SpotEvent]]:
    src = SyntheticSource(spec)
    det = ShotDetector()
    return src, [e for f in iter(src.read, None) for e in det.feed(f)] + det.flush()


def _found(src: SyntheticSource, events: list[SpotEvent], tol: float = 1.0) -> int:
    return sum(any(abs(e.x - p.cam_x) <= tol and abs(e.y - p.cam_y) <= tol for e in events)
               for p in src.truth)


# test_vision_detector's small dim dots (sd 1 px at 640x480), seen by a camera at half the
# resolution: sd 0.5 px, and a little of the lens's blur (the synthetic camera samples the
# spot at pixel centres; a sensor's pixels and its lens spread it): cores of 2-4 pixels
HALF_SIZE_DIM_DOTS = SceneSpec(seed=7, pulses=5, dot=0.6, power=250, noise=2, width=320,
                               height=240)


def test_small_dim_dots_on_a_camera_at_half_the_resolution_are_found() -> None:
    src, events = _events(HALF_SIZE_DIM_DOTS)
    assert _found(src, events) == 5 and len(events) == 5


def test_the_areas_stated_at_640_px_would_lose_them(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(detector_module, "at_resolution", lambda cfg, width: cfg)
    src, events = _events(HALF_SIZE_DIM_DOTS)
    assert _found(src, events) <= 2


def test_the_smallest_areas_shrink_below_640_px_to_two_pixels_and_never_grow() -> None:
    cfg = DetectorConfig()
    half = at_resolution(cfg, 320)
    assert (half.min_area, half.min_area_unsaturated) == (MIN_PIXELS, MIN_PIXELS)
    assert at_resolution(cfg, 448).min_area_unsaturated == pytest.approx(6 * 0.7 ** 2)
    # a frame scaled down from the sensor may show a spot's two pixels as one
    assert (half.min_side, at_resolution(cfg, 448).min_side, cfg.min_side) == (1, 1, 2)
    # a noise speck or a hot pixel is the sensor's own pixel at any resolution
    assert at_resolution(cfg, 640) == cfg == at_resolution(cfg, 960) == at_resolution(cfg, 1280)


def _grey_frames(n: int, size: tuple[int, int], seed: int = 0) -> list[Frame]:
    w, h = size
    rng = np.random.default_rng(seed)
    return [Frame(np.clip(60 + rng.normal(0, 2, (h, w, 3)), 0, 255).astype(np.uint8),
                  i * 33_333_333, i) for i in range(n)]


@pytest.mark.parametrize("size", [(320, 240), (160, 120)])
def test_a_lone_clipped_pixel_is_no_dot_however_coarse_the_camera(
        size: tuple[int, int]) -> None:
    frames = _grey_frames(40, size)
    for i in (20, 30):  # a hot pixel blinking: clipped white, from nothing, one pixel
        frames[i].image[size[1] // 2, size[0] // 2] = 255
    det = ShotDetector()
    events = [e for f in frames for e in det.feed(f)] + det.flush()
    assert events == []
    # two pixels of the same light are a dot at this size
    frames = _grey_frames(40, size)
    frames[20].image[size[1] // 2, size[0] // 2:size[0] // 2 + 2] = (40, 40, 255)
    det = ShotDetector()
    events = [e for f in frames for e in det.feed(f)] + det.flush()
    assert len(events) == 1 and events[0].colour == "red"
