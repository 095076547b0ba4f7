"""The stream parser without I/O: framing, resync, counters."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from hardware.replica.parser import Parser
from hardware.replica.protocol import (
    MAX_FRAME_BYTES,
    Heartbeat,
    Hello,
    Message,
    Ping,
    Trigger,
    crc16,
    encode,
)


def hello(seq: int = 0, boot: int = 7) -> Hello:
    return Hello(seq, 0, 1, "pistol", "1.0.0", "P1", boot)


def stream(count: int, first_seq: int = 1) -> list[Message]:
    return [Trigger(first_seq + i, 1000 * i, i + 1) if i % 2 == 0 else
            Heartbeat(first_seq + i, 1000 * i) for i in range(count)]


def wire(messages: Sequence[Message]) -> bytes:
    return b"".join(encode(m) for m in messages)


def feed_all(parser: Parser, data: bytes, chunk: int) -> list[Message]:
    out: list[Message] = []
    for i in range(0, len(data), chunk):
        out += parser.feed(data[i:i + chunk])
    return out


@pytest.mark.parametrize("chunk", [1, 2, 7, 64, 100_000])
def test_split_and_concatenated_input_gives_the_same_messages(chunk: int) -> None:
    messages = [hello(), *stream(50)]
    parser = Parser()
    assert feed_all(parser, wire(messages), chunk) == messages
    assert parser.stats.errors == 0
    assert parser.offset == len(wire(messages))


def test_garbled_frames_cost_only_themselves() -> None:
    messages = stream(5)
    frames = [encode(m) for m in messages]
    frames[1] = frames[1].replace(b"t=", b"t=9")  # checksum no longer matches
    frames[3] = frames[3][:12]  # cut off mid-frame: the next `$` resynchronises
    parser = Parser()
    out = parser.feed(b"".join(frames))
    assert out == [messages[0], messages[2], messages[4]]
    assert (parser.stats.bad_crc, parser.stats.malformed) == (1, 1)
    kinds = [(e.kind, e.offset) for e in parser.recent_errors]
    assert kinds == [("bad_crc", len(frames[0])),
                     ("malformed", sum(len(f) for f in frames[:3]))]


def test_oversized_lines_are_skipped_to_the_next_frame() -> None:
    good = stream(2)
    data = encode(good[0]) + b"$" + b"A" * (3 * MAX_FRAME_BYTES) + b"\r\n" + encode(good[1])
    parser = Parser()
    assert feed_all(parser, data, 10) == good
    assert parser.stats.oversized == 1
    assert parser.stats.noise_bytes == 0  # the rest of the long line is not counted twice
    assert f"no line end within {MAX_FRAME_BYTES} bytes" in parser.recent_errors[-1].message


def test_binary_noise_between_frames_is_counted_and_survived() -> None:
    rng = np.random.default_rng(3)
    messages = stream(200)
    parts = []
    noise_total = 0
    for m in messages:
        noise = rng.integers(0, 256, size=int(rng.integers(0, 40)), dtype=np.uint8).tobytes()
        noise_total += len(noise)
        parts += [noise, encode(m)]
    parser = Parser()
    out = feed_all(parser, b"".join(parts), 33)
    assert out == messages  # noise can never eat a frame: every frame starts with `$`
    assert 0 < parser.stats.noise_bytes <= noise_total


def test_pure_random_bytes_never_crash_the_parser() -> None:
    rng = np.random.default_rng(8)
    parser = Parser()
    data = rng.integers(0, 256, size=200_000, dtype=np.uint8).tobytes()
    data = data.replace(b"\x07", b"$")  # plenty of false frame starts
    assert feed_all(parser, data, 513) == []
    assert parser.stats.frames == 0 and parser.stats.noise_bytes > 50_000
    assert parser.stats.malformed > 100 and parser.stats.oversized > 30
    assert len(parser.recent_errors) == 32  # bounded memory
    assert parser.feed(encode(Heartbeat(1, 2))) == [Heartbeat(1, 2)]  # and it still works


def test_an_intact_frame_with_a_field_out_of_range_is_malformed_with_the_reason() -> None:
    parser = Parser()
    body = b"TRIG,4,t=18446744073709551615,n=1"
    bad = b"$" + body + b"*%04X\r\n" % crc16(body)
    assert parser.feed(bad + encode(Heartbeat(5, 9))) == [Heartbeat(5, 9)]
    assert (parser.stats.malformed, parser.stats.bad_crc, parser.stats.frames) == (1, 0, 1)
    error = parser.recent_errors[-1]
    assert (error.kind, error.offset) == ("malformed", 0)
    assert error.message.startswith("byte 0: TRIG: field t expected a device time 0..")


def test_host_frames_and_duplicates_pass_through_the_parser_unjudged() -> None:
    """Sequence numbers are the tracker's job: the parser returns every good frame."""
    parser = Parser()
    assert parser.feed(wire([Heartbeat(3, 1), Heartbeat(3, 1)])) == [Heartbeat(3, 1)] * 2


def test_commands_from_the_device_side_are_unexpected() -> None:
    parser = Parser()
    assert parser.feed(encode(Ping(1, 5)) + encode(Heartbeat(1, 2))) == [Heartbeat(1, 2)]
    assert parser.stats.unexpected == 1
    device_side = Parser(direction="from_host")
    assert device_side.feed(encode(Ping(1, 5)) + encode(Heartbeat(1, 2))) == [Ping(1, 5)]


def test_forget_partial_drops_a_half_frame_after_reconnect() -> None:
    parser = Parser()
    frame = encode(Heartbeat(1, 2))
    parser.feed(frame[:8])
    parser.forget_partial()
    assert parser.feed(frame) == [Heartbeat(1, 2)]
    assert parser.stats.malformed == 1
