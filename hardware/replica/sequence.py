"""Sequence tracking of one replica's frames, without I/O: lost and duplicated frames,
device resets, and who is on the cable after a reconnect (docs/serial-protocol.md).

Numbers are compared in serial-number arithmetic (RFC 1982) on 16 bits: a number 1..32767
ahead of the last one is new (the ones skipped are lost), the same number or one up to 64
behind is a late copy (dropped), and one further behind is a device reset.

After every (re)connect the cable may lead to another replica, or to the same one
rebooted: until its HELLO, the new frames are compared only among themselves. The HELLO
then says whether the old run goes on (same replica id and boot id: the frames sent while
the cable was out are counted as lost) or a new one starts (a reset, counted once).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

from hardware.replica.protocol import SEQ_MODULUS, DeviceMessage, Hello, Unknown

DUPLICATE_WINDOW = 64  # a number this far behind is a late copy, not a reset
_HALF = SEQ_MODULUS // 2

Tracked = DeviceMessage | Unknown
# "sequence": a jump backwards (who it is now, only its next HELLO says); "boot": a new
# boot id in a HELLO; "replica": a HELLO from another replica after a reconnect
ResetCause = Literal["sequence", "boot", "replica"]


@dataclass(frozen=True, slots=True)
class StreamReset:
    """Not a wire frame: the device on the cable restarted (new boot id, a sequence jump
    backwards) or is another replica, so its clock and counters started again. Comes
    before the message that revealed it."""

    seq: int
    reason: str
    cause: ResetCause


@dataclass(slots=True)
class SequenceStats:
    lost: int = 0  # frame numbers that never arrived as a usable frame
    duplicates: int = 0  # frames seen twice, dropped
    resets: int = 0  # device restarts or another replica, each counted once

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class _Device:
    replica_id: str
    boot: int


@dataclass(frozen=True, slots=True)
class _Before:
    """The run before a reconnect, kept until a HELLO says whether it goes on."""

    last: int | None
    device: _Device | None


def seq_distance(last: int, seq: int) -> int:
    """How far `seq` is ahead of `last`: 1..32767 ahead, 0 the same, -1..-32768 behind."""
    delta = (seq - last) % SEQ_MODULUS
    return delta if delta < _HALF else delta - SEQ_MODULUS


class SequenceTracker:
    def __init__(self) -> None:
        self.stats = SequenceStats()
        self._last: int | None = None
        self._device: _Device | None = None  # from the latest HELLO of this run
        self._before: _Before | None = None  # set by a reconnect, cleared by the next HELLO
        self._first: int | None = None  # the first number since the reconnect

    def reconnected(self) -> None:
        """The port was reopened: whoever is on the cable now is unknown until its HELLO."""
        if self._before is None:  # a second reconnect before any HELLO keeps the older run
            self._before = _Before(self._last, self._device)
        self._last = self._first = None
        self._device = None

    def accept(self, message: Tracked) -> list[Tracked | StreamReset]:
        """The message, preceded by a StreamReset if it revealed one; [] for a duplicate."""
        out: list[Tracked | StreamReset] = []
        if isinstance(message, Hello):
            reset = self._hello(message)
            if reset is not None:
                out.append(reset)
        last = self._last
        if last is None:
            self._last = message.seq
            self._first = message.seq if self._first is None else self._first
            out.append(message)
            return out
        ahead = seq_distance(last, message.seq)
        if -DUPLICATE_WINDOW <= ahead <= 0:
            self.stats.duplicates += 1
            return out
        if ahead < 0:
            out.append(self._went_back(last, message.seq))
        else:
            self.stats.lost += ahead - 1
        self._last = message.seq
        out.append(message)
        return out

    def _went_back(self, last: int, seq: int) -> StreamReset:
        # The device restarted: who it is now, only its next HELLO says; that HELLO then
        # starts nothing new, so the reset counts once.
        self._device, self._before = None, None
        self.stats.resets += 1
        return StreamReset(seq, f"sequence went back from {last} to {seq}", "sequence")

    def _hello(self, hello: Hello) -> StreamReset | None:
        new = _Device(hello.replica_id, hello.boot)
        before, old = self._before, self._device
        self._device, self._before = new, None
        if before is not None:
            first = hello.seq if self._first is None else self._first
            return self._after_reconnect(before, new, first, hello.seq)
        if old is None or old == new:
            return None
        self._last = None  # numbering restarts with this HELLO
        return self._reset(hello.seq, old, new)

    def _after_reconnect(
        self, before: _Before, new: _Device, first: int, seq: int
    ) -> StreamReset | None:
        old = before.device
        if old is None:
            return None  # nothing known before: the first connect
        if old != new:
            return self._reset(seq, old, new)
        if before.last is not None:
            # The same replica, powered all along: it kept numbering while the cable was
            # out. Counted modulo 65536 (an outage of more frames than that undercounts).
            gap = (first - before.last) % SEQ_MODULUS
            self.stats.lost += max(gap - 1, 0)
        return None

    def _reset(self, seq: int, old: _Device, new: _Device) -> StreamReset:
        self.stats.resets += 1
        if old.replica_id != new.replica_id:
            return StreamReset(
                seq, f"replica {new.replica_id} replaced {old.replica_id} on the port", "replica")
        return StreamReset(seq, f"boot id changed from {old.boot} to {new.boot}", "boot")
