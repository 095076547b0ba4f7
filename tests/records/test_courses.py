"""Courses of fire: the shipped files, target geometry, the projection at true angular
size, the shot timer, and scoring of scripted and hand-made shots."""

from __future__ import annotations

import math

import numpy as np
import pygame
import pytest

from hardware.events import Shot
from range.courses.catalogue import course_names, load_course, load_shooter
from range.courses.model import parse_course
from range.courses.placement import TargetPlacement
from range.courses.qualify import placement, shoot_scripted
from range.courses.scoring import score_stage
from range.courses.targets import INCH, TARGETS, Target, qit99
from range.courses.timer import MAX_DELAY_S, MIN_DELAY_S, TONE_HZ, ShotTimer, tone_wave
from range.courses.view import angular_size_deg, target_png
from range.errors import ScenarioError
from range.world.projection import Projection
from range.world.weapons import WEAPONS

YD = 0.9144


def test_the_shipped_courses_are_as_their_sources_say() -> None:
    assert course_names() == ["fbi-2019", "state-50", "taser-user"]
    fbi = load_course("fbi-2019")
    assert (fbi.rounds, fbi.max_points, fbi.pass_points) == (50, 100, 90.0)
    by_distance: dict[float, int] = {}
    for stage in fbi.stages:
        by_distance[round(stage.distance / YD)] = by_distance.get(
            round(stage.distance / YD), 0) + stage.rounds
    assert by_distance == {3: 6, 5: 12, 7: 18, 15: 6, 25: 8}  # D.1's distribution
    assert [s.distance / YD for s in fbi.stages if not s.par_confirmed] == pytest.approx(
        [25, 25])
    assert len(fbi.unconfirmed()) == 2
    state = load_course("state-50")
    assert (state.rounds, state.pass_points, state.max_points) == (50, 35.0, 50)
    taser = load_course("taser-user")
    assert taser.scoring.rule == "probes" and not taser.pass_mark.confirmed


@pytest.mark.parametrize("name", ["fbi-2019", "state-50", "taser-user"])
def test_each_course_has_a_passing_and_a_failing_shooter(name: str) -> None:
    course = load_course(name)
    good, poor = load_shooter("good", course), load_shooter("poor", course)
    for seed in range(4):
        assert shoot_scripted(course, good, seed).score.passed
        assert not shoot_scripted(course, poor, seed).score.passed


def test_the_same_seed_gives_the_same_attempt() -> None:
    course = load_course("fbi-2019")
    shooter = load_shooter("poor", course)
    first, again = (shoot_scripted(course, shooter, 7) for _ in range(2))
    assert first == again
    assert shoot_scripted(course, shooter, 8).score.stages != first.score.stages


def test_the_bottle_is_192_square_inches_and_a_hole_touching_its_line_counts() -> None:
    bottle = qit99().zones[0]
    assert bottle.area_m2() / INCH**2 == pytest.approx(192.0)
    edge = (5 * INCH + 0.004, -5 * INCH)  # 4 mm outside the body's side
    assert qit99().zone_at(edge) is None
    assert qit99().zone_at(edge, radius=0.0045) == bottle  # a 9 mm hole cuts the line


def _zone(target: Target, x_in: float, y_in: float) -> str | None:
    zone = target.zone_at((x_in * INCH, y_in * INCH))
    return zone.name if zone else None


def test_zones_score_the_best_one_a_hole_touches() -> None:
    ipsc, idpa = TARGETS["ipsc"](), TARGETS["idpa"]()
    assert [_zone(ipsc, x, y) for x, y in ((0, 5), (4.5, 5), (0, -10), (0, -20))] == [
        "A", "C", "D", None]
    assert [_zone(idpa, x, y) for x, y in ((0, 3), (5, 3), (8, -10))] == ["-0", "-1", "-3"]
    assert not ipsc.verified and not idpa.verified and qit99().verified


@pytest.mark.parametrize("yards", [3, 7, 25])
def test_a_target_is_drawn_at_its_true_angular_size(yards: int) -> None:
    where = TargetPlacement(qit99(), yards * YD, Projection())
    left, bottom, _, top = where.target.sheet
    eye = where.projection.eye_height
    seen = math.degrees(math.atan2(where.target.hang_height + top - eye, yards * YD)
                        - math.atan2(where.target.hang_height + bottom - eye, yards * YD))
    assert angular_size_deg(where) == pytest.approx(seen, abs=1e-9)
    # and the line through a drawn point meets the target where that point is
    for point in [(0.0, 0.0), (left, top), (0.1, -0.2)]:
        assert where.hit(where.pixel(point)) == pytest.approx(point, abs=1e-9)


def test_a_target_view_shows_the_sheet_where_the_projection_puts_it() -> None:
    where = placement(load_course("fbi-2019"), load_course("fbi-2019").stages[0],
                      Projection())
    png = target_png(where)
    import io

    surface = pygame.image.load(io.BytesIO(png))
    centre = where.pixel((0.0, -5 * INCH))  # in the bottle's body
    corner = where.pixel((where.target.sheet[0] + 0.01, where.target.sheet[3] - 0.01))
    outside = where.pixel((where.target.sheet[0] - 0.05, 0.0))
    assert surface.get_at(tuple(map(round, centre)))[:3] == (190, 186, 176)
    assert surface.get_at(tuple(map(round, corner)))[:3] == (226, 218, 196)
    assert surface.get_at(tuple(map(round, outside)))[:3] != (226, 218, 196)


def test_the_timer_start_delay_is_random_and_seeded() -> None:
    delays = [ShotTimer(np.random.default_rng(3)).start(0).delay_s for _ in range(2)]
    assert delays[0] == delays[1]
    timer = ShotTimer(np.random.default_rng(1))
    many = [timer.start(0).delay_s for _ in range(200)]
    assert MIN_DELAY_S <= min(many) < 1.7 and 3.8 < max(many) <= MAX_DELAY_S
    wave = tone_wave()
    peak = np.argmax(np.abs(np.fft.rfft(wave))) * 44_100 / len(wave)
    assert peak == pytest.approx(TONE_HZ, abs=5)


def _shots(where: TargetPlacement, times: list[float], aim: tuple[float, float] = (0.0,
           -5 * INCH)) -> list[Shot]:
    return [Shot(t_ns=round(t * 1e9), weapon="pistol", point=where.pixel(aim)) for t in times]


def test_shots_before_the_tone_over_par_or_extra_score_nothing() -> None:
    course = load_course("fbi-2019")
    stage = course.stages[1]  # 5 yd, 3 rounds, 3 s
    where = placement(course, stage, Projection())
    shots = _shots(where, [-0.1, 1.0, 1.5, 3.5, 3.6])  # tone at 0
    score = score_stage(course, 1, where, shots, 0, 2.0)
    assert [s.note for s in score.shots] == ["before the start tone", "", "", "over par",
                                             "extra round"]
    assert (score.points, score.hits, score.over_par) == (4, 2, 1)
    assert score.shots[2].split_s == pytest.approx(0.5)
    miss = score_stage(course, 1, where, _shots(where, [1.0], aim=(8 * INCH, 0.0)), 0, 2.0)
    assert (miss.points, miss.shots[0].note) == (0, "miss")
    off = score_stage(course, 1, where, [Shot(t_ns=10**9, weapon="pistol", point=None)],
                      0, 2.0)
    assert off.shots[0].note == "off the screen"


def test_a_probe_pair_spreads_by_the_cartridge_angle() -> None:
    course = load_course("taser-user")
    stage = course.stages[1]  # 12 ft
    where = placement(course, stage, Projection())
    aim = where.target.aim
    score = score_stage(course, 1, where, [Shot(t_ns=10**9, weapon="x26",
                                                point=where.pixel(aim))], 0, 2.0)
    shot = score.shots[0]
    drop = WEAPONS["x26"].probe_angles[-1]  # type: ignore[union-attr]
    eye = where.projection.eye_height
    ground = math.hypot(aim[0], stage.distance)  # the aim is off the centre line
    low = eye + ground * math.tan(math.atan2(aim[1] - eye, ground) - drop)
    assert shot.probe2 == pytest.approx((aim[0], low), abs=1e-6)
    assert (shot.zone, shot.probe2_zone, shot.points) == ("lower centre mass", "right leg", 3)
    chest = score_stage(course, 1, where, [Shot(t_ns=10**9, weapon="x26", point=where.pixel(
        (0.0, 50 * INCH)))], 0, 2.0)
    assert chest.points == 0 and "avoided area: chest" in chest.shots[0].note


BASE = """schema_version = 1
id = "c"
title = "c"
weapon = "pistol"
target = "qit-99"
[scoring]
rule = "hits"
[pass_mark]
points = 2
[[stages]]
distance = "5 yd"
start = "holster"
rounds = 3
par_time = "3 s"
"""


@pytest.mark.parametrize(("change", "message"), [
    (('target = "qit-99"', 'target = "qit99"'),
     "c.toml: target: expected a target of ['cew-back', 'cew-front', 'idpa', 'ipsc', "
     "'qit-99'], found 'qit99' (did you mean 'qit-99'?)"),
    (('rounds = 3', 'rounds = 3\nhands = [{hand = "strong", rounds = 2}]'),
     "c.toml: stages[0].hands: expected rounds adding up to the stage's 3, found 2"),
    (("points = 2", "points = 2\npercent = 50"),
     "c.toml: pass_mark: expected exactly one of 'points' or 'percent'"),
    (("points = 2", "points = 4"),
     "c.toml: pass_mark.points: expected at most the course's 3 points, found 4"),
    (('weapon = "pistol"', 'weapon = "x26"'),
     "c.toml: weapon: expected 'pistol' for the scoring rule 'hits', found 'x26'"),
    (('par_time = "3 s"', 'par_time = "3 parsecs"'), "c.toml: stages[0].par_time:"),
    (('start = "holster"', 'start = "holstr"'), "(did you mean 'holster'?)"),
    (('rounds = 3', 'rounds = 3\nreloads = 3'),
     "c.toml: stages[0].reloads: expected fewer reloads than the stage's 3 rounds, found 3"),
])
def test_a_bad_course_file_is_one_clear_line(change: tuple[str, str], message: str) -> None:
    with pytest.raises(ScenarioError) as error:
        parse_course(BASE.replace(*change), "c.toml")
    assert message in str(error.value)
    parse_course(BASE, "c.toml")  # the unchanged file is fine
