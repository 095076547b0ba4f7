"""A course of fire shot live: the stages one after another on an injected clock, fed the
shots as they come (a mouse's clicks, or the rig's fused shots, each stamped at its
trigger pull), scored by the same `score_stage` as the scripted path. No I/O: the thin
loop in `range.courses.session` draws, plays the tone and feeds it.

A string opens at "stand by" (its `Start.ready_ns`), the tone follows the timer's random
delay, and it closes at its last round, or `CEASE_S` past the par time if rounds are
still missing. It is scored `SETTLE_S` after that, so a fused shot that arrives late but
was pulled in time still counts. The next string's "stand by" comes `RESET_S` after the
later of its last shot and its par time, as in `shoot_course`: a scripted shooter
fired through this runner gives the same tones, and so the same attempt."""

from __future__ import annotations

from dataclasses import dataclass

from hardware.events import Shot
from range.courses.model import Course, Stage
from range.courses.placement import TargetPlacement
from range.courses.qualify import RESET_S, Attempt, placement
from range.courses.scoring import CourseScore, StageScore, score_stage
from range.courses.timer import ShotTimer, Start
from range.scenario.validation import content_hash
from range.world.projection import Projection

CEASE_S = 5.0  # past the par time: rounds not fired by then are not fired
SETTLE_S = 0.5  # fusion decides a shot within a few camera frames of its pull


@dataclass(frozen=True, slots=True)
class StringStarted:
    """A string's "stand by": its stage, where its target stands, and its timer start."""

    index: int
    stage: Stage
    placement: TargetPlacement
    start: Start


@dataclass(frozen=True, slots=True)
class ToneSounded:
    index: int
    tone_ns: int


@dataclass(frozen=True, slots=True)
class StringScored:
    score: StageScore


RunnerEvent = StringStarted | ToneSounded | StringScored


class StageRunner:
    """The course's strings in turn; `shot` takes a shot, `advance` moves to `now_ns`."""

    def __init__(self, course: Course, timer: ShotTimer, seed: int,
                 projection: Projection | None = None, start_ns: int = 0) -> None:
        self.course = course
        self.seed = seed
        self._projection = projection or Projection()
        self._timer = timer
        self._scores: list[StageScore] = []
        self._starts: list[Start] = []
        self._pending: list[Shot] = []  # received, not yet given to a string
        self._events: list[RunnerEvent] = []
        self._tone_sounded = False
        self._begin(start_ns)

    @property
    def done(self) -> bool:
        return len(self._scores) == len(self.course.stages)

    @property
    def index(self) -> int:
        """The string under way (the number of strings once done)."""
        return len(self._scores)

    @property
    def current(self) -> StringStarted:
        return self._open

    @property
    def scores(self) -> tuple[StageScore, ...]:
        return tuple(self._scores)

    def shot(self, shot: Shot) -> None:
        """A shot; a pull the replica said fired nothing (a jam) puts no hole in the
        target: the rounds he could not fire in the par time are misses."""
        if not self.done and shot.fired:
            self._pending.append(shot)

    def advance(self, now_ns: int) -> list[RunnerEvent]:
        """What happened by `now_ns`: tones, strings scored, strings started."""
        while not self.done:
            start = self._open.start
            if not self._tone_sounded and now_ns >= start.tone_ns:
                self._tone_sounded = True
                self._events.append(ToneSounded(self.index, start.tone_ns))
            close_ns = self._close_ns(now_ns)
            if close_ns is None or now_ns < close_ns + round(SETTLE_S * 1e9):
                break
            self._score(close_ns)
        events, self._events = self._events, []
        return events

    def attempt(self) -> Attempt:
        if not self.done:
            raise RuntimeError("the course is not finished")
        course = self.course
        score = CourseScore(course.id, course.title, content_hash(course), self.scores,
                            course.pass_points, tuple(course.unconfirmed()))
        return Attempt(score, tuple(self._starts), self.seed)

    def _begin(self, ready_ns: int) -> None:
        stage = self.course.stages[self.index]
        start = self._timer.start(ready_ns)
        self._starts.append(start)
        self._open = StringStarted(self.index, stage, placement(self.course, stage,
                                                                self._projection), start)
        self._tone_sounded = False
        self._events.append(self._open)

    def _close_ns(self, now_ns: int) -> int | None:
        """When the string closed: its last round's pull, or the cease after par."""
        stage, start = self._open.stage, self._open.start
        after_tone = sorted(s.t_ns for s in self._pending if s.confirmed
                            and s.t_ns >= start.tone_ns)
        if len(after_tone) >= stage.rounds:
            return after_tone[stage.rounds - 1]
        cease_ns = start.tone_ns + round((stage.par_time + CEASE_S) * 1e9)
        return cease_ns if now_ns >= cease_ns else None

    def _score(self, close_ns: int) -> None:
        string = self._open
        # a pull between strings is the next string's, fired before its tone
        mine = [s for s in self._pending if s.t_ns <= close_ns]
        self._pending = [s for s in self._pending if s.t_ns > close_ns]
        score = score_stage(self.course, string.index, string.placement, mine,
                            string.start.tone_ns, string.start.delay_s)
        self._scores.append(score)
        self._events.append(StringScored(score))
        if self.done:
            return
        par_end = string.start.tone_ns + round(string.stage.par_time * 1e9)
        last_ns = max([s.t_ns for s in mine] + [par_end])
        self._begin(last_ns + round(RESET_S * 1e9))
