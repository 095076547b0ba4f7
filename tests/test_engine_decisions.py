"""Issue 13, the engine side: results an instructor would catch at once, each checked
against figures computed here from the geometry (not read back from the engine)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from range.errors import ScenarioError
from range.run.events import (
    BulletHit,
    BulletStopped,
    ShotFired,
    TaserDeployment,
    WeaponTransition,
)
from range.scenario.model import load_scenario, scenario_from_data
from range.vocabulary import WeaponName
from range.world.body import zone_at
from range.world.engine import World
from tests.builders import actor, scenario, scenario_data
from tests.test_engine_physics import FT, IN, of, run_until

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
DOWN = {"down": {"action": "down", "threat": "compliant"}}


# -- TASER: the label of a miss, and spread measured on the body -----------------------------

def test_a_taser_pair_fired_where_a_crossing_subject_was_at_15_ft_is_a_miss() -> None:
    """He crosses at 3.5 m/s, 15 ft away: the probes (0.09 s to him) arrive where he was,
    and he is already 0.3 m on, well inside the 21 ft wire: a miss, not out of range."""
    crossing = {"cross": {"action": "walk_to", "threat": "active_aggression",
                          "speed": "3.5 m/s", "target": ["10 m", "15 ft"]}}
    world = World(scenario(actor(position=(-1.0, 15 * FT), states=crossing)), seed=0)
    world.step()
    flight_s = (15 * FT - 0.22) / 55.0
    assert 3.5 * flight_s > 0.22  # he is past his footprint's half-width when they arrive
    world.fire("x26", world.aim_point("subject", "lower_torso"))
    run_until(world, 0.8)
    (outcome,) = of(world.events, TaserDeployment)
    assert outcome.result == "miss"


def test_taser10_spread_is_measured_on_the_body_not_between_world_points() -> None:
    """Two chest probes 2 mm apart in height, with him walking 1.4 m across between the
    pulls, are 2 mm apart on him: a short spread, not 52 in."""
    walking = {"walk": {"action": "walk_to", "threat": "active_aggression",
                        "speed": "1.4 m/s", "target": ["8 m", "4 m"]}}
    world = World(scenario(actor(position=(-1.0, 4.0), states=walking)), seed=0)
    world.fire("taser10", world.aim_point("subject", "upper_torso"))
    run_until(world, 1.0)
    world.fire("taser10", world.aim_point("subject", "upper_torso", offset=(0.0, 0.002)))
    run_until(world, 1.5)
    first, second = of(world.events, TaserDeployment)
    assert first.result == "one_probe"
    assert second.result == "short_spread"
    assert second.spread_m is not None and second.spread_m < 0.02
    landed = [p for p in world.shooting.landings if p.actor == "subject"]
    moved = math.dist(landed[0].point[:2], landed[1].point[:2])
    assert moved > 1.3  # the world points are a walk apart: 1.4 m/s for 1 s


def test_taser10_probes_pull_out_when_he_falls() -> None:
    states = {"stand": {"action": "idle", "threat": "active_aggression",
                        "transitions": [{"after": "0.5 s", "to": "down"}]}, **DOWN}
    world = World(scenario(actor(position=(0.0, 5.0), states=states)), seed=0)
    world.fire("taser10", world.aim_point("subject", "upper_torso"))
    run_until(world, 1.0)
    world.fire("taser10", world.aim_point("subject", "legs"))
    run_until(world, 1.5)
    assert [d.result for d in of(world.events, TaserDeployment)] == ["one_probe", "one_probe"]


# -- cover: the whole crossing --------------------------------------------------------------

def test_no_low_round_passes_through_a_car_in_120_trials() -> None:
    """The subject stands right behind a 1.05 m car. A round whose line is below the car's
    top anywhere across its depth is stopped by it: the line falls as it goes, so it is
    lowest at the far face, computed here from the eye and the aim."""
    car = {"id": "car", "kind": "vehicle", "center": [0.0, 4.0], "size": [4.8, 1.8],
           "height": "1.05 m"}
    far_face = 4.0 + 0.9
    through = 0
    for trial in range(120):
        world = World(scenario(actor(position=(0.0, far_face + 0.3)), cover=[car]), seed=trial)
        up = -0.6 + 0.01 * trial  # from the thighs up past the car's top
        point = world.aim_point("subject", "legs", offset=(0.0, up))
        assert point is not None
        ray = world.projection.ray(*point)
        below_top = ray.height_at(far_face / ray.direction[1]) < 1.05
        world.fire("pistol", point)
        run_until(world, 0.1)
        stopped = [s.by for s in of(world.events, BulletStopped)]
        hits = of(world.events, BulletHit)
        if below_top:
            assert stopped == ["car"] and hits == [], (trial, up)
        elif hits:
            through += 1
    assert through > 0  # rounds over the car's top still reach him


# -- placement ------------------------------------------------------------------------------

def test_a_subject_placed_inside_cover_is_refused_naming_the_cover() -> None:
    car = {"id": "car", "kind": "vehicle", "center": [0.0, 5.0], "size": [4.8, 1.8],
           "height": "1.05 m"}
    with pytest.raises(ScenarioError, match=r"actors\[0\] \(subject\)\.position: expected "
                                            r"his footprint .* clear of cover 'car', found "
                                            r"it 0\.00 m from its edge"):
        scenario_from_data(scenario_data(actor(position=(0.0, 5.9)), cover=[car]), "test")


def test_traffic_stop_driver_stands_still_at_18_ft_behind_the_car() -> None:
    driver_scenario = load_scenario(SCENARIOS / "traffic-stop-draw.toml")
    assert "18 ft" in driver_scenario.description
    world = World(driver_scenario, seed=0)
    distances = []
    for _ in range(3):
        run_until(world, world.time_s + 0.9)
        distances.append(world.snapshot().actor("driver").distance_m)
    expected = math.hypot(2 * FT, 18 * FT)
    assert distances == pytest.approx([expected] * 3, abs=1e-6)
    car = driver_scenario.cover[0]
    assert car.center[1] + car.size[1] / 2 < 18 * FT - 0.22  # the car is between


# -- zones follow the pose and the body's shape --------------------------------------------

def test_a_subject_lying_down_is_hit_where_the_round_meets_his_length() -> None:
    """He fell backwards, feet at his position, head towards +y. A round meeting him
    0.2 m from his feet is in his legs, 1.5 m along (of 1.78 m) in his head."""
    world = World(scenario(actor(position=(0.0, 6.0), states=DOWN)), seed=0)
    world.step()
    subject = world.cast.by_id["subject"]
    for along, zone in ((0.2, "legs"), (1.0, "lower_torso"), (1.3, "upper_torso"),
                        (1.6, "head")):
        expected_zone = zone_at("down", 1.78, 0.1, along=along)
        assert expected_zone == zone
        assert subject.zone_at(0.1, (0.0, 6.0 + along), (0.0, 1.0)) == zone
    # Aimed at his head and at his legs from 6 m: each line falls into the 0.30 m his body
    # lies high where it comes down through that height, and hits what lies there.
    expected = []
    for zone in ("head", "legs"):
        point = world.aim_point("subject", zone)  # type: ignore[arg-type]
        assert point is not None
        ray = world.projection.ray(*point)
        s = (1.65 - 0.30) / -ray.slope
        expected.append(zone_at("down", 1.78, 0.29, along=s * ray.direction[1] - 6.0))
        world.fire("pistol", point)
    run_until(world, 0.2)
    hits = of(world.events, BulletHit)
    assert [h.zone for h in hits] == expected
    assert expected[0] != "upper_torso" or expected[1] != "upper_torso"
    assert all(h.height_m <= 0.30 + 1e-6 for h in hits)


@pytest.mark.parametrize(("aim", "right_m", "up_m", "zone"), [
    ("head", 0.0, 0.0, "head"),
    ("head", 0.15, 0.0, None),  # the head is 6 in wide: 0.15 m off-centre misses
    ("upper_torso", 0.195, 0.0, "arms"),  # beside the trunk
    ("legs", 0.0, -0.5, None),  # between the legs, below the knees
    ("legs", 0.10, -0.5, "legs"),  # a shin
])
def test_body_shape(aim: str, right_m: float, up_m: float, zone: str | None) -> None:
    bystander = actor("wall-of-people", position=(0.0, 14.0), role="bystander")
    world = World(scenario(actor(position=(0.0, 6.0)), bystander), seed=0)
    world.fire("pistol", world.aim_point("subject", aim, offset=(right_m, up_m)))  # type: ignore[arg-type]
    run_until(world, 0.2)
    on_subject = [h.zone for h in of(world.events, BulletHit) if h.actor == "subject"]
    assert on_subject == ([zone] if zone else [])


# -- the shot's record: whom it was aimed at, what device and load ----------------------------

def test_aimed_at_is_whom_the_script_aimed_at_and_first_on_line_who_stood_in_the_way() -> None:
    """A shorter bystander half a step in front and to the side: the round's track
    crosses his footprint, but at his head's height and beside his head (a head is 6 in
    wide), so it goes past him to the subject it was aimed at."""
    near = actor("passer", position=(0.2, 3.0), role="bystander", height=1.5)
    world = World(scenario(actor(position=(0.0, 6.0)), near), seed=0)
    world.fire("pistol", world.aim_point("subject", "upper_torso", offset=(0.05, 0.0)),
               aimed_at="subject")
    run_until(world, 0.2)
    (fired,) = of(world.events, ShotFired)
    assert fired.aimed_at == "subject"
    ray = world.projection.ray(*fired.point)  # type: ignore[misc]
    s = 3.0 / ray.direction[1]
    side = abs(ray.ground_point(s)[0] - 0.2)
    assert side < 0.22  # his footprint is on the track
    assert zone_at("standing", 1.5, ray.height_at(s), side) is None  # past his head
    assert fired.first_on_line == "passer"
    assert [h.actor for h in of(world.events, BulletHit)] == ["subject"]


def test_a_pixel_shot_is_aimed_at_the_body_the_line_meets() -> None:
    bystander = actor("bystander", position=(1.0, 12.0), role="bystander")
    world = World(scenario(actor(position=(0.0, 6.0)), bystander), seed=0)
    world.fire("pistol", world.aim_point("subject", "upper_torso", offset=(0.5, 0.0)))
    run_until(world, 0.2)
    (fired,) = of(world.events, ShotFired)
    assert (fired.aimed_at, fired.first_on_line) == ("bystander", "bystander")


def test_each_round_names_its_device_and_load() -> None:
    world = World(scenario(actor(position=(0.0, 6.0)),
                           officer={"weapons": ["pistol", "x26", "taser10"], "magazine": 3}),
                  seed=0)
    weapons: tuple[WeaponName, ...] = ("pistol",) * 4 + ("x26",) * 2 + ("taser10",) * 2
    for index, weapon in enumerate(weapons):
        if index == 3:  # a new magazine, seated before the next pull
            world.reload("pistol")
            for _ in range(round(2.5 / world.step_s)):
                world.step()
        world.fire(weapon, None)
    loads = [(s.device, s.load) for s in of(world.events, ShotFired)]
    assert loads == [("pistol", 1)] * 3 + [("pistol", 2), ("X26", 1), ("X26", 2),
                                           ("TASER 10", 1), ("TASER 10", 1)]


def test_a_taser_to_gun_transition_faster_than_a_person_is_reported() -> None:
    world = World(scenario(actor(position=(0.0, 6.0))), seed=0)
    world.fire("x26", None)
    run_until(world, 0.35)
    world.fire("pistol", None)
    run_until(world, 3.0)
    world.fire("pistol", None)
    (transition,) = of(world.events, WeaponTransition)
    assert (transition.from_device, transition.to_device) == ("X26", "pistol")
    assert transition.took_s == pytest.approx(0.35, abs=world.step_s)
    assert (transition.least_s, transition.too_fast) == (2.49, True)


def test_a_first_shot_from_the_holster_sooner_than_draw_and_fire_is_reported() -> None:
    world = World(scenario(actor(position=(0.0, 6.0)),
                           officer={"weapons": ["pistol"], "start": "holstered"}), seed=0)
    run_until(world, 1.0)
    world.fire("pistol", None)
    (transition,) = of(world.events, WeaponTransition)
    assert transition.from_device is None
    assert (transition.least_s, transition.too_fast) == (1.777, True)
    assert IN > 0  # (inches used by the figures above, via the shared helpers)


# -- incapacitation over time -----------------------------------------------------------------

CHARGE_UNTIL_HIT = {
    "run": {"action": "charge", "threat": "deadly_force", "speed": "4.3 m/s",
            "transitions": [{"hit": ["head", "upper_torso"], "to": "down"},
                            {"taser": "effective", "to": "down"}]},
    **DOWN,
}


def _charging_world(seed: int, start_m: float = 12.0, **fields: object) -> World:
    return World(scenario(actor(position=(0.0, start_m), states=CHARGE_UNTIL_HIT),
                          duration=8.0, **fields), seed=seed)


@pytest.mark.parametrize(("zone", "low", "high"), [("upper_torso", 1.0, 5.0),
                                                   ("head", 0.0, 0.3)])
def test_a_stopping_hit_takes_time_and_he_keeps_coming_meanwhile(
        zone: str, low: float, high: float) -> None:
    """He charges on for the drawn time to incapacitation (the zone's default range),
    then falls, his momentum carrying him on half his speed over the 0.6 s fall."""
    afters = []
    for seed in range(12):
        world = _charging_world(seed)
        world.fire("pistol", world.aim_point("subject", zone))  # type: ignore[arg-type]
        run_until(world, 0.05)
        hit = of(world.events, BulletHit)[0]
        world.run()
        stopped = next(e for e in world.events if e.kind == "subject_stopped")
        after = stopped.after_s  # type: ignore[attr-defined]
        assert low - world.step_s <= after <= high + world.step_s
        assert stopped.tick - hit.tick == round(after / world.step_s)
        afters.append(after)
        down = next(e for e in world.events if getattr(e, "state", None) == "down")
        closed = hit.distance_m + 0.22 - down.distance_m  # type: ignore[attr-defined]
        expected = min(4.3 * after, hit.distance_m + 0.22 - 0.7)  # to arm's length at most
        assert closed == pytest.approx(expected, abs=0.05)
        final = world.snapshot().actor("subject").distance_m
        slide = down.distance_m - final  # type: ignore[attr-defined]
        if down.distance_m > 0.7 + 1.3:  # type: ignore[attr-defined]
            assert slide == pytest.approx(4.3 / 2 * 0.6, abs=0.05)
    assert max(afters) - min(afters) > (high - low) / 4  # drawn, not fixed


def test_a_connected_taser_locks_him_but_his_momentum_carries_him_on() -> None:
    world = _charging_world(0, 7.0, taser={"effect": {"X26": 1.0}, "full_spread": "12 in"})
    run_until(world, 0.1)
    world.fire("x26", world.aim_point("subject", "upper_torso", offset=(0.0, 0.2)))
    run_until(world, 1.0)
    (deployment,) = of(world.events, TaserDeployment)
    assert deployment.result == "effective"
    at = world.snapshot().actor("subject").distance_m
    run_until(world, 2.0)
    slid = deployment.distance_m - world.snapshot().actor("subject").distance_m  # type: ignore[operator]
    assert slid == pytest.approx(4.3 / 2 * 0.6, abs=0.05)
    assert at < deployment.distance_m  # type: ignore[operator]


def test_the_taser_effect_chance_falls_with_a_small_spread() -> None:
    """B.3/B.5: the X26 takes effect 80 % of the time once connected; half that at the
    12 in minimum spread, all of it from 24 in."""
    chances, effective = [], 0
    trials = 60
    for seed in range(trials):
        at_m = 3.1 + 0.8 * (seed % 4)  # spreads from about 14 in to over 24 in
        world = World(scenario(actor(position=(0.0, at_m)), taser={"effect": {"X26": 0.8},
                                                               "full_spread": "24 in"}),
                      seed=seed)
        world.fire("x26", world.aim_point("subject", "upper_torso"))
        run_until(world, 0.5)
        (deployment,) = of(world.events, TaserDeployment)
        assert deployment.spread_m is not None and deployment.chance is not None
        share = min(max((deployment.spread_m / IN - 12) / 12, 0.0), 1.0)
        assert deployment.chance == pytest.approx(0.8 * (0.5 + 0.5 * share), abs=1e-6)
        chances.append(deployment.chance)
        assert deployment.chance < 0.8 or share == 1.0
        effective += deployment.result == "effective"
    assert min(chances) < 0.6 and max(chances) == pytest.approx(0.8)
    p = sum(chances) / trials
    sd = math.sqrt(trials * p * (1 - p))
    assert abs(effective - trials * p) < 4 * sd


def test_after_the_cycle_he_recovers_in_his_own_time_and_acts_on_it() -> None:
    states = {"stand": {"action": "idle", "threat": "active_aggression",
                        "transitions": [{"taser": "effective", "to": "locked"}]},
              "locked": {"action": "idle", "threat": "passive_resistance",
                         "transitions": [{"taser": "recovered", "to": "up"}]},
              "up": {"action": "approach", "threat": "active_aggression"}}
    world = World(scenario(actor(position=(0.0, 5.0), states=states), duration=9.0), seed=0)
    world.fire("x26", world.aim_point("subject", "upper_torso"))
    world.run()
    (deployment,) = of(world.events, TaserDeployment)
    ended = next(e for e in world.events if e.kind == "taser_cycle_ended")
    recovered = next(e for e in world.events if e.kind == "taser_recovered")
    up = next(e for e in world.events if getattr(e, "state", None) == "up")
    assert (ended.tick - deployment.tick) * world.step_s == pytest.approx(5.0)
    assert 0.5 - world.step_s <= (recovered.tick - ended.tick) * world.step_s <= 2.0
    assert up.tick == recovered.tick and up.cause == "taser:recovered"  # type: ignore[attr-defined]


def test_he_acts_on_a_command_after_a_choice_reaction_time() -> None:
    """domain-facts C.5: 0.5-1.0 s to decide on a choice, drawn per command."""
    states = {"stand": {"action": "idle", "threat": "passive_resistance",
                        "transitions": [{"command": "show-hands", "to": "hands"}]},
              "hands": {"action": "comply", "threat": "compliant"}}
    delays = []
    for seed in range(20):
        world = World(scenario(actor(position=(0.0, 5.0), states=states)), seed=seed)
        run_until(world, 0.5)
        world.command("show-hands")
        run_until(world, 2.0)
        complied = next(e for e in world.events if getattr(e, "state", None) == "hands")
        delays.append(complied.tick * world.step_s - 0.5)
    assert 0.5 - world.step_s <= min(delays) and max(delays) <= 1.0 + world.step_s
    assert max(delays) - min(delays) > 0.2


# -- where the probes landed: front or back, and areas to avoid -----------------------------

@pytest.mark.parametrize(("aim", "up_m", "avoid"), [
    ("head", 0.0, "head"),
    ("head", -(0.925 - 0.845) * 1.78, "throat"),  # the head band's centre down to the neck
    ("upper_torso", 0.0, "chest"),
    ("lower_torso", -(0.58 - 0.49) * 1.78, "groin"),
    ("lower_torso", 0.05, ""),  # the belt line, front: the preferred lower centre mass
])
def test_probes_in_areas_instructors_teach_to_avoid_are_flagged(aim: str, up_m: float,
                                                                 avoid: str) -> None:
    world = World(scenario(actor(position=(0.0, 3.0))), seed=0)
    world.fire("taser10", world.aim_point("subject", aim, offset=(0.0, up_m)))  # type: ignore[arg-type]
    run_until(world, 0.3)
    (probe,) = [p for p in world.events if p.kind == "probe_landed"]
    assert (probe.side, probe.avoid) == ("front", avoid)  # type: ignore[attr-defined]


def test_a_subject_running_away_shows_his_back_which_is_not_flagged() -> None:
    fleeing = {"away": {"action": "flee", "threat": "passive_resistance", "speed": "2 m/s"}}
    world = World(scenario(actor(position=(0.0, 3.0), states=fleeing)), seed=0)
    run_until(world, 0.1)
    world.fire("taser10", world.aim_point("subject", "upper_torso"))
    run_until(world, 0.4)
    (probe,) = [p for p in world.events if p.kind == "probe_landed"]
    assert (probe.side, probe.avoid, probe.zone) == ("back", "", "upper_torso")  # type: ignore[attr-defined]


def test_a_taser_effect_rate_for_an_unknown_device_is_refused() -> None:
    with pytest.raises(ScenarioError, match=r"taser\.effect\.X-26\.\[key\]: expected 'X26', "
                                            r"'X26P', 'X2', 'TASER 7' or 'TASER 10', found 'X-26'"):
        scenario(actor(), taser={"effect": {"X-26": 0.5}})
