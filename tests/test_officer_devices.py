"""The officer's devices: an X26 re-energising the probes already in him, a drive stun,
and the pistol's magazine (empty after its capacity, reloaded in the officer's time)."""

from __future__ import annotations

import re
from typing import TypeVar

import pytest

from range.analysis.decisions import analyse
from range.errors import InputsError
from range.run.codec import to_json
from range.run.events import (
    ActorStateChanged,
    BulletHit,
    BulletStopped,
    Event,
    OfficerReloaded,
    ProbeLanded,
    ShotFired,
    TaserCycleEnded,
    TaserDeployment,
)
from range.run.replay import replay
from range.run.scripted import simulate
from range.scenario.inputs import inputs_from_data
from range.scenario.policy import load_policy
from range.world.engine import World
from tests.builders import actor, scenario

EventT = TypeVar("EventT", bound=Event)
DRIVE_STUN_COMPLIES = {
    "stand": {"action": "idle", "threat": "active_aggression",
              "transitions": [{"taser": "drive_stun", "to": "comply"}]},
    "comply": {"action": "comply", "threat": "compliant"},
}


def of(world: World, kind: type[EventT]) -> list[EventT]:
    return [e for e in world.events if isinstance(e, kind)]


def run_to(world: World, seconds: float) -> None:
    while world.time_s < seconds - 1e-9 and not world.ended:
        world.step()


def test_a_second_x26_pull_re_energises_the_probes_in_him() -> None:
    world = World(scenario(actor(position=(0.0, 4.0)), duration=15.0), seed=2)
    world.fire("x26", world.aim_point("subject", "upper_torso"))
    run_to(world, 6.0)  # the first 5 s cycle has ended
    again = world.tick
    world.fire("x26", world.aim_point("subject", "upper_torso"))
    run_to(world, 12.0)
    first, second = of(world, ShotFired)
    assert (first.mode, first.load) == ("probes", 1)
    assert (second.mode, second.load) == ("reenergise", 1)  # no new cartridge
    assert len(of(world, ProbeLanded)) == 2  # no new probes
    deployments = of(world, TaserDeployment)
    assert [d.mode for d in deployments] == ["probes", "reenergise"]
    assert deployments[1].result == "effective" and deployments[1].tick == again
    assert deployments[1].spread_m == deployments[0].spread_m  # the same probes
    ends = {e.shot: e.tick for e in of(world, TaserCycleEnded)}
    assert ends[2] - again == round(5.0 / world.step_s)  # a new 5 s cycle


def test_with_no_probes_in_him_a_second_pull_fires_a_new_cartridge() -> None:
    world = World(scenario(actor(position=(0.0, 4.0))), seed=2)
    world.fire("x26", None)  # off the screen: a miss
    world.fire("x26", world.aim_point("subject", "upper_torso"))
    run_to(world, 1.0)
    assert [(s.mode, s.load) for s in of(world, ShotFired)] == [("probes", 1), ("probes", 2)]
    assert len(of(world, ProbeLanded)) == 2


def test_a_drive_stun_within_reach_is_pain_compliance_only() -> None:
    world = World(scenario(actor(position=(0.0, 0.8), states=DRIVE_STUN_COMPLIES)), seed=3)
    world.fire("x26", world.aim_point("subject", "upper_torso"), aimed_at="subject",
               drive_stun=True)
    pulled = world.tick
    run_to(world, 2.0)
    (stun,) = of(world, TaserDeployment)
    assert (stun.mode, stun.result, stun.actor, stun.spread_m) == (
        "drive_stun", "drive_stun", "subject", None)
    assert of(world, ProbeLanded) == [] and of(world, TaserCycleEnded) == []
    assert not world.snapshot().actor("subject").incapacitated  # no NMI: he never locked up
    # He acts on the pain after a perception time (0.25-0.5 s by default).
    complied = next(e for e in of(world, ActorStateChanged) if e.state == "comply")
    assert complied.cause == "taser:drive_stun"
    assert 0.25 - 1e-9 <= (complied.tick - pulled) * world.step_s <= 0.5 + world.step_s
    # The cartridge is still on the device: the next pull fires it, as load 1.
    world.fire("x26", world.aim_point("subject", "upper_torso"))
    assert [(s.mode, s.load) for s in of(world, ShotFired)] == [("drive_stun", 1),
                                                                ("probes", 1)]


def test_a_drive_stun_out_of_reach_does_nothing() -> None:
    world = World(scenario(actor(position=(0.0, 3.0), states=DRIVE_STUN_COMPLIES)), seed=3)
    world.fire("x26", None, aimed_at="subject", drive_stun=True)
    run_to(world, 2.0)
    (stun,) = of(world, TaserDeployment)
    assert stun.result == "out_of_reach" and "9.8 ft away" in stun.reason  # 3 m
    assert all(e.state != "comply" for e in of(world, ActorStateChanged))


def test_the_pistol_runs_dry_after_its_magazine_and_reloads_in_the_officers_time() -> None:
    world = World(scenario(actor(position=(0.0, 6.0)), officer={
        "weapons": ["pistol"], "magazine": 2, "reload": "3 s"}, duration=6.0), seed=0)
    aim = world.aim_point("subject", "upper_torso")
    for _ in range(3):
        world.fire("pistol", aim)
    world.reload("pistol")
    reloaded = world.tick
    run_to(world, 2.9)
    world.fire("pistol", aim)  # the new magazine is not seated yet
    run_to(world, 3.0 + 1e-6)
    world.fire("pistol", aim)
    run_to(world, 4.0)
    shots = of(world, ShotFired)
    assert [(s.load, s.malfunction) for s in shots] == [
        (1, None), (1, None), (1, "empty"), (2, "reloading"), (2, None)]
    (change,) = of(world, OfficerReloaded)
    assert (change.tick, change.left, change.ready_s) == (reloaded, 0, 3.0)
    flew = {e.shot for e in world.events if isinstance(e, BulletHit | BulletStopped)}
    assert flew == {1, 2, 5}
    report = analyse(world.events, load_policy("default", None))
    texts = {r.shot: r.text for r in report.rounds}
    assert texts[3] == "did not fire (empty)" and texts[4] == "did not fire (reloading)"


def test_inputs_name_a_drive_stun_and_a_reload_and_bad_ones_are_refused() -> None:
    model = scenario(actor(position=(0.0, 0.8)))
    good = {"schema_version": 1, "scenario": "test", "input": [
        {"at": "0.1 s", "fire": "x26", "aim": "subject.upper_torso", "drive_stun": True},
        {"at": "0.2 s", "reload": "pistol"}]}
    script = inputs_from_data(good, "t.toml", model)
    assert script.input[0].drive_stun and script.input[1].reload == "pistol"
    for bad, expected in [
            ({"at": "0 s", "fire": "pistol", "aim": "subject.legs", "drive_stun": True},
             "t.toml: input[0].drive_stun: expected with 'fire' of a TASER that drive-stuns"),
            ({"at": "0 s", "show": "taser10", "drive_stun": True},
             "input[0].drive_stun: expected with 'fire' of a TASER"),
            ({"at": "0 s", "reload": "x26"}, "t.toml: input[0].reload: expected a firearm"),
            ({"at": "0 s", "reload": "pistol", "command": "stop"}, "exactly one of")]:
        with pytest.raises(InputsError, match=re.escape(expected)):
            inputs_from_data({**good, "input": [bad]}, "t.toml", model)


def test_reloads_drive_stuns_and_re_energising_replay_to_the_same_log() -> None:
    model = scenario(actor(position=(0.0, 4.0), states=DRIVE_STUN_COMPLIES),
                     officer={"weapons": ["pistol", "x26"], "magazine": 1}, duration=8.0)
    data = {"schema_version": 1, "scenario": "test", "input": [
        {"at": "0.1 s", "fire": "x26", "aim": "subject.upper_torso", "drive_stun": True},
        {"at": "0.5 s", "fire": "x26", "aim": "subject.upper_torso"},
        {"at": "6 s", "fire": "x26", "aim": "subject.upper_torso"},
        {"at": "6.5 s", "fire": "pistol", "aim": "subject.legs"},
        {"at": "6.6 s", "fire": "pistol", "aim": "subject.legs"},
        {"at": "6.7 s", "reload": "pistol"}]}
    inputs = inputs_from_data(data, "t.toml", model).input
    world = simulate(model, inputs, seed=4)
    modes = [(s.mode, s.malfunction) for s in of(world, ShotFired)]
    assert modes == [("drive_stun", None), ("probes", None), ("reenergise", None),
                     (None, None), (None, "empty")]
    assert [d.result for d in of(world, TaserDeployment)] == ["out_of_reach", "effective",
                                                              "effective"]
    step = world.step_s
    again = replay(world.events, model)
    assert [to_json(e, step) for e in again.events] == [to_json(e, step) for e in world.events]


def test_a_live_trainees_pistol_keeps_its_own_magazine() -> None:
    """A replica reports its own dry pulls; the world counts none for a live session, and
    a new load follows each full magazine."""
    world = World(scenario(actor(position=(0.0, 6.0)), officer={
        "weapons": ["pistol"], "magazine": 2}), seed=0, live=True)
    for _ in range(3):
        world.fire("pistol", world.aim_point("subject", "upper_torso"))
    assert [(s.load, s.malfunction) for s in of(world, ShotFired)] == [
        (1, None), (1, None), (2, None)]
