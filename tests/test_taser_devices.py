"""TASER device mechanics against domain-facts B.1/B.2: the X2 (two bays, NIJ spread,
lasers zeroed at 15 ft) and X26P, TASER 7 adaptive cross-connect, the widest connected
pair, drive stun on every device, probes pulled out when he goes beyond the wire, the
agency's own wire length, and the transitions when a cycle ends."""

from __future__ import annotations

import math
import re
from typing import Any, TypeVar

import pytest

from range.analysis.decisions import analyse
from range.errors import ScenarioError
from range.run.events import (
    ActorStateChanged,
    Event,
    ProbeLanded,
    ShotFired,
    TaserCycleEnded,
    TaserDeployment,
    TaserProbesOut,
)
from range.scenario.policy import load_policy
from range.vocabulary import WeaponName
from range.world.engine import World
from tests.builders import actor, scenario

FT, IN = 0.3048, 0.0254
MUZZLE_AHEAD, MUZZLE_Z = 0.5, 1.65 - 0.35  # the default officer's muzzle (eye 1.65 m)
FOOTPRINT = 0.22  # his front is this far before his position
ALL_CEWS: list[WeaponName] = ["x26", "x26p", "x2-15ft", "x2-25ft", "taser7-cq", "taser7-so",
                              "taser10"]
EventT = TypeVar("EventT", bound=Event)


def of(world: World, kind: type[EventT]) -> list[EventT]:
    return [e for e in world.events if isinstance(e, kind)]


def run_to(world: World, seconds: float) -> None:
    while world.time_s < seconds - 1e-9 and not world.ended:
        world.step()


def world_at(front: float, *, weapons: list[WeaponName] | None = None, seed: int = 1,
             duration: float = 3.0, **fields: Any) -> World:
    """A tall subject standing with his front `front` m from the officer's eye."""
    model = scenario(actor(position=(0.0, front + FOOTPRINT),
                           **{"height": 2.4, **fields.pop("actor", {})}),
                     officer={"weapons": weapons or ALL_CEWS}, duration=duration, **fields)
    return World(model, seed=seed)


def fire_at(world: World, weapon: WeaponName, front: float, z: float) -> None:
    world.fire(weapon, world.projection.world_to_screen(0.0, front, z), aimed_at="subject")


def lower_probe_drop(front: float, top_z: float, degrees: float) -> float:
    """How far below the top probe the lower one lands on his front, both from the
    muzzle, the lower one pitched `degrees` below the top one's line."""
    slope = (top_z - MUZZLE_Z) / (front - MUZZLE_AHEAD)
    lower = math.tan(math.atan(slope) - math.radians(degrees))
    return (front - MUZZLE_AHEAD) * (slope - lower)


# -- X2 and X26P ----------------------------------------------------------------------


X2_DEGREES = math.degrees(math.atan(7.03 / 60))  # NIJ: 7.03 in per 5 ft (B.1 [B6])


@pytest.mark.parametrize("from_muzzle_ft", [8.0, 15.0, 24.0])
def test_x2_probes_follow_the_nij_spread_and_the_lasers_zero_at_15_ft(
        from_muzzle_ft: float) -> None:
    """The top probe lands on the laser's dot only at 15 ft (B.1 [B5]): the lasers sit
    about 1 in above its line and cross it there, so it lands below the dot nearer and
    above it farther; the lower probe leaves 7.03 in per 5 ft below it."""
    front = from_muzzle_ft * FT + MUZZLE_AHEAD
    world = world_at(front)
    fire_at(world, "x2-25ft", front, 1.8)  # the lower probe stays above his knees
    run_to(world, 0.5)
    top, lower = sorted(of(world, ProbeLanded), key=lambda p: p.probe)
    expected_top = 1.8 + 1 * IN * (from_muzzle_ft / 15 - 1)
    assert top.height_m == pytest.approx(expected_top, abs=1e-3)
    assert top.height_m - lower.height_m == pytest.approx(
        lower_probe_drop(front, expected_top, X2_DEGREES), abs=2e-3)
    (deployment,) = of(world, TaserDeployment)
    assert deployment.spread_m == pytest.approx(top.height_m - lower.height_m, abs=1e-5)
    if from_muzzle_ft == 15.0:
        assert abs(top.height_m - 1.8) < 1e-3  # on the dot


def test_the_x2s_15_ft_cartridge_runs_out_of_wire_beyond_15_ft() -> None:
    front = 16 * FT + MUZZLE_AHEAD
    results = {}
    for weapon in ("x2-15ft", "x2-25ft"):
        world = world_at(front)
        fire_at(world, weapon, front, 1.2)
        run_to(world, 0.5)
        results[weapon] = of(world, TaserDeployment)[0].result
    assert results == {"x2-15ft": "out_of_range", "x2-25ft": "effective"}


def test_the_x26p_flies_as_the_x26_and_takes_effect_at_lapds_53_percent() -> None:
    front = 12 * FT
    landed = {}
    for weapon in ("x26", "x26p"):
        world = world_at(front)
        fire_at(world, weapon, front, 1.2)
        run_to(world, 0.5)
        landed[weapon] = [p.height_m for p in of(world, ProbeLanded)]
        (deployment,) = of(world, TaserDeployment)
        if weapon == "x26p":  # the builder sets no X26P rate: the shipped default
            assert deployment.spread_m is not None and deployment.spread_m >= 12 * IN
            assert deployment.chance == pytest.approx(0.53)  # B.3, LAPD [B30]
            assert [(s.device, s.load) for s in of(world, ShotFired)] == [("X26P", 1)]
    assert landed["x26p"] == pytest.approx(landed["x26"], abs=1e-9)


def test_the_x2_fires_two_bays_then_needs_a_reload_and_splits_only_within_one() -> None:
    world = world_at(12 * FT, duration=4.0)
    for at in (0.5, 1.0, 1.5):
        run_to(world, at)
        fire_at(world, "x2-25ft", 12 * FT, 1.2)
    run_to(world, 2.5)
    assert [(s.device, s.load, s.mode) for s in of(world, ShotFired)] == [
        ("X2", 1, "probes"), ("X2", 1, "probes"), ("X2", 2, "probes")]
    assert len(of(world, ProbeLanded)) == 6  # no re-energising: each pull its own cartridge
    report = analyse(world.events, load_policy("default", None))
    assert [(s.from_shot, s.to_shot) for s in report.splits] == [(1, 2)]
    assert report.splits[0].split_s == pytest.approx(0.5, abs=1e-9)


# -- the pair that carries the charge --------------------------------------------------


def test_taser7_cross_connects_one_probe_of_each_bay() -> None:
    """Each cartridge alone puts one probe in him (the first's top probe over his head,
    the second's lower probe into the floor); TASER 7's adaptive cross-connect (B.1
    [B13]) pairs the first's lower probe with the second's top one. The X2 has no
    cross-connect in domain-facts: the same pulls leave it with no circuit."""
    front = 16 * FT
    outcomes = {}
    for weapon in ("taser7-cq", "x2-25ft"):
        world = world_at(front, actor={"height": 1.78})
        fire_at(world, weapon, front, 1.95)  # over his head: only the lower probe hits
        run_to(world, 0.5)
        fire_at(world, weapon, front, 0.5)  # his legs: the lower probe hits the floor
        run_to(world, 1.0)
        probes = sorted(of(world, ProbeLanded), key=lambda p: (p.shot, p.probe))
        assert [p.actor for p in probes] == [None, "subject", "subject", None]
        first, second = of(world, TaserDeployment)
        assert first.result == "one_probe"
        outcomes[weapon] = second
        if weapon == "taser7-cq":
            assert second.result == "effective"
            assert second.spread_m == pytest.approx(probes[1].height_m - probes[2].height_m,
                                                    abs=1e-5)
            assert "adaptive cross-connect: probe 2 of shot 1 with probe 1 of shot 2" in \
                second.reason
    assert outcomes["x2-25ft"].result == "one_probe"


def test_taser7_does_not_cross_connect_with_a_cartridge_of_an_earlier_load() -> None:
    front = 16 * FT
    world = world_at(front, actor={"height": 1.78})
    for z in (1.95, 0.5, 0.5):  # the third pull is a reload of both bays
        fire_at(world, "taser7-cq", front, z)
        run_to(world, world.time_s + 0.5)
    assert [s.load for s in of(world, ShotFired)] == [1, 1, 2]
    assert [d.result for d in of(world, TaserDeployment)] == [
        "one_probe", "effective", "one_probe"]  # 2 pairs with 1; 3 with neither


def test_taser10_delivers_through_the_widest_pair_that_connects() -> None:
    """Three probes; the widest pair has one in a thick jacket that no probe arcs
    through, so the widest pair of the two that connect carries it (B.1 [B19][B20])."""
    front = 20 * FT
    world = world_at(front, actor={"height": 1.78, "clothing": {"upper_torso": "2 in"}})
    for z in (0.6, 1.0, 1.35):  # legs, lower torso, upper torso (the jacket)
        fire_at(world, "taser10", front, z)
    run_to(world, 0.5)
    heights = {p.zone: p.height_m for p in of(world, ProbeLanded)}
    assert list(heights) == ["legs", "lower_torso", "upper_torso"]
    last = of(world, TaserDeployment)[-1]
    assert last.result == "effective"
    assert last.spread_m == pytest.approx(heights["lower_torso"] - heights["legs"], abs=1e-5)


# -- drive stun ------------------------------------------------------------------------


DRIVE_STUN_COMPLIES = {
    "stand": {"action": "idle", "threat": "active_aggression",
              "transitions": [{"taser": "drive_stun", "to": "comply"}]},
    "comply": {"action": "comply", "threat": "compliant"},
}


@pytest.mark.parametrize("weapon", ["taser7-cq", "taser10", "x2-25ft", "x26p"])
@pytest.mark.parametrize(("distance", "result"), [(0.8, "drive_stun"), (3.0, "out_of_reach")])
def test_every_device_drive_stuns_within_reach_and_only_there(
        weapon: WeaponName, distance: float, result: str) -> None:
    model = scenario(actor(position=(0.0, distance), states=DRIVE_STUN_COMPLIES),
                     officer={"weapons": ALL_CEWS})
    world = World(model, seed=3)
    world.fire(weapon, world.aim_point("subject", "upper_torso"), aimed_at="subject",
               drive_stun=True)
    world.fire(weapon, world.aim_point("subject", "upper_torso"), aimed_at="subject")
    run_to(world, 2.0)
    stun = of(world, TaserDeployment)[0]
    assert (stun.mode, stun.result, stun.spread_m) == ("drive_stun", result, None)
    assert f"{distance / FT:.1f} ft away" in stun.reason or result == "drive_stun"
    # Pressed on him it spends no cartridge: the next pull fires the first one.
    assert [(s.mode, s.load) for s in of(world, ShotFired)] == [("drive_stun", 1),
                                                                ("probes", 1)]
    complied = [e for e in of(world, ActorStateChanged) if e.state == "comply"]
    assert bool(complied) == (result == "drive_stun")


# -- probes that pull out ---------------------------------------------------------------


AWAY_AND_BACK: dict[str, dict[str, Any]] = {
    "away": {"action": "walk_to", "threat": "passive_resistance", "target": ["0 ft", "52 ft"],
             "speed": "1.4 m/s", "transitions": [{"beyond": "51.5 ft", "to": "back"}]},
    "back": {"action": "walk_to", "threat": "passive_resistance", "target": ["0 ft", "40 ft"],
             "speed": "1.4 m/s"},
}


def test_taser10_probes_pull_out_when_he_walks_beyond_the_wire_and_stay_out() -> None:
    """One probe in him at 40 ft; he walks away past the 45 ft wire (it breaks, B.2 [B3])
    and back: a second probe makes no circuit with the first."""
    start = 40 * FT
    model = scenario(actor(position=(0.0, start), states=AWAY_AND_BACK),
                     officer={"weapons": ["taser10"]}, duration=20.0)
    world = World(model, seed=1)
    world.fire("taser10", world.aim_point("subject", "lower_torso"), aimed_at="subject")
    run_to(world, 18.0)
    world.fire("taser10", world.aim_point("subject", "upper_torso"), aimed_at="subject")
    run_to(world, 18.5)
    (out,) = of(world, TaserProbesOut)
    assert (out.actor, out.probes, out.cause) == ("subject", [[1, 0]], "wire")
    # He walks at 1.4 m/s from 40 ft; the wire runs from the muzzle, 0.5 m ahead.
    crossed = (45 * FT + MUZZLE_AHEAD - start) / 1.4
    assert out.tick * world.step_s == pytest.approx(crossed, abs=0.05)
    assert [d.result for d in of(world, TaserDeployment)] == ["one_probe", "one_probe"]
    first = analyse(world.events, load_policy("default", None)).taser[0]
    said = re.search(r"its probes came out at ([0-9.]+) s: he moved beyond the wire's reach "
                     r"and it broke", first.reason)
    assert said is not None and float(said.group(1)) == pytest.approx(crossed, abs=0.05)


def test_an_x26_pair_whose_wire_broke_is_not_re_energised_when_he_comes_back() -> None:
    states = {name: {**state, "target": ["0 ft", "20 ft" if name == "back" else "30 ft"]}
              for name, state in AWAY_AND_BACK.items()}
    states["away"]["transitions"] = [{"beyond": "27 ft", "to": "back"}]
    model = scenario(actor(position=(0.0, 15 * FT), states=states),
                     officer={"weapons": ["x26"]}, duration=20.0)
    world = World(model, seed=1)
    world.fire("x26", world.aim_point("subject", "upper_torso"), aimed_at="subject")
    run_to(world, 0.3)
    assert of(world, TaserDeployment)[0].result in ("effective", "resisted")
    run_to(world, 16.0)  # out past the 21 ft wire and back to 20 ft
    world.fire("x26", world.aim_point("subject", "upper_torso"), aimed_at="subject")
    run_to(world, 16.5)
    assert [o.cause for o in of(world, TaserProbesOut)] == ["wire"]
    assert [(s.mode, s.load) for s in of(world, ShotFired)] == [("probes", 1), ("probes", 2)]


# -- the agency's wire length, and transitions when a cycle ends ----------------------------


def test_an_agency_sets_the_taser7_cq_wire_and_bad_lengths_are_refused() -> None:
    front = 14 * FT + MUZZLE_AHEAD
    results = []
    for taser in ({}, {"wire": {"taser7-cq": "12 ft"}}):
        world = world_at(front, taser=taser)
        fire_at(world, "taser7-cq", front, 1.6)
        run_to(world, 0.5)
        results.append(of(world, TaserDeployment)[0].result)
    assert results == ["effective", "out_of_range"]
    for wire, expected in [({"pistol": "10 ft"}, "taser.wire: expected TASER cartridge names"),
                           ({"taser7-cq": "200 ft"}, "taser.wire.taser7-cq"),
                           ({"taser8": "10 ft"}, "taser.wire.taser8.[key]")]:
        with pytest.raises(ScenarioError, match=re.escape(expected)):
            scenario(actor(), taser={"wire": wire})


def test_a_transition_fires_when_the_cycle_ends_and_another_when_he_recovers() -> None:
    states = {
        "stand": {"action": "idle", "threat": "active_aggression",
                  "transitions": [{"taser": "cycle_ended", "to": "dazed"}]},
        "dazed": {"action": "idle", "threat": "passive_resistance",
                  "transitions": [{"taser": "recovered", "to": "comply"}]},
        "comply": {"action": "comply", "threat": "compliant"},
    }
    model = scenario(actor(position=(0.0, 4.0), states=states), duration=10.0,
                     response={"recovery": ["1 s", "1 s"]})
    world = World(model, seed=2)
    world.fire("x26", world.aim_point("subject", "upper_torso"), aimed_at="subject")
    run_to(world, 9.0)
    (deployment,) = of(world, TaserDeployment)
    (ended,) = of(world, TaserCycleEnded)
    assert ended.tick - deployment.tick == round(5.0 / world.step_s)  # B.1: 5 s
    changes = {e.state: e.tick for e in of(world, ActorStateChanged) if e.cause != "start"}
    assert changes["dazed"] == ended.tick
    assert changes["comply"] - ended.tick == round(1.0 / world.step_s)


def test_a_close_quarter_and_a_standoff_cartridge_are_one_taser7_load() -> None:
    """The CQ/SO duo: bay 1 a CQ, bay 2 an SO; the third pull is a reload of both."""
    world = world_at(16 * FT)
    for weapon in ("taser7-cq", "taser7-so", "taser7-cq"):
        world.fire(weapon, None)
    assert [(s.device, s.load) for s in of(world, ShotFired)] == [
        ("TASER 7", 1), ("TASER 7", 1), ("TASER 7", 2)]
