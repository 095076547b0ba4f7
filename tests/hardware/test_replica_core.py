"""The link core without threads or I/O, driven on a ManualClock's times: delivery,
counters, stamps, holding, naming, reconnects (see conftest.Cable and conftest.Wire)."""

from __future__ import annotations

from typing import get_args

import numpy as np
import pytest

from hardware.clock import ManualClock
from hardware.events import LinkStatus, TriggerEvent, WeaponName
from hardware.replica.core import HOLD_MAX_NS, LinkCore, LinkEvent
from hardware.replica.faults import Faults
from hardware.replica.identity import FAMILY
from hardware.replica.models import X2, Taser7
from hardware.replica.protocol import (
    MODEL_NAMES,
    Cartridge,
    DeviceMessage,
    Heartbeat,
    Hello,
    Lockout,
    Ping,
    Pong,
    Query,
    Trigger,
    encode,
)
from hardware.replica.sequence import StreamReset
from tests.hardware.conftest import Cable, Wire

MS = 1_000_000
START_NS = 5_000 * MS  # the host clock is not at zero when the link starts


def cable(wire: Wire | None = None, chunk_seed: int | None = None,
          **core_args: int) -> Cable:
    clock = ManualClock(START_NS)
    return Cable(LinkCore("/dev/ttyUSB0", **core_args), wire or Wire(boot_ns=0), clock,
                 chunk_seed=chunk_seed).connect()


def triggers(events: list[LinkEvent]) -> list[TriggerEvent]:
    return [e.trigger for e in events if e.trigger is not None]


def statuses(events: list[LinkEvent]) -> list[str]:
    return [e.status.state for e in events if e.status is not None]


# -- delivery and counters ------------------------------------------------------------------


def test_10000_triggers_with_corruption_and_drops_each_arrive_once_exactly() -> None:
    faults = Faults(corrupt=0.01, drop=0.005, noise=0.01, dup=0.005)
    run = cable(Wire(faults=faults, seed=11), chunk_seed=3)
    first = START_NS + 100 * MS
    run.pull_at(*[first + i * 400_000 for i in range(10_000)])  # 2,500 per second
    events = run.run_until(first + 4_200 * MS)
    received = [t.n for t in triggers(events)]
    wire = run.wire
    intact = [n for n, _, fate in wire.pulls if fate == "sent"]
    assert received == intact and len(wire.pulls) == 10_000  # exactly once, in order
    last_sent = max(i for i, (_, fate, _) in enumerate(wire.frames) if fate == "sent")
    lost = sum(1 for _, fate, _ in wire.frames[:last_sent] if fate != "sent")
    counters = run.core.error_counters()
    assert lost > 0.01 * 10_000  # the faults really happened
    assert counters["lost"] == lost  # every dropped and corrupted frame, no more
    assert counters["duplicates"] == sum(c - 1 for _, _, c in wire.frames if c > 1) > 0
    assert counters["bad_crc"] + counters["malformed"] >= wire.injector.counts["corrupted"]
    assert counters["noise_bytes"] > 0 and counters["resets"] == 0
    assert counters["triggers"] == len(intact) and counters["unattributed"] == 0


def test_pings_are_sent_every_interval_and_host_frames_are_numbered_in_order() -> None:
    run = cable(ping_interval_ns=50 * MS)
    run.run_until(START_NS + 1_000 * MS)
    assert isinstance(run.sent[0], Query) and isinstance(run.sent[1], Ping)
    pings = [m for m in run.sent if isinstance(m, Ping)]
    assert len(pings) == 21  # at the connect, then every 50 ms for a second
    assert [m.seq for m in run.sent] == list(range(1, len(run.sent) + 1))
    counters = run.core.error_counters()
    assert counters["pings"] == 21 and counters["pongs"] == 20  # the last is on its way
    assert counters["clock_samples"] == 20 and counters["stale_pongs"] == 0


def test_a_pong_to_no_ping_of_ours_is_stale() -> None:
    run = cable()
    run.run_until(START_NS + 10 * MS)
    run.at(START_NS + 11 * MS, [Pong(0, 0, 999_999)])
    run.run_until(START_NS + 20 * MS)
    counters = run.core.error_counters()
    assert (counters["stale_pongs"], counters["pongs"]) == (1, 1)


# -- stamps ---------------------------------------------------------------------------------


def test_events_carry_receipt_time_and_the_mapped_device_time() -> None:
    run = cable()
    run.run_until(START_NS + 200 * MS)
    pull_ns = START_NS + 300 * MS
    run.pull_at(pull_ns)
    (trigger,) = triggers(run.run_until(START_NS + 400 * MS))
    assert trigger.synced
    assert trigger.rx_ns == pull_ns + run.wire.up_ns  # read the moment it arrived
    assert abs(trigger.t_ns - pull_ns) <= 1_000  # µs device clock, exact latency: to 1 µs


def test_mapped_trigger_times_within_1ms_under_5ms_jitter_and_100ppm_drift() -> None:
    wire = Wire(faults=Faults(jitter_ms=5.0), seed=5, drift_ppm=100.0, boot_ns=-3_000 * MS)
    run = cable(wire)
    first = START_NS + 1_500 * MS
    pulls = [first + i * 100 * MS for i in range(60)]
    run.pull_at(*pulls)
    mapped = triggers(run.run_until(first + 6_100 * MS))
    errors_ms = np.array([abs(t.t_ns - pull) / 1e6 for t, pull in zip(mapped, pulls,
                                                                       strict=True)])
    assert len(errors_ms) == 60
    assert np.median(errors_ms) < 0.5 and errors_ms.max() < 1.0, errors_ms


def test_a_pull_before_any_pong_is_stamped_with_its_receipt_time() -> None:
    run = cable(Wire(down_ns=500 * MS), hold_max_ns=0)  # the ping is slow; no holding
    run.at(START_NS + 2 * MS, [run.wire.hello(0)])  # as at power-up, before any WHO
    run.pull_at(START_NS + 20 * MS)
    events = run.run_until(START_NS + 100 * MS)
    (trigger,) = triggers(events)
    assert not trigger.synced and trigger.t_ns == trigger.rx_ns == START_NS + 21 * MS


# -- holding and naming ---------------------------------------------------------------------


def test_a_pull_before_the_hello_is_held_and_named_after_it() -> None:
    # WHO arrives late; the replica reports a pull first
    run = cable(Wire(Taser7(), replica_id="T7-1", lane=2, down_ns=30 * MS))
    run.pull_at(START_NS + 5 * MS)
    run.run_until(START_NS + 30 * MS)
    assert statuses(run.events) == ["connected"] and triggers(run.events) == []
    events = run.run_until(START_NS + 100 * MS)
    (trigger,) = triggers(events)
    assert (trigger.replica_id, trigger.weapon, trigger.laser, trigger.lane) == (
        "T7-1", "taser7-cq", "green", 2)
    # mapped with the clock sync: off by half the asymmetry of the 30 ms / 1 ms round trip
    assert trigger.synced and trigger.t_ns - (START_NS + 5 * MS) == -14_500_000
    kinds = [type(e.message).__name__ for e in events]
    assert kinds.index("Trigger") < kinds.index("Hello")  # published in arrival order


def test_without_a_hello_held_pulls_go_out_after_the_hold_unattributed() -> None:
    wire = Wire()
    wire.answer = lambda sent, host_ns: []  # type: ignore[method-assign]  # a mute firmware
    run = cable(wire)
    run.pull_at(START_NS + 10 * MS)
    assert run.run_until(START_NS + HOLD_MAX_NS) == []
    event, magazine = run.run_until(START_NS + HOLD_MAX_NS + 2 * MS)
    assert isinstance(event.message, Trigger) and event.trigger is None
    assert magazine.replica_id == "/dev/ttyUSB0"
    assert event.replica_id == "/dev/ttyUSB0"  # nobody said who it is
    assert run.core.error_counters()["unattributed"] == 1


def test_taser7_bays_name_each_shot_by_the_cartridge_loaded_before_it() -> None:
    run = cable(Wire(Taser7()))
    run.run_until(START_NS + 100 * MS)
    run.at(START_NS + 110 * MS, [Cartridge(0, 0, 1, "so", "loaded")])
    run.pull_at(START_NS + 120 * MS, START_NS + 130 * MS)
    weapons = [t.weapon for t in triggers(run.run_until(START_NS + 200 * MS))]
    assert weapons == ["taser7-so", "taser7-so"]  # bay 1 now holds a Standoff


def test_x2_bays_fire_in_turn_and_name_each_shot_by_its_cartridge() -> None:
    """Two bays, semi-automatic (domain-facts B.1): the emulated X2 fires bay 1, then
    bay 2, then only arcs until reloaded; a TASER 7 cartridge kind in an X2 bay does not
    rename its shot."""
    run = cable(Wire(X2()))
    run.run_until(START_NS + 100 * MS)
    run.at(START_NS + 110 * MS, [Cartridge(0, 0, 2, "15ft", "loaded"),
                                 Cartridge(0, 0, 1, "cq", "loaded")])
    run.pull_at(*(START_NS + (120 + 20 * k) * MS for k in range(3)))
    pulls = triggers(run.run_until(START_NS + 300 * MS))
    assert [(t.weapon, t.fired, t.model) for t in pulls] == [
        ("x2-25ft", True, "x2"), ("x2-15ft", True, "x2"), ("x2-25ft", False, "x2")]


def test_every_weapon_name_the_link_can_produce_is_a_shot_weapon_name() -> None:
    """Every model a HELLO may name, every bay a TRIG may carry, every cartridge a CART
    may load: the names that come out are all in `hardware.events.WeaponName`."""
    assert set(FAMILY) == set(MODEL_NAMES)
    produced: set[str] = set()
    for model in MODEL_NAMES:
        for kind in ("std", "cq", "so", "15ft", "25ft", "probe"):
            core = LinkCore("loop://", hold_max_ns=0)
            core.connect(0)
            frames: list[DeviceMessage] = [
                Hello(1, 0, 1, model, "1", "R", 1), Cartridge(2, 0, 1, kind, "loaded"),
                Cartridge(3, 0, 2, kind, "loaded"),
                *[Trigger(4 + bay, 0, 1 + bay, bay=bay) for bay in (0, 1, 2)]]
            events = core.feed(b"".join(encode(m) for m in frames), 1).events
            produced |= {t.weapon for t in triggers(events)}
    assert produced <= set(get_args(WeaponName))
    assert produced == {"pistol", "x26", "x26p", "x2-15ft", "x2-25ft", "taser7-cq",
                        "taser7-so", "taser10"}


# -- incompatible replicas ------------------------------------------------------------------


def test_pulls_after_an_incompatible_hello_are_not_published() -> None:
    wire = Wire(proto=2)
    run = cable(wire)
    run.pull_at(START_NS + 50 * MS, START_NS + 60 * MS)
    run.run_until(START_NS + 700 * MS)
    events = run.events
    assert statuses(events) == ["connected", "incompatible"]
    status = next(e.status for e in events if e.status and e.status.state == "incompatible")
    assert status == LinkStatus("incompatible",
                                "/dev/ttyUSB0: the replica speaks protocol 2, this host 1")
    assert triggers(events) == []
    assert not any(isinstance(e.message, Trigger) for e in events)
    counters = run.core.error_counters()
    assert counters["proto_mismatch"] == 1 and counters["ignored"] >= 2


# -- reconnects and resets ------------------------------------------------------------------


def test_a_different_replica_on_reconnect_is_never_named_after_the_old_one() -> None:
    """The bug: after a reconnect the link waited only for a PONG, so a pull from another
    replica, sent before its HELLO, went out under the old replica's id, weapon, laser
    and lane; and its number, close behind the old replica's, was dropped as a copy."""
    old = Wire(replica_id="P-OLD", boot=7, lane=1)
    run = cable(old)
    run.pull_at(*[START_NS + 100 * MS + i * MS for i in range(3)])
    run.run_until(START_NS + 500 * MS)
    old_seq = old.seq
    assert old_seq == 17  # HELLO, 10 pongs, 3 pulls with their magazine reports
    run.disconnect()
    new = Wire(Taser7(), replica_id="T7-NEW", boot=99, lane=2, first_seq=old_seq - 10,
               boot_ns=START_NS + 400 * MS, down_ns=40 * MS)  # WHO arrives after its pull
    run.wire = new
    run.connect()
    run.pull_at(START_NS + 505 * MS)
    events = run.run_until(START_NS + 700 * MS)
    (trigger,) = triggers(events)
    assert (trigger.replica_id, trigger.weapon, trigger.laser, trigger.lane) == (
        "T7-NEW", "taser7-cq", "green", 2)
    assert trigger.n == 1 and trigger.synced
    # its own clock (booted 400 ms ago), mapped afresh: off only by half the asymmetry
    # of the 40 ms / 1 ms round trip; the old replica's clock would put it seconds off
    assert trigger.t_ns - (START_NS + 505 * MS) == -19_500_000
    assert all(e.replica_id == "T7-NEW" for e in events if not e.status)
    resets = [e.message for e in events if isinstance(e.message, StreamReset)]
    assert [r.reason for r in resets] == ["replica T7-NEW replaced P-OLD on the port"]
    counters = run.core.error_counters()
    assert (counters["duplicates"], counters["resets"]) == (0, 1)


def test_the_same_replica_on_reconnect_goes_on_and_counts_what_it_missed() -> None:
    run = cable()
    run.run_until(START_NS + 500 * MS)
    run.disconnect()
    run.at(START_NS + 550 * MS, [Heartbeat(0, 0)] * 4)  # sent while the cable was out
    run.run_until(START_NS + 600 * MS)
    run.events.clear()
    run.connect()
    run.pull_at(START_NS + 601 * MS)
    events = run.run_until(START_NS + 700 * MS)
    (trigger,) = triggers(events)
    assert trigger.replica_id == "P1" and trigger.synced
    counters = run.core.error_counters()
    assert counters["resets"] == 0
    assert counters["lost"] >= 4  # the four heartbeats, and pongs of pings gone astray
    assert counters["connects"] == 2 and counters["disconnects"] == 1


def test_a_device_reset_seen_by_sequence_asks_who_and_counts_once() -> None:
    run = cable()
    run.run_until(START_NS + 5_000 * MS)  # 100 pongs: seq is well past the copy window
    rebooted = Wire(boot=8, boot_ns=START_NS + 5_000 * MS, down_ns=20 * MS)
    run.wire = rebooted
    sent_before = len(run.sent)
    run.pull_at(START_NS + 5_001 * MS)  # seq 0 again: no HELLO yet
    events = run.run_until(START_NS + 5_200 * MS)
    assert any(isinstance(m, Query) for m in run.sent[sent_before:])  # WHO is there now?
    (trigger,) = triggers(events)
    assert trigger.synced and abs(trigger.t_ns - (START_NS + 5_001 * MS)) <= 1_000
    counters = run.core.error_counters()
    assert counters["resets"] == 1  # the sequence saw it; the HELLO's new boot id is no second


def test_close_releases_what_is_held_then_reports_the_link_down() -> None:
    run = cable(Wire(down_ns=400 * MS))
    run.pull_at(START_NS + 10 * MS)
    run.run_until(START_NS + 20 * MS)
    events = run.core.close(START_NS + 20 * MS).events
    assert [type(e.message).__name__ for e in events] == ["Trigger", "Magazine", "LinkStatus"]
    assert events[-1].status == LinkStatus("disconnected", "/dev/ttyUSB0: closed")
    assert run.core.close(START_NS + 30 * MS).events == []  # once


def test_commands_are_numbered_after_the_link_frames() -> None:
    core = LinkCore("loop://")
    sent = core.connect(0).send
    assert [type(m) for m in sent] == [Query, Ping] and [m.seq for m in sent] == [1, 2]
    assert core.command(Lockout(0, True)) == Lockout(3, True)


@pytest.mark.parametrize("where", ["connect", "tick"])
def test_no_ping_while_disconnected(where: str) -> None:
    core = LinkCore("loop://")
    if where == "connect":
        core.connect(0)
        core.disconnect(1, "gone")
    assert core.tick(10 * MS).send == []


def test_a_pong_before_the_hello_waits_and_then_times_the_new_replicas_clock() -> None:
    core = LinkCore("/dev/ttyUSB0")
    core.connect(0)
    core.feed(encode(Hello(0, 0, 1, "pistol", "1", "OLD", 1)), 1 * MS)
    core.disconnect(2 * MS, "unplugged")
    ping = core.connect(10 * MS).send[1]
    assert isinstance(ping, Ping)
    # the new replica (booted at host 0 + 1 s) answers the ping before it answers WHO
    pong = Pong(7, 1_009_000, ping.token)  # reached it at host 11 ms: its 1.009 s
    held = core.feed(encode(pong) + encode(Trigger(8, 1_009_500, 1)), 12 * MS)
    assert held.events == [] and not core.clock_map.ready
    events = core.feed(encode(Hello(9, 1_009_600, 1, "x26", "2", "NEW", 2)), 13 * MS).events
    (trigger,) = triggers(events)
    assert (trigger.replica_id, trigger.weapon, trigger.synced) == ("NEW", "x26", True)
    assert trigger.t_ns == 11 * MS + 500_000  # the pong's round trip: 10 ms to 12 ms
