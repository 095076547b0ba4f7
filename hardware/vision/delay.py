"""The camera's delay from exposure to grab, measured by flashing the screen.

A camera frame is stamped when the host grabs it, some time after the sensor exposed it:
readout, the USB transfer and the driver's buffer add 30-150 ms on a webcam. Projection-
aware detection explains a camera frame by the picture that was on screen while it was
exposed, so it must look that far back. The projector flips between black and white; the
first frame after a flip whose brightness has crossed half the step is the first whose
exposure lay mostly after the flip, so its grab time less the flip time is the delay from
the middle of its exposure to its grab, plus up to one camera period of phase. Grabs are
never early and often late (a busy host), so the least of several flips is the estimate.

`camera_delay` is the arithmetic, without I/O; `measure_camera_delay` shows the flashes
and reads the camera on its own thread, as a session does."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from hardware.errors import CalibrationError, HardwareError
from hardware.vision.frames import FrameSource, Image

MIN_STEP_LEVELS = 20.0  # a flash the camera sees rises far above its noise (sd 2-6 levels)
MAX_DELAY_NS = 250_000_000  # webcams grab 30-150 ms after exposing; more is a stalled link


@dataclass(frozen=True, slots=True)
class CameraDelay:
    delay_ns: int  # from the middle of a frame's exposure to its grab
    spread_ns: int  # the largest flip's figure less the least: phase and a busy host
    flips: int
    step_levels: float  # how much brighter the camera saw the white screen than the black

    def summary(self) -> str:
        return (f"{self.delay_ns / 1e6:.0f} ms from exposure to grab ({self.flips} flips, "
                f"spread {self.spread_ns / 1e6:.0f} ms, the flash {self.step_levels:.0f} "
                "levels)")


def camera_delay(flips: Sequence[tuple[int, bool]], samples: Sequence[tuple[int, float]]
                 ) -> CameraDelay:
    """The delay from each flip `(flip time, lit after it)` to the first camera sample
    `(grab time, mean level)` past half the step between the levels either side of it."""
    times = np.array([t for t, _ in samples], np.int64)
    levels = np.array([level for _, level in samples], np.float64)
    ends = [t for t, _ in flips[1:]] + [int(times[-1]) + 1 if len(times) else 0]
    delays, steps = [], []
    for (flip_ns, lit), end_ns in zip(flips, ends, strict=True):
        before = levels[times < flip_ns]
        after = levels[(times >= flip_ns) & (times < end_ns)]
        if not len(before) or not len(after):
            raise CalibrationError(f"the camera gave no frame on one side of the flip at "
                                   f"{flip_ns} ns: expected frames all through the flashes")
        start, settled = float(before[-1]), float(after[-1])
        step = settled - start if lit else start - settled
        if step < MIN_STEP_LEVELS:
            raise CalibrationError(f"the camera saw the screen {'brighten' if lit else 'darken'}"
                                   f" by {step:.0f} levels, expected at least "
                                   f"{MIN_STEP_LEVELS:.0f}: is it pointed at the screen?")
        past = after >= start + step / 2 if lit else after <= start - step / 2
        first = times[(times >= flip_ns) & (times < end_ns)][int(np.argmax(past))]
        delays.append(int(first) - flip_ns)
        steps.append(step)
    return CameraDelay(min(delays), max(delays) - min(delays), len(delays),
                       float(np.median(steps)))


def screen_level(image: Image) -> float:
    """The mean level of the middle of the view, where the screen is (a quarter of it)."""
    h, w = image.shape[:2]
    middle = image[h // 4: h - h // 4, w // 4: w - w // 4]
    channels = middle.shape[2] if middle.ndim == 3 else 1
    return float(np.mean(cv2.mean(middle)[:channels]))


def measure_camera_delay(show: Callable[[Image], int], camera: FrameSource,
                         size: tuple[int, int], flashes: int = 4, hold_frames: int = 4,
                         max_delay_ns: int = MAX_DELAY_NS, timeout_s: float = 3.0
                         ) -> CameraDelay:
    """Flip the screen (`show` returns each picture's flip time) black and white `flashes`
    times, each held until the camera has grabbed frames `max_delay_ns` after the flip and
    `hold_frames` more (so it has surely shown it), while a thread reads `camera` as a
    session does; the delay the flips and the frames give."""
    samples: list[tuple[int, float]] = []
    seen = threading.Condition()
    failed: list[HardwareError] = []
    stop = threading.Event()

    def read() -> None:
        try:
            while not stop.is_set() and (frame := camera.read()) is not None:
                with seen:
                    samples.append((frame.t_ns, screen_level(frame.image)))
                    seen.notify_all()
        except HardwareError as exc:  # said on the showing thread
            failed.append(exc)
        finally:
            with seen:
                stop.set()
                seen.notify_all()

    def hold(flip_ns: int) -> None:
        def shown() -> bool:
            late = [t for t, _ in samples[-hold_frames:] if t >= flip_ns + max_delay_ns]
            return len(late) >= hold_frames or stop.is_set()

        with seen:
            if not seen.wait_for(shown, timeout_s):
                raise CalibrationError(f"{camera.url}: no camera frame in {timeout_s:.0f} s "
                                       "while the screen flashed")
        if failed:
            raise CalibrationError(f"{camera.url}: {failed[0]}")
        if stop.is_set():
            raise CalibrationError(f"{camera.url}: the camera ended while the screen flashed")

    w, h = size
    pictures = {lit: np.full((h, w, 3), 255 if lit else 0, np.uint8) for lit in (False, True)}
    reader = threading.Thread(target=read, daemon=True, name="camera delay")
    reader.start()
    flips: list[tuple[int, bool]] = []
    try:
        hold(show(pictures[False]))
        for _ in range(flashes):
            for lit in (True, False):
                flips.append((show(pictures[lit]), lit))
                hold(flips[-1][0])
    finally:
        stop.set()
        reader.join(timeout=timeout_s)
    with seen:
        return camera_delay(flips, list(samples))
