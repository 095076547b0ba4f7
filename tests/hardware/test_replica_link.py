"""The replica link end to end: emulated replicas on real pty pairs, `loop://` and `sim:`."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from hardware.errors import DeviceUnavailable, DeviceUrlError
from hardware.events import LinkStatus
from hardware.replica.core import LinkEvent
from hardware.replica.emulator import ReplicaEmulator
from hardware.replica.endpoints import PtyEndpoint
from hardware.replica.faults import Faults
from hardware.replica.link import ReplicaLink
from hardware.replica.models import Pistol, Taser7
from hardware.replica.ports import SimPort, port_for_url
from hardware.replica.protocol import Ack, Heartbeat, Hello, Lockout, Message, Trigger, encode
from hardware.replica.sequence import StreamReset

pytestmark = pytest.mark.usefixtures("no_leaked_threads")


def wait_for(link: ReplicaLink, predicate, timeout_s: float = 10.0) -> list[LinkEvent]:
    """Collect events until one satisfies `predicate` (then return all seen)."""
    seen: list[LinkEvent] = []
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        event = link.get(0.1)
        if event is not None:
            seen.append(event)
            if predicate(event):
                return seen
    raise AssertionError(f"timed out after {timeout_s} s; saw {[e.message for e in seen][-5:]}")


def emulator(tmp_path: Path, model=None, faults: Faults | None = None, seed: int = 0,
             replica_id: str = "R1", **kwargs) -> ReplicaEmulator:
    return ReplicaEmulator(model or Pistol(), PtyEndpoint(tmp_path / replica_id), replica_id,
                           faults, seed=seed, **kwargs)


def test_urls_are_checked_before_anything_opens() -> None:
    with pytest.raises(DeviceUrlError, match="expected one of"):
        port_for_url("ttyUSB0")
    with pytest.raises(DeviceUrlError, match="unknown parameter 'speed'"):
        port_for_url("sim:?speed=3")
    with pytest.raises(DeviceUrlError, match="model expected one of"):
        port_for_url("sim:?model=glock")
    with pytest.raises(DeviceUrlError, match=r"drop expected a chance from 0 to 1, found '2'"):
        port_for_url("sim:?faults=drop:2")
    with pytest.raises(DeviceUrlError, match=r"seed expected a whole number from 0 to "
                       r"9223372036854775807, found '1\.5'"):
        port_for_url("sim:?seed=1.5")
    with pytest.raises(DeviceUrlError, match=r"rate expected a number from 0 to 100, found '-2'"):
        port_for_url("sim:?rate=-2")
    assert isinstance(port_for_url("sim:?model=taser7&seed=3"), SimPort)


def test_a_missing_device_fails_to_open_with_its_path(tmp_path: Path) -> None:
    path = str(tmp_path / "nothing-here")
    with pytest.raises(DeviceUnavailable, match=f"{path}: cannot open"):
        ReplicaLink(path).start()


def test_loop_url_parses_what_is_written() -> None:
    """loop:// echoes writes: the link's own pings come back and are counted as unexpected,
    frames we write come back as events."""
    with ReplicaLink("loop://") as link:
        link.write(encode(Hello(0, 5, 1, "pistol", "1.0", "L1", 9)) + encode(Trigger(1, 700, 1)))
        events = wait_for(link, lambda e: isinstance(e.message, Trigger))
    messages = [e.message for e in events if not isinstance(e.message, LinkStatus)]
    assert messages == [Hello(0, 5, 1, "pistol", "1.0", "L1", 9), Trigger(1, 700, 1)]
    trigger = events[-1].trigger
    assert trigger is not None and trigger.replica_id == "L1"
    assert trigger.weapon == "pistol" and not trigger.synced
    assert link.error_counters()["unexpected"] >= 2  # our WHO and PING came back


def test_sim_url_serves_a_taser7_with_bays_mapped() -> None:
    with ReplicaLink("sim:?model=taser7&id=T7-9&seed=2") as link:
        emu = link.port.emulator  # type: ignore[attr-defined]
        wait_for(link, lambda e: isinstance(e.message, Hello))
        emu.pull()
        emu.pull()
        first = wait_for(link, lambda e: e.trigger is not None)[-1].trigger
        second = wait_for(link, lambda e: e.trigger is not None)[-1].trigger
    assert first is not None and second is not None
    assert (first.weapon, second.weapon) == ("taser7-cq", "taser7-so")
    assert first.model == "taser7" and first.replica_id == "T7-9"
    assert first.laser == "green"


def test_commands_reach_the_replica_and_lockout_stops_discharge(tmp_path: Path) -> None:
    with emulator(tmp_path) as emu, ReplicaLink(emu.device_path) as link:
        wait_for(link, lambda e: isinstance(e.message, Hello))
        link.send(Lockout(0, True))
        ack = wait_for(link, lambda e: isinstance(e.message, Ack))[-1].message
        assert ack == Ack(ack.seq, ack.device_us, "LOCK", True)  # type: ignore[union-attr]
        emu.pull()
        report = wait_for(link, lambda e: e.trigger is not None)[-1].trigger
    assert report is not None and report.fired is False


def test_events_are_stamped_in_host_time_and_mapped_after_sync(tmp_path: Path) -> None:
    with emulator(tmp_path) as emu, ReplicaLink(emu.device_path) as link:
        wait_for(link, lambda e: link.core.clock_map.ready)
        before = emu.clock.now_ns()
        emu.pull()
        event = wait_for(link, lambda e: e.trigger is not None)[-1]
    truth = emu.truth[-1]
    assert event.trigger is not None and event.trigger.synced
    assert before <= truth.host_ns <= event.rx_ns
    assert abs(event.t_ns - truth.host_ns) < 50_000_000  # coarse: the core tests are exact


@pytest.mark.slow
def test_10000_triggers_with_corruption_and_drops_each_arrive_once(tmp_path: Path) -> None:
    """Real threads on both ends; the exact counts are pinned by the seeded core test
    (test_replica_core). Here: every intact pull once and in order, and the counters
    bracketed, since pongs and heartbeats keep coming (and being dropped) after the last
    pull until the link closes."""
    faults = Faults(corrupt=0.01, drop=0.005, noise=0.01, dup=0.005)
    with emulator(tmp_path, faults=faults, seed=11) as emu, \
            ReplicaLink(emu.device_path, ping_interval_s=0.2) as link:
        wait_for(link, lambda e: isinstance(e.message, Hello))
        start = emu.clock.now_ns() + 50_000_000
        emu.schedule_pulls([start + i * 400_000 for i in range(10_000)])  # 2,500 per second
        received: list[int] = []
        last_n = 0
        deadline = time.monotonic() + 120
        while last_n < 10_000 and time.monotonic() < deadline:
            event = link.get(0.2)
            if event is not None and event.trigger is not None:
                received.append(event.trigger.n)
                last_n = event.trigger.n
        emu.pull()  # one more frame after the last, so a drop at the very end is seen too
        wait_for(link, lambda e: e.trigger is not None and e.trigger.n == 10_001, 30.0)
    counters = link.error_counters()  # closed: nothing changes them any more
    intact = [t.n for t in emu.truth if emu.frames[t.frame].fate == "sent" and t.n <= 10_000]
    assert sorted(received) == received == intact  # exactly once, in order
    assert len(emu.truth) == 10_001
    before_last = emu.truth[-1].frame
    assert emu.lost_frames(before_last) > 0.01 * 10_000  # the faults really happened
    assert emu.lost_frames(before_last) <= counters["lost"] <= emu.lost_frames()
    copies = [max(f.copies - 1, 0) for f in emu.frames]  # 0 copies: dropped or corrupted
    assert 0 < sum(copies[:before_last]) <= counters["duplicates"] <= sum(copies)
    assert counters["bad_crc"] + counters["malformed"] >= emu.injector.counts["corrupted"]


def test_unplug_mid_stream_reconnects_within_a_second(tmp_path: Path) -> None:
    with emulator(tmp_path) as emu, ReplicaLink(emu.device_path) as link:
        wait_for(link, lambda e: isinstance(e.message, Hello))
        emu.auto_fire(20.0)
        wait_for(link, lambda e: e.trigger is not None)
        unplugged = time.monotonic()
        emu.unplug(0.3)
        wait_for(link, lambda e: isinstance(e.message, LinkStatus)
                 and e.message.state == "disconnected")
        wait_for(link, lambda e: isinstance(e.message, LinkStatus)
                 and e.message.state == "connected")
        back = time.monotonic() - unplugged
        wait_for(link, lambda e: e.trigger is not None)  # and the session goes on
        # 0.3 s out, then the backoff's next try (at most 0.25 s later); the rest is room
        # for a loaded machine
        assert back < 2.0
        assert link.error_counters()["connects"] == 2 and link.error_counters()["disconnects"] == 1
        assert link.error_counters()["resets"] == 0  # the replica kept its power


def test_a_replica_that_reboots_on_replug_resets_the_stream(tmp_path: Path) -> None:
    faults = Faults(reset_on_replug=True)
    with emulator(tmp_path, faults=faults) as emu, ReplicaLink(emu.device_path) as link:
        wait_for(link, lambda e: link.core.clock_map.ready)
        emu.unplug(0.1)
        events = wait_for(link, lambda e: isinstance(e.message, StreamReset))
        assert any(isinstance(e.message, LinkStatus) for e in events)
        wait_for(link, lambda e: link.core.clock_map.ready, timeout_s=5.0)
        emu.pull()
        report = wait_for(link, lambda e: e.trigger is not None)[-1].trigger
    assert report is not None and report.n == 1  # the pull counter restarted
    assert link.error_counters()["resets"] == 1


@pytest.mark.slow
def test_mapped_trigger_times_stay_close_under_jitter_and_drift_on_real_threads(
        tmp_path: Path) -> None:
    """The 1 ms bound is pinned without threads (test_replica_core); here both ends run
    on real threads on a possibly loaded machine, where the scheduler can stamp a pong
    late, so the bounds are loose: they still catch an unmapped or mis-mapped clock."""
    faults = Faults(jitter_ms=5.0, drift_ppm=100.0)
    with emulator(tmp_path, faults=faults, seed=5) as emu, ReplicaLink(emu.device_path) as link:
        wait_for(link, lambda e: link.core.clock_map.ready)
        start = emu.clock.now_ns()
        emu.schedule_pulls([start + 1_500_000_000 + i * 100_000_000 for i in range(60)])
        mapped: dict[int, int] = {}
        deadline = time.monotonic() + 60
        while len(mapped) < 60 and time.monotonic() < deadline:
            event = link.get(0.2)
            if event is not None and event.trigger is not None:
                mapped[event.trigger.n] = event.t_ns
    errors_ms = np.array([abs(mapped[t.n] - t.host_ns) / 1e6 for t in emu.truth])
    assert len(errors_ms) == 60
    assert np.median(errors_ms) < 2.0 and np.percentile(errors_ms, 90) < 5.0, errors_ms
    assert errors_ms.max() < 50.0, errors_ms


def test_two_links_keep_their_own_replica_state(tmp_path: Path) -> None:
    with emulator(tmp_path, Taser7(), replica_id="A") as a, \
            emulator(tmp_path, Pistol(), replica_id="B") as b, \
            ReplicaLink(a.device_path) as link_a, ReplicaLink(b.device_path) as link_b:
        a.pull()
        b.pull()
        ra = wait_for(link_a, lambda e: e.trigger is not None)[-1].trigger
        rb = wait_for(link_b, lambda e: e.trigger is not None)[-1].trigger
    assert ra is not None and rb is not None
    assert (ra.replica_id, ra.weapon) == ("A", "taser7-cq")
    assert (rb.replica_id, rb.weapon) == ("B", "pistol")


def serve_over_tcp(batches: list[list[Message]], until: Callable[[LinkEvent], bool]
                   ) -> tuple[list[LinkEvent], dict[str, int]]:
    """A serial server over TCP (`socket://`) that answers each connection's WHO with the
    next batch of frames and then ends that connection (the last one stays open): the
    events a link saw until `until`, and its counters."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(10)
    done = threading.Event()

    def serve() -> None:
        for last, batch in enumerate(batches, start=1 - len(batches)):
            conn, _ = server.accept()
            with conn:
                conn.settimeout(10)
                heard = b""
                while b"$WHO" not in heard:  # pyserial flushes input on open: answer WHO
                    heard += conn.recv(4096)
                conn.sendall(b"".join(encode(m) for m in batch))
                if last == 0:
                    done.wait(10)
                    return
                conn.shutdown(socket.SHUT_WR)  # end of this connection, data delivered
                while conn.recv(4096):
                    pass  # until the link closes its side

    thread = threading.Thread(target=serve)
    thread.start()
    try:
        with ReplicaLink(f"socket://127.0.0.1:{server.getsockname()[1]}") as link:
            events = wait_for(link, until)
    finally:
        done.set()
        thread.join(10)
        server.close()
    return events, link.error_counters()


def test_socket_url_reads_a_replica_served_over_tcp_and_reconnects() -> None:
    """The first connection ends, the link reconnects, and the frames the same replica
    sent in between are counted as lost."""
    events, counters = serve_over_tcp(
        [[Hello(0, 10, 1, "x26", "1", "S1", 5), Trigger(1, 20, 1)],
         [Hello(5, 30, 1, "x26", "1", "S1", 5), Trigger(6, 40, 2)]],
        lambda e: e.trigger is not None and e.trigger.n == 2)
    triggers = [e.trigger for e in events if e.trigger is not None]
    assert [(t.n, t.weapon, t.replica_id) for t in triggers] == [
        (1, "x26", "S1"), (2, "x26", "S1")]
    assert counters["connects"] == 2 and counters["lost"] == 3


def test_another_replica_after_a_reconnect_over_tcp_is_named_after_itself() -> None:
    """Real threads, the bug of the reconnect: on the second connection a TASER 7 reports
    a pull, numbered just behind the old pistol's frames, before its HELLO."""
    old: list[Message] = [Hello(0, 10, 1, "pistol", "1", "P-OLD", 5, lane=1),
                          Trigger(1, 20, 1), *[Heartbeat(seq, 30 + seq) for seq in range(2, 40)]]
    new: list[Message] = [Trigger(30, 900, 1, bay=2),
                          Hello(31, 901, 1, "taser7", "7", "T7-NEW", 8, laser="green", lane=2)]
    events, counters = serve_over_tcp(
        [old, new], lambda e: e.trigger is not None and e.trigger.replica_id == "T7-NEW")
    trigger = events[-1].trigger
    assert trigger is not None
    assert (trigger.weapon, trigger.laser, trigger.lane, trigger.n) == (
        "taser7-so", "green", 2, 1)
    assert counters["duplicates"] == 0 and counters["resets"] == 1


def test_sim_unplug_fault_comes_back_again_and_again() -> None:
    url = "sim:?model=pistol&rate=40&seed=9&faults=unplug_every_s:0.4,unplug_s:0.1"
    with ReplicaLink(url) as link:
        wait_for(link, lambda e: link.error_counters()["connects"] >= 3)
        count = link.error_counters()["triggers"]
        wait_for(link, lambda e: link.error_counters()["triggers"] > count)
        emu = link.port.emulator  # type: ignore[attr-defined]
    assert link.error_counters()["disconnects"] >= 2
    assert link.error_counters()["lost"] > 0  # frames sent while the cable was out
    assert link.error_counters()["resets"] == 0
    assert emu.plugs >= 3


def test_a_pull_reported_before_hello_is_held_and_named_after_it() -> None:
    """Right after a connect the replica may report a pull before it answers WHO: the
    link holds events until it knows who sent them (or HOLD_MAX_NS passes)."""
    with ReplicaLink("loop://") as link:
        link.write(encode(Trigger(3, 700, 1)))
        time.sleep(0.05)
        link.write(encode(Hello(4, 800, 1, "taser10", "10.1", "T10-7", 3, laser="green")))
        events = wait_for(link, lambda e: e.trigger is not None)
    report = events[-1].trigger
    assert report is not None
    assert (report.weapon, report.replica_id, report.laser) == ("taser10", "T10-7", "green")
    assert events[-1].replica_id == "T10-7"
    hello = wait_for(link, lambda e: isinstance(e.message, Hello))[-1]  # queued after it
    assert hello.replica_id == "T10-7"
    assert link.core.info is not None and link.core.info.model == "taser10"


def test_a_replica_of_a_newer_protocol_version_is_reported() -> None:
    with ReplicaLink("loop://") as link:
        link.write(encode(Hello(0, 1, 2, "pistol", "9.0", "NEW", 1)))
        events = wait_for(link, lambda e: isinstance(e.message, LinkStatus)
                          and e.message.state == "incompatible")
    status = events[-1].message
    assert isinstance(status, LinkStatus)
    assert status.detail == "loop://: the replica speaks protocol 2, this host 1"
    assert link.error_counters()["proto_mismatch"] == 1


class _Breaks:
    """A cable whose reads fail in a way the link does not expect (not an unplug)."""

    url = "test://breaks"

    def open(self) -> _Breaks:
        return self

    def read(self) -> bytes:
        raise RuntimeError("the adapter's driver crashed")

    def write(self, data: bytes) -> None:
        pass

    def close(self) -> None:
        pass

    def check(self) -> None:
        pass


def test_a_reader_that_dies_is_heard_by_check(no_leaked_threads: None) -> None:
    import time as _time

    from hardware.errors import LinkError

    link = ReplicaLink(_Breaks())
    with link:
        deadline = _time.monotonic() + 10.0  # generous: the reader fails on its first read
        while _time.monotonic() < deadline:
            try:
                link.check()
            except LinkError as exc:
                assert str(exc) == ("test://breaks: the link stopped reading: the adapter's "
                                    "driver crashed")
                return
            _time.sleep(0.01)
    raise AssertionError("check() never reported the reader's failure")
