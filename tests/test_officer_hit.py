"""The officer can be hit: every attack on him logs what it did (hit, missed, stopped by
cover), with figures computed here from the geometry alone."""

from __future__ import annotations

import math
from typing import Any

import pymunk
import pytest

from range.analysis.decisions import analyse
from range.run.events import OfficerAttacked
from range.run.scripted import simulate
from range.scenario.catalogue import load_inputs_arg, load_scenario_arg
from range.scenario.policy import load_policy
from range.world.attacks import Target, judge_attack
from range.world.ballistics import CoverAt
from range.world.engine import World
from tests.builders import actor, scenario

FIRING = {"fire": {"action": "fire", "threat": "deadly_force", "interval": "0.5 s"}}
STABBING = {"stab": {"action": "attack", "threat": "deadly_force"}}
EYE = 1.65
OFFICER = Target((0.0, 0.0), EYE)  # where he starts, at the origin


def nobody(shape: object) -> None:  # a lookup that finds no person in the line
    return None
# The officer's chest, as the test reckons it: stature from eye height (eye at 0.936 of
# stature), the middle of the upper-torso band (0.66-0.85 of stature).
CHEST = EYE / 0.936 * (0.66 + 0.85) / 2


def attacks(world: World) -> list[OfficerAttacked]:
    world.run()
    return [e for e in world.events if isinstance(e, OfficerAttacked)]


def shooter(y: float = 6.0, **fields: Any) -> dict[str, Any]:
    return actor("gunman", position=(0.0, y), states=FIRING, weapon="handgun", **fields)


def test_a_stab_within_reach_hits_the_officer() -> None:
    world = World(scenario(actor(position=(0.0, 0.9), states=STABBING, weapon="knife")), 1)
    found = attacks(world)
    assert len(found) >= 4
    assert {(a.attack, a.outcome, a.zone, a.by) for a in found} == {
        ("stab", "hit", "upper_torso", None)}


def test_a_steady_shooter_in_the_open_hits_the_officers_chest() -> None:
    found = attacks(World(scenario(shooter(aim_error="0 deg")), 1))
    assert len(found) == 6  # 0, 0.5, ... 2.5 s of a 3 s run
    assert {(a.outcome, a.zone, a.by) for a in found} == {("hit", "upper_torso", None)}


def test_a_wall_between_them_stops_every_shot() -> None:
    wall = {"id": "wall", "center": [0.0, 3.0], "size": [3.0, 0.3], "height": "2.4 m"}
    found = attacks(World(scenario(shooter(), cover=[wall]), 7))
    assert found and {(a.outcome, a.zone, a.by) for a in found} == {("stopped", None, "wall")}


def test_the_same_seed_gives_the_same_outcomes_and_another_seed_other_ones() -> None:
    car = {"id": "car", "center": [0.0, 4.5], "size": [4.8, 1.8], "height": "1.05 m"}
    long = scenario(shooter(7.0, aim_error="6 deg"), cover=[car],
                    duration=30.0)
    first = [(a.outcome, a.zone, a.by) for a in attacks(World(long, 3))]
    assert first == [(a.outcome, a.zone, a.by) for a in attacks(World(long, 3))]
    assert first != [(a.outcome, a.zone, a.by) for a in attacks(World(long, 4))]
    # Scattered 6 degrees at 7 m, some of 60 shots hit, some miss, some strike the car.
    assert {o for o, _, _ in first} == {"hit", "missed", "stopped"}


def _car_space() -> tuple[pymunk.Space, dict[pymunk.Shape, CoverAt]]:
    """A car 1.05 m high whose near side is 2 m and far side 3.8 m from the officer."""
    space = pymunk.Space()
    shape = pymunk.Poly(space.static_body, [(-2.4, 2.0), (2.4, 2.0), (2.4, 3.8), (-2.4, 3.8)])
    space.add(shape)
    return space, {shape: CoverAt("car", 1.05, shape)}


@pytest.mark.parametrize("up_deg", [0.0, -1.0, -3.0, -4.5, -6.0, 8.0])
def test_a_shot_over_a_car_is_judged_along_its_whole_line(up_deg: float) -> None:
    space, covers = _car_space()
    muzzle, distance = 1.51, 6.0  # his shoulder, and where he stands
    up = math.radians(up_deg)
    pitch = math.atan2(CHEST - muzzle, distance) + up

    def height(y: float) -> float:  # the line's height at y, straight towards the officer
        return muzzle - math.tan(pitch) * (y - distance)

    result = judge_attack("shot", (0.0, distance), muzzle, OFFICER, (0.0, up), space, nobody,
                          covers.get)
    at_officer = height(0.0)  # -6 deg: under the car's top at its far side; 8: over his head
    if min(height(3.8), height(2.0)) < 1.05:
        assert (result.outcome, result.by) == ("stopped", "car")
    elif at_officer > EYE / 0.936:
        assert (result.outcome, result.zone) == ("missed", None)
    else:
        bands = [(0.85, "head"), (0.66, "upper_torso"), (0.50, "lower_torso"), (0.0, "legs")]
        zone = next(z for low, z in bands if at_officer >= low * EYE / 0.936)
        assert (result.outcome, result.zone, result.by) == ("hit", zone, None)


def test_a_shot_wide_of_him_misses_and_a_near_one_hits_his_arm() -> None:
    space = pymunk.Space()
    distance = 6.0
    # 0.3 m beside his centre line is past his 18 in (0.229 m) width: a miss; 0.2 m is
    # beside his 0.34 m torso but within his arms.
    wide, near = math.atan2(0.3, distance), math.atan2(0.2, distance)
    assert judge_attack("shot", (0.0, distance), CHEST, OFFICER, (wide, 0.0), space, nobody,
                        lambda s: None).outcome == "missed"
    assert judge_attack("shot", (0.0, distance), CHEST, OFFICER, (near, 0.0), space, nobody,
                        lambda s: None).zone == "arms"


def test_the_traffic_stop_debrief_says_what_each_shot_at_the_officer_did() -> None:
    scenario_, base = load_scenario_arg("traffic-stop-draw")
    inputs = load_inputs_arg("poor", scenario_, base)
    world = simulate(scenario_, inputs.input, 0)
    report = analyse(world.events, load_policy(scenario_.policy, base))
    assert len(report.attacks) >= 4
    for attack in report.attacks:
        assert attack.outcome in ("hit", "missed", "stopped")
        assert "not recorded" not in attack.text
        assert attack.text.startswith("fired at the officer: ")
    assert any(a.text == "fired at the officer: hit him in the upper torso"
               for a in report.attacks)
