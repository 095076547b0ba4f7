"""Camera sources chosen by URL: `cam:N`, `video:PATH`, `synthetic:?seed=..`.

`parse_url` does no I/O; `open_source` opens the device. Every frame is stamped where it
was captured: a live camera by the injected clock at grab time, a clip by its
presentation time, a synthetic view by its simulated capture time.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import cv2

from hardware.clock import Clock, MonotonicClock
from hardware.errors import DeviceUnavailable, DeviceUrlError, MediaError
from hardware.urls import is_device_url, number_param, whole_param
from hardware.vision.frames import Frame, FrameSource, Image


@dataclass(frozen=True, slots=True)
class SourceUrl:
    scheme: str  # "cam" | "video" | "synthetic"
    target: str  # device number, file path, or "" for synthetic
    params: dict[str, str]


SCHEMES = ("cam", "video", "synthetic")
MAX_CAMERA_PX = 16384  # per side; as a rig file's camera size
MAX_CAMERA_FPS = 1000.0
STILLS = (".png", ".jpg", ".jpeg", ".bmp")


def is_still(text: str) -> bool:
    """Whether a source names a still image by its file name (not a camera URL)."""
    return text.lower().endswith(STILLS) and not is_device_url(text)


def read_still(path: str) -> Image:
    """A PNG, JPEG or BMP image, BGR. Only a regular file is read: OpenCV would wait for
    ever on a named pipe."""
    if not Path(path).is_file():
        kind = "a folder" if Path(path).is_dir() else "no such file"
        raise MediaError(f"{path}: expected an image file, found {kind}")
    image = cv2.imread(path, cv2.IMREAD_COLOR)
    if image is None:
        raise MediaError(f"{path}: cannot read as an image (expected PNG or JPEG)")
    return image


def source_url(text: str) -> str:
    """A camera URL as given, or a clip path (`C:\\clips\\a.mp4` too) as a `video:` URL."""
    return text if is_device_url(text) else f"video:{text}"


def parse_url(url: str) -> SourceUrl:
    """Split `scheme:target?key=value&...` and check the scheme and target."""
    scheme, _, rest = url.partition(":")
    if not is_device_url(url) or scheme not in SCHEMES:
        raise DeviceUrlError(
            f"camera URL {url!r}: expected one of cam:N, video:PATH, synthetic:?seed=N"
        )
    target, _, query = rest.partition("?")
    try:
        params = dict(parse_qsl(query, keep_blank_values=True, strict_parsing=bool(query)))
    except ValueError as exc:
        raise DeviceUrlError(f"camera URL {url!r}: bad query {query!r} ({exc})") from exc
    if scheme == "cam" and not target.isdigit():
        raise DeviceUrlError(f"camera URL {url!r}: expected a device number after cam:")
    if scheme == "video" and not target:
        raise DeviceUrlError(f"camera URL {url!r}: expected a file path after video:")
    return SourceUrl(scheme, target, params)


class VideoSource:
    """A recorded clip. `pace="realtime"` waits until each frame's presentation time
    (measured on the injected clock); `pace="fast"` returns frames as fast as decoded."""

    def __init__(self, path: str, *, pace: str = "fast", clock: Clock | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        if pace not in ("fast", "realtime"):
            raise DeviceUrlError(f"video:{path}: pace must be fast or realtime, found {pace!r}")
        self.url = f"video:{path}"
        if not Path(path).is_file():
            raise MediaError(f"{path}: no such video file")
        self._cap = cv2.VideoCapture(path)
        if not self._cap.isOpened():
            raise MediaError(f"{path}: cannot open as a video (expected a clip OpenCV decodes)")
        self._path = path
        self._pace = pace
        self._clock = clock or MonotonicClock()
        self._sleep = sleep
        self._index = 0
        self._start_ns: int | None = None
        self._last_t_ns = -1

    def read(self) -> Frame | None:
        ok, image = self._cap.read()
        if not ok or image is None:
            if self._index == 0:
                raise MediaError(f"{self._path}: opened but frame 0 cannot be decoded")
            return None
        t_ns = round(self._cap.get(cv2.CAP_PROP_POS_MSEC) * 1e6)
        if t_ns <= self._last_t_ns:  # some containers repeat or lack stamps
            t_ns = self._last_t_ns + 1
        self._last_t_ns = t_ns
        frame = Frame(image, t_ns, self._index)
        self._index += 1
        if self._pace == "realtime":
            self._wait_until(t_ns)
        return frame

    def _wait_until(self, t_ns: int) -> None:
        now = self._clock.now_ns()
        if self._start_ns is None:
            self._start_ns = now - t_ns
        delay = self._start_ns + t_ns - now
        if delay > 0:
            self._sleep(delay / 1e9)

    def close(self) -> None:
        self._cap.release()


class CameraSource:
    """An OpenCV capture device with settable size and rate; exposure and white balance
    locked where the driver allows, since auto-exposure swings cause false shots."""

    def __init__(self, device: int, *, width: int, height: int, fps: float,
                 exposure: float | None, clock: Clock,
                 capture: Callable[[int], Any] = cv2.VideoCapture) -> None:
        self.url = f"cam:{device}"
        self._cap = capture(device)  # injectable, so tests can stand in for a camera
        if not self._cap.isOpened():
            raise DeviceUnavailable(f"cam:{device}: cannot open camera device {device}")
        self._clock = clock
        self._index = 0
        self._cap.set(cv2.CAP_PROP_FRAME_WIDTH, width)
        self._cap.set(cv2.CAP_PROP_FRAME_HEIGHT, height)
        self._cap.set(cv2.CAP_PROP_FPS, fps)
        self.locked = self._lock(exposure)

    def _lock(self, exposure: float | None) -> dict[str, bool]:
        """Switch off auto exposure and auto white balance; report what the driver took.
        V4L2 uses 1 for manual exposure, DirectShow 0.25; try both."""
        manual = any(self._cap.set(cv2.CAP_PROP_AUTO_EXPOSURE, v) for v in (1, 0.25))
        if exposure is not None:
            manual = self._cap.set(cv2.CAP_PROP_EXPOSURE, exposure) and manual
        wb = self._cap.set(cv2.CAP_PROP_AUTO_WB, 0)
        return {"exposure": manual, "white_balance": wb}

    def read(self) -> Frame | None:
        if not self._cap.grab():
            raise DeviceUnavailable(f"{self.url}: grab failed (camera unplugged?)")
        t_ns = self._clock.now_ns()  # stamped at grab, before the slow decode
        ok, image = self._cap.retrieve()
        if not ok or image is None:
            raise DeviceUnavailable(f"{self.url}: frame {self._index} could not be decoded")
        frame = Frame(image, t_ns, self._index)
        self._index += 1
        return frame

    def close(self) -> None:
        self._cap.release()


def open_source(url: str, clock: Clock | None = None) -> FrameSource:
    """Open the source a URL names, e.g. `cam:0?width=1280&height=720&fps=60`,
    `video:clip.mp4?pace=realtime`, `synthetic:?seed=3&pulses=5`."""
    spec = parse_url(url)
    clk = clock or MonotonicClock()
    if spec.scheme == "video":
        return VideoSource(spec.target, pace=spec.params.get("pace", "fast"), clock=clk)
    if spec.scheme == "cam":
        exposure = spec.params.get("exposure")
        return CameraSource(
            int(spec.target),
            width=whole_param(url, spec.params, "width", 640, 1, MAX_CAMERA_PX),
            height=whole_param(url, spec.params, "height", 480, 1, MAX_CAMERA_PX),
            fps=number_param(url, spec.params, "fps", 30.0, 0, MAX_CAMERA_FPS),
            # driver units: V4L2 counts 100 µs steps, DirectShow powers of two below 0
            exposure=number_param(url, spec.params, "exposure", 0.0, -1e6, 1e6)
            if exposure else None,
            clock=clk,
        )
    from hardware.vision.synthetic import synthetic_from_url

    return synthetic_from_url(spec, url)
