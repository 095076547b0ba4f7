"""Shots at moving projected content: officers fire at a subject that walks or charges,
so hits land on moving content. Synthetic scenes with mid-grey discs (level 140) moving
through the projected image; `aim=motion` puts every pulse on a moving disc."""

from __future__ import annotations

import pytest

from hardware.events import SpotEvent
from hardware.vision.evaluate import detect_frames
from hardware.vision.sources import open_source
from hardware.vision.synthetic import SyntheticSource


def _run(url: str) -> tuple[SyntheticSource, list[SpotEvent]]:
    src = open_source(url)
    assert isinstance(src, SyntheticSource)
    events, _ = detect_frames(iter(src.read, None))
    return src, events


def _found(src: SyntheticSource, events: list[SpotEvent]) -> int:
    """Pulses matched one to one by an event within 3 px and 3 frames."""
    used: set[int] = set()
    for p in src.truth:
        for j, e in enumerate(events):
            if (j not in used and abs(e.x - p.cam_x) < 3 and abs(e.y - p.cam_y) < 3
                    and abs(e.t_ns - p.t_ns) < 3 * src.period_ns):
                used.add(j)
                break
    return len(used)


@pytest.mark.slow
def test_hits_on_moving_mid_grey_content_are_found():
    # measured: 59 of 60 found, no false shot (before the new-light test: 33 found, 10 false)
    found = false = total = 0
    for seed in range(3):
        src, events = _run(f"synthetic:?seed={seed}&frames=450&pulses=20&colour=mixed"
                           "&motion=3&motion_level=140&aim=motion")
        n = _found(src, events)
        found, false, total = found + n, false + len(events) - n, total + len(src.truth)
    assert (total, found, false) == (60, 59, 0)


@pytest.mark.slow
def test_moving_mid_grey_content_without_shots_gives_nothing():
    # the leading edges of moving mid-grey shapes rise over the slow background like dim
    # dots; they have no new light (measured: no false shot; before: 11 in these 45 s)
    events = [e for seed in range(3) for e in _run(
        f"synthetic:?seed={seed}&frames=450&pulses=0&motion=3&motion_level=140")[1]]
    assert events == []
