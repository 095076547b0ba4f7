"""The pulse tracker: one event per pulse, timed at the pulse's first frame."""

from __future__ import annotations

import pytest

from hardware.vision.config import Blob, DetectorConfig
from hardware.vision.scenes import run_kind
from hardware.vision.tracking import PulseTracker

PERIOD_NS = 33_333_333


def _blob(accepted: bool, why: str = "", new_light: int = 0, appeared: bool = False,
          x: float = 100.0) -> Blob:
    """A round clipped green dot at (x, 50) with a compact white core."""
    return Blob(x, 50.0, 20, 5, 5, 255, 80, 60.0, 0.0, 5.0, 40.0, "green", accepted, why,
                core_fill=0.99, new_light=new_light, appeared=appeared)


def _events(frames: list[list[Blob]]) -> list[tuple[int, int]]:
    """(frame index, time in ns) of each event from these frames' blobs."""
    tracker = PulseTracker(DetectorConfig())
    out = []
    for i, blobs in enumerate(frames):
        out += tracker.update(i * PERIOD_NS, i, blobs)
    out += tracker.flush()
    return [(ev.frame_index, ev.t_ns) for ev in out]


def test_a_white_core_appearing_on_held_content_is_a_pulse_from_the_frame_before() -> None:
    """The pulse's faint start is held as moving content (`moved`); its next frame's
    white core appeared from nothing there, which the held content's next frame never
    shows: one shot, at the faint start's frame."""
    assert _events([[], [_blob(False, "moved")], [_blob(True, appeared=True)], []]) == [
        (1, PERIOD_NS)]


def test_a_dot_without_new_light_on_held_content_stays_moving_content() -> None:
    """Held content seen a frame later as a dot, without new light and no core that
    appeared, is the same content: no shot."""
    assert _events([[], [_blob(False, "moved")], [_blob(True)], []]) == []


def test_new_light_on_content_held_for_frames_is_timed_when_it_is_seen() -> None:
    """A shot at a subject held for several frames began when its new light was seen."""
    held = [[_blob(False, "activity", x=100.0 + i)] for i in range(4)]
    assert _events([*held, [_blob(True, new_light=60, x=104.0)], []]) == [
        (4, 4 * PERIOD_NS)]


def test_a_white_core_on_content_held_for_frames_is_a_piece_of_that_content() -> None:
    """Moving content held for three frames breaks into clipped pieces that come and go;
    one appearing compact is that content, not a pulse (outdoor moving targets, tuning
    seed 22, frame 953: a false shot when any held track could be broken so)."""
    held = [[_blob(False, "moved", x=100.0 + i)] for i in range(3)]
    assert _events([*held, [_blob(True, appeared=True, x=103.0)], []]) == []


@pytest.mark.slow
def test_sunlit_pulses_whose_first_frame_is_held_are_found() -> None:
    """Green dots on a busy sunlit backdrop: a pulse's first frame rises too little
    over the backdrop beside it and is held; its white core appears a frame later.
    Tuning seed 3: 11 of 12 found when the held track swallowed it."""
    score = run_kind("sunlit-green", 3)
    assert (score.found, score.required, score.false) == (12, 12, 0)
