"""The timing analysis on hand-written event logs. Every expected figure is worked out by
hand from the ticks (time = tick / 240 s)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from range.analysis.decisions import analyse
from range.analysis.force import policy_indicator
from range.analysis.report import Attack, BranchEffect, DecisionReport
from range.analysis.text import render_text
from range.errors import AnalysisError
from range.run.codec import read_log, to_json
from range.run.events import (
    ActorStateChanged,
    BranchKey,
    BulletHit,
    Event,
    OfficerAttacked,
    OfficerCommand,
    ProbeLanded,
    ScenarioEnded,
    ScenarioStarted,
    ShotFired,
    TaserCycleEnded,
    TaserDeployment,
)
from range.scenario.policy import Policy, parse_policy
from range.world.engine import STEP_S

STEP = STEP_S

POLICY_TEXT = """
schema_version = 1
title = "Test table"
[levels.compliant]
expected = ["verbal"]
[levels.passive_resistance]
expected = ["verbal"]
[levels.active_aggression]
expected = ["verbal", "taser"]
[levels.deadly_force]
expected = ["taser", "firearm"]
note = "Protect life"
[reference.simple_reaction]
mean_s = 0.31
[reference.taser_to_firearm]
mean_s = 2.49
[reference.firearm_to_taser]
mean_s = 4.7
[reference.stop_shooting]
range_s = [0.2, 1.5]
"""


@pytest.fixture
def policy() -> Policy:
    return parse_policy(POLICY_TEXT, "tests/test.toml", name="test")


def started(actors: dict[str, str] | None = None, policy: str = "test") -> ScenarioStarted:
    return ScenarioStarted(tick=0, scenario="drill", title="Drill", seed=7, step_s=STEP,
                           policy=policy, actors=actors or {"subject": "subject"})  # type: ignore[arg-type]


def state(tick: int, state: str, threat: str, previous: str | None, cause: str,
          distance: float, actor: str = "subject", role: str = "subject") -> ActorStateChanged:
    # Built from plain words, as a log line is: the digest checks them, not this helper.
    fields: dict[str, Any] = {
        "tick": tick, "actor": actor, "role": role, "state": state, "action": "idle",
        "threat": threat, "previous_state": None, "previous_threat": previous,
        "cause": cause, "distance_m": distance, "position": (0.0, distance)}
    return ActorStateChanged(**fields)


def shot(tick: int, number: int, weapon: str = "pistol", confirmed: bool = True,
         distances: dict[str, float] | None = None) -> ShotFired:
    force = "firearm" if weapon == "pistol" else "taser"
    return ShotFired(tick=tick, shot=number, weapon=weapon, force=force,  # type: ignore[arg-type]
                     point=(960.0, 540.0), confirmed=confirmed, distances=distances or {})


def hit(tick: int, number: int, zone: str, distance: float, actor: str = "subject",
        role: str = "subject") -> BulletHit:
    return BulletHit(tick=tick, shot=number, actor=actor, role=role, zone=zone,  # type: ignore[arg-type]
                     distance_m=distance, height_m=1.3)


def ended(tick: int) -> ScenarioEnded:
    return ScenarioEnded(tick=tick, reason="duration")


def knife_charge_poor() -> list[Event]:
    """Late first shot, a hit at tick 865 puts him down at tick 866, then three more shots."""
    return [
        started(),
        state(0, "shouting", "active_aggression", None, "start", 9.144),
        state(480, "charging", "deadly_force", "active_aggression", "after", 9.144),
        shot(792, 1),
        shot(864, 2),
        hit(865, 2, "upper_torso", 2.5),
        state(866, "down", "compliant", "deadly_force", "hit:upper_torso", 2.4),
        shot(936, 3),
        shot(1008, 4),
        shot(1080, 5),
        ended(1680),
    ]


def test_no_officer_input_at_all(policy: Policy) -> None:
    report = analyse([
        started(),
        state(0, "shouting", "active_aggression", None, "start", 9.144),
        state(480, "charging", "deadly_force", "active_aggression", "after", 9.144),
        state(840, "stabbing", "deadly_force", "deadly_force", "within", 0.9),
        OfficerAttacked(tick=840, actor="subject", attack="stab", distance_m=0.9),
        ended(1680),
    ], policy)
    assert report.notes == (
        "No officer input was recorded: no verbal command and no confirmed shot.",)
    assert [(c.time_s, c.threat) for c in report.cues] == [
        (0.0, "active_aggression"), (2.0, "deadly_force")]  # stabbing is no rise
    first, second = report.cues
    assert first.summary == "no response before his threat rose to deadly force at 2.000 s"
    assert (first.distance_m, first.distance_ft) == (9.144, 30.0)
    assert second.first_response is None and second.responses == ()
    assert second.window_end == "the scenario ended"
    assert second.summary == "no response before the scenario ended at 7.000 s"
    assert (report.after_threat, report.splits, report.transitions) == ((), (), ())
    assert report.attacks == (Attack("subject", "stab", 3.5, 0.9, 2.953, None, None, None,
                                     "stabbed at the officer: outcome not recorded in this "
                                     "log"),)
    assert (report.inputs.verbal_commands, report.inputs.firearm_shots) == (0, 0)
    text = render_text(report)
    assert "No officer input was recorded" in text
    assert "no response before the scenario ended at 7.000 s" in text


def test_verbal_only_response(policy: Policy) -> None:
    report = analyse([
        started(),
        state(0, "standing", "compliant", None, "start", 6.0),  # compliant start: no cue
        state(240, "refusing", "passive_resistance", "compliant", "after", 6.0),
        OfficerCommand(tick=312, command="show-hands"),
        OfficerCommand(tick=400, command="get-down"),
        state(600, "comply", "compliant", "passive_resistance", "command:get-down", 6.0),
        ended(960),
    ], policy)
    (cue,) = report.cues
    assert (cue.time_s, cue.threat, cue.cause) == (1.0, "passive_resistance", "after")
    response = cue.first_response
    assert response is not None
    assert (response.option, response.what, response.latency_s) == ("verbal", "show-hands", 0.3)
    assert response.policy == "within policy expectation"
    assert len(cue.responses) == 1  # first use of each option only
    assert cue.summary == "first response: verbal (show-hands) after 0.300 s"
    assert cue.window_end == "his threat fell to compliant (comply)"
    assert cue.window_end_s == 2.5
    assert report.after_threat == ()  # passive resistance is not a threat that "ends"
    assert report.inputs.verbal_commands == 2
    assert report.notes == ()


def test_taser_effective(policy: Policy) -> None:
    report = analyse([
        started(),
        state(0, "advancing", "active_aggression", None, "start", 5.0),
        shot(120, 1, "x26", distances={"subject": 4.8}),
        ProbeLanded(tick=126, shot=1, probe=0, actor="subject", zone="upper_torso", by=None,
                    distance_m=4.8, height_m=1.4),
        ProbeLanded(tick=126, shot=1, probe=1, actor="subject", zone="lower_torso", by=None,
                    distance_m=4.8, height_m=0.9),
        TaserDeployment(tick=126, shot=1, weapon="x26", cartridge="x26", actor="subject",
                        result="effective", spread_m=0.4064,
                        zones=["upper_torso", "lower_torso"], distance_m=4.8,
                        reason="both probes on the body"),
        state(127, "down", "compliant", "active_aggression", "taser:effective", 4.8),
        TaserCycleEnded(tick=1327, shot=1, actor="subject"),
        ended(1440),
    ], policy)
    (cue,) = report.cues
    response = cue.first_response
    assert response is not None
    assert (response.option, response.what, response.latency_s) == ("taser", "X26 shot 1", 0.5)
    assert (response.distance_m, response.distance_ft) == (4.8, 15.748)
    assert response.policy == "within policy expectation"
    (outcome,) = report.taser
    assert (outcome.result, outcome.actor, outcome.time_s) == ("effective", "subject", 0.525)
    assert (outcome.spread_in, outcome.spread_cm) == (16.0, 40.64)
    assert outcome.distance_ft == 15.748
    assert outcome.cycle_ended_s == 5.529167  # 1327 / 240
    (after,) = report.after_threat
    assert (after.count, after.time_to_stop_s) == (0, None)
    assert after.summary == "no shots after the stop cue"
    assert report.transitions == ()  # an effective deployment needs no transition
    assert report.bystander_hits == ()
    assert "16.0 in (40.6 cm)" in render_text(report)


def test_taser_failure_then_firearm(policy: Policy) -> None:
    report = analyse([
        started(),
        state(0, "charging", "deadly_force", None, "start", 9.144),
        shot(96, 1, "x26"),
        TaserDeployment(tick=110, shot=1, weapon="x26", cartridge="x26", actor=None,
                        result="miss", spread_m=None, zones=[None, None],
                        reason="both probes missed"),
        shot(700, 2, distances={"subject": 3.0}),
        hit(701, 2, "upper_torso", 3.0),
        state(702, "down", "compliant", "deadly_force", "hit:upper_torso", 3.0),
        ended(960),
    ], policy)
    (transition,) = report.transitions
    assert transition.direction == "taser_to_firearm"
    assert (transition.from_shot, transition.to_shot) == (1, 2)
    assert transition.from_what == "TASER deployment: miss"
    assert transition.seconds == 2.458333  # (700 - 110) / 240
    assert transition.reference == "2.490 s mean"
    (cue,) = report.cues
    assert [(r.option, r.latency_s, r.distance_m, r.policy) for r in cue.responses] == [
        ("taser", 0.4, None, "within policy expectation"),
        ("firearm", 2.916667, 3.0, "within policy expectation"),
    ]
    assert cue.policy_note == "Protect life"
    (subject,) = report.hits
    assert subject.zones == {"head": 0, "upper_torso": 1, "lower_torso": 0, "legs": 0, "arms": 0}
    assert report.taser[0].spread_in is None


def test_second_cartridge_moves_the_transition_start(policy: Policy) -> None:
    report = analyse([
        started(),
        state(0, "charging", "deadly_force", None, "start", 9.0),
        shot(96, 1, "x26"),
        TaserDeployment(tick=110, shot=1, weapon="x26", cartridge="x26", actor=None,
                        result="miss", spread_m=None),
        shot(300, 2, "x26"),
        TaserDeployment(tick=310, shot=2, weapon="x26", cartridge="x26", actor="subject",
                        result="one_probe", spread_m=None, distance_m=6.0),
        shot(800, 3),
        ended(960),
    ], policy)
    (transition,) = report.transitions  # the first failure was answered by a TASER again
    assert (transition.from_shot, transition.to_shot) == (2, 3)
    assert transition.seconds == 2.041667  # (800 - 310) / 240
    assert report.splits == ()  # a one-cartridge X26 is reloaded between pulls: no split


def test_a_firearm_shot_before_the_failure_is_no_transition(policy: Policy) -> None:
    """Same tick, logged first: the pistol was fired before the probes landed."""
    report = analyse([
        started(),
        state(0, "charging", "deadly_force", None, "start", 9.0),
        shot(96, 1, "x26"),
        shot(110, 2),
        TaserDeployment(tick=110, shot=1, weapon="x26", cartridge="x26", actor=None,
                        result="miss", spread_m=None),
        shot(200, 3),
        ended(480),
    ], policy)
    assert report.transitions == ()  # the officer had turned to the pistol already


def test_firearm_to_taser_transition(policy: Policy) -> None:
    report = analyse([
        started(),
        state(0, "charging", "deadly_force", None, "start", 9.0),
        shot(240, 1),
        shot(1368, 2, "taser7-cq"),
        ended(1680),
    ], policy)
    (transition,) = report.transitions
    assert transition.direction == "firearm_to_taser"
    assert (transition.from_shot, transition.to_shot, transition.seconds) == (1, 2, 4.7)
    assert transition.reference == "4.700 s mean"


def test_shots_after_the_threat_ended(policy: Policy) -> None:
    report = analyse(knife_charge_poor(), policy)
    (after,) = report.after_threat
    assert (after.actor, after.time_s, after.state) == ("subject", 3.608333, "down")
    assert after.shots == (3, 4, 5) and after.count == 3
    assert after.time_to_stop_s == 0.891667  # (1080 - 866) / 240
    assert after.summary == ("3 shot(s) after the stop cue; the last 0.892 s after it "
                             "(a lower bound on the officer's stop reaction)")
    assert after.stop_cue == "down, hit in the upper torso"
    assert after.reference == "stop-shooting latency 0.200-1.500 s"
    assert [(s.from_shot, s.to_shot, s.split_s) for s in report.splits] == [
        (1, 2, 0.3), (2, 3, 0.3), (3, 4, 0.3), (4, 5, 0.3)]
    charge = report.cues[1]
    assert charge.first_response is not None
    assert charge.first_response.latency_s == 1.3  # (792 - 480) / 240
    assert charge.window_end == "his threat fell to compliant (down)"


def test_same_tick_edges(policy: Policy) -> None:
    """Within a tick the engine logs inputs before the state changes they cause. A shot
    logged after the cue in its tick answers it (latency 0); a shot logged before the
    threat's end in the same tick is not "after" it; a shot on the next tick is."""
    report = analyse([
        started(),
        state(0, "idle", "compliant", None, "start", 4.0),
        state(240, "draw", "deadly_force", "compliant", "branch:1", 4.0),
        shot(240, 1),
        hit(241, 1, "upper_torso", 4.0),
        shot(300, 2),
        state(300, "down", "compliant", "deadly_force", "hit:upper_torso", 4.0),
        shot(301, 3),
        ended(480),
    ], policy)
    response = report.cues[0].first_response
    assert response is not None and (response.shot, response.latency_s) == (1, 0.0)
    (after,) = report.after_threat
    assert (after.shots, after.time_to_stop_s) == ((3,), 0.004167)


def told_to_drop_it() -> list[Event]:
    """armed-drops-weapon: he holds a pistol; told to drop it at 0.8 s, he lets go."""
    return [
        started(),
        state(0, "holding", "active_aggression", None, "start", 7.62),
        OfficerCommand(tick=192, command="drop-weapon"),
        state(192, "letting-go", "passive_resistance", "active_aggression",
              "command:drop-weapon", 7.62),
    ]


def test_the_command_that_ends_a_threat_is_its_response(policy: Policy) -> None:
    """The engine logs the command, then in the same tick the state change it caused."""
    report = analyse([
        *told_to_drop_it(),
        OfficerCommand(tick=720, command="get-down"),
        ended(2400),
    ], policy)
    (cue,) = report.cues
    assert cue.summary == "first response: verbal (drop-weapon) after 0.800 s"
    assert cue.window_end == "his threat fell to passive resistance (letting go)"
    assert [r.what for r in cue.responses] == ["drop-weapon"]  # get-down came later


def test_shots_at_another_threat_are_not_after_the_threat(policy: Policy) -> None:
    report = analyse([
        started({"a": "subject", "b": "subject"}),
        state(0, "pushing", "active_aggression", None, "start", 3.0, actor="a"),
        state(0, "aiming", "deadly_force", None, "start", 10.0, actor="b"),
        state(240, "down", "compliant", "active_aggression", "hit:legs", 3.0, actor="a"),
        shot(300, 1),
        hit(301, 1, "upper_torso", 10.0, actor="b"),  # b is still a threat: not counted
        shot(360, 2),
        hit(361, 2, "legs", 3.0, actor="a"),  # hit a after a's threat ended: counted
        ended(480),
    ], policy)
    (after,) = report.after_threat
    assert (after.actor, after.shots, after.time_to_stop_s) == ("a", (2,), 0.5)


def test_bystander_hits_by_bullet_and_probe(policy: Policy) -> None:
    report = analyse([
        started({"subject": "subject", "b1": "bystander"}),
        state(0, "aiming", "deadly_force", None, "start", 8.0),
        state(0, "walking", "compliant", None, "start", 9.5, actor="b1", role="bystander"),
        shot(120, 1),
        hit(121, 1, "arms", 9.5, actor="b1", role="bystander"),
        shot(180, 2),
        hit(181, 2, "head", 8.0),
        state(182, "down", "compliant", "deadly_force", "hit:head", 8.0),
        shot(400, 3, "x26"),
        ProbeLanded(tick=405, shot=3, probe=0, actor="b1", zone="legs", by=None,
                    distance_m=9.6, height_m=0.5),
        ended(960),
    ], policy)
    assert [(b.actor, b.shot, b.weapon, b.by, b.zone, b.time_s, b.distance_ft)
            for b in report.bystander_hits] == [
        ("b1", 1, "pistol", "bullet", "arms", 0.504167, 31.168),
        ("b1", 3, "x26", "taser probe", "legs", 1.6875, 31.496),
    ]
    by_actor = {h.actor: h for h in report.hits}
    assert (by_actor["subject"].zones["head"], by_actor["subject"].total) == (1, 1)
    assert (by_actor["b1"].role, by_actor["b1"].zones["arms"], by_actor["b1"].total) == (
        "bystander", 1, 1)
    (after,) = report.after_threat  # no one else is a threat: the TASER shot counts
    assert (after.shots, after.time_to_stop_s) == ((3,), 0.908333)  # (400 - 182) / 240


def test_multiple_actors_and_cues(policy: Policy) -> None:
    report = analyse([
        started({"a": "subject", "b": "subject"}),
        state(0, "arguing", "passive_resistance", None, "start", 5.0, actor="a"),
        state(0, "standing", "compliant", None, "start", 12.0, actor="b"),
        state(240, "pushing", "active_aggression", "passive_resistance", "after", 4.0,
              actor="a"),
        OfficerCommand(tick=300, command="step-back"),
        state(360, "draw", "deadly_force", "compliant", "random", 12.0, actor="b"),
        OfficerCommand(tick=420, command="drop-weapon", distances={"a": 4.1, "b": 12.0}),
        shot(480, 1, distances={"a": 4.2, "b": 11.0}),
        hit(481, 1, "upper_torso", 11.0, actor="b"),
        state(482, "down", "compliant", "deadly_force", "hit:upper_torso", 11.0, actor="b"),
        state(600, "comply", "compliant", "active_aggression", "command:step-back", 4.0,
              actor="a"),
        ended(960),
    ], policy)
    assert [(c.actor, c.time_s, c.threat) for c in report.cues] == [
        ("a", 0.0, "passive_resistance"), ("a", 1.0, "active_aggression"),
        ("b", 1.5, "deadly_force")]
    start_cue, pushing, drawing = report.cues
    assert start_cue.summary == ("no response before his threat rose to active aggression "
                                 "at 1.000 s")
    # The shot reached b only: it answers b's cue, not a's.
    assert [(r.option, r.latency_s, r.distance_m, r.policy) for r in pushing.responses] == [
        ("verbal", 0.25, None, "within policy expectation")]
    assert [(r.option, r.latency_s, r.distance_m, r.policy) for r in drawing.responses] == [
        ("verbal", 0.25, 12.0, "a command or warning; the policy's options at this level "
                               "are TASER, firearm"),
        ("firearm", 0.5, 11.0, "within policy expectation"),
    ]
    assert drawing.window_end == "his threat fell to compliant (down)"
    assert [(a.actor, a.time_s, a.count) for a in report.after_threat] == [
        ("b", 2.008333, 0), ("a", 2.5, 0)]
    assert report.notes == ("Threat cues of different actors overlap; a verbal command is "
                            "not tied to an actor, so one command counts as the response to "
                            "each open cue.",)


def test_cues_of_different_actors_that_do_not_overlap(policy: Policy) -> None:
    report = analyse([
        started({"a": "subject", "b": "subject"}),
        state(0, "pushing", "active_aggression", None, "start", 3.0, actor="a"),
        state(240, "comply", "compliant", "active_aggression", "after", 3.0, actor="a"),
        state(240, "shouting", "active_aggression", None, "start", 6.0, actor="b"),
        ended(480),
    ], policy)
    assert [(c.actor, c.time_s, c.window_end_s) for c in report.cues] == [
        ("a", 0.0, 1.0), ("b", 1.0, 2.0)]
    assert report.notes == (
        "No officer input was recorded: no verbal command and no confirmed shot.",)


def test_unconfirmed_shots_are_not_scored(policy: Policy) -> None:
    report = analyse([
        started(),
        state(0, "aiming", "deadly_force", None, "start", 7.0),
        shot(100, 1, confirmed=False),
        hit(101, 1, "head", 7.0),  # a stray hit of an unconfirmed shot must not count
        shot(200, 2),
        hit(201, 2, "legs", 7.0),
        ended(480),
    ], policy)
    assert report.inputs.firearm_shots == 1
    assert report.inputs.unconfirmed_shots == (1,)
    assert report.notes == ("1 unconfirmed shot(s) not scored: shot 1.",)
    response = report.cues[0].first_response
    assert response is not None and (response.shot, response.latency_s) == (2, 0.833333)
    (subject,) = report.hits
    assert (subject.zones["head"], subject.zones["legs"], subject.shots) == (0, 1, (2,))
    assert report.splits == ()


def test_branch_key_audit_trail(policy: Policy) -> None:
    report = analyse([
        started(),
        state(0, "talking", "passive_resistance", None, "start", 6.0),
        BranchKey(tick=240, key="1", operator="sgt-lee"),
        state(240, "draw", "deadly_force", "passive_resistance", "branch:1", 6.0),
        BranchKey(tick=600, key="2", operator="ofc-kim"),
        ended(960),
    ], policy)
    first, second = report.branch_keys
    assert (first.key, first.operator, first.time_s) == ("1", "sgt-lee", 1.0)
    assert first.effects == (BranchEffect("subject", "draw", "deadly_force", 1.0),)
    assert (second.key, second.operator, second.effects) == ("2", "ofc-kim", ())
    text = render_text(report)
    assert "sgt-lee" in text and "no state change recorded" in text


def test_jsonl_round_trip_keeps_exact_times(policy: Policy) -> None:
    lines = [to_json(event, STEP) for event in knife_charge_poor()]
    report = analyse(read_log(lines), policy)
    assert report.scenario.step_s == STEP
    # Early logs wrote the step rounded; times must still come out on the 1/240 s grid.
    rounded = [lines[0].replace(f'"step_s":{STEP}', '"step_s":0.004167'), *lines[1:]]
    assert rounded[0] != lines[0]
    assert analyse(read_log(rounded), policy) == report
    data = json.loads(json.dumps(report.to_dict()))
    assert data["after_threat"][0]["time_to_stop_s"] == 0.891667
    assert data["cues"][1]["first_response"]["latency_s"] == 1.3
    assert data["hits"][0]["zones"]["upper_torso"] == 1
    assert data["scenario"]["policy_applied"] == "test"
    assert set(data) == {f for f in DecisionReport.__dataclass_fields__}


def test_notes_for_a_policy_mismatch_and_a_cut_log(policy: Policy) -> None:
    report = analyse([started(policy="default"),
                      state(0, "idle", "compliant", None, "start", 5.0),
                      OfficerCommand(tick=48, command="police")], policy)
    assert report.notes == (
        "The run names policy 'default'; this report applies policy 'test'.",
        "The log stops without a scenario_ended event; its last event is taken as the end.",
        "No actor rose to a higher threat level in this run.",
    )
    assert report.scenario.end_s == 0.2


@pytest.mark.parametrize(("events", "message"), [
    ([], "expected scenario_started as the first event, found an empty log"),
    ([ended(10)], "expected scenario_started as the first event, found scenario_ended"),
    ([started(), ended(10), OfficerCommand(tick=5, command="stop")],
     "event 3 (officer_command): expected tick >= 10 (the event before), found 5"),
    ([ScenarioStarted(tick=0, scenario="s", title="t", seed=0, step_s=0.0, policy="test",
                      actors={})],
     "scenario_started.step_s: expected a step from 0.0001 to 1 s, found 0.0"),
    ([ScenarioStarted(tick=0, scenario="s", title="t", seed=0, step_s=1e-320, policy="test",
                      actors={})],
     "scenario_started.step_s: expected a step from 0.0001 to 1 s, found 1e-320"),
    ([started(), shot(10, 1), shot(10, 1), ended(20)],
     "event 3 (shot_fired): expected each shot_fired of shot 1 once, found it again"),
    ([started(), shot(10, 1), hit(12, 1, "head", 5.0), hit(12, 1, "head", 5.0), ended(20)],
     "event 4 (bullet_hit): expected each bullet landed of shot 1 once, found it again"),
    ([started(), hit(12, 4, "head", 5.0), ended(20)],
     "event 2 (bullet_hit): expected a shot fired earlier, found shot 4"),
    ([started(), ended(20), OfficerCommand(tick=20, command="stop")],
     "event 2 (scenario_ended): expected the last event, found 1 after it"),
    ([started(), started(), ended(20)],
     "event 2 (scenario_started): expected each scenario_started once, found it again"),
    ([started(), state(0, "x", "furious", None, "start", 1.0)],
     "expected a threat level in ['compliant', 'passive_resistance', 'active_aggression', "
     "'deadly_force'], found 'furious'"),
])
def test_logs_that_cannot_be_analysed(policy: Policy, events: list[Event], message: str) -> None:
    with pytest.raises(AnalysisError) as caught:
        analyse(events, policy)
    assert message in str(caught.value)


def test_policy_indicator_wording() -> None:
    assert policy_indicator(("verbal", "firearm"), "taser") == (
        "a force option the policy does not list at this level")
    assert policy_indicator(("taser", "firearm"), "verbal") == (
        "a command or warning; the policy's options at this level are TASER, firearm")
    assert policy_indicator(("firearm",), "taser") == (
        "less force than the policy expects at this level")
    assert policy_indicator(("verbal",), "taser") == (
        "more force than the policy expects at this level")


def test_a_long_pause_starts_a_new_string_without_a_split(policy: Policy) -> None:
    report = analyse([
        started(),
        state(0, "fighting", "active_aggression", None, "start", 5.0),
        shot(240, 1),
        shot(240 + 480, 2),  # 2.0 s later: still a split
        shot(720 + 481, 3),  # just over 2.0 s: a new string
        ended(1440),
    ], policy)
    assert [(s.from_shot, s.to_shot, s.split_s) for s in report.splits] == [(1, 2, 2.0)]


def test_an_hour_long_drill_of_12000_cues_is_debriefed_whole(policy: Policy) -> None:
    """Two subjects alternate every 0.15 s for an hour; each rises from compliant once,
    then on every other change of its own: 2 x (1 + 5999) + 2 = 12,002 cues."""
    from range.bench.debrief import drill_events

    events = drill_events(24_000)
    report = analyse(events, policy)
    assert len(report.cues) == 12_002
    assert report.scenario.end_s == pytest.approx(3600.15)
    assert report.inputs.firearm_shots == len(range(0, 24_000, 7))
    assert any("overlap" in note for note in report.notes)
