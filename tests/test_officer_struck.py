"""A subject's round can hit a person standing in its line; a hit on the officer is felt
by the scene, shown on the projector and, by the scenario's rule, puts him down."""

from __future__ import annotations

from typing import Any

import pytest

from range.analysis.decisions import analyse
from range.analysis.text import render_text
from range.run.events import ActorStateChanged, OfficerAttacked, ScenarioEnded, SubjectStopped
from range.run.officer_events import OfficerDown
from range.scenario.model import FOOTPRINT_RADIUS_M, Scenario, scenario_from_data
from range.scenario.policy import load_policy
from range.views.scene import HIT_SECONDS, scene_frame
from range.world.engine import World
from tests.builders import actor, scenario_data

STEP = 1 / 240
BANDS = [(0.85, "head"), (0.66, "upper_torso"), (0.50, "lower_torso"), (0.0, "legs")]


def firing(**fields: Any) -> dict[str, Any]:
    state: dict[str, Any] = {"action": "fire", "threat": "deadly_force", "interval": "0.5 s"}
    transitions = fields.pop("transitions", [])
    states = {"fire": {**state, "transitions": transitions}}
    if transitions:
        states["stop"] = {"action": "idle", "threat": "passive_resistance"}
    return actor("gunman", fields.pop("position", ("0 m", "8 m")), states, weapon="handgun",
                 aim_error="0 deg", **fields)


def bystander(position: tuple[str, str]) -> dict[str, Any]:
    states = {"stand": {"action": "idle", "threat": "compliant", "transitions": [
        {"hit": ["head", "upper_torso", "lower_torso"], "to": "down"}]},
        "down": {"action": "down", "threat": "compliant"}}
    return actor("passer", position, states, role="bystander")


def built(*actors: dict[str, Any], duration: float = 1.2, **officer: Any) -> Scenario:
    data = scenario_data(*actors, duration=duration)
    data["officer"].update(officer)
    return scenario_from_data(data, "test")


def test_a_round_at_the_officer_hits_the_bystander_standing_in_its_line() -> None:
    scenario = built(firing(), bystander(("0 m", "4 m")), duration=15.0)
    world = World(scenario, 0)
    world.run()
    attacks = [e for e in world.events if isinstance(e, OfficerAttacked)]
    height = scenario.actors[1].height
    # From his shoulder (the top of his upper torso, 0.85 of his height) 8 m off, aimed at
    # the officer's chest (the middle of the officer's upper torso band, his height from
    # the rig's eye height): the line enters the bystander's footprint a radius short of
    # his centre, 4 m on.
    muzzle = 0.85 * scenario.actors[0].height
    chest = scenario.rig.eye_height / 0.936 * (0.66 + 0.85) / 2
    entry = 4.0 - FOOTPRINT_RADIUS_M
    at = muzzle + (chest - muzzle) * entry / 8.0
    zone = next(z for low, z in BANDS if at >= low * height)
    assert attacks[0].outcome == "hit_other" and attacks[0].other == "passer"
    assert attacks[0].zone == zone
    assert attacks[0].hits is None  # none of them on the officer
    stopped = [e for e in world.events if isinstance(e, SubjectStopped)]
    # He goes down as from any round there, in the time that zone takes to stop him.
    assert [(s.actor, s.shot, s.zone) for s in stopped][:1] == [("passer", None, zone)]
    low, high = scenario.response.incapacitation[zone]
    assert low - STEP <= stopped[0].after_s <= high + STEP
    report = analyse(world.events, load_policy("default", None))
    text = render_text(report)
    assert f"hit passer, who was in the line, in the {zone.replace('_', ' ')}" in text
    assert "round(s) at the officer hit another person" in text


def test_a_bystander_beside_the_line_is_not_hit_and_the_officer_is() -> None:
    # 0.6 m aside at 4 m: past his footprint (0.25 m) and his half width.
    world = World(built(firing(), bystander(("0.6 m", "4 m"))), 0)
    world.run()
    attacks = [e for e in world.events if isinstance(e, OfficerAttacked)]
    assert attacks and all(a.outcome == "hit" and a.other is None for a in attacks)
    assert [a.hits for a in attacks] == list(range(1, len(attacks) + 1))


def test_a_hit_on_the_officer_is_felt_after_a_reaction_time() -> None:
    scenario = built(firing(transitions=[{"officer": "hit", "to": "stop"}]), duration=3.0)
    world = World(scenario, 0)
    world.run()
    hits = [e for e in world.events if isinstance(e, OfficerAttacked) and e.outcome == "hit"]
    stopped = next(e for e in world.events
                   if isinstance(e, ActorStateChanged) and e.state == "stop")
    low, high = scenario.response.perceive
    assert stopped.cause == "officer:hit"
    assert low - STEP <= (stopped.tick - hits[0].tick) * STEP <= high + STEP
    # He fired once more in that time at most (every 0.5 s).
    assert len(hits) == 1 + ((stopped.tick - hits[0].tick) * STEP >= 0.5)


def test_past_the_scenarios_rule_the_officer_is_down_and_the_run_ends() -> None:
    scenario = built(firing(), duration=5.0, down_after=2)
    world = World(scenario, 0)
    frames = []
    while not world.ended:
        world.step()
        frames.append(scene_frame(world.snapshot()))
    hits = [e for e in world.events if isinstance(e, OfficerAttacked)]
    down = [e for e in world.events if isinstance(e, OfficerDown)]
    end = world.events[-1]
    assert [h.hits for h in hits] == [1, 2]
    assert [(d.tick, d.hits, d.actor) for d in down] == [(hits[1].tick, 2, "gunman")]
    assert isinstance(end, ScenarioEnded) and (end.tick, end.reason) == (hits[1].tick,
                                                                         "officer_down")
    # The first hit shows at full strength, fading over HIT_SECONDS; at the end he is down.
    first = frames[hits[0].tick - 1]  # the frame after the step of the hit's tick
    half = frames[hits[0].tick - 1 + round(HIT_SECONDS / 2 / STEP)]
    assert first.officer_hit == pytest.approx(1.0, abs=0.01)
    assert half.officer_hit == pytest.approx(0.5, abs=0.01)
    assert frames[-1].officer_down
    summary = analyse(world.events, load_policy("default", None)).summary[2]
    assert "The officer was down after 2 hit(s)" in summary


def test_nothing_is_logged_after_the_officer_is_down() -> None:
    # Two gunmen fire on the same ticks: the second's shot on the tick he is down is not.
    second = firing(position=("1 m", "8 m"))
    second["id"] = "second"
    world = World(built(firing(), second, duration=5.0, down_after=1), 0)
    world.run()
    end = next(i for i, e in enumerate(world.events) if isinstance(e, ScenarioEnded))
    assert end == len(world.events) - 1
    assert isinstance(world.events[end - 1], OfficerDown)
