"""The shot detector on synthetic views with known pulses, one trouble at a time."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from hardware.events import SpotEvent
from hardware.vision.detector import ShotDetector, detect_still
from hardware.vision.evaluate import detect_frames
from hardware.vision.frames import Frame
from hardware.vision.synthetic import Pulse, SceneSpec, SyntheticSource


def _run(spec: SceneSpec, **det) -> tuple[SyntheticSource, list[SpotEvent]]:
    src = SyntheticSource(spec)
    detector = ShotDetector(**det)
    events = [e for f in iter(src.read, None) for e in detector.feed(f)]
    return src, events + detector.flush()


def _matches(truth: list[Pulse], events: list[SpotEvent], tol: float = 1.0) -> int:
    return sum(any(abs(e.x - p.cam_x) <= tol and abs(e.y - p.cam_y) <= tol
                   and e.colour == p.colour for e in events) for p in truth)


def test_each_pulse_once_with_position_colour_and_first_frame_time():
    src, events = _run(SceneSpec(seed=11, pulses=6, colour="mixed", pulse_ms=100))
    assert len(events) == 6 == _matches(src.truth, events, tol=0.6)
    for p, e in zip(src.truth, events, strict=True):
        first_frame_t = int(np.ceil(p.t_ns / src.period_ns)) * src.period_ns
        # the pulse may begin inside the exposure of the frame before
        assert first_frame_t - src.period_ns <= e.t_ns <= first_frame_t


def test_separate_pulls_at_the_same_spot_count_twice():
    src = SyntheticSource(SceneSpec(seed=3, pulses=2, frames=150, pulse_ms=60))
    a = src.truth[0]
    src.truth[1] = Pulse(a.t_ns + 400_000_000, a.duration_ns, a.proj_x, a.proj_y,
                         a.cam_x + 1.5, a.cam_y, a.colour)
    det = ShotDetector()
    events = [e for f in iter(src.read, None) for e in det.feed(f)] + det.flush()
    assert len(events) == 2
    assert events[1].t_ns - events[0].t_ns == pytest.approx(400_000_000, abs=40_000_000)


def test_two_shots_in_the_same_frame_at_different_spots():
    src = SyntheticSource(SceneSpec(seed=5, pulses=2, frames=120))
    a, b = src.truth
    src.truth[1] = Pulse(a.t_ns, a.duration_ns, b.proj_x, b.proj_y, b.cam_x, b.cam_y, "green")
    det = ShotDetector()
    events = [e for f in iter(src.read, None) for e in det.feed(f)] + det.flush()
    assert len(events) == 2 and events[0].t_ns == events[1].t_ns
    assert {e.colour for e in events} == {a.colour, "green"}


def test_small_dim_dots_are_found():
    # about 3 px across and not clipping; smaller unclipped specks are left out on
    # purpose: blinking hot pixels look the same
    src, events = _run(SceneSpec(seed=7, pulses=5, dot=1.0, power=250, noise=2))
    assert _matches(src.truth, events) == 5 and len(events) == 5


def test_saturated_red_cores_are_still_red():
    _, events = _run(SceneSpec(seed=8, pulses=5, colour="red", power=1500, dot=2.5))
    assert [e.colour for e in events] == ["red"] * 5
    assert all(e.peak == 255 for e in events)


@pytest.mark.parametrize("seed", [0, 1])
def test_exposure_swings_and_people_without_shots_give_nothing(seed):
    _, events = _run(SceneSpec(seed=seed, pulses=0, frames=240, exposure=0.3, people=2,
                               noise=3))
    assert events == []


@pytest.mark.slow
def test_moving_projected_content_rarely_fakes_a_shot():
    # 64 s of busy synthetic scenes (moving white discs over coloured walls, people,
    # exposure swings): no false shot (seed 5 gave one before a clipped blob without new
    # light needed a compact white core)
    false = [len(_run(SceneSpec(seed=s, pulses=0, frames=240, motion=3, people=2,
                                exposure=0.25, noise=3))[1]) for s in range(8)]
    assert false == [0] * 8


def test_mono_camera_reports_ir_and_the_mask_limits_the_area():
    src, events = _run(SceneSpec(seed=12, pulses=4, colour="ir"), mono=True)
    assert [e.colour for e in events] == ["ir"] * 4
    mask = np.zeros((480, 640), np.uint8)
    mask[:, :320] = 255
    src, events = _run(SceneSpec(seed=12, pulses=4, colour="ir"), mono=True, mask=mask)
    left = [p for p in src.truth if p.cam_x < 310]
    assert len(events) == len(left) and all(e.x < 320 for e in events)


def test_wide_frames_are_searched_at_half_size_and_placed_at_full_size():
    spec = SceneSpec(seed=13, pulses=4, width=1920, height=1080, frames=150)
    src, events = _run(spec)
    assert len(events) == 4 == _matches(src.truth, events, tol=0.5)


def _feed_two(first: np.ndarray, second: np.ndarray) -> list[SpotEvent]:
    """A quiet view, then a pulse seen in two frames."""
    det = ShotDetector()
    base = np.full((480, 640, 3), 30, np.uint8)
    frames = [base.copy() for _ in range(30)] + [first, second] + [base.copy() for _ in range(8)]
    return [e for i, im in enumerate(frames)
            for e in det.feed(Frame(im, i * 33_000_000, i))] + det.flush()


def _spot(image: np.ndarray, x: float, y: float, amp: tuple[float, float, float],
          sigma: float = 1.5) -> np.ndarray:
    """A laser dot as a camera blurs it: a Gaussian added per channel (B, G, R), clipped.
    A red dot bright enough clips red and bleeds into the other channels at its core."""
    ys, xs = np.mgrid[0:image.shape[0], 0:image.shape[1]]
    g = np.exp(-((xs - x) ** 2 + (ys - y) ** 2) / (2 * sigma ** 2))[..., None]
    out: np.ndarray = np.clip(image.astype(np.float32) + g * np.array(amp, np.float32), 0, 255)
    return out.astype(np.uint8)


_BASE = np.full((480, 640, 3), 30, np.uint8)
_FULL = (400.0, 400.0, 900.0)  # a red dot whose core clips white


def test_a_pulse_smeared_by_recoil_is_placed_on_the_round_dot_that_follows():
    first = _BASE.copy()
    cv2.line(first, (60, 70), (70, 64), (200, 200, 255), 2)  # the smear
    events = _feed_two(first, _spot(_BASE, 74, 60, _FULL))  # the dot, a frame later
    assert len(events) == 1
    e = events[0]
    assert (e.frame_index, e.colour) == (30, "red") and abs(e.x - 74) < 1 and abs(e.y - 60) < 1


def test_a_compact_core_with_a_faint_tail_stays_where_the_laser_rested():
    # the laser rested at (200, 300), then moved off: a faint red trail, but the white core
    # is round, so the shot is where it rested, not where the dot is a frame later
    first = _BASE.copy()
    cv2.line(first, (200, 300), (191, 306), (40, 40, 150), 3)
    first = _spot(first, 200, 300, _FULL)
    events = _feed_two(first, _spot(_BASE, 208, 293, _FULL))
    assert len(events) == 1
    e = events[0]
    assert e.frame_index == 30 and abs(e.x - 200) < 1 and abs(e.y - 300) < 1


def test_a_first_frame_without_a_white_core_defers_to_the_clipped_dot_that_follows():
    # the pulse began late in the first exposure: a dim red dot, then the full dot
    dim = _spot(_BASE, 400, 200, (10.0, 10.0, 200.0))
    events = _feed_two(dim, _spot(_BASE, 402, 205, _FULL))
    assert len(events) == 1
    e = events[0]
    assert (e.frame_index, e.colour) == (30, "red") and abs(e.x - 402) < 1 and abs(e.y - 205) < 1


def test_a_smear_followed_by_another_smear_stays_in_the_first_frame():
    first, second = _BASE.copy(), _BASE.copy()
    cv2.line(first, (100, 100), (110, 94), (200, 200, 255), 2)
    cv2.line(second, (104, 98), (114, 92), (200, 200, 255), 2)
    events = _feed_two(first, second)
    assert len(events) == 1
    e = events[0]
    assert e.frame_index == 30 and abs(e.x - 105) < 1.5 and abs(e.y - 97) < 1.5


def test_still_image_needs_a_coloured_compact_dot():
    image = np.full((200, 300, 3), 40, np.uint8)
    cv2.circle(image, (100, 80), 4, (40, 40, 255), -1)  # a red dot ...
    cv2.circle(image, (100, 80), 2, (255, 255, 255), -1)  # ... with a clipped core
    cv2.circle(image, (220, 150), 5, (250, 250, 250), -1)  # white glare
    events = detect_still(image)
    assert len(events) == 1 and events[0].colour == "red"
    assert abs(events[0].x - 100) < 0.5 and abs(events[0].y - 80) < 0.5


def test_detect_frames_counts_frames_and_flushes():
    src = SyntheticSource(SceneSpec(seed=11, pulses=2, frames=90))
    events, n = detect_frames(iter(src.read, None))
    assert n == 90 and len(events) == 2


@pytest.mark.parametrize("length", [3, 4])  # longer: a streak
@pytest.mark.parametrize("diagonal", [False, True])
def test_a_line_one_pixel_thin_is_no_dot(length: int, diagonal: bool) -> None:
    """Lens and colour mosaic spread a spot over two pixels or more each way; light one
    pixel thin, along a row or a diagonal, is an edge (projection-aware: a moving
    target's edge left unexplained, outdoor seeds 9304 and 9302). The same light two
    pixels thick is a dot. (At 640 px wide; below, a frame scaled down may show a spot
    one pixel thin.)"""
    def lit(rows: int) -> np.ndarray:
        image = np.full((480, 640, 3), 40, np.uint8)
        for i in range(length):
            y, x = (80 + i, 100 + i) if diagonal and rows == 1 else (80, 100 + i)
            image[y:y + rows, x] = (255, 255, 255) if 0 < i < length - 1 else (40, 40, 255)
        return image

    assert detect_still(lit(1)) == []
    assert [(round(e.x), e.colour) for e in detect_still(lit(2))] == [(round(99.5 + length / 2),
                                                                       "red")]
