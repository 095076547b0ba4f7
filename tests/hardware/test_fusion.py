"""Fusion of trigger reports and laser spots into shots."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import pytest

from hardware.events import Colour, LinkStatus, Shot, SpotEvent, TriggerEvent, WeaponName
from hardware.fusion import Fusion, FusionConfig
from hardware.replica.core import LinkEvent
from hardware.replica.emulator import ReplicaEmulator
from hardware.replica.endpoints import PtyEndpoint
from hardware.replica.link import ReplicaLink
from hardware.replica.models import Pistol
from hardware.replica.protocol import Trigger

pytestmark = pytest.mark.usefixtures("no_leaked_threads")

MS = 1_000_000


def trig(t_ms: float, rid: str = "A", laser: Colour = "red", lane: int = 0,
         pulse_us: int = 1000, weapon: WeaponName = "pistol",
         fired: bool = True) -> TriggerEvent:
    t_ns = int(t_ms * MS)
    return TriggerEvent(t_ns, rid, weapon, weapon.split("-")[0], 1, 0, fired, laser, lane,
                        pulse_us, t_ns + 3 * MS, True)


def spot(t_ms: float, x: float = 100.0, y: float = 50.0, colour: str = "red") -> SpotEvent:
    return SpotEvent(int(t_ms * MS), x, y, colour)  # type: ignore[arg-type]


def test_default_window_comes_from_pulse_and_camera() -> None:
    config = FusionConfig()
    before, after = config.window_ns(1000)  # a 1 ms electronic pulse at 30 fps
    assert before == 5 * MS and after == pytest.approx((1 + 1000 / 30 + 20) * MS, abs=1)
    assert config.window_ns(100_000)[1] == pytest.approx((100 + 1000 / 30 + 20) * MS, abs=1)
    fast = FusionConfig(frame_period_ms=1000 / 120)
    assert fast.window_ns(1000)[1] < after


def test_a_trigger_and_its_spot_make_one_shot_at_the_trigger_time() -> None:
    fusion = Fusion(to_projector=lambda x, y: (2 * x, 2 * y + 1))
    fusion.add_trigger(trig(1000))
    fusion.add_spot(spot(1012, 10, 20))
    assert fusion.poll(1050 * MS) == []  # the window is still open
    shots = fusion.poll(1200 * MS)
    assert shots == [Shot(1000 * MS, "pistol", (20.0, 41.0), "A", "fused", True)]
    assert fusion.poll(2000 * MS) == []  # each decided once


def test_a_trigger_without_a_spot_is_a_miss_off_the_screen() -> None:
    fusion = Fusion()
    fusion.add_trigger(trig(1000, weapon="taser7-so", laser="green"))
    fusion.add_spot(spot(1080, colour="green"))  # too late for a 1 ms pulse
    fusion.replicas_declared = True
    shots = fusion.flush()
    assert shots[0] == Shot(1000 * MS, "taser7-so", None, "A", "trigger", True)
    assert shots[1] == Shot(1080 * MS, "taser7-so", (100.0, 50.0), None, "spot", False)
    assert fusion.counts["missed"] == 1 and fusion.counts["unconfirmed"] == 1


def test_a_long_mechanical_pulse_widens_the_window() -> None:
    fusion = Fusion()
    fusion.add_trigger(trig(1000, pulse_us=100_000))
    fusion.add_spot(spot(1080))
    assert [s.source for s in fusion.flush()] == ["fused"]


def test_spots_without_replicas_are_confirmed_laser_only_shots() -> None:
    fusion = Fusion(FusionConfig(spot_weapon="pistol"))
    fusion.add_spot(spot(500))
    assert fusion.poll(520 * MS) == []  # a trigger could still arrive for it
    assert fusion.poll(700 * MS) == [Shot(500 * MS, "pistol", (100.0, 50.0), None, "spot", True)]


def test_a_dry_pull_is_a_shot_that_fired_nothing_in_time_order() -> None:
    fusion = Fusion(FusionConfig(lanes={2: (0.0, 400.0)}))
    fusion.add_trigger(trig(1000, lane=2))
    fusion.add_trigger(replace(trig(1040, lane=2, fired=False), dry="jam"))
    fusion.add_trigger(trig(1500, lane=2))
    fusion.add_spot(spot(1010))  # the first pull's dot
    fusion.add_spot(spot(1050))  # in the dry pull's window: it flashed no laser
    fusion.add_spot(spot(1512))
    fusion.replicas_declared = True
    assert fusion.poll(1050 * MS) == []  # the first pull's window is still open
    shots = fusion.poll(1100 * MS) + fusion.poll(1300 * MS)  # each decided in its time
    assert shots[:2] == [Shot(1000 * MS, "pistol", (100.0, 50.0), "A", "fused", True, 2),
                         Shot(1040 * MS, "pistol", None, "A", "trigger", True, 2,
                              fired=False, dry="jam")]
    rest = fusion.flush()
    assert [(s.t_ns, s.source, s.fired) for s in shots[2:] + rest] == [
        (1050 * MS, "spot", True), (1500 * MS, "fused", True)]
    assert not shots[2].confirmed  # the stray dot no trigger claims: kept, not scored
    assert fusion.counts["unfired"] == 1 and fusion.counts["fused"] == 2


def test_a_dry_pull_whose_cause_the_replica_did_not_say_is_no_discharge() -> None:
    fusion = Fusion()
    fusion.add_trigger(trig(1000, weapon="taser7-cq", laser="green", fired=False))
    assert fusion.flush() == [Shot(1000 * MS, "taser7-cq", None, "A", "trigger", True,
                                   fired=False, dry="no_discharge")]


def test_colour_attributes_replicas_firing_30ms_apart() -> None:
    fusion = Fusion()
    fusion.add_trigger(trig(1000, "RED", laser="red"))
    fusion.add_trigger(trig(1030, "GREEN", laser="green", weapon="taser7-cq"))
    fusion.add_spot(spot(1033, 300, colour="green"))  # seen first, though fired second
    fusion.add_spot(spot(1040, 100, colour="red"))
    shots = fusion.flush()
    assert [(s.replica_id, s.point, s.t_ns) for s in shots] == [
        ("RED", (100.0, 50.0), 1000 * MS), ("GREEN", (300.0, 50.0), 1030 * MS)]


def test_lanes_attribute_same_colour_replicas_against_the_timing() -> None:
    lanes = {1: (0.0, 640.0), 2: (640.0, 1280.0)}
    fusion = Fusion(FusionConfig(lanes=lanes))
    fusion.add_trigger(trig(1000, "L1", lane=1))
    fusion.add_trigger(trig(1030, "L2", lane=2))
    fusion.add_spot(spot(1045, 200))  # lane 1's spot, one frame late
    fusion.add_spot(spot(1032, 900))  # lane 2's spot, early in its frame
    shots = fusion.flush()
    assert [(s.replica_id, s.point[0] if s.point else None) for s in shots] == [
        ("L1", 200.0), ("L2", 900.0)]
    # the same reports without lanes would be paired by timing alone, and wrongly:
    blind = Fusion()
    for report in (trig(1000, "L1"), trig(1030, "L2")):
        blind.add_trigger(report)
    for item in (spot(1045, 200), spot(1032, 900)):
        blind.add_spot(item)
    assert [s.point[0] if s.point else None for s in blind.flush()] == [900.0, 200.0]


def test_several_replicas_within_50ms_stay_apart() -> None:
    fusion = Fusion()
    for i, rid in enumerate("ABCD"):
        fusion.add_trigger(trig(1000 + 12 * i, rid))
        fusion.add_spot(spot(1000 + 12 * i + 15, 100 * i))
    shots = fusion.flush()
    assert [(s.replica_id, s.point) for s in shots] == [
        (rid, (100.0 * i, 50.0)) for i, rid in enumerate("ABCD")]
    assert all(s.source == "fused" for s in shots)


def test_two_pty_replicas_firing_30ms_apart_are_attributed(tmp_path: Path) -> None:
    """End to end: two emulated replicas on ptys, two links, spots from the camera side
    synthesised from the emulators' truth (lane 1 left half, lane 2 right half)."""
    lanes = {1: (0.0, 640.0), 2: (640.0, 1280.0)}
    fusion = Fusion(FusionConfig(lanes=lanes))
    a = ReplicaEmulator(Pistol(), PtyEndpoint(tmp_path / "a"), "LANE1", lane=1, seed=1)
    b = ReplicaEmulator(Pistol(), PtyEndpoint(tmp_path / "b"), "LANE2", lane=2, seed=2)
    assert not fusion.replicas_connected
    with a, b, ReplicaLink(a.device_path, on_event=fusion.follow("a")) as la, \
            ReplicaLink(b.device_path, on_event=fusion.follow("b")) as lb:
        assert fusion.replicas_connected
        deadline = time.monotonic() + 10
        while not (la.core.clock_map.ready and lb.core.clock_map.ready) \
                and time.monotonic() < deadline:
            time.sleep(0.01)
        start = a.clock.now_ns() + 200 * MS
        for k in range(5):  # five volleys, B 30 ms after A each time
            a.pull(start + k * 300 * MS)
            b.pull(start + k * 300 * MS + 30 * MS)
        while len(a.truth) + len(b.truth) < 10 and time.monotonic() < deadline:
            time.sleep(0.01)
        while la.error_counters()["triggers"] + lb.error_counters()["triggers"] < 10 \
                and time.monotonic() < deadline:
            time.sleep(0.01)
    assert not fusion.replicas_connected  # both links closed
    for k in range(5):  # A's spot lands a frame late, B's early: timing alone would swap them
        fusion.add_spot(spot(a.truth[k].host_ns / MS + 45, 200 + k))
        fusion.add_spot(spot(b.truth[k].host_ns / MS + 2, 900 + k))
    shots = fusion.flush()
    assert [(s.replica_id, s.point[0] if s.point else None) for s in shots] == [
        pair for k in range(5) for pair in (("LANE1", 200.0 + k), ("LANE2", 900.0 + k))]
    for shot, truth in zip(shots, sorted(a.truth + b.truth, key=lambda t: t.host_ns),
                           strict=True):
        assert abs(shot.t_ns - truth.host_ns) < 5 * MS  # the trigger's mapped device time


def test_following_links_decides_whether_lone_spots_count() -> None:
    fusion = Fusion()
    on_event = fusion.follow("lane-1")
    up = LinkEvent(0, 0, "P1", LinkStatus("connected", "/dev/ttyUSB0"))
    down = LinkEvent(0, 0, "P1", LinkStatus("disconnected", "/dev/ttyUSB0: closed"))
    report = trig(1000)
    on_event(up)
    on_event(LinkEvent(report.rx_ns, report.t_ns, "P1", Trigger(1, 0, 1), report))
    fusion.add_spot(spot(2000))
    shots = fusion.flush()
    assert [(s.source, s.confirmed) for s in shots] == [("trigger", True), ("spot", False)]
    on_event(down)
    fusion.add_spot(spot(3000))
    assert [(s.source, s.confirmed) for s in fusion.flush()] == [("spot", True)]
