"""Live qualification: the stage runner on a ManualClock, the window's loop fed by a
scripted shooter acting as the mouse, by mouse clicks posted to SDL's dummy driver, and
by the simulated rig (replica link, camera, detector, fusion), each scored as the
scripted path scores."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pygame
import pytest

from hardware.clock import ManualClock
from hardware.events import Shot
from range.courses.catalogue import course_source, load_course, load_shooter
from range.courses.live import CEASE_S, SETTLE_S, StageRunner, StringScored, StringStarted
from range.courses.model import Course, parse_course
from range.courses.qualify import Attempt, ScriptedShooter, shoot_course, shoot_scripted
from range.courses.session import (
    QualificationStopped,
    ScriptedMouse,
    run_qualification,
    simulated_rig,
)
from range.courses.timer import ShotTimer
from range.run.officers import SOLE_OFFICER
from range.views.course_window import CourseWindow
from range.world.projection import Projection
from tests.builders import refused, run_cli

FRAME_NS = round(1e9 / 60)


def _first_stages(count: int) -> Course:
    """The FBI course cut to its first strings (its shooters still fit it)."""
    text, source = course_source("fbi-2019")
    head, *stages = text.split("[[stages]]")
    head = head.replace("points = 90", "points = 2")  # a pass mark the cut course can reach
    return parse_course(head + "".join("[[stages]]" + s for s in stages[:count]), source)


def _live(course: Course, seed: int, rig: bool = False,
          projection: Projection | None = None) -> Attempt:
    rng = np.random.default_rng(seed)
    clock = ManualClock()
    projection = projection or Projection()
    resolution = projection.resolution
    window = CourseWindow(resolution, clock, sound=False, lazy=True)
    the_rig = simulated_rig(resolution, course.weapon, 0, seed) if rig else None
    mouse = ScriptedMouse(load_shooter("good", course), course.weapon, rng)
    try:
        return run_qualification(StageRunner(course, ShotTimer(rng), seed, projection),
                                 window, clock, FRAME_NS, course.weapon, SOLE_OFFICER, mouse,
                                 the_rig)
    finally:
        window.close()


def test_a_scripted_shooter_at_the_mouse_scores_as_the_scripted_path() -> None:
    course = load_course("fbi-2019")
    for seed in (0, 3):
        scripted = shoot_scripted(course, load_shooter("good", course), seed)
        assert _live(course, seed) == scripted  # every tone, shot, zone and point


@pytest.mark.slow
def test_through_the_simulated_rig_a_good_shooter_scores_as_scripted() -> None:
    course = _first_stages(1)  # 6 rounds, two hands
    # a 960 x 540 projector: the same geometry, a quarter of the camera's pixels to search
    projection = Projection(resolution=(960, 540))
    rng = np.random.default_rng(5)
    scripted = shoot_course(course, ScriptedShooter(load_shooter("good", course),
                                                    course.weapon, rng), ShotTimer(rng), 5,
                            projection)
    live = _live(course, 5, rig=True, projection=projection)
    assert live.score.points == scripted.score.points
    assert live.starts == scripted.starts
    pairs = [(a, b) for s, t in zip(scripted.score.stages, live.score.stages, strict=True)
             for a, b in zip(s.shots, t.shots, strict=True)]
    assert len(pairs) == 6
    for expected, fused in pairs:
        assert fused.zone == expected.zone
        assert abs(fused.t_s - expected.t_s) < 1e-3  # stamped at the trigger pull
        assert fused.pixel is not None and expected.pixel is not None
        assert np.hypot(*np.subtract(fused.pixel, expected.pixel)) < 2.0  # the dot, found


def test_mouse_clicks_posted_to_the_window_are_scored() -> None:
    course = _first_stages(1)  # 3 yd, 6 rounds, par 6 s
    clock = ManualClock()
    window = CourseWindow(Projection().resolution, clock, sound=False)
    runner = StageRunner(course, ShotTimer(np.random.default_rng(1)), 1)
    tone_ns = runner.current.start.tone_ns
    aim = runner.current.placement.pixel(runner.current.placement.target.aim)
    clicks = {tone_ns + round(t * 1e9): pos for t, pos in (
        (-0.5, aim), (1.5, aim), (1.8, aim), (2.1, (10.0, 10.0)), (3.5, aim), (3.8, aim),
        (4.1, aim))}

    def click(now: int) -> None:  # posted as SDL posts a click, seen on the next turn
        for at in [t for t in clicks if t <= now]:
            x, y = clicks.pop(at)
            pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, button=1,
                                                 pos=(round(x / 2), round(y / 2))))

    try:
        attempt = run_qualification(runner, window, clock, FRAME_NS, course.weapon,
                                    SOLE_OFFICER, on_frame=click)
    finally:
        window.close()
    shots = attempt.score.stages[0].shots
    assert [s.note for s in shots] == ["before the start tone", "", "", "miss", "", "", ""]
    assert attempt.score.points == 5 * 2
    assert shots[1].t_s == pytest.approx(1.5, abs=2 * FRAME_NS / 1e9)  # seen on the next turn


def test_escape_stops_the_attempt() -> None:
    course = _first_stages(1)
    clock = ManualClock()
    window = CourseWindow(Projection().resolution, clock, sound=False, lazy=True)
    runner = StageRunner(course, ShotTimer(np.random.default_rng(1)), 1)
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_ESCAPE))
    with pytest.raises(QualificationStopped):
        run_qualification(runner, window, clock, FRAME_NS, course.weapon, SOLE_OFFICER)
    window.close()


def test_a_string_waits_for_late_fused_shots_and_ceases_after_par() -> None:
    """And a pull that fired nothing is no shot: two shots scored, not three."""
    course = _first_stages(2)
    runner = StageRunner(course, ShotTimer(np.random.default_rng(2)), 2)
    first = runner.current
    tone = first.start.tone_ns
    runner.advance(tone)
    runner.shot(Shot(t_ns=tone + 10**9, weapon="pistol", point=first.placement.pixel(
        first.placement.target.aim)))
    runner.shot(Shot(t_ns=tone + 15 * 10**8, weapon="pistol", point=None, source="trigger",
                     fired=False, dry="jam"))  # a jammed replica: no shot on the target
    cease = tone + round((first.stage.par_time + CEASE_S) * 1e9)
    assert not any(isinstance(e, StringScored) for e in runner.advance(cease))
    late = Shot(t_ns=cease - 10**8, weapon="pistol", point=None)  # pulled in time, fused late
    runner.shot(late)
    events = runner.advance(cease + round(SETTLE_S * 1e9))
    scored = [e.score for e in events if isinstance(e, StringScored)]
    assert [s.note for s in scored[0].shots] == ["", "over par"]
    started = [e for e in events if isinstance(e, StringStarted)]
    assert started[0].index == 1 and started[0].start.ready_ns == cease - 10**8 + 10 * 10**9


def test_the_live_view_shows_the_target_and_the_string(tmp_path: Path) -> None:
    course = load_course("fbi-2019")
    clock = ManualClock()
    window = CourseWindow(Projection().resolution, clock, sound=False)
    runner = StageRunner(course, ShotTimer(np.random.default_rng(0)), 0)
    runner.advance(runner.current.start.tone_ns + 10**9)
    from range.courses.session import caption
    from range.views.course_window import CourseFrame

    words, live = caption(runner, runner.current.start.tone_ns + 10**9)
    window.show(CourseFrame(runner.current.placement, words, (), live))
    picture = window.pixels()
    (tmp_path / "live.png").write_bytes(window.png())
    window.close()
    assert live and f"string 1/{len(course.stages)}," in words and "1.00 s" in words
    aim = runner.current.placement.pixel(runner.current.placement.target.aim)
    assert tuple(picture[round(aim[1]), round(aim[0])]) != tuple(picture[5, 1900])


def test_qualify_headless_records_the_attempt(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    db = f"sqlite:///{tmp_path / 'r.sqlite'}"
    assert run_cli(["officers", "add", "7", "Kim Lee", "--db", db], capsys)[0] == 0
    code, live = run_cli(["qualify", "state-50", "--officer", "7", "--headless", "--inputs",
                          "good", "--seed", "4", "--db", db, "--view",
                          str(tmp_path / "v.png")], capsys)
    assert code == 0 and "recorded as attempt 1" in live.out
    assert (tmp_path / "v.png").stat().st_size > 1000
    code, scripted = run_cli(["qualify", "state-50", "--officer", "7", "--inputs", "good",
                              "--seed", "4", "--db", db], capsys)
    assert code == 0
    # the same attempt, shot live or at once: only its number and who fired it differ
    def table(out: str) -> list[str]:
        lines = out.splitlines()
        end = next(i for i, line in enumerate(lines) if line.startswith("recorded as"))
        return lines[lines.index("") + 1:end]

    assert table(live.out) == table(scripted.out)
    assert "fired by script good at the window (seed 4)" in live.out
    assert "--inputs" in refused(["qualify", "state-50", "--officer", "7", "--headless",
                                  "--db", db], capsys)
    assert "badge '9'" in refused(["qualify", "state-50", "--officer", "9", "--headless",
                                   "--inputs", "good", "--db", db], capsys)
    assert os.environ["SDL_VIDEODRIVER"] == "dummy"
