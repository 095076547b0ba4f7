"""The debrief teaches the right lesson (issue 13): every use of force against the policy
for the person it concerned, the real stop cue, splits within one device, every round
and attack accounted for, references that fit the cue, de-escalation facts, plain words.

Logs are written by hand; every expected figure is worked out from the ticks (time =
tick / 240 s). Facts that newer engines log and older logs lack are written with
`newer()` and the events below (log version 1.3: `aimed_at` is the person aimed at, beside
`first_on_line`, `device`, `load` and weapon transitions): the analysis reads them when
present and says "not recorded" when absent."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, TypeVar

import pytest

from range.analysis import words
from range.analysis.decisions import analyse
from range.analysis.report import DecisionReport
from range.analysis.text import render_text
from range.run.events import (
    ActorStateChanged,
    BulletStopped,
    Event,
    OfficerAttacked,
    OfficerCommand,
    ProbeLanded,
    ScenarioStarted,
    ShotFired,
    TaserDeployment,
    WeaponDropped,
)
from range.run.officer_events import OfficerArrived, OfficerMoved
from range.scenario.policy import Policy
from tests.test_analysis import (
    POLICY_TEXT,
    ended,
    hit,
    shot,
    started,
    state,
    told_to_drop_it,
)

EventT = TypeVar("EventT", bound=Event)


def newer(cls: type[EventT], **values: Any) -> EventT:
    """An event with fields a newer engine logs: those this events.py lacks are added on
    a subclass, so the test holds before and after the engine's fields arrive."""
    missing = [name for name in values if name not in cls.__dataclass_fields__]
    if missing:
        cls = dataclasses.make_dataclass(
            cls.__name__, [(name, Any, dataclasses.field(default=None)) for name in missing],
            bases=(cls,), frozen=True, slots=True, kw_only=True)
    return cls(**values)


@dataclass(frozen=True, slots=True, kw_only=True)
class TransitionLogged(Event):
    """weapon_transition (log version 1.3): a pull with another device, or from the
    holster (`from_device` None)."""

    kind = "weapon_transition"
    shot: int
    from_device: str | None



@pytest.fixture
def policy() -> Policy:
    from range.scenario.policy import parse_policy

    return parse_policy(POLICY_TEXT, "tests/test.toml", name="test")


def started_1_3(actors: dict[str, str] | None = None) -> ScenarioStarted:
    return dataclasses.replace(started(actors), log_version="1.3")


def newer_shot(tick: int, number: int, target: str | None, weapon: str = "pistol",
               first: str | None = None, **extra: Any) -> ShotFired:
    """A shot of a 1.3 log: aimed at `target`, `first` (default: him) first on the line."""
    force = "firearm" if weapon == "pistol" else "taser"
    return newer(ShotFired, tick=tick, shot=number, weapon=weapon, force=force,
                 point=(960.0, 540.0), aimed_at=target, first_on_line=first or target,
                 **extra)


def probes(tick: int, number: int, result: str = "effective") -> list[Event]:
    return [
        ProbeLanded(tick=tick, shot=number, probe=0, actor="subject", zone="lower_torso",
                    by=None, distance_m=4.0, height_m=0.9),
        ProbeLanded(tick=tick, shot=number, probe=1, actor="subject", zone="legs", by=None,
                    distance_m=4.0, height_m=0.5),
        TaserDeployment(tick=tick, shot=number, weapon="x26", cartridge="x26",
                        actor="subject", result=result, spread_m=0.4,  # type: ignore[arg-type]
                        zones=["lower_torso", "legs"], distance_m=4.0, reason="ok"),
    ]


def indicators(report: DecisionReport) -> list[list[tuple[str | None, str, str | None, str]]]:
    return [[(i.actor, i.relation, i.threat, i.policy) for i in use.indicators]
            for use in report.force]


WITHIN = "within policy expectation"
MORE = "more force than the policy expects at this level"


def test_an_effective_taser_then_a_head_shot_on_a_man_with_his_hands_up(policy: Policy
                                                                       ) -> None:
    report = analyse([
        started(),
        state(0, "advancing", "active_aggression", None, "start", 4.2),
        shot(120, 1, "x26"),
        *probes(126, 1),
        state(127, "hands-up", "compliant", "active_aggression", "taser:effective", 4.0),
        ShotFired(tick=600, shot=2, weapon="pistol", force="firearm", point=(960.0, 300.0),
                  aimed_at="subject", distances={"subject": 4.0}),
        hit(601, 2, "head", 4.0),
        ended(960),
    ], policy)
    # The TASER reached him while he advanced; the pistol while his hands were up.
    assert indicators(report) == [
        [("subject", "reached", "active_aggression", WITHIN)],
        [("subject", "first on the line and reached", "compliant", MORE)],
    ]
    assert report.force[1].time_s == 2.5  # 600 / 240
    assert report.force[1].outcome == "bullet hit subject in the head at 13.1 ft"
    assert report.de_escalation is not None
    assert report.de_escalation.force_on_compliant == (2,)


def test_a_shot_at_the_compliant_companion_is_judged_at_his_level(policy: Policy) -> None:
    report = analyse([
        started_1_3({"gunman": "subject", "companion": "subject"}),
        state(0, "aiming", "deadly_force", None, "start", 8.0, actor="gunman"),
        state(0, "standing", "compliant", None, "start", 6.0, actor="companion"),
        newer_shot(96, 1, "companion"),
        hit(98, 1, "upper_torso", 6.0, actor="companion"),
        ended(480),
    ], policy)
    (gunman,) = [c for c in report.cues if c.actor == "gunman"]
    assert gunman.responses == ()  # the shot was not for the gunman
    assert indicators(report) == [[("companion", "aimed at and reached", "compliant", MORE)]]


def test_the_person_aimed_at_and_the_first_person_on_the_line_are_both_reported(
        policy: Policy) -> None:
    report = analyse([
        started_1_3({"subject": "subject", "bystander": "bystander"}),
        state(0, "aiming", "deadly_force", None, "start", 6.4),
        state(0, "waiting", "compliant", None, "start", 10.5, actor="bystander",
              role="bystander"),
        newer_shot(552, 1, "subject", first="bystander"),
        hit(558, 1, "upper_torso", 10.3, actor="bystander", role="bystander"),
        ended(1440),
    ], policy)
    (use,) = report.force
    assert (use.target, use.first_on_line, use.reached) == ("subject", "bystander",
                                                            ("bystander",))
    assert indicators(report) == [[
        ("subject", "aimed at", "deadly_force", WITHIN),
        ("bystander", "reached", "compliant", "a round reached a bystander"),
    ]]
    response = report.cues[0].first_response
    assert response is not None
    assert response.what == "pistol shot 1 at subject, bystander first on the line"
    assert response.latency_s == 2.3  # 552 / 240
    assert [r.outcome for r in report.rounds] == ["bystander hit"]


def test_without_the_person_aimed_at_the_first_on_the_line_stands_in(policy: Policy
                                                                     ) -> None:
    report = analyse([
        started({"subject": "subject", "bystander": "bystander"}),
        state(0, "aiming", "deadly_force", None, "start", 6.4),
        ShotFired(tick=552, shot=1, weapon="pistol", force="firearm", point=(800.0, 350.0),
                  aimed_at="bystander"),
        hit(558, 1, "upper_torso", 10.3, actor="bystander", role="bystander"),
        ended(1440),
    ], policy)
    assert report.force[0].target is None
    assert indicators(report) == [[("bystander", "first on the line and reached", "compliant",
                                    "a round reached a bystander")]]


def test_a_verbal_warning_at_deadly_force_is_not_less_force(policy: Policy) -> None:
    report = analyse([
        started(),
        state(0, "aiming", "deadly_force", None, "start", 7.0),
        OfficerCommand(tick=60, command="drop-weapon", distances={"subject": 7.0}),
        ended(480),
    ], policy)
    response = report.cues[0].first_response
    assert response is not None
    assert response.policy == ("a command or warning; the policy's options at this level "
                               "are TASER, firearm")
    assert "less force" not in render_text(report)


def test_time_to_stop_runs_from_the_drop_not_from_the_command(policy: Policy) -> None:
    """armed-drops-weapon: told to drop it at 0.8 s, he lets go (passive resistance) and
    the pistol falls at 1.8 s."""
    report = analyse([
        *told_to_drop_it(),
        shot(300, 1),  # while he still held the pistol: not after the threat ended
        state(432, "dropped", "compliant", "passive_resistance", "after", 7.62),
        WeaponDropped(tick=432, actor="subject", weapon="handgun"),
        shot(456, 2), hit(460, 2, "upper_torso", 7.4),
        state(461, "down", "compliant", "compliant", "hit:upper_torso", 7.62),
        shot(552, 3),
        ended(2400),
    ], policy)
    (after,) = report.after_threat
    assert (after.threat_fell_s, after.time_s) == (0.8, 1.8)  # 192 / 240, 432 / 240
    assert after.stop_cue == "dropped the handgun"
    assert after.shots == (2, 3)
    assert after.time_to_stop_s == 0.5  # (552 - 432) / 240
    assert "lower bound on the officer's stop reaction" in after.summary
    assert "stop reaction at least this" in render_text(report)


def test_a_man_known_to_hold_the_weapon_ends_the_threat_when_he_goes_down(
        policy: Policy) -> None:
    """With `held` logged, he is armed at the fall even if he never drops it."""
    letting_go = newer(
        ActorStateChanged, tick=192, actor="subject", role="subject", state="letting-go",
        action="idle", threat="passive_resistance", previous_state="holding",
        previous_threat="active_aggression", cause="command:drop-weapon", distance_m=7.62,
        position=(0.0, 7.62), held="handgun")
    report = analyse([
        started(),
        state(0, "holding", "active_aggression", None, "start", 7.62),
        OfficerCommand(tick=192, command="drop-weapon"),
        letting_go,
        shot(300, 1), hit(302, 1, "legs", 7.4),
        ActorStateChanged(
            tick=360, actor="subject", role="subject", state="down", action="down",
            threat="compliant", previous_state="letting-go",
            previous_threat="passive_resistance", cause="hit:legs", distance_m=7.62,
            position=(0.0, 7.62)),
        shot(420, 2),
        ended(960),
    ], policy)
    (after,) = report.after_threat
    assert (after.time_s, after.stop_cue) == (1.5, "went down, hit in the legs")  # 360/240
    assert (after.shots, after.time_to_stop_s) == ((2,), 0.25)  # (420 - 360) / 240


def test_splits_stay_within_one_device_and_one_load(policy: Policy) -> None:
    def pull(tick: int, number: int, weapon: str, device: str, load: int) -> ShotFired:
        return newer_shot(tick, number, "subject", weapon, device=device, load=load)

    report = analyse([
        started_1_3(),
        state(0, "fighting", "active_aggression", None, "start", 5.0),
        pull(240, 1, "x26", "X26", 1),
        pull(336, 2, "taser10", "TASER 10", 1),  # 0.4 s later, another device: no split
        pull(408, 3, "taser10", "TASER 10", 1),  # 0.3 s: a split
        pull(480, 4, "pistol", "pistol", 1),
        pull(552, 5, "pistol", "pistol", 1),  # 0.3 s: a split
        pull(648, 6, "pistol", "pistol", 2),  # 0.4 s, but a new magazine: no split
        pull(700, 7, "x26", "X26", 2),
        pull(760, 8, "x26", "X26", 3),  # a new cartridge
        ended(1440),
    ], policy)
    assert [(s.from_shot, s.to_shot, s.weapon, s.split_s) for s in report.splits] == [
        (2, 3, "taser10", 0.3), (4, 5, "pistol", 0.3)]


def test_in_older_logs_a_split_needs_one_device_that_holds_more_than_one_load(
        policy: Policy) -> None:
    report = analyse([
        started(),
        state(0, "fighting", "active_aggression", None, "start", 5.0),
        shot(240, 1, "x26"),
        shot(336, 2, "taser10"),  # 0.4 s later, another device: no split
        shot(408, 3, "taser10"),  # 0.3 s: a split
        shot(700, 4, "x26"),
        shot(760, 5, "x26-25ft"),  # the one-cartridge X26 was reloaded between
        shot(840, 6, "taser7-cq"),
        shot(900, 7, "taser7-so"),  # the second bay of one TASER 7: a split
        ended(1440),
    ], policy)
    assert [(s.from_shot, s.to_shot, s.split_s) for s in report.splits] == [
        (2, 3, 0.3), (6, 7, 0.25)]


def test_every_round_and_every_attack_is_accounted_for(policy: Policy) -> None:
    report = analyse([
        started({"driver": "subject", "walker": "bystander"}),
        state(0, "firing", "deadly_force", None, "start", 6.2, actor="driver"),
        newer(OfficerAttacked, tick=10, actor="driver", attack="shot", distance_m=6.2,
              outcome="hit", zone="upper_torso"),
        newer(OfficerAttacked, tick=106, actor="driver", attack="shot", distance_m=6.2,
              outcome="stopped", by="cruiser"),
        OfficerAttacked(tick=202, actor="driver", attack="shot", distance_m=6.2),
        shot(240, 1), BulletStopped(tick=244, shot=1, by="car", distance_m=5.95),
        shot(300, 2), BulletStopped(tick=304, shot=2, by="ground", distance_m=4.0),
        ShotFired(tick=360, shot=3, weapon="pistol", force="firearm", point=None),
        BulletStopped(tick=360, shot=3, by="nothing", distance_m=0.0),
        shot(420, 4), BulletStopped(tick=440, shot=4, by="nothing", distance_m=300.0),
        shot(480, 5), hit(484, 5, "legs", 11.0, actor="walker", role="bystander"),
        shot(540, 6, "x26"),
        ProbeLanded(tick=546, shot=6, probe=0, actor="driver", zone="upper_torso", by=None,
                    distance_m=6.0, height_m=1.3),
        ProbeLanded(tick=548, shot=6, probe=1, actor=None, zone=None, by="wire",
                    distance_m=6.4, height_m=0.2),
        newer(ShotFired, tick=600, shot=7, weapon="pistol", force="firearm",
              point=(960.0, 540.0), malfunction="jam"),
        shot(958, 8),  # still in the air when the log ends
        ended(960),
    ], policy)
    assert [(r.shot, r.probe, r.outcome, r.actor, r.by) for r in report.rounds] == [
        (1, None, "stopped by cover", None, "car"),
        (2, None, "struck the ground", None, "ground"),
        (3, None, "off the screen", None, "nothing"),
        (4, None, "missed", None, "nothing"),
        (5, None, "bystander hit", "walker", None),
        (6, 0, "hit", "driver", None),
        (6, 1, "out of wire", None, "wire"),
        (7, None, "did not fire", None, None),
        (8, None, "no landing recorded", None, None),
    ]
    assert report.rounds[0].text == "bullet stopped by cover (car) at 19.5 ft"  # 5.95 m
    assert [(a.time_s, a.outcome, a.text) for a in report.attacks] == [
        (0.041667, "hit", "fired at the officer: hit him in the upper torso"),
        (0.441667, "stopped", "fired at the officer: stopped by cover (cruiser)"),
        (0.841667, None, "fired at the officer: outcome not recorded in this log"),
    ]
    assert report.summary[2].endswith("1 bystander hit(s); attacked 3 time(s), outcome "
                                      "not recorded.")


def test_reference_figures_fit_the_cue(policy: Policy) -> None:
    report = analyse([
        started_1_3(),
        state(0, "talking", "passive_resistance", None, "start", 6.1),
        OfficerCommand(tick=100, command="show-hands"),
        state(720, "drawing", "deadly_force", "passive_resistance", "after", 6.2),
        newer_shot(984, 1, "subject"),
        TransitionLogged(tick=984, shot=1, from_device=None),
        ended(1920),
    ], policy)
    start_cue, draw = report.cues
    assert start_cue.reference == ""  # present at the start: no reaction figure applies
    assert draw.reference == ("choice reaction 0.500-1.000 s; draw and fire from the "
                              "holster 1.777 s mean")
    assert draw.what == ("rose from passive resistance to deadly force (drawing) after "
                         "3.0 s")  # 720 / 240 s talking
    labels = [r.label for r in report.reference]
    assert "choice reaction" in labels and "draw and fire from the holster" in labels
    text = render_text(report)
    assert "simple reaction 0.310" not in text.split("Reference figures")[0]


def test_de_escalation_facts_before_the_first_force(policy: Policy) -> None:
    report = analyse([
        dataclasses.replace(started(), log_version="1.5"),  # the first log with moves
        state(0, "walking", "passive_resistance", None, "start", 12.0),
        OfficerCommand(tick=240, command="stop", distances={"subject": 10.0}),
        OfficerMoved(tick=300, move="car", start=(0.0, 0.0), to=(1.5, 0.0), speed=1.5,
                     takes_s=1.0, cover="car"),
        state(480, "shouting", "active_aggression", "passive_resistance", "after", 9.0),
        OfficerArrived(tick=540, move="car", position=(1.5, 0.0), cover="car"),
        OfficerCommand(tick=600, command="drop-weapon", distances={"subject": 8.0}),
        shot(720, 1, "x26", distances={"subject": 7.0}),
        *probes(726, 1),
        ended(960),
    ], policy)
    d = report.de_escalation
    assert d is not None and d.force_used
    assert (d.first_cue_s, d.first_force_s, d.time_before_force_s) == (0.0, 3.0, 3.0)
    assert (d.distance_at_cue_m, d.distance_at_force_m) == (12.0, 7.0)
    assert d.closest_before_force_m == 7.0  # at the first force itself
    assert d.commands_before_force == ("stop", "drop-weapon")
    assert (d.moves_recorded, d.cover) == (True, "car")
    assert d.force_on_compliant == ()
    assert "Commands before force: 2 ('stop', 'drop weapon')." in d.lines
    assert "Cover: behind car at the first force." in d.lines


def test_no_force_on_a_compliant_man_is_worded_as_a_fact(policy: Policy) -> None:
    report = analyse([
        started(),
        state(0, "standing", "compliant", None, "start", 5.0),
        OfficerCommand(tick=48, command="show-hands", distances={"subject": 5.0}),
        ended(480),
    ], policy)
    d = report.de_escalation
    assert d is not None and not d.force_used
    assert d.lines[0] == "No TASER or firearm was used."
    assert "Cover: not recorded in this log (it records no officer moves)." in d.lines
    assert report.summary[1] == "No one rose above compliant."


def test_the_text_reads_in_plain_words_with_only_the_sections_that_have_content(
        policy: Policy) -> None:
    report = analyse([
        started(),
        state(0, "shouting", "active_aggression", None, "start", 9.144),
        state(480, "charging", "deadly_force", "active_aggression", "after", 9.144),
        shot(528, 1, "x26"),
        TaserDeployment(tick=560, shot=1, weapon="x26", cartridge="x26", actor="subject",
                        result="out_of_range", spread_m=None, distance_m=7.8,
                        reason="a probe reached the end of its 21 ft wire"),
        shot(816, 2, distances={"subject": 3.2}), hit(818, 2, "lower_torso", 3.1),
        state(818, "down", "compliant", "deadly_force", "hit:lower_torso", 3.1),
        shot(864, 3), BulletStopped(tick=866, shot=3, by="ground", distance_m=5.5),
        ended(1680),
    ], policy)
    text = render_text(report)
    lines = text.splitlines()
    summary_at = lines.index("Summary")
    assert lines[summary_at + 2:summary_at + 5] == list(report.summary)
    assert lines[summary_at + 5] == ""
    assert report.summary[0] == ("The officer gave 0 command(s), fired 1 TASER cartridge(s) "
                                 "and 2 firearm round(s). Bullets: 1 hit, 1 struck the "
                                 "ground. TASER probes: 1 no landing recorded.")
    for jargon in ("none recorded", "cause after", "deadly_force", "active_aggression",
                   "x26/x26", "window:", "out_of_range", "lower_torso"):
        assert jargon not in text, jargon
    for absent in ("Bystander hits", "Attacks on the officer", "Instructor branch keys",
                   "Notes\n"):
        assert absent not in text, absent
    assert "TASER deployment: out of range (shot 1)" in text  # the transition it led to
    assert "X26 (21 ft cartridge)" in text and "out of range" in text
    hits_table = lines[lines.index("Bullet hits by person and zone") + 2]
    assert hits_table.split() == ["person", "role", "rounds", "at", "him", "hits", "head",
                                  "upper", "torso", "lower", "torso", "legs", "arms"]
    subject_row = lines[lines.index("Bullet hits by person and zone") + 3].split()
    assert subject_row[:4] == ["subject", "subject", "0", "1"]  # no aimed_at logged


def test_no_draw_figure_once_the_pistol_has_been_fired(policy: Policy) -> None:
    """Without weapon transitions logged, only the run's first firearm shot may have been
    drawn from the holster."""
    report = analyse([
        started({"a": "subject", "b": "subject"}),
        state(0, "idle", "compliant", None, "start", 6.0, actor="a"),
        state(0, "idle", "compliant", None, "start", 8.0, actor="b"),
        state(240, "drawing", "deadly_force", "compliant", "after", 6.0, actor="a"),
        ShotFired(tick=480, shot=1, weapon="pistol", force="firearm", point=(900.0, 400.0),
                  aimed_at="a"),
        state(720, "drawing", "deadly_force", "compliant", "after", 8.0, actor="b"),
        ShotFired(tick=840, shot=2, weapon="pistol", force="firearm", point=(1000.0, 400.0),
                  aimed_at="b"),
        ended(960),
    ], policy)
    first, second = report.cues
    assert first.reference == ("choice reaction 0.500-1.000 s; if the pistol was holstered, "
                               "draw and fire from the holster 1.777 s mean")
    assert second.reference == "choice reaction 0.500-1.000 s"


def test_a_run_log_made_from_another_is_analysed_afresh(policy: Policy) -> None:
    """The seam for per-officer debriefs: a RunLog holding part of a log (here without
    shot 2) goes through analyse_log, and nothing read from the whole log carries over."""
    import dataclasses

    from range.analysis.decisions import analyse_log
    from range.analysis.digest import digest

    events: list[Event] = [
        started(),
        state(0, "aiming", "deadly_force", None, "start", 7.0),
        shot(120, 1), hit(122, 1, "legs", 7.0),
        shot(240, 2), hit(242, 2, "head", 7.0),
        ended(480),
    ]
    whole = digest(events)
    assert analyse_log(whole, policy) == analyse(events, policy)
    part = dataclasses.replace(
        whole, events=tuple(e for e in whole.events if getattr(e, "shot", 1) == 1),
        shots=whole.shots[:1], hits=whole.hits[:1])
    report = analyse_log(part, policy)
    assert [u.shot for u in report.force] == [1]
    assert [(r.shot, r.zone) for r in report.rounds] == [(1, "legs")]
    assert report.hits[0].zones["head"] == 0


def test_every_cause_the_engine_writes_without_a_value_is_put_in_words() -> None:
    # behaviour.cause_of writes these triggers bare (no ":value"); each must read as a
    # phrase in the debrief, never as the engine's code ("rose ... agitation above").
    for trigger in ("after", "within", "beyond", "agitation above", "agitation below"):
        assert words.cause(trigger) != words.plain(trigger), trigger
    assert words.cause("agitation above") == "as he grew agitated"
