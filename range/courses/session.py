"""The thin loop of a live qualification (`holdfire qualify COURSE --officer B --rig R`):
take the window's clicks (or a scripted shooter's, clicking at its points at its times),
send them to the rig or straight in as shots, let the rig's camera watch what is shown,
feed the fused shots to the `StageRunner`, play each tone, draw, until the course ends.

With a `ManualClock` the loop advances it a frame a turn (headless, full speed); with a
real clock the display's flip paces it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from hardware.clock import Clock, ManualClock
from hardware.events import Shot
from range.courses.live import StageRunner, StringScored, StringStarted, ToneSounded
from range.courses.model import Course
from range.courses.qualify import Attempt
from range.courses.scoring import StageScore
from range.courses.shooter import ShooterScript, stage_shots
from range.errors import HoldfireError
from range.views.course_window import CourseFrame, Pull, Stop
from range.vocabulary import WeaponName


class QualificationStopped(HoldfireError):
    """The operator stopped the attempt before its end: nothing is recorded."""


class Rig(Protocol):
    """`range.run.rig`'s SimulatedRig or ConnectedRig, as a course uses them."""

    def pull(self, officer: str, weapon: WeaponName, point: tuple[float, float] | None,
             t_ns: int) -> None: ...

    def observe(self, shown: Callable[[tuple[int, int]], Any], now_ns: int) -> None: ...

    def advance(self, now_ns: int) -> list[Shot]: ...


class CourseDisplay(Protocol):
    def show(self, frame: CourseFrame) -> int: ...

    def tone(self) -> None: ...

    def inputs(self) -> list[Pull | Stop]: ...

    def pixels(self, size: tuple[int, int] | None = None) -> Any: ...


@dataclass
class ScriptedMouse:
    """A scripted shooter at the mouse: told each string's start, it clicks where and when
    its shots go (the same shots, from the same generator, as the scripted path's)."""

    script: ShooterScript
    weapon: WeaponName
    rng: np.random.Generator
    _due: list[Shot] = field(default_factory=list)

    def started(self, string: StringStarted) -> None:
        self._due += stage_shots(self.script, string.stage, string.placement, self.weapon,
                                 string.start.tone_ns, self.rng)

    def due(self, now_ns: int) -> list[Shot]:
        ready = [s for s in self._due if s.t_ns <= now_ns]
        self._due = [s for s in self._due if s.t_ns > now_ns]
        return ready


def caption(runner: StageRunner, now_ns: int) -> tuple[str, bool]:
    """The strip's words: the string, then "stand by" or the time since the tone."""
    string = runner.current
    course = runner.course
    head = (f"{course.title}: string {string.index + 1}/{len(course.stages)}, "
            f"{course.stage_label(string.stage)}, par {string.stage.par_time:g} s")
    if now_ns < string.start.tone_ns:
        return f"{head}   STAND BY", False
    return f"{head}   {(now_ns - string.start.tone_ns) / 1e9:5.2f} s", True


def frame(runner: StageRunner, now_ns: int,
          last: tuple[StringStarted, StageScore] | None) -> CourseFrame:
    """Between strings, the one just shot with its holes and score; from "stand by" on,
    the next string's target."""
    if last is not None and now_ns < runner.current.start.ready_ns:
        string, score = last
        words = (f"string {string.index + 1}: {score.points}/{score.max_points} points, "
                 f"{score.hits}/{score.rounds} hits; next: string {runner.index + 1}")
        return CourseFrame(string.placement, words, score.shots)
    words, live = caption(runner, now_ns)
    return CourseFrame(runner.current.placement, words, (), live)


def run_qualification(runner: StageRunner, display: CourseDisplay, clock: Clock,
                      frame_ns: int, weapon: WeaponName, officer: str,
                      mouse: ScriptedMouse | None = None, rig: Rig | None = None,
                      on_frame: Callable[[int], None] | None = None) -> Attempt:
    """Shoot the course to its end; the attempt, scored as the scripted path scores."""
    last: tuple[StringStarted, StageScore] | None = None  # shown until the next "stand by"
    while not runner.done:
        if isinstance(clock, ManualClock):
            clock.advance_ns(frame_ns)
        now = clock.now_ns()
        pulls: list[Shot | Pull] = [*(mouse.due(now) if mouse else [])]
        for given in display.inputs():
            if isinstance(given, Stop):
                raise QualificationStopped("qualify: stopped by the operator before the "
                                           "course ended; nothing was recorded")
            pulls.append(given)
        for pull in pulls:
            if rig is not None:
                rig.pull(officer, weapon, pull.point, pull.t_ns)
            else:
                runner.shot(Shot(t_ns=pull.t_ns, weapon=weapon, point=pull.point,
                                 source="pointer"))
        if rig is not None:  # pulls first: a frame exposed by now may hold their pulses
            rig.observe(display.pixels, now)
            for shot in rig.advance(now):
                runner.shot(shot)
        string_shown = runner.current
        for event in runner.advance(now):
            if isinstance(event, ToneSounded):
                display.tone()
            elif isinstance(event, StringScored):
                last = (string_shown, event.score)
            elif mouse is not None:
                mouse.started(event)
        if runner.done:
            break
        display.show(frame(runner, now, last))
        if on_frame is not None:
            on_frame(now)
    return runner.attempt()


FRAME_HZ = 60
LEAD_IN_S = 3.0  # a person at the window gets a moment to face it before "stand by"


@dataclass(frozen=True, slots=True)
class LiveOptions:
    rig: str  # mouse, sim, or camera=URL,replicas=URL+URL,calibration=NAME
    seed: int
    headless: bool  # a ManualClock, full speed, under SDL's dummy drivers (set by the caller)
    fullscreen: bool = False
    display: int = 0
    sound: bool = True


def qualify_live(course: Course, shooter: ShooterScript | None, options: LiveOptions
                 ) -> tuple[Attempt, str]:
    """Open the window and the rig, shoot the course, close them: the attempt, and who
    fired it ("mouse", or "script at the window", "... via rig sim")."""
    from hardware.clock import MonotonicClock
    from range.courses.timer import ShotTimer
    from range.run.officers import SOLE_OFFICER
    from range.views.course_window import CourseWindow
    from range.world.projection import Projection

    rng = np.random.default_rng(options.seed)
    clock: Clock = ManualClock() if options.headless else MonotonicClock()
    resolution = Projection().resolution
    rig = course_rig(options.rig, course.weapon, resolution, clock.now_ns(), options.seed,
                     threaded=not options.headless)
    window = CourseWindow(resolution, clock, fullscreen=options.fullscreen,
                          display=options.display, title=f"Holdfire: {course.title}",
                          sound=options.sound, lazy=options.headless)
    mouse = ScriptedMouse(shooter, course.weapon, rng) if shooter is not None else None
    start_ns = clock.now_ns() + (0 if options.headless else round(LEAD_IN_S * 1e9))
    try:
        attempt = run_qualification(
            StageRunner(course, ShotTimer(rng), options.seed, start_ns=start_ns), window,
            clock, round(1e9 / FRAME_HZ), course.weapon, SOLE_OFFICER, mouse, rig,
            None if options.headless else _pacer())
    finally:
        if rig is not None:
            rig.close()
        window.close()
    who = "script at the window" if shooter is not None else "mouse"
    via = {"mouse": "", "sim": " via rig sim"}.get(options.rig, " via rig camera")
    return attempt, who + via


def _pacer() -> Callable[[int], None]:
    import pygame

    ticker = pygame.time.Clock()

    def pace(_now_ns: int) -> None:
        ticker.tick(FRAME_HZ)
    return pace


def course_rig(spec: str, weapon: WeaponName, resolution: tuple[int, int], start_ns: int,
               seed: int, threaded: bool) -> Any:
    """None for the mouse; the simulated rig; or the real one the spec names."""
    if spec == "mouse":
        return None
    if spec == "sim":
        return simulated_rig(resolution, weapon, start_ns, seed, threaded)
    from range.run.rig import connected_rig

    return connected_rig(spec)


def simulated_rig(resolution: tuple[int, int], weapon: WeaponName, start_ns: int,
                  seed: int, threaded: bool = False) -> Any:
    """The simulated rig (replica link, camera, detector, fusion) for a course's weapon."""
    from range.run.rig import SimulatedRig

    return SimulatedRig(resolution, [weapon], start_ns, seed=seed, threaded=threaded)
