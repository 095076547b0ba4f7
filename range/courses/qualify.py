"""A course of fire shot from start to end: each string's timer start, its shots from a
shot source (a scripted shooter here; the rig's fused shots live), and its score.

One seeded generator per run drives the start delays and the scripted shooter, so the
same course, seed and inputs give the same attempt."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from hardware.events import Shot, WeaponName
from range.courses.model import Course, Stage
from range.courses.placement import TargetPlacement
from range.courses.scoring import CourseScore, StageScore, score_stage
from range.courses.shooter import ShooterScript, stage_shots
from range.courses.targets import TARGETS
from range.courses.timer import ShotTimer, Start
from range.scenario.validation import content_hash
from range.world.projection import Projection

RESET_S = 10.0  # between strings: holster, reload, "stand by"


class ShotSource(Protocol):
    """Whatever fires a string: it is told the string and its start tone, and gives the
    shots it fired (live, the fused shots of the rig between the tone and the cease)."""

    def fire(self, stage: Stage, placement: TargetPlacement, tone_ns: int) -> list[Shot]: ...


@dataclass
class ScriptedShooter:
    script: ShooterScript
    weapon: WeaponName
    rng: np.random.Generator

    def fire(self, stage: Stage, placement: TargetPlacement, tone_ns: int) -> list[Shot]:
        return stage_shots(self.script, stage, placement, self.weapon, tone_ns, self.rng)


@dataclass(frozen=True, slots=True)
class Attempt:
    """A course shot: its score, and each string's start (for the record)."""

    score: CourseScore
    starts: tuple[Start, ...]
    seed: int


def placement(course: Course, stage: Stage, projection: Projection) -> TargetPlacement:
    return TargetPlacement(TARGETS[stage.target or course.target](), stage.distance,
                           projection)


def shoot_course(course: Course, source: ShotSource, timer: ShotTimer, seed: int,
                 projection: Projection | None = None, start_ns: int = 0) -> Attempt:
    projection = projection or Projection()
    stages: list[StageScore] = []
    starts = []
    ready_ns = start_ns
    for index, stage in enumerate(course.stages):
        where = placement(course, stage, projection)
        start = timer.start(ready_ns)
        shots = source.fire(stage, where, start.tone_ns)
        stages.append(score_stage(course, index, where, shots, start.tone_ns, start.delay_s))
        starts.append(start)
        last_ns = max([s.t_ns for s in shots] + [start.tone_ns + round(stage.par_time * 1e9)])
        ready_ns = last_ns + round(RESET_S * 1e9)
    score = CourseScore(course.id, course.title, content_hash(course), tuple(stages),
                        course.pass_points, tuple(course.unconfirmed()))
    return Attempt(score, tuple(starts), seed)


def shoot_scripted(course: Course, script: ShooterScript, seed: int) -> Attempt:
    rng = np.random.default_rng(seed)
    return shoot_course(course, ScriptedShooter(script, course.weapon, rng), ShotTimer(rng),
                        seed)
