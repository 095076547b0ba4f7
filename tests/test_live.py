"""Live sessions: the world on time, frames stamped at the flip, shots judged against the
frame on screen at the pull, and a live log that replays byte for byte."""

from __future__ import annotations

import pytest

from hardware.clock import ManualClock
from hardware.events import Shot
from range.errors import InputsError
from range.run.codec import to_json
from range.run.events import BulletHit, FrameShown, OfficerCommand, ShotFired
from range.run.live import LiveSession
from range.run.replay import replay
from range.scenario.model import Scenario
from tests.builders import actor, scenario

START_NS = 5_000_000_000
MS = 1_000_000
FRAME_NS = 16_666_667  # a 60 Hz projector

CROSSING = {"cross": {"action": "walk_to", "threat": "deadly_force", "speed": "4.3 m/s",
                      "target": [8.0, 6.0]}}


def session(world: Scenario | None = None) -> tuple[LiveSession, ManualClock]:
    clock = ManualClock(START_NS)
    return LiveSession(world or scenario(actor()), seed=0, clock=clock), clock


def run_frames(live: LiveSession, clock: ManualClock, frames: int) -> None:
    """The live loop: step to the clock, draw, flip, stamp the flip."""
    for _ in range(frames):
        clock.advance_ns(FRAME_NS)
        live.pump()
        live.shown(live.frame(), clock.now_ns())


def test_the_world_runs_on_time_and_every_frame_is_logged_at_its_flip() -> None:
    live, clock = session()
    run_frames(live, clock, 60)
    assert live.world.tick == round(60 * FRAME_NS / 1e9 * 240)
    frames = [e for e in live.world.events if isinstance(e, FrameShown)]
    assert len(frames) == 60
    assert frames[0].flip_s == pytest.approx(FRAME_NS / 1e9, abs=1e-6)
    assert frames[-1].tick == live.world.tick


def test_a_crossing_subject_is_hit_where_he_was_shown_at_the_pull() -> None:
    """He crosses at 4.3 m/s, 6 m out: in the 90 ms fusion takes he moves 0.39 m, more
    than half his width, so a shot judged against the present world would miss."""
    live, clock = session(scenario(actor(position=(-3.0, 6.0), states=CROSSING)))
    run_frames(live, clock, 30)
    pull_ns = clock.now_ns() + 2 * MS
    shown = live.on_screen_at(pull_ns)
    x, y = shown.actor("subject").position
    point = shown.projection.world_to_screen(x, y, 1.3)  # his chest as drawn
    assert point is not None
    run_frames(live, clock, 6)  # fusion decides the shot 100 ms later
    live.submit_shot(Shot(t_ns=pull_ns, weapon="pistol", point=point, replica_id="p1"))
    run_frames(live, clock, 6)
    (fired,) = [e for e in live.world.events if isinstance(e, ShotFired)]
    assert fired.shown_tick == shown.tick and fired.late
    assert fired.pull_s == pytest.approx((pull_ns - START_NS) / 1e9, abs=1e-6)
    assert fired.seen_point == pytest.approx(point, abs=1e-6)
    moved_px = fired.point[0] - point[0] if fired.point else 0.0
    metres_per_px = 3.0 / 1920 * 6.0 / 4.5  # screen width / px, scaled to 6 m
    assert moved_px * metres_per_px == pytest.approx(4.3 * (fired.tick - shown.tick) / 240,
                                                     rel=0.05)
    (hit,) = [e for e in live.world.events if isinstance(e, BulletHit)]
    assert (hit.actor, hit.zone) == ("subject", "upper_torso")
    assert live.late_shots == 1


def test_a_shot_at_nobody_on_the_frame_shown_is_not_moved() -> None:
    live, clock = session(scenario(actor(position=(-3.0, 6.0), states=CROSSING)))
    run_frames(live, clock, 10)
    live.submit_shot(Shot(t_ns=clock.now_ns(), weapon="pistol", point=(1800.0, 100.0)))
    run_frames(live, clock, 2)
    (fired,) = [e for e in live.world.events if isinstance(e, ShotFired)]
    assert fired.point == fired.seen_point == (1800.0, 100.0)


def test_commands_are_stamped_when_given_and_order_is_kept() -> None:
    live, clock = session()
    clock.advance_ns(500 * MS)
    live.command("drop-weapon")
    live.submit_shot(Shot(t_ns=START_NS + 500 * MS, weapon="pistol", point=None))
    clock.advance_ns(100 * MS)
    live.pump()
    kinds = [(e.kind, e.tick) for e in live.world.events
             if isinstance(e, OfficerCommand | ShotFired)]
    assert kinds == [("officer_command", 120), ("shot_fired", 120)]


def test_a_live_log_replays_byte_for_byte() -> None:
    world = scenario(actor(position=(-3.0, 6.0), states=CROSSING))
    live, clock = session(world)
    run_frames(live, clock, 20)
    chest = live.frame().projection.world_to_screen(*live.frame().actor("subject").position,
                                                    1.3)
    live.submit_shot(Shot(t_ns=clock.now_ns() - 5 * MS, weapon="pistol", point=chest))
    live.command("stop")
    run_frames(live, clock, 20)
    live.world.stop("stopped by the range master")
    events = live.world.events
    again = replay(events, world).events
    assert [to_json(e, 1 / 240) for e in again] == [to_json(e, 1 / 240) for e in events]


def test_an_unknown_weapon_from_a_replica_is_refused() -> None:
    live, _ = session()
    with pytest.raises(InputsError, match="replica r9: expected a weapon of"):
        bad = Shot(t_ns=START_NS, weapon="bazooka", point=None,  # type: ignore[arg-type]
                   replica_id="r9")
        live.submit_shot(bad)
