"""The whole data flow: a trigger report and a laser spot fused into a shot, the shot fed
to a live session, the bullet hitting the subject at the zone aimed at."""

from __future__ import annotations

from hardware.clock import ManualClock
from hardware.events import SpotEvent, TriggerEvent
from hardware.fusion import Fusion, FusionConfig
from range.run.events import BulletHit, ShotFired
from range.run.live import LiveSession
from tests.builders import actor, scenario

MS = 1_000_000


def test_a_fused_shot_hits_where_the_spot_was_on_the_frame_of_the_pull() -> None:
    """The world runs on time; fusion decides the shot ~84 ms after the pull, and the
    round is judged against the frame that was on screen at the pull."""
    clock = ManualClock(10_000 * MS)
    config = FusionConfig()
    live = LiveSession(scenario(actor(position=(0.3, 6.0))), seed=0, clock=clock)
    # The camera sees the spot where the subject's head is drawn; the camera-to-projector
    # mapping here is a plain scale, as a calibration would give.
    head = live.world.aim_point("subject", "head")
    assert head is not None
    fusion = Fusion(config, to_projector=lambda x, y: (x * 2.0, y * 2.0))
    pull_ns = clock.now_ns() + 1000 * MS
    fusion.add_trigger(TriggerEvent(pull_ns, "p1", "pistol", "pistol", 7, 0, True, "red", 0,
                                    1000, pull_ns + 2 * MS, True))
    fusion.add_spot(SpotEvent(pull_ns + 15 * MS, head[0] / 2, head[1] / 2, "red"))
    for _ in range(150):  # 1.5 s of a 100 Hz live loop
        clock.advance_ns(10 * MS)
        for shot in fusion.poll(clock.now_ns()):
            live.submit_shot(shot)
        live.pump()
        live.shown(live.frame(), clock.now_ns())
    (fired,) = [e for e in live.world.events if isinstance(e, ShotFired)]
    assert fired.replica == "p1" and fired.aimed_at == "subject" and fired.late
    assert fired.pull_s == 1.0 and fired.shown_tick == 240  # the frame flipped at 1.000 s
    decided_s = config.decision_delay_ns(1000) / 1e9
    # Entered at the world's tick when the poll after the decision hands it over.
    assert 1.0 + decided_s - 0.01 <= fired.tick / 240 <= 1.0 + decided_s + 0.01
    (hit,) = [e for e in live.world.events if isinstance(e, BulletHit)]
    assert hit.zone == "head"
    assert live.late_shots == 1


def test_the_weapon_names_a_replica_sends_are_the_weapons_the_engine_flies() -> None:
    from typing import get_args

    from hardware.events import WeaponName
    from range.world.weapons import WEAPONS

    assert set(get_args(WeaponName)) == set(WEAPONS)
