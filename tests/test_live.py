"""Live sessions: shots from the rig enter at the tick of their trigger pull."""

from __future__ import annotations

import pytest

from hardware.clock import ManualClock
from hardware.events import Shot
from range.errors import InputsError
from range.run.events import OfficerCommand, ShotFired
from range.run.live import LiveSession
from tests.builders import actor, scenario

START_NS = 5_000_000_000
MS = 1_000_000


def session(delay_s: float = 0.05) -> tuple[LiveSession, ManualClock]:
    clock = ManualClock(START_NS)
    return LiveSession(scenario(actor()), seed=0, clock=clock, delay_s=delay_s), clock


def test_a_shot_arriving_within_the_delay_enters_at_its_own_tick() -> None:
    live, clock = session()
    clock.advance_ns(1030 * MS)  # the trigger was pulled at 1.000 s; it arrives at 1.030 s
    live.submit_shot(Shot(t_ns=START_NS + 1000 * MS, weapon="pistol", point=(960.0, 540.0),
                          replica_id="p1"))
    live.pump()
    assert [e for e in live.world.events if isinstance(e, ShotFired)] == []  # 50 ms behind
    clock.advance_ns(40 * MS)
    live.pump()
    (fired,) = [e for e in live.world.events if isinstance(e, ShotFired)]
    assert fired.tick == 240 and fired.replica == "p1"
    assert live.late_shots == 0
    assert live.world.tick == round(1.020 * 240)


def test_a_shot_later_than_the_delay_enters_at_once_and_is_counted() -> None:
    live, clock = session()
    clock.advance_ns(1200 * MS)
    live.pump()
    live.submit_shot(Shot(t_ns=START_NS + 1000 * MS, weapon="x26", point=(960.0, 540.0)))
    clock.advance_ns(10 * MS)
    live.pump()
    (fired,) = [e for e in live.world.events if isinstance(e, ShotFired)]
    assert fired.tick == round(1.15 * 240)
    assert live.late_shots == 1


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


def test_an_unknown_weapon_from_a_replica_is_refused() -> None:
    live, _ = session()
    with pytest.raises(InputsError, match="replica r9: expected a weapon of"):
        bad = Shot(t_ns=START_NS, weapon="bazooka", point=None,  # type: ignore[arg-type]
                   replica_id="r9")
        live.submit_shot(bad)
