"""The de-escalation model: agitation against figures computed here from its rates."""

from __future__ import annotations

from typing import Any

import pytest

from range.errors import InputsError, ScenarioError
from range.run.events import ActorStateChanged, AgitationChanged
from range.scenario.inputs import inputs_from_data
from range.scenario.model import scenario_from_data
from range.world.agitation import LOOK_S
from range.world.engine import World
from tests.builders import actor, scenario, scenario_data
from tests.test_engine_physics import FT, of, run_until

MOODY = {"start": 0.6, "settle": 0.03, "comfort": "15 ft", "crowding": 0.1}
WAITING = {"wait": {"action": "idle", "threat": "passive_resistance",
                    "transitions": [{"agitation_below": 0.3, "to": "calm"},
                                    {"agitation_above": 0.85, "to": "angry"}]},
           "calm": {"action": "idle", "threat": "compliant"},
           "angry": {"action": "idle", "threat": "active_aggression"}}


def moody(distance_m: float, **agitation: Any) -> World:
    return World(scenario(actor(position=(0.0, distance_m), states=WAITING,
                                agitation={**MOODY, **agitation}), duration=20.0), seed=0)


def entered(world: World, state: str) -> float:
    return next(e.tick for e in of(world.events, ActorStateChanged)
                if e.state == state) * world.step_s


def test_time_taken_settles_him_at_the_settle_rate() -> None:
    world = moody(25 * FT)  # beyond his 15 ft comfort: nothing crowds him
    world.run()
    expected = (0.6 - 0.3) / 0.03  # 10 s
    assert expected - world.step_s <= entered(world, "calm") <= expected + LOOK_S + 1e-9


def test_an_officer_inside_his_comfort_distance_agitates_him() -> None:
    distance = 5 * FT
    world = moody(distance)
    world.run()
    rate = 0.1 * (15 * FT - distance) / (15 * FT) - 0.03  # crowding less settling
    expected = (0.85 - 0.6) / rate
    assert expected - world.step_s <= entered(world, "angry") <= expected + LOOK_S + 1e-9


def test_commands_step_it_by_tone_and_pile_up_when_given_at_once() -> None:
    world = moody(25 * FT, settle=0.0)
    world.command("talk")  # calm by default: -0.06
    run_until(world, 1.0)
    world.command("stop")  # shouted: +0.08, and one other within 2 s: +0.06
    run_until(world, 4.0)
    world.command("stop", "calm")  # calm, nothing else within 2 s: -0.06
    steps = [(e.cause, round(e.agitation, 6)) for e in of(world.events, AgitationChanged)]
    assert steps == [("command:calm", 0.54), ("commands at once", 0.68),
                     ("command:calm", 0.62)]


def test_force_shown_and_force_used() -> None:
    other = actor("other", position=(2.0, 8.0), states=WAITING,
                  agitation={**MOODY, "settle": 0.0})
    world = World(scenario(actor(position=(0.0, 8.0), states=WAITING,
                                 agitation={**MOODY, "settle": 0.0}), other), seed=0)
    world.show_force("x26")
    world.fire("pistol", world.aim_point("subject", "upper_torso"), aimed_at="subject")
    steps = [(e.actor, e.cause, round(e.agitation, 6))
             for e in of(world.events, AgitationChanged)]
    assert steps == [("subject", "force shown", 0.75), ("other", "force shown", 0.75),
                     ("subject", "force used", 1.0), ("other", "force shown", 0.9)]


def test_an_agitation_trigger_needs_an_agitation_table() -> None:
    with pytest.raises(ScenarioError, match=r"expected an \[actors.agitation\] table"):
        scenario_from_data(scenario_data(actor(states=WAITING)), "test")


def test_a_tone_goes_only_with_a_command() -> None:
    subject = scenario(actor())
    bad = {"schema_version": 1, "scenario": "test",
           "input": [{"at": 1.0, "fire": "pistol", "off_screen": True, "tone": "calm"}]}
    with pytest.raises(InputsError, match=r"input\[0\]\.tone: expected a tone only with "
                                          r"'command'"):
        inputs_from_data(bad, "in.toml", subject)
