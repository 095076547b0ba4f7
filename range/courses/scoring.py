"""Scoring a stage's shots against its target: zone of each hole (or probe pair), par
time, extra rounds, and the stage and course totals. Pure: shots in, scores out."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from hardware.events import Shot
from range.courses.model import Course, Stage
from range.courses.placement import TargetPlacement
from range.courses.targets import Point, Zone
from range.world.weapons import WEAPONS, TaserCartridge


@dataclass(frozen=True, slots=True)
class ScoredShot:
    index: int  # within the stage, in firing order
    t_s: float  # from the start tone
    split_s: float | None
    pixel: tuple[float, float] | None
    hit: Point | None  # target coordinates, metres (the top probe for a TASER)
    zone: str | None
    points: int
    counted: bool
    note: str = ""  # why it scored nothing or did not count
    probe2: Point | None = None
    probe2_zone: str | None = None
    spread_m: float | None = None


@dataclass(frozen=True, slots=True)
class StageScore:
    index: int
    label: str
    target: str
    distance_m: float
    start: str
    rounds: int
    par_s: float
    par_confirmed: bool
    delay_s: float
    points: int
    max_points: int
    hits: int
    shots: tuple[ScoredShot, ...]

    @property
    def over_par(self) -> int:
        return sum(1 for s in self.shots if s.note == "over par")

    @property
    def time_s(self) -> float | None:
        counted = [s.t_s for s in self.shots if s.counted]
        return max(counted) if counted else None


@dataclass(frozen=True, slots=True)
class CourseScore:
    course: str
    title: str
    course_hash: str
    stages: tuple[StageScore, ...]
    pass_points: float
    unconfirmed: tuple[str, ...] = field(default=())

    @property
    def points(self) -> int:
        return sum(s.points for s in self.stages)

    @property
    def max_points(self) -> int:
        return sum(s.max_points for s in self.stages)

    @property
    def percent(self) -> float:
        return 100.0 * self.points / self.max_points if self.max_points else 0.0

    @property
    def passed(self) -> bool:
        return self.points >= self.pass_points


def score_stage(course: Course, index: int, placement: TargetPlacement, shots: list[Shot],
                tone_ns: int, delay_s: float) -> StageScore:
    stage = course.stages[index]
    fired = sorted((s for s in shots if s.confirmed), key=lambda s: s.t_ns)
    times = [(s.t_ns - tone_ns) / 1e9 for s in fired]
    scored = []
    rounds = 0  # fired after the tone, in time or not: beyond the stage's, an extra round
    for i, (shot, t) in enumerate(zip(fired, times, strict=True)):
        note = _timing_note(stage, t, rounds)
        rounds += t >= 0
        points, hit, zone, extra = _score_hit(course, placement, shot.point)
        if note:
            points = 0
        scored.append(ScoredShot(i, round(t, 6), round(t - times[i - 1], 6) if i else None,
                                 shot.point, hit, zone, points, not note,
                                 note or extra.note, extra.probe2, extra.probe2_zone,
                                 extra.spread_m))
    per_round = course.points_per_round()
    return StageScore(index, course.stage_label(stage), stage.target or course.target,
                      stage.distance, stage.start, stage.rounds, stage.par_time,
                      stage.par_confirmed, delay_s, sum(s.points for s in scored),
                      stage.rounds * per_round,
                      sum(1 for s in scored if s.counted and _is_hit(s)), tuple(scored))


def _is_hit(shot: ScoredShot) -> bool:
    """A round in a scoring zone; for a TASER, both probes on the body."""
    return shot.zone is not None and (shot.spread_m is None or shot.probe2_zone is not None)


def _timing_note(stage: Stage, t: float, rounds: int) -> str:
    if t < 0:
        return "before the start tone"
    if rounds >= stage.rounds:
        return "extra round"
    return "over par" if t > stage.par_time else ""


@dataclass(frozen=True, slots=True)
class _Probe:
    probe2: Point | None = None
    probe2_zone: str | None = None
    spread_m: float | None = None
    note: str = ""


def _score_hit(course: Course, placement: TargetPlacement, pixel: tuple[float, float] | None
               ) -> tuple[int, Point | None, str | None, _Probe]:
    if pixel is None:
        return 0, None, None, _Probe(note="off the screen")
    hit = placement.hit(pixel)
    rule = course.scoring
    zone = placement.target.zone_at(hit, rule.hole_diameter / 2)
    if rule.rule == "probes":
        return _score_probes(course, placement, pixel, hit, zone)
    if zone is None:
        return 0, hit, None, _Probe(note="miss")
    points = rule.points_per_hit if rule.rule == "hits" else zone.value
    return points, hit, zone.name, _Probe()


def _score_probes(course: Course, placement: TargetPlacement, pixel: tuple[float, float],
                  top: Point, top_zone: Zone | None) -> tuple[int, Point, str | None, _Probe]:
    """1 per probe in a preferred area, 1 for a spread of at least the minimum with both
    probes on the body; 0 for a probe in an avoided area."""
    cartridge = WEAPONS[course.weapon]
    assert isinstance(cartridge, TaserCartridge)
    low = placement.hit(pixel, drop=cartridge.probe_angles[-1])
    low_zone = placement.target.zone_at(low)
    spread = round(math.dist(top, low), 6)
    zones = (top_zone, low_zone)
    probe = _Probe(low, low_zone.name if low_zone else None, spread)
    avoided = [z.name for z in zones if z is not None and z.area == "avoid"]
    if avoided:
        return 0, top, _name(top_zone), _Probe(probe.probe2, probe.probe2_zone, spread,
                                               f"probe in an avoided area: {avoided[0]}")
    points = sum(1 for z in zones if z is not None and z.area == "prefer")
    on_body = None not in zones
    points += 1 if on_body and spread >= course.scoring.min_spread else 0
    note = "" if on_body else "probe off the body"
    if on_body and spread < course.scoring.min_spread:
        note = f"spread {spread / 0.0254:.1f} in, under {course.scoring.min_spread / 0.0254:g} in"
    return points, top, _name(top_zone), _Probe(probe.probe2, probe.probe2_zone, spread, note)


def _name(zone: Zone | None) -> str | None:
    return zone.name if zone else None
