"""Camera sources chosen by URL: parsing, clips, synthetic frames and their faults."""

from __future__ import annotations

import re
from pathlib import Path

import cv2
import numpy as np
import pytest

from hardware.clock import ManualClock
from hardware.errors import DeviceUnavailable, DeviceUrlError, MediaError
from hardware.vision.sources import VideoSource, open_source, parse_url
from hardware.vision.synthetic import SceneSpec, SyntheticSource


def _write_clip(path: Path, n: int = 12, fps: float = 20.0) -> None:
    out = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), fps, (64, 48))
    for i in range(n):
        out.write(np.full((48, 64, 3), 10 * i, np.uint8))
    out.release()


def test_parse_url_splits_scheme_target_and_query():
    u = parse_url("cam:1?width=1280&height=720&fps=60")
    assert (u.scheme, u.target, u.params) == ("cam", "1", {"width": "1280", "height": "720",
                                                           "fps": "60"})
    assert parse_url("video:/tmp/a b.mp4").target == "/tmp/a b.mp4"
    assert parse_url("synthetic:?seed=3").params == {"seed": "3"}


@pytest.mark.parametrize("url, why", [
    ("rtsp://x", "expected one of cam:N"),
    ("cam:front", "device number"),
    ("video:", "file path"),
    ("synthetic:?seed=x", "seed expected a whole number from 0 to 9223372036854775807"),
    ("synthetic:?colour=blue", "colour must be"),
    ("synthetic:?sed=3", "unknown key 'sed'"),
])
def test_bad_urls_say_what_was_expected(url, why):
    with pytest.raises(DeviceUrlError, match=why):
        open_source(url)


def test_missing_and_undecodable_clips_name_the_file(tmp_path):
    with pytest.raises(MediaError, match=r"nope\.mp4: no such video file"):
        open_source(f"video:{tmp_path / 'nope.mp4'}")
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"not a video at all" * 10)
    with pytest.raises(MediaError, match=r"junk\.mp4"):
        VideoSource(str(junk)).read()


def test_clip_frames_carry_presentation_times_in_order(tmp_path):
    clip = tmp_path / "c.avi"
    _write_clip(clip, n=12, fps=20.0)
    src = open_source(f"video:{clip}")
    frames = list(iter(src.read, None))
    assert [f.index for f in frames] == list(range(12))
    assert frames[0].t_ns == 0
    assert frames[5].t_ns == pytest.approx(5 * 50_000_000, abs=1_000_000)


def test_realtime_pacing_waits_on_the_injected_clock(tmp_path):
    clip = tmp_path / "c.avi"
    _write_clip(clip, n=4, fps=10.0)
    clock = ManualClock(1_000)
    waits: list[float] = []
    src = VideoSource(str(clip), pace="realtime", clock=clock, sleep=waits.append)
    list(iter(src.read, None))
    assert waits == pytest.approx([0.1, 0.2, 0.3], abs=0.002)  # the clock never moved


def test_camera_that_cannot_open_is_unavailable():
    with pytest.raises(DeviceUnavailable, match="cam:97"):
        open_source("cam:97")


def test_synthetic_is_deterministic_per_seed():
    a = [f.image for f in iter(SyntheticSource(SceneSpec(seed=4, frames=5, noise=3)).read,
                                None)]
    b = [f.image for f in iter(SyntheticSource(SceneSpec(seed=4, frames=5, noise=3)).read,
                                None)]
    c = SyntheticSource(SceneSpec(seed=5, frames=1, noise=3)).read()
    assert all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))
    assert c is not None and not np.array_equal(a[0], c.image)


def test_synthetic_frames_are_stamped_and_dropped_frames_leave_gaps():
    src = SyntheticSource(SceneSpec(seed=1, frames=200, fps=50, drop=0.2, noise=0))
    frames = list(iter(src.read, None))
    assert 120 < len(frames) < 190
    gaps = np.diff([f.t_ns for f in frames])
    assert gaps.min() == 20_000_000 and gaps.max() >= 40_000_000
    assert [f.index for f in frames] == list(range(len(frames)))


def test_synthetic_truth_lies_where_the_laser_is_drawn():
    src = SyntheticSource(SceneSpec(seed=2, pulses=3, frames=200, noise=0, content="black"))
    p = src.truth[0]
    frame_no = int(np.ceil(p.t_ns / src.period_ns))
    image = src.render(frame_no)
    y, x = np.unravel_index(int(np.argmax(image[:, :, 2])), image.shape[:2])
    assert abs(x - p.cam_x) <= 1 and abs(y - p.cam_y) <= 1


class _FakeCapture:
    """Stands in for cv2.VideoCapture: records settings, serves frames, can fail."""

    def __init__(self, device: int, accept_manual: bool = True) -> None:
        self.device, self.frames_left = device, 2
        self.props: dict[int, float] = {}
        self.accept_manual = accept_manual
        self.clock: ManualClock | None = None

    def isOpened(self) -> bool:  # OpenCV's name
        return True

    def set(self, prop: int, value: float) -> bool:
        self.props[prop] = value
        return self.accept_manual or prop not in (cv2.CAP_PROP_AUTO_EXPOSURE,
                                                  cv2.CAP_PROP_AUTO_WB)

    def grab(self) -> bool:
        self.frames_left -= 1
        return self.frames_left >= 0

    def retrieve(self) -> tuple[bool, np.ndarray]:
        assert self.clock is not None
        self.clock.advance_ns(7_000_000)  # decoding takes a while after the grab
        return True, np.zeros((48, 64, 3), np.uint8)

    def release(self) -> None:
        pass


def test_camera_locks_exposure_and_stamps_frames_at_grab():
    from hardware.vision.sources import CameraSource

    clock = ManualClock(1_000_000)
    fake = _FakeCapture(0)
    fake.clock = clock
    cam = CameraSource(0, width=1280, height=720, fps=60, exposure=-6.0, clock=clock,
                       capture=lambda _: fake)
    assert cam.locked == {"exposure": True, "white_balance": True}
    assert fake.props[cv2.CAP_PROP_FRAME_WIDTH] == 1280 and fake.props[cv2.CAP_PROP_FPS] == 60
    assert fake.props[cv2.CAP_PROP_EXPOSURE] == -6.0 and fake.props[cv2.CAP_PROP_AUTO_WB] == 0
    first, second = cam.read(), cam.read()
    assert first is not None and second is not None
    assert (first.t_ns, second.t_ns) == (1_000_000, 8_000_000)  # before each decode
    with pytest.raises(DeviceUnavailable, match=r"cam:0: grab failed"):
        cam.read()


def test_camera_reports_when_the_driver_refuses_to_lock():
    from hardware.vision.sources import CameraSource

    fake = _FakeCapture(1, accept_manual=False)
    cam = CameraSource(1, width=640, height=480, fps=30, exposure=None, clock=ManualClock(),
                       capture=lambda _: fake)
    assert cam.locked == {"exposure": False, "white_balance": False}


@pytest.mark.parametrize(("url", "fragment"), [
    ("cam:0?width=wide", "width expected a whole number from 1 to 16384, found 'wide'"),
    ("cam:0?height=720.5", "height expected a whole number from 1 to 16384, found '720.5'"),
    ("cam:0?fps=-30", "fps expected a number from 0 to 1000, found '-30'"),
])
def test_bad_camera_parameters_name_the_parameter(url: str, fragment: str) -> None:
    with pytest.raises(DeviceUrlError, match=re.escape(f"{url}: {fragment}")):
        open_source(url)
