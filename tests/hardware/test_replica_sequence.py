"""Sequence tracking without I/O: lost and duplicated frames, the 16-bit wrap, device
resets, and who is on the cable after a reconnect."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from hardware.replica.protocol import Heartbeat, Hello, Trigger
from hardware.replica.sequence import (
    DUPLICATE_WINDOW,
    SequenceTracker,
    StreamReset,
    Tracked,
    seq_distance,
)


def hello(seq: int = 0, boot: int = 7, rid: str = "P1") -> Hello:
    return Hello(seq, 0, 1, "pistol", "1.0.0", rid, boot)


def beats(*seqs: int) -> list[Tracked]:
    return [Heartbeat(s, 1000 * s) for s in seqs]


def run(tracker: SequenceTracker, messages: Sequence[Tracked]) -> list[Tracked | StreamReset]:
    return [out for m in messages for out in tracker.accept(m)]


def connected(*messages: Tracked) -> SequenceTracker:
    tracker = SequenceTracker()
    tracker.reconnected()  # the link calls this at every connect, the first included
    run(tracker, messages)
    return tracker


@pytest.mark.parametrize(("last", "seq", "ahead"), [
    (5, 6, 1), (65535, 0, 1), (65530, 3, 9), (3, 65530, -9), (0, 32767, 32767),
    (0, 32768, -32768), (100, 100, 0), (40000, 7232, 32768 - 65536),
])
def test_serial_number_distance_across_the_wrap(last: int, seq: int, ahead: int) -> None:
    assert seq_distance(last, seq) == ahead


def test_gaps_count_lost_frames_and_late_copies_are_dropped() -> None:
    tracker = connected()
    sent = beats(1, 2, 3, 3, 7, 8, 2)  # 4..6 lost; 3 twice; 2 arrives late
    assert run(tracker, sent) == beats(1, 2, 3, 7, 8)
    assert (tracker.stats.lost, tracker.stats.duplicates, tracker.stats.resets) == (3, 2, 0)


def test_numbers_wrap_at_65536_without_loss_or_reset() -> None:
    tracker = connected()
    assert run(tracker, beats(65534, 65535, 0, 2)) == beats(65534, 65535, 0, 2)
    assert (tracker.stats.lost, tracker.stats.resets) == (1, 0)


def test_up_to_64_behind_is_a_copy_and_further_is_a_reset() -> None:
    tracker = connected(*beats(200))
    assert run(tracker, beats(200 - DUPLICATE_WINDOW)) == []
    out = run(tracker, beats(200 - DUPLICATE_WINDOW - 1))
    assert isinstance(out[0], StreamReset) and out[1:] == beats(135)
    assert out[0] == StreamReset(135, "sequence went back from 200 to 135", "sequence")
    assert (tracker.stats.duplicates, tracker.stats.resets) == (1, 1)


def test_a_reset_seen_by_sequence_then_by_the_new_hello_counts_once() -> None:
    tracker = connected(hello(0, boot=7), *beats(*range(1, 200)))
    out = run(tracker, [Trigger(0, 10, 1), hello(1, boot=8), *beats(2)])
    assert isinstance(out[0], StreamReset)
    assert out[1:] == [Trigger(0, 10, 1), hello(1, boot=8), *beats(2)]
    assert tracker.stats.resets == 1


def test_a_new_boot_id_without_a_reconnect_is_a_reset() -> None:
    tracker = connected(hello(0, boot=7), *beats(1, 2, 3))
    out = run(tracker, [hello(0, boot=8), Trigger(1, 10, 1)])
    assert out[0] == StreamReset(0, "boot id changed from 7 to 8", "boot")
    assert out[1:] == [hello(0, boot=8), Trigger(1, 10, 1)]  # seq 0 is not a late copy
    assert (tracker.stats.resets, tracker.stats.lost, tracker.stats.duplicates) == (1, 0, 0)


def test_the_same_replica_after_a_reconnect_counts_what_it_sent_meanwhile() -> None:
    tracker = connected(hello(0), *beats(1, 2, 3))
    tracker.reconnected()
    assert run(tracker, [*beats(9), hello(10)]) == [*beats(9), hello(10)]  # 4..8 lost
    assert (tracker.stats.resets, tracker.stats.lost) == (0, 5)
    assert run(tracker, beats(10, 11)) == beats(11)  # and tracking goes on


def test_the_same_replica_across_the_wrap_after_a_reconnect() -> None:
    tracker = connected(hello(65530))
    tracker.reconnected()
    run(tracker, [hello(4)])
    assert (tracker.stats.resets, tracker.stats.lost) == (0, 9)


def test_another_replica_after_a_reconnect_is_compared_only_with_itself() -> None:
    """The old replica had reached seq 500; the new one's pull at 480 looks, against the
    old numbers, like a late copy. It is not: until the HELLO the numbers are its own."""
    tracker = connected(hello(0, boot=7, rid="OLD"), *beats(*range(1, 501)))
    tracker.reconnected()
    pull = Trigger(480, 99, 1)
    out = run(tracker, [pull, hello(481, boot=3, rid="NEW"), *beats(482)])
    assert out == [pull, StreamReset(481, "replica NEW replaced OLD on the port", "replica"),
                   hello(481, boot=3, rid="NEW"), *beats(482)]
    assert (tracker.stats.duplicates, tracker.stats.lost, tracker.stats.resets) == (0, 0, 1)


def test_the_same_replica_rebooted_while_unplugged_is_one_reset() -> None:
    tracker = connected(hello(0, boot=7), *beats(*range(1, 300)))
    tracker.reconnected()
    out = run(tracker, [hello(0, boot=9), *beats(1)])
    reset = StreamReset(0, "boot id changed from 7 to 9", "boot")
    assert out == [reset, hello(0, boot=9), *beats(1)]
    assert (tracker.stats.resets, tracker.stats.lost, tracker.stats.duplicates) == (1, 0, 0)


def test_two_reconnects_before_a_hello_compare_with_the_run_before_both() -> None:
    tracker = connected(hello(0), *beats(1, 2))
    tracker.reconnected()
    tracker.reconnected()  # the cable flapped before the replica said anything
    run(tracker, [hello(6)])
    assert (tracker.stats.resets, tracker.stats.lost) == (0, 3)  # 3, 4 and 5


def test_the_first_hello_ever_is_no_reset() -> None:
    tracker = connected(Trigger(7, 1, 1), hello(8))
    assert (tracker.stats.resets, tracker.stats.lost) == (0, 0)
