"""The camera's delay from exposure to grab, from flashes of the screen."""

from __future__ import annotations

import itertools
import threading
import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hardware.errors import CalibrationError
from hardware.vision.delay import camera_delay, measure_camera_delay
from hardware.vision.frames import Frame, Image

MS = 1_000_000


def lit_share(flips: list[tuple[int, bool]], start: int, end: int) -> float:
    """How much of the exposure [start, end) the screen was white."""
    lit, edges = 0, [*flips, (end, False)]
    for (t, on), (t_next, _) in itertools.pairwise(edges):
        if on:
            lit += max(0, min(t_next, end) - max(t, start))
    return lit / (end - start)


def exposed(flips: list[tuple[int, bool]], grab_ns: int, delay_ns: int, exposure_ns: int
            ) -> float:
    """The level of a frame grabbed at `grab_ns`: black 20, white 200."""
    return 20 + 180 * lit_share(flips, grab_ns - delay_ns - exposure_ns, grab_ns - delay_ns)


@settings(max_examples=60, deadline=None)
@given(delay_ms=st.floats(0, 150), exposure_ms=st.floats(1, 30), fps=st.sampled_from(
    [15, 30, 60, 120]), phase=st.floats(0, 1), late_ms=st.lists(st.floats(0, 40), min_size=8,
                                                                max_size=8))
def test_the_delay_is_exposure_middle_to_grab_within_one_frame(
        delay_ms: float, exposure_ms: float, fps: int, phase: float, late_ms: list[float]
        ) -> None:
    """Grabs at the frame rate, some late (a busy host): the least flip's figure lies
    between the delay from the exposure's middle and one camera period more."""
    period = round(1e9 / fps)
    exposure = min(round(exposure_ms * MS), period)
    delay = round(delay_ms * MS)
    hold = delay + round(7.3 * period)  # a flip is held until the camera has shown it
    flips = [(delay + round((3 + phase) * period) + k * hold, k % 2 == 0) for k in range(8)]
    grabs = range(0, flips[-1][0] + hold, period)
    late = {k * 7 + 4: round(ms * MS) for k, ms in enumerate(late_ms)}
    stamps = np.maximum.accumulate([g + late.get(k, 0) for k, g in enumerate(grabs)])
    samples = [(int(t), exposed(flips, g, delay, exposure))
               for t, g in zip(stamps, grabs, strict=True)]
    result = camera_delay(flips, samples)
    middle = delay + exposure / 2
    assert middle - 1 <= result.delay_ns < middle + period + 1
    assert result.flips == 8 and result.step_levels == pytest.approx(180, abs=1)


def test_a_camera_that_does_not_see_the_screen_is_refused_in_one_line() -> None:
    flips = [(100 * MS, True), (200 * MS, False)]
    samples = [(t * MS, 50.0 + (t % 3)) for t in range(0, 300, 10)]
    with pytest.raises(CalibrationError, match=r"^the camera saw the screen brighten by 1 "
                       r"levels, expected at least 20: is it pointed at the screen\?$"):
        camera_delay(flips, samples)


def test_a_flip_without_frames_after_it_is_refused() -> None:
    flips = [(100 * MS, True), (200 * MS, False)]
    samples = [(t * MS, 20.0) for t in range(0, 100, 10)]
    with pytest.raises(CalibrationError, match="no frame on one side of the flip"):
        camera_delay(flips, samples)


class DelayedScreenCamera:
    """A camera watching a screen in real time: each frame exposed over `exposure_ns`,
    grabbed `delay_ns` after its exposure ends, at `fps`."""

    url = "test:delayed-screen"

    def __init__(self, delay_ns: int, exposure_ns: int, fps: float) -> None:
        self.delay_ns, self.exposure_ns = delay_ns, exposure_ns
        self.period_ns = round(1e9 / fps)
        self.flips: list[tuple[int, bool]] = []
        self.lock = threading.Lock()
        self.next_ns = time.monotonic_ns() + self.period_ns
        self.index = 0

    def show(self, picture: Image) -> int:
        with self.lock:
            flip_ns = time.monotonic_ns()
            self.flips.append((flip_ns, bool(picture.mean() > 127)))
            return flip_ns

    def read(self) -> Frame | None:
        time.sleep(max(0.0, (self.next_ns - time.monotonic_ns()) / 1e9))
        grab = self.next_ns
        self.next_ns += self.period_ns
        with self.lock:
            level = exposed(self.flips, grab, self.delay_ns, self.exposure_ns) \
                if self.flips else 20.0
            t_ns = time.monotonic_ns()  # never before the grab was due; later when busy
        self.index += 1
        return Frame(np.full((48, 64, 3), round(level), np.uint8), t_ns, self.index)

    def close(self) -> None:
        pass


def test_flashes_on_a_real_thread_measure_the_simulated_cameras_delay() -> None:
    """Real threads, as in a session: the bound above allows for a busy scheduler."""
    camera = DelayedScreenCamera(delay_ns=60 * MS, exposure_ns=10 * MS, fps=100)
    result = measure_camera_delay(camera.show, camera, (64, 48), flashes=3,
                                  max_delay_ns=100 * MS)
    assert 65 * MS - 1 <= result.delay_ns < 65 * MS + 10 * MS + 60 * MS
    assert result.flips == 6 and result.step_levels == pytest.approx(180, abs=2)


def test_a_camera_that_ends_during_the_flashes_is_refused() -> None:
    class Ending(DelayedScreenCamera):
        def read(self) -> Frame | None:
            return None if self.index >= 3 else super().read()

    camera = Ending(delay_ns=0, exposure_ns=5 * MS, fps=200)
    with pytest.raises(CalibrationError, match="the camera ended while the screen flashed"):
        measure_camera_delay(camera.show, camera, (64, 48), max_delay_ns=20 * MS)
