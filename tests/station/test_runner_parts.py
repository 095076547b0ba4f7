"""The console runner's small parts: a clock that stands still while paused, and log
names that never land on an earlier session's log."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from hardware.clock import ManualClock
from range.station.console import RunRequest
from range.station.runner import PausableClock, log_path
from tests.station.helpers import choice


def test_a_paused_clock_stands_still_and_goes_on_where_it_stopped():
    inner = ManualClock(1_000)
    clock = PausableClock(inner)
    inner.advance_ns(500)
    clock.pause()
    inner.advance_ns(10_000)
    assert clock.now_ns() == 1_500
    clock.resume()
    inner.advance_ns(250)
    assert clock.now_ns() == 1_750
    clock.pause()
    clock.pause()  # a second pause changes nothing
    inner.advance_ns(99)
    clock.resume()
    assert clock.now_ns() == 1_750


def test_log_names_never_reuse_an_earlier_sessions(tmp_path: Path):
    request = RunRequest(choice("knife-charge"), 7, "T", "", "instructor")
    when = datetime(2026, 12, 2, 1, 2, 3, tzinfo=UTC)
    first = log_path(tmp_path, request, when)
    assert first.name == "knife-charge-20261202-010203-seed7.jsonl"
    first.write_text("")
    second = log_path(tmp_path, request, when)
    second.with_name(second.name + ".partial").write_text("")  # a run killed mid-way
    third = log_path(tmp_path, request, when)
    assert len({first, second, third}) == 3
