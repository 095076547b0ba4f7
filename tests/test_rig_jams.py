"""A replica's pull that fired nothing, through the simulated rig: the instructor's console
jams the pistol replica (`MALF kind=jam`), the officer pulls, nothing flies, the log says
why as the replica's reports tell it, the debrief accounts for the pull and the time he
took to clear it, and the log replays byte for byte."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pytest

from hardware.clock import ManualClock
from hardware.events import Shot
from hardware.replica.protocol import HostMessage, Lockout, Malfunction
from hardware.replica.wired import WiredReplica
from range.analysis.decisions import analyse
from range.run.codec import to_json
from range.run.events import BulletHit, BulletStopped, Event, ShotFired, TaserDeployment
from range.run.live import LiveSession
from range.run.loop import ScriptedOperator, run_live
from range.run.replay import replay
from range.run.rig import SimulatedRig
from range.scenario.inputs import ScriptedInput
from range.scenario.model import Scenario
from range.scenario.policy import load_policy
from range.scenario.validation import validate_model
from range.vocabulary import WeaponName
from range.world.engine import World
from tests.builders import actor, scenario

PULLS_S = (2.5, 3.0, 3.4, 4.6)  # after the detector's warm-up; the 2nd and 3rd jammed
JAM_S, CLEARED_S = 2.7, 4.2  # the console's MALF kind=jam, then kind=none (tap, rack)


def standing_subject() -> Scenario:
    data = {"schema_version": 1, "id": "jams", "title": "a jammed pistol", "duration": 5.5,
            "officer": {"weapons": ["pistol"]},
            "actors": [{"id": "subject", "position": [0.0, 6.0], "initial": "stand",
                        "states": {"stand": {"action": "idle",
                                             "threat": "active_aggression"}}}]}
    return validate_model(Scenario, data, "test")


class Console:
    """The simulated rig with an instructor's console sending the pistol replica its
    commands at their times, as the station's buttons do (`SimulatedRig.command`)."""

    def __init__(self, rig: SimulatedRig, commands: list[tuple[int, HostMessage]]) -> None:
        self.rig = rig
        self._commands = sorted(commands, key=lambda c: c[0])

    def pull(self, officer: str, weapon: WeaponName, point: tuple[float, float] | None,
             t_ns: int) -> None:
        self.rig.pull(officer, weapon, point, t_ns)

    def observe(self, shown: Callable[[tuple[int, int]], Any], now_ns: int,
                since_ns: int | None = None) -> None:
        self.rig.observe(shown, now_ns, since_ns)

    def advance(self, now_ns: int) -> list[Shot]:
        while self._commands and self._commands[0][0] <= now_ns:
            at, message = self._commands.pop(0)
            self.rig.command("wired:pistol-sim", message, at)
        return self.rig.advance(now_ns)


def jammed_run() -> tuple[Scenario, list[Event]]:
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    from range.views.window import Window

    scenario = standing_subject()
    clock = ManualClock(10**12)
    events: list[Event] = []
    session = LiveSession(scenario, 0, clock, sink=events.append)
    start = session.start_ns
    rig = SimulatedRig(scenario.rig.resolution, scenario.officer.weapons, start)
    console = Console(rig, [(start + round(JAM_S * 1e9), Malfunction(0, "jam")),
                            (start + round(CLEARED_S * 1e9), Malfunction(0, "none"))])
    script = [ScriptedInput(at=at, fire="pistol", aim="subject.upper_torso")
              for at in PULLS_S]
    window = Window(scenario.rig.resolution, clock)
    try:
        run_live(session, window, clock, round(1e9 / 60),
                 [ScriptedOperator(script, start)], rig=console)
    finally:
        window.close()
        rig.close()
    return scenario, events


@pytest.fixture(scope="module")
def jammed() -> tuple[Scenario, list[Event]]:
    return jammed_run()


@pytest.mark.slow  # a 5.5 s run through the whole simulated rig
def test_a_jammed_pull_is_logged_with_its_malfunction_and_nothing_flies(
        jammed: tuple[Scenario, list[Event]]) -> None:
    _, events = jammed
    fired = [e for e in events if isinstance(e, ShotFired)]
    assert [(e.malfunction, e.replica) for e in fired] == [
        (None, "pistol-sim"), ("jam", "pistol-sim"), ("jam", "pistol-sim"),
        (None, "pistol-sim")]
    assert [e.pull_s for e in fired] == pytest.approx(PULLS_S, abs=0.002)  # each at its pull
    assert all(e.point is None for e in fired[1:3])  # no laser, no point
    landed = {e.shot for e in events if isinstance(e, BulletHit | BulletStopped)}
    assert landed == {1, 4}  # the jammed pulls sent no round
    hits = [e for e in events if isinstance(e, BulletHit)]
    assert [(h.shot, h.zone) for h in hits] == [(1, "upper_torso"), (4, "upper_torso")]
    assert {e.load for e in fired} == {1}  # no magazine spent on a jam


@pytest.mark.slow  # a 5.5 s run through the whole simulated rig
def test_the_debrief_says_the_replica_reported_no_discharge_and_the_clearing_time(
        jammed: tuple[Scenario, list[Event]]) -> None:
    scenario, events = jammed
    report = analyse(events, load_policy(scenario.policy))
    pulls = {e.shot: e.pull_s or 0.0 for e in events if isinstance(e, ShotFired)}
    rounds = {r.shot: r for r in report.rounds}
    assert [rounds[s].outcome for s in (1, 2, 3, 4)] == ["hit", "did not fire",
                                                          "did not fire", "hit"]
    for shot in (2, 3):  # to the pull that fired after the jam was cleared
        clearing = pulls[4] - pulls[shot]
        assert rounds[shot].text == ("did not fire: the replica reported no discharge (a "
                                     f"jam); his next pull that fired came {clearing:.3f} s "
                                     "later")
    said = float(rounds[2].text.rsplit("came ", 1)[1].split(" s")[0])
    assert said == pytest.approx(PULLS_S[3] - PULLS_S[1], abs=0.002)  # as scripted
    assert "2 firearm round(s). Bullets: 2 hit, 2 did not fire." in report.summary[0]
    assert [u.indicators[0].policy for u in report.force if u.shot in (2, 3)] == [
        "no force reached anyone"] * 2
    assert report.splits == ()  # 1 and 4 fired, 2.1 s apart: two strings, no split


@pytest.mark.slow  # a 5.5 s run through the whole simulated rig
def test_a_jammed_live_log_replays_byte_for_byte(jammed: tuple[Scenario, list[Event]]
                                                  ) -> None:
    scenario, events = jammed
    again: list[Event] = []
    replay(events, scenario, sink=again.append)
    step = 1 / 240
    assert [to_json(e, step) for e in again] == [to_json(e, step) for e in events]


def test_a_dry_shot_from_the_rig_is_logged_in_the_session_and_sends_no_round() -> None:
    """The fast copy of the ones above, without the camera: fusion's dry shot, submitted."""
    clock = ManualClock(10**12)
    events: list[Event] = []
    session = LiveSession(standing_subject(), 0, clock, sink=events.append)
    at = session.start_ns + 10**9
    session.submit_shot(Shot(at, "pistol", None, "pistol-sim", "trigger", fired=False,
                             dry="jam"))
    session.submit_shot(Shot(at + 5 * 10**8, "pistol", None, "pistol-sim", "trigger",
                             fired=False))  # a fusion of old: no cause said
    clock.advance_ns(2 * 10**9)
    session.pump()
    fired = [e for e in events if isinstance(e, ShotFired)]
    assert [(e.malfunction, e.pull_s) for e in fired] == [("jam", 1.0), ("no_discharge", 1.5)]
    assert not [e for e in events if isinstance(e, BulletHit | BulletStopped)]


def dry_causes(model: str, steps: list[HostMessage | None]) -> list[str | None]:
    """The dry causes a wired replica's link gives its pulls: each step, 0.5 s apart, a
    command sent or, with None, a trigger pull."""
    replica = WiredReplica(model, "R")
    start = 10**9
    replica.advance(start)
    causes: list[str | None] = []
    for k, message in enumerate(steps, 1):
        t_ns = start + k * 500_000_000
        if message is None:
            replica.pull(t_ns)
        else:
            replica.send(message, t_ns)
        causes += [e.trigger.dry for e in replica.advance(t_ns + 400_000_000)
                   if e.trigger is not None]
    return causes


def test_a_dry_pull_is_named_by_what_the_replica_reported_before_it() -> None:
    pull = None
    assert dry_causes("pistol", [pull] * 17) == [None] * 15 + ["empty", None]  # MAG 0,
    # and the emulated officer then changes the magazine
    assert dry_causes("pistol", [Malfunction(0, "misfire"), pull, pull, Lockout(0, True),
                                 pull, Lockout(0, False), pull]) == [
        "misfire", None, "lockout", None]
    assert dry_causes("taser7", [pull] * 3) == [None, None, "spent"]  # both bays fired
    assert dry_causes("x26", [Malfunction(0, "dud"), pull, pull]) == ["dud", "spent"]
    assert dry_causes("taser10", [Malfunction(0, "jam"), pull, Malfunction(0, "none"),
                                  pull]) == ["jam", None]


def test_a_spent_x26_pulled_with_its_probes_in_him_re_energises_them() -> None:
    """The replica reports fire=0 (its one cartridge is spent), but it still arcs: through
    probes in him that is a new cycle; with none in him it is a dry pull."""
    world = World(scenario(actor(position=(0.0, 4.0)), duration=15.0), seed=2, live=True)
    world.fire("x26", world.aim_point("subject", "upper_torso"), "x26-sim")
    while world.time_s < 6.0:  # the first 5 s cycle has ended
        world.step()
    world.fire("x26", None, "x26-sim", dry="spent")
    other = World(scenario(actor(position=(0.0, 4.0))), seed=2, live=True)
    other.fire("x26", None, "x26-sim", dry="spent")  # nothing in him: nothing arcs into him
    pulls = [e for e in world.events if isinstance(e, ShotFired)]
    assert [(s.mode, s.malfunction) for s in pulls] == [("probes", None), ("reenergise", None)]
    assert [d.mode for d in world.events if isinstance(d, TaserDeployment)] == [
        "probes", "reenergise"]
    dry = [e for e in other.events if isinstance(e, ShotFired)]
    assert [(s.mode, s.malfunction) for s in dry] == [("probes", "spent")]
    assert not [e for e in other.events if isinstance(e, TaserDeployment)]
