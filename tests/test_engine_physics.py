"""The world against domain-facts.md: probe geometry and flight, bullets, cover, zones."""

from __future__ import annotations

import math
from typing import TypeVar, get_args

import pytest

from range.run.events import (
    ActorStateChanged,
    BulletHit,
    BulletStopped,
    Event,
    ProbeLanded,
    ShotFired,
    TaserCycleEnded,
    TaserDeployment,
)
from range.vocabulary import WeaponName, Zone
from range.world.engine import World
from range.world.weapons import WEAPONS, TaserCartridge, spread_at
from tests.builders import CHARGING, actor, scenario

FT, IN = 0.3048, 0.0254
EventT = TypeVar("EventT", bound=Event)


def of(events: list[Event], kind: type[EventT]) -> list[EventT]:
    return [e for e in events if isinstance(e, kind)]


def run_until(world: World, seconds: float) -> None:
    while world.time_s < seconds - 1e-9 and not world.ended:
        world.step()


@pytest.mark.parametrize(("feet", "inches"), [(7, 11.8), (21, 35.4)])
def test_eight_degree_spread_matches_domain_facts(feet: float, inches: float) -> None:
    assert spread_at(math.radians(8), feet * FT) / IN == pytest.approx(inches, abs=0.05)


MUZZLE_AHEAD, MUZZLE_Z = 0.5, 1.65 - 0.35  # the default officer's muzzle (eye 1.65 m)


def top_probe_slope(front: float, aimed_z: float) -> float:
    """The top probe's line: from the muzzle to the point the eye aims at on his front."""
    return (aimed_z - MUZZLE_Z) / (front - MUZZLE_AHEAD)


def spread_from_muzzle(front: float, slope: float, degrees: float = 8.0) -> float:
    """How far below the top probe the lower one lands on his front."""
    lower = math.tan(math.atan(slope) - math.radians(degrees))
    return (front - MUZZLE_AHEAD) * (slope - lower)


def test_probes_from_the_muzzle_land_8_degrees_apart_on_a_standing_subject() -> None:
    # A tall subject whose front is 21 ft away; the eye aims level at his front, and the
    # top probe climbs to that point from the muzzle, half a metre ahead, 0.35 m lower.
    world = World(scenario(actor(position=(0.0, 21 * FT + 0.22), height=2.4)), seed=1)
    world.fire("x26-25ft", world.projection.world_to_screen(0.0, 21 * FT, 1.65))
    run_until(world, 0.5)
    top, bottom = of(world.events, ProbeLanded)
    assert top.actor == bottom.actor == "subject"
    assert top.height_m == pytest.approx(1.65, abs=0.005)
    spread = top.height_m - bottom.height_m
    expected = spread_from_muzzle(21 * FT, top_probe_slope(21 * FT, 1.65))
    assert spread == pytest.approx(expected, abs=0.005)
    assert spread / IN < 35.4 - 2  # 35.4 in from the eye (B.2): the muzzle is nearer him
    deployment = of(world.events, TaserDeployment)[0]
    assert deployment.result == "effective"
    assert deployment.spread_m == pytest.approx(spread, abs=1e-6)


def test_the_x26_spread_reaches_12_in_near_9_ft_from_the_officer() -> None:
    """The 12 in point, found by firing at the chest of a subject ever farther away, is
    where the geometry from the muzzle puts it: about 9 ft, not the 7.1 ft of a probe
    pair leaving the eye (domain-facts B.2's table, which ignores the bore's offset)."""
    chest = (0.66 + 0.85) / 2 * 1.78

    def geometry(front: float) -> float:
        return spread_from_muzzle(front, top_probe_slope(front, chest))

    fronts = [(7.0 + 0.25 * i) * FT for i in range(13)]  # 7 to 10 ft
    reached = []
    for front in fronts:
        world = World(scenario(actor(position=(0.0, front + 0.22))), seed=1)
        world.fire("x26", world.projection.world_to_screen(0.0, front, chest))
        run_until(world, 0.3)
        spread = of(world.events, TaserDeployment)[0].spread_m
        assert spread == pytest.approx(geometry(front), abs=0.005)
        reached.append(spread is not None and spread >= 12 * IN)
    first = fronts[reached.index(True)] / FT
    low, high = 7.0, 10.0  # where the geometry crosses 12 in, by bisection
    for _ in range(40):
        middle = (low + high) / 2
        low, high = (middle, high) if geometry(middle * FT) < 12 * IN else (low, middle)
    assert high == pytest.approx(8.8, abs=0.1)
    assert first - 0.25 < high <= first
    assert spread_at(math.radians(8), 12 * IN / math.tan(math.radians(8))) == pytest.approx(
        12 * IN)  # from the eye it would be 12 in at 7.1 ft
    assert 12 * IN / math.tan(math.radians(8)) / FT == pytest.approx(7.1, abs=0.05)


def test_probe_flight_to_21_ft_takes_0_117_s() -> None:
    # Put the body's front exactly 21 ft beyond the muzzle.
    world = World(scenario(actor(position=(0.0, 21 * FT + 0.22 + MUZZLE_AHEAD))), seed=1)
    world.fire("x26", world.aim_point("subject", "upper_torso"))
    run_until(world, 0.5)
    fired = of(world.events, ShotFired)[0]
    landed = of(world.events, ProbeLanded)[0]
    flight = (landed.tick - fired.tick) * world.step_s
    assert flight == pytest.approx(0.117, abs=world.step_s + 0.003)


def test_a_charging_subject_meets_the_probes_half_a_metre_closer() -> None:
    # His front is 21 ft + 0.5 m beyond the muzzle at the trigger pull: they meet near
    # 21 ft from it.
    world = World(scenario(actor(position=(0.0, 8.0), states=CHARGING)), seed=1)
    run_until(world, (8.0 - 0.22 - 21 * FT - 0.5 - MUZZLE_AHEAD) / 4.3)
    start = world.snapshot().actor("subject").distance_m
    # A hand to his side of the centre line: the lower probe meets a shin, not the gap
    # between his legs.
    world.fire("x26-25ft", world.aim_point("subject", "lower_torso", offset=(0.1, 0.0)))
    run_until(world, 1.0)
    top = next(p for p in of(world.events, ProbeLanded) if p.probe == 0)
    assert top.actor == "subject"
    flight = (top.tick - of(world.events, ShotFired)[0].tick) * world.step_s
    moved = 4.3 * flight
    # Closing speed: the probe's ground speed plus his; the probe flies from the muzzle.
    point = of(world.events, ShotFired)[0].point
    assert point is not None
    front = start - 0.22
    slope = top_probe_slope(front, world.projection.ray(*point).height_at(front))
    expected = (front - MUZZLE_AHEAD) / (55.0 / math.hypot(1.0, slope) + 4.3)
    assert expected == pytest.approx(0.117, abs=0.003)
    assert flight == pytest.approx(expected, abs=world.step_s)
    assert moved == pytest.approx(0.5, abs=0.03)
    # Where the body's front was at the trigger pull vs where the probe met it.
    assert front - top.distance_m == pytest.approx(moved, abs=0.03)
    # Met half a metre early, the rising probe line is lower there: the top probe lands
    # below the point aimed at, and the pair lands closer together than the spread the
    # officer would expect at the distance he fired at.
    aimed_height = MUZZLE_Z + slope * (front - MUZZLE_AHEAD)
    assert top.height_m - aimed_height == pytest.approx(-slope * moved, abs=0.01)
    deployment = of(world.events, TaserDeployment)[0]
    assert deployment.spread_m is not None
    assert deployment.spread_m < spread_from_muzzle(front, slope) - 0.05


def test_a_probe_aimed_where_a_crossing_subject_was_misses() -> None:
    crossing = {"cross": {"action": "walk_to", "threat": "deadly_force", "speed": "4.3 m/s",
                          "target": ["10 m", "21 ft"]}}
    world = World(scenario(actor(position=(-2.0, 21 * FT), states=crossing)), seed=1)
    world.step()
    world.fire("x26", world.aim_point("subject", "lower_torso"))
    run_until(world, 0.6)
    assert {p.actor for p in of(world.events, ProbeLanded)} == {None}
    assert of(world.events, TaserDeployment)[0].result in ("miss", "out_of_range")


def test_probes_beyond_the_wire_are_out_of_range() -> None:
    world = World(scenario(actor(position=(0.0, 30 * FT))), seed=1)
    world.fire("x26", world.aim_point("subject", "lower_torso"))
    run_until(world, 0.5)
    deployment = of(world.events, TaserDeployment)[0]
    assert deployment.result == "out_of_range"
    assert deployment.actor == "subject"  # the person aimed at
    assert "21 ft wire" in deployment.reason
    # The 25 ft cartridge reaches the same subject at 24 ft (aimed low enough that the
    # lower probe, 40 in below, meets his legs above the knees).
    world = World(scenario(actor(position=(0.0, 24 * FT))), seed=1)
    world.fire("x26-25ft", world.aim_point("subject", "upper_torso", offset=(0.0, 0.15)))
    run_until(world, 0.5)
    assert of(world.events, TaserDeployment)[0].result == "effective"


def test_short_spread_at_close_range_with_the_stand_off_cartridge() -> None:
    cartridge = WEAPONS["taser7-so"]
    assert isinstance(cartridge, TaserCartridge)
    world = World(scenario(actor(position=(0.0, 3.5))), seed=1)
    world.fire("taser7-so", world.aim_point("subject", "upper_torso"))
    run_until(world, 0.5)
    deployment = of(world.events, TaserDeployment)[0]
    assert deployment.result == "short_spread"
    assert deployment.spread_m is not None and deployment.spread_m < 12 * IN
    # The same shot with the legacy 6 in rule connects.
    legacy = scenario(actor(position=(0.0, 3.5)), taser={"min_spread": "6 in"})
    world = World(legacy, seed=1)
    world.fire("taser7-so", world.aim_point("subject", "upper_torso"))
    run_until(world, 0.5)
    assert of(world.events, TaserDeployment)[0].result == "effective"


def test_thick_clothing_defeats_the_probes() -> None:
    world = World(scenario(actor(position=(0.0, 5.0), clothing="1.5 in")), seed=1)
    world.fire("x26", world.aim_point("subject", "upper_torso"))
    run_until(world, 0.5)
    deployment = of(world.events, TaserDeployment)[0]
    assert deployment.result == "clothing"
    assert "1.5 in" in deployment.reason


def test_taser10_needs_probes_from_two_pulls() -> None:
    world = World(scenario(actor(position=(0.0, 5.0))), seed=1)
    world.fire("taser10", world.aim_point("subject", "upper_torso"))
    run_until(world, 0.3)
    world.fire("taser10", world.aim_point("subject", "legs", offset=(0.0, 0.2)))
    run_until(world, 0.6)
    results = [d.result for d in of(world.events, TaserDeployment)]
    assert results == ["one_probe", "effective"]


def test_effective_deployment_holds_the_subject_for_the_5_s_cycle() -> None:
    states = {"run": {**CHARGING["run"], "transitions": [{"taser": "effective", "to": "down"}]},
              "down": {"action": "down", "threat": "compliant"}}
    world = World(scenario(actor(position=(0.0, 5.0), states=states), duration=7.0), seed=1)
    world.fire("x26", world.aim_point("subject", "upper_torso"))
    world.run()
    deployment = of(world.events, TaserDeployment)[0]
    ended = of(world.events, TaserCycleEnded)[0]
    assert deployment.result == "effective"
    assert (ended.tick - deployment.tick) * world.step_s == pytest.approx(5.0)
    down = next(e for e in of(world.events, ActorStateChanged) if e.state == "down")
    assert down.cause == "taser:effective"
    assert down.tick == deployment.tick + 1


def test_bullet_hits_the_zone_it_was_aimed_at() -> None:
    zones: tuple[Zone, ...] = ("head", "upper_torso", "lower_torso", "legs")
    for zone in zones:
        world = World(scenario(actor(position=(0.5, 7.0))), seed=1)
        world.fire("pistol", world.aim_point("subject", zone))
        run_until(world, 0.2)
        hit = of(world.events, BulletHit)[0]
        assert (hit.actor, hit.zone) == ("subject", zone)


def test_cover_stops_low_shots_but_not_shots_over_it() -> None:
    car = {"id": "car", "kind": "vehicle", "center": [0.0, 5.0], "size": [4.5, 1.8],
           "height": "1.1 m"}
    world = World(scenario(actor(position=(0.0, 7.0)), cover=[car]), seed=1)
    world.fire("pistol", world.aim_point("subject", "legs"))
    world.fire("pistol", world.aim_point("subject", "head"))
    run_until(world, 0.2)
    stopped = of(world.events, BulletStopped)
    assert [(s.shot, s.by) for s in stopped] == [(1, "car")]
    assert stopped[0].distance_m == pytest.approx(4.1, abs=0.01)
    assert [(h.shot, h.zone) for h in of(world.events, BulletHit)] == [(2, "head")]


def test_a_miss_flies_on_to_a_bystander_behind() -> None:
    bystander = actor("bystander", position=(1.0, 12.0), role="bystander")
    world = World(scenario(actor(position=(0.0, 6.0)), bystander), seed=1)
    world.fire("pistol", world.aim_point("subject", "upper_torso", offset=(0.5, 0.0)))
    run_until(world, 0.2)
    hit = of(world.events, BulletHit)[0]
    assert (hit.actor, hit.role) == ("bystander", "bystander")


def test_shots_off_the_screen_and_unconfirmed_spots_fly_nowhere() -> None:
    world = World(scenario(actor()), seed=1)
    world.fire("pistol", None)
    world.fire("pistol", (960.0, 540.0), confirmed=False)
    run_until(world, 0.2)
    assert [s.confirmed for s in of(world.events, ShotFired)] == [True, False]
    assert [(s.shot, s.by) for s in of(world.events, BulletStopped)] == [(1, "nothing")]
    assert of(world.events, BulletHit) == []


def test_every_weapon_name_files_may_use_has_data() -> None:
    assert set(get_args(WeaponName)) == set(WEAPONS)


def test_a_run_whose_events_outgrow_the_cap_stops_with_one_line(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from range.errors import RunError
    from range.world import engine

    monkeypatch.setattr(engine, "MAX_EVENTS", 5)
    world = World(scenario(actor(), actor("b", position=(1.0, 6.0)), actor("c", (2.0, 6.0))),
                  seed=0)
    with pytest.raises(RunError, match=r"test: expected at most 5 events in a run, found more "
                                       r"by 0\.0 s: a behaviour that loops without end"):
        for _ in range(3):
            world.command("stop")


def test_a_taser_pair_that_passes_beside_a_subject_within_reach_is_a_miss() -> None:
    """10 ft away, aimed 0.4 m to his side: the probes fly past him to the end of the
    21 ft wire. He was within reach: they missed, they were not short."""
    world = World(scenario(actor(position=(0.0, 10 * FT))), seed=0)
    point = world.aim_point("subject", "upper_torso", offset=(0.4, 0.0))
    world.fire("x26", point)
    run_until(world, 1.0)
    (outcome,) = of(world.events, TaserDeployment)
    assert of(world.events, ShotFired)[0].aimed_at is None  # nobody on the line
    assert (outcome.result, outcome.actor) == ("miss", None)
    assert outcome.reason == "no probe on a body (stopped by wire)"


def test_a_taser_pair_at_a_subject_beyond_the_wire_is_out_of_range() -> None:
    world = World(scenario(actor(position=(0.0, 27 * FT))), seed=0)
    world.fire("x26", world.aim_point("subject", "upper_torso"))
    run_until(world, 1.0)
    (outcome,) = of(world.events, TaserDeployment)
    assert outcome.result == "out_of_range"
    assert outcome.reason == "a probe reached the end of its 21 ft wire"
