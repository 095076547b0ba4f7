"""A stream parser for the replica protocol, without I/O.

`Parser.feed(bytes)` returns the messages completed by those bytes. It resynchronises on
`$`, so split, concatenated, garbled, oversized and noisy input costs only the frames it
touches; every problem is counted in `stats` and the latest few are kept, with their byte
offset in the stream, in `recent_errors`. Sequence numbers are `sequence`'s business: a
frame refused here never reaches it, so its number shows there as lost.
"""

from __future__ import annotations

from collections import deque
from dataclasses import asdict, dataclass

from hardware.replica.protocol import (
    HOST_TYPES,
    MAX_FRAME_BYTES,
    ChecksumError,
    Message,
    ProtocolError,
    Unknown,
    decode,
)

_HOST_CLASSES = ("Ping", "Query", "Recoil", "Lockout", "Malfunction")


@dataclass(slots=True)
class ParserStats:
    frames: int = 0  # good frames decoded (duplicates included)
    noise_bytes: int = 0  # bytes outside any frame, line endings excepted
    bad_crc: int = 0
    malformed: int = 0  # intact but breaking the grammar or a field's range, or cut short
    oversized: int = 0
    unknown: int = 0  # well-formed frames of an unknown type (a newer firmware)
    unexpected: int = 0  # host commands arriving from the device side

    def as_dict(self) -> dict[str, int]:
        return asdict(self)

    @property
    def errors(self) -> int:
        return self.bad_crc + self.malformed + self.oversized


@dataclass(frozen=True, slots=True)
class FrameError:
    offset: int  # byte offset in the stream where the bad frame or noise started
    kind: str  # "bad_crc", "malformed", "oversized"
    message: str


class Parser:
    """Turns a byte stream from one replica into messages; one parser per link."""

    def __init__(self, keep_errors: int = 32, direction: str = "from_device") -> None:
        """`direction` "from_device" (the host's side) or "from_host" (an emulated
        replica's side: commands expected)."""
        self._from_host = direction == "from_host"
        self.stats = ParserStats()
        self.recent_errors: deque[FrameError] = deque(maxlen=keep_errors)
        self._buf = b""
        self._base = 0  # stream offset of self._buf[0]
        self._skipping = False  # inside an oversized line: discard to the next $ or \n

    @property
    def offset(self) -> int:
        """Bytes consumed so far."""
        return self._base + len(self._buf)

    def feed(self, data: bytes) -> list[Message]:
        buf = self._buf + data if self._buf else data
        out: list[Message] = []
        pos = 0
        while pos < len(buf):
            if self._skipping:
                pos = self._skip(buf, pos)
                continue
            start = buf.find(b"$", pos)
            if start < 0:
                self._count_noise(buf, pos, len(buf))
                pos = len(buf)
                break
            self._count_noise(buf, pos, start)
            end = self._frame_end(buf, start)
            if end is None:
                pos = start
                break  # wait for the rest of the frame
            pos = self._take(buf, start, end, out)
        self._base += pos
        self._buf = buf[pos:]
        return out

    def forget_partial(self) -> None:
        """Drop a half-received frame, e.g. after the link was reopened."""
        if self._buf:
            self.stats.malformed += 1
            self._error(self._base, "malformed", "frame cut off by a reconnect")
        self._base += len(self._buf)
        self._buf = b""
        self._skipping = False

    # -- framing --------------------------------------------------------------------------

    def _frame_end(self, buf: bytes, start: int) -> tuple[str, int] | None:
        """Where the frame starting at `start` ends: ("frame", index past its line end),
        ("cut", index of a new `$` before any line end), ("long", index past the size
        limit), or None when more bytes are needed."""
        limit = min(len(buf), start + MAX_FRAME_BYTES)
        newline = buf.find(b"\n", start + 1, limit)
        restart = buf.find(b"$", start + 1, limit if newline < 0 else newline)
        if restart >= 0:
            return "cut", restart
        if newline >= 0:
            return "frame", newline + 1
        if limit - start >= MAX_FRAME_BYTES:
            return "long", limit
        return None

    def _take(
        self, buf: bytes, start: int, end: tuple[str, int], out: list[Message]
    ) -> int:
        offset = self._base + start
        kind, stop = end
        if kind == "long":
            self.stats.oversized += 1
            self._error(offset, "oversized", f"no line end within {MAX_FRAME_BYTES} bytes")
            self._skipping = True
            return stop
        if kind == "cut":
            self.stats.malformed += 1
            self._error(offset, "malformed", f"frame cut off: {buf[start:stop][:40]!r}")
            return stop
        try:
            message = decode(buf[start:stop], f"byte {offset}")
        except ChecksumError as exc:
            self.stats.bad_crc += 1
            self._error(offset, "bad_crc", str(exc))
        except ProtocolError as exc:
            self.stats.malformed += 1
            self._error(offset, "malformed", str(exc))
        else:
            self.stats.frames += 1
            self._accept(message, out)
        return stop

    def _skip(self, buf: bytes, pos: int) -> int:
        stops = [i for i in (buf.find(b"\n", pos), buf.find(b"$", pos)) if i >= 0]
        if not stops:
            return len(buf)
        self._skipping = False
        stop = min(stops)
        return stop + 1 if buf[stop] == 0x0A else stop

    def _count_noise(self, buf: bytes, start: int, stop: int) -> None:
        if stop <= start:
            return
        chunk = buf[start:stop]
        noise = len(chunk) - chunk.count(b"\n") - chunk.count(b"\r")
        if noise:
            self.stats.noise_bytes += noise
            self._error(self._base + start, "noise", "byte(s) outside any frame")

    def _error(self, offset: int, kind: str, message: str) -> None:
        self.recent_errors.append(FrameError(offset, kind, message))

    # -- direction ------------------------------------------------------------------------

    def _accept(self, message: Message, out: list[Message]) -> None:
        is_command = type(message).__name__ in _HOST_CLASSES or (
            isinstance(message, Unknown) and message.type in HOST_TYPES
        )
        if is_command != self._from_host:
            self.stats.unexpected += 1
            return
        if isinstance(message, Unknown) and not self._from_host:
            self.stats.unknown += 1
        out.append(message)
