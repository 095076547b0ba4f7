"""What an emulated replica sends, on its way out: each frame faulted (seeded), delayed by
the wire's latency with the order kept, then queued as bytes until the cable takes them;
and the fate of every frame, the truth the tests compare the host's counters with."""

from __future__ import annotations

import os
from collections import deque
from dataclasses import dataclass

from hardware.replica.faults import FaultInjector
from hardware.replica.protocol import DeviceMessage, encode

MAX_PENDING_BYTES = 1 << 20  # a host that stopped reading: drop rather than grow forever


@dataclass(slots=True)
class FrameRecord:
    seq: int
    type: str
    fate: str  # "sent", "dropped", "corrupted", "unplugged", "overflow"
    copies: int = 1  # 2 when the duplicate fault sent it twice


@dataclass(frozen=True, slots=True)
class _Outgoing:
    due_ns: int  # when its bytes reach the cable (latency and jitter applied)
    chunks: list[bytes]
    frame: int  # index into `frames`


class Outbox:
    def __init__(self, injector: FaultInjector) -> None:
        self.injector = injector
        self.frames: list[FrameRecord] = []
        self._out: deque[_Outgoing] = deque()
        self._pending = bytearray()
        self._last_due = 0

    @property
    def waiting(self) -> bool:
        """Bytes are waiting for the cable to take them."""
        return bool(self._pending)

    def next_due_ns(self) -> int | None:
        return self._out[0].due_ns if self._out else None

    def restart(self, now_ns: int) -> None:
        """A power-up: nothing is on its way."""
        self._last_due = now_ns

    def put(self, message: DeviceMessage, now_ns: int, plugged: bool) -> int:
        """Frame, fault and queue a numbered message sent at `now_ns`; its frame index."""
        frame = encode(message)
        chunks, fate = self.injector.apply(frame)
        if not plugged:
            fate, chunks = "unplugged", []
        index = len(self.frames)
        copies = sum(1 for chunk in chunks if chunk == frame)
        self.frames.append(FrameRecord(message.seq, type(message).__name__, fate, copies))
        due = max(now_ns + self.injector.latency_ns(), self._last_due)  # a wire keeps order
        self._last_due = due
        if chunks:
            self._out.append(_Outgoing(due, chunks, index))
        return index

    def move_due(self, now_ns: int) -> None:
        """Frames whose latency has passed join the bytes waiting for the cable."""
        while self._out and self._out[0].due_ns <= now_ns:
            out = self._out.popleft()
            if len(self._pending) > MAX_PENDING_BYTES:
                self.frames[out.frame].fate = "overflow"
                continue
            for chunk in out.chunks:
                self._pending += chunk

    def take(self) -> bytes:
        """Every byte waiting, for a host in the same process (no cable to write to)."""
        data = bytes(self._pending)
        self._pending.clear()
        return data

    def flush(self, fd: int) -> None:
        try:
            written = os.write(fd, self._pending)
        except BlockingIOError:
            return  # the cable is full: the host is slow; try again when writable
        except OSError:
            self._pending.clear()  # the host side is gone (a closed sim: link)
            return
        del self._pending[:written]

    def unplugged(self) -> None:
        """The cable was pulled: what was on its way never arrives."""
        for out in self._out:
            self.frames[out.frame].fate = "unplugged"
        self._out.clear()
        self._pending.clear()
