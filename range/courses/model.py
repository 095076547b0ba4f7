"""A course of fire as a file says it: stages of distance, start position, rounds, par
time, hand, reloads, target, scoring rule and pass mark, validated with the scenario
files' one-line errors (`range.scenario.validation`)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from range.courses.targets import TARGETS
from range.errors import ScenarioError
from range.scenario.model import Distance, Duration
from range.scenario.validation import (
    Name,
    SchemaVersion,
    Strict,
    parse_model,
    suggest,
)
from range.vocabulary import WeaponName

Start = Literal["holster", "low_ready", "ready"]
Hand = Literal["both", "strong", "support"]
Rule = Literal["hits", "zone-points", "probes"]
Rounds = Annotated[int, Field(ge=1, le=200)]
# Two-probe cartridges: the probe drills score the spread of a probe pair.
PROBE_WEAPONS = ("x26", "x26-25ft", "x26p", "x2-15ft", "x2-25ft", "taser7-cq", "taser7-so")


class HandString(Strict):
    """Part of a stage fired with one hand (the 3 yd string: 3 strong, switch, 3 support)."""

    hand: Hand
    rounds: Rounds


class Stage(Strict):
    name: str = ""
    distance: Annotated[Distance, Field(gt=0, le=100)]
    start: Start
    rounds: Rounds
    par_time: Duration
    par_confirmed: bool = True  # False: the par time is not confirmed by a source
    hands: list[HandString] = Field(default_factory=list)  # empty: both hands throughout
    reloads: Annotated[int, Field(ge=0, le=20)] = 0
    target: str | None = None  # default: the course's

    def hand_strings(self) -> list[HandString]:
        return self.hands or [HandString(hand="both", rounds=self.rounds)]


class Scoring(Strict):
    """`hits`: `points_per_hit` for a hole touching a scoring zone; `zone-points`: the value
    of the best zone touched; `probes`: per deployment 1 per probe in a preferred area and 1
    for a spread of at least `min_spread`, and 0 if a probe lands in an avoided area."""

    rule: Rule
    points_per_hit: Annotated[int, Field(ge=1, le=10)] = 1
    hole_diameter: Annotated[Distance, Field(le=0.05)] = 0.009  # 9 mm
    min_spread: Annotated[Distance, Field(le=2.0)] = 12 * 0.0254


class PassMark(Strict):
    points: Annotated[int, Field(ge=0, le=100_000)] | None = None
    percent: Annotated[float, Field(gt=0, le=100)] | None = None
    confirmed: bool = True  # False: the mark is not confirmed by a source
    note: str = ""


class Course(Strict):
    schema_version: SchemaVersion
    id: Name
    title: str
    description: str = ""
    sources: list[str] = Field(default_factory=list)
    weapon: WeaponName = "pistol"
    target: str
    scoring: Scoring
    pass_mark: PassMark
    stages: Annotated[list[Stage], Field(min_length=1, max_length=100)]

    @property
    def rounds(self) -> int:
        return sum(s.rounds for s in self.stages)

    def points_per_round(self) -> int:
        rule = self.scoring.rule
        if rule == "hits":
            return self.scoring.points_per_hit
        if rule == "probes":
            return 3
        return max(TARGETS[s.target or self.target]().best_value for s in self.stages)

    @property
    def max_points(self) -> int:
        return self.rounds * self.points_per_round()

    @property
    def pass_points(self) -> float:
        mark = self.pass_mark
        return float(mark.points) if mark.points is not None else (
            self.max_points * (mark.percent or 0.0) / 100.0)

    def stage_label(self, stage: Stage) -> str:
        """A stage's name, or its distance, start and rounds: in feet for a TASER course,
        in yards for a firearm's, as ranges call them."""
        taser = self.weapon in PROBE_WEAPONS
        return stage.name or (f"{distance_text(stage.distance, 'ft' if taser else 'yd')}, "
                              f"{stage.start.replace('_', ' ')}, {stage.rounds} "
                              f"{'deployments' if taser else 'rds'}")

    def unconfirmed(self) -> list[str]:
        """Each figure of the course its sources do not confirm, in words for a report."""
        items = [f"stage {i + 1} ({self.stage_label(s)}): par time {s.par_time:g} s not "
                 "confirmed"
                 for i, s in enumerate(self.stages) if not s.par_confirmed]
        if not self.pass_mark.confirmed:
            items.append(f"pass mark {pass_text(self)} not confirmed")
        targets = {s.target or self.target for s in self.stages}
        items += [f"target {name}: dimensions not verified" for name in sorted(targets)
                  if not TARGETS[name]().verified]
        return items


def distance_text(metres: float, unit: str = "yd") -> str:
    """A distance in `unit` (yd or ft) if it is a whole number of them, else in metres."""
    size = {"yd": 0.9144, "ft": 0.3048}[unit]
    if abs(metres / size - round(metres / size)) < 1e-6:
        return f"{round(metres / size)} {unit}"
    return f"{metres:g} m"


def pass_text(course: Course) -> str:
    mark = course.pass_mark
    if mark.points is not None:
        return f"{mark.points} of {course.max_points} points"
    return f"{mark.percent:g}% ({course.pass_points:g} of {course.max_points} points)"


def parse_course(text: str, source: str) -> Course:
    course = parse_model(Course, text, source)
    _check(course, source)
    return course


def _check(course: Course, source: str) -> None:
    _check_target(course.target, f"{source}: target")
    rule = course.scoring.rule
    if (rule == "probes") != (course.weapon in PROBE_WEAPONS):
        wanted = f"one of {list(PROBE_WEAPONS)}" if rule == "probes" else "'pistol'"
        raise ScenarioError(f"{source}: weapon: expected {wanted} for the scoring rule "
                            f"{rule!r}, found {course.weapon!r}")
    for index, stage in enumerate(course.stages):
        where = f"{source}: stages[{index}]"
        if stage.target is not None:
            _check_target(stage.target, f"{where}.target")
        split = sum(h.rounds for h in stage.hands)
        if stage.hands and split != stage.rounds:
            raise ScenarioError(f"{where}.hands: expected rounds adding up to the stage's "
                                f"{stage.rounds}, found {split}")
        if stage.reloads >= stage.rounds:
            raise ScenarioError(f"{where}.reloads: expected fewer reloads than the stage's "
                                f"{stage.rounds} rounds, found {stage.reloads}")
    mark = course.pass_mark
    if (mark.points is None) == (mark.percent is None):
        raise ScenarioError(f"{source}: pass_mark: expected exactly one of 'points' or "
                            "'percent'")
    if mark.points is not None and mark.points > course.max_points:
        raise ScenarioError(f"{source}: pass_mark.points: expected at most the course's "
                            f"{course.max_points} points, found {mark.points}")


def _check_target(name: str, where: str) -> None:
    if name not in TARGETS:
        raise ScenarioError(f"{where}: expected a target of {sorted(TARGETS)}, found "
                            f"{name!r}{suggest(name, TARGETS)}")
