"""Single frames of the replica protocol: encoding, decoding, checksums, errors."""

from __future__ import annotations

import binascii

import pytest

from hardware.replica.protocol import (
    MAX_FRAME_BYTES,
    Ack,
    Arc,
    Battery,
    Cartridge,
    ChecksumError,
    Heartbeat,
    Hello,
    Lockout,
    Magazine,
    Malfunction,
    Message,
    Ping,
    Pong,
    ProtocolError,
    Query,
    Recoil,
    Trigger,
    Unknown,
    crc16,
    decode,
    encode,
)

EVERY_MESSAGE: list[Message] = [
    Hello(0, 12, 1, "taser7", "7.2.0", "T7-0042", 31337, frozenset({"trig", "arc", "cart"}),
          "green", 1000, 2),
    Trigger(5, 123_456_789, 3, bay=2),
    Trigger(6, 123_456_999, 4, fired=False),
    Arc(7, 1, True),
    Cartridge(8, 2, 1, "cq", "fired"),
    Magazine(9, 3, "out", 0),
    Battery(10, 4, 87, 3890),
    Heartbeat(65535, 18_446_744_073_709_551_615),
    Pong(11, 5, 4_294_967_295),
    Ack(12, 6, "RECOIL", False),
    Ping(1, 77),
    Query(2),
    Recoil(3, 40),
    Lockout(4, True),
    Malfunction(5, "jam"),
]


def test_crc_is_ccitt_false_from_binascii() -> None:
    assert crc16(b"123456789") == 0x29B1  # the CRC-16/CCITT-FALSE check value
    assert crc16(b"HB,1,t=5") == binascii.crc_hqx(b"HB,1,t=5", 0xFFFF)


def test_a_trigger_frame_is_a_readable_line() -> None:
    frame = encode(Trigger(5, 123456, 3, bay=2))
    body = b"TRIG,5,t=123456,n=3,bay=2"
    assert frame == b"$" + body + b"*%04X\r\n" % crc16(body)
    assert all(32 <= b < 127 for b in frame[:-2])


@pytest.mark.parametrize("message", EVERY_MESSAGE, ids=lambda m: type(m).__name__)
def test_every_message_round_trips(message: Message) -> None:
    frame = encode(message)
    assert len(frame) <= MAX_FRAME_BYTES
    assert decode(frame) == message
    assert decode(frame.rstrip(b"\r\n")) == message  # line ending optional


def test_defaults_are_left_off_the_wire() -> None:
    assert b"bay" not in encode(Trigger(1, 2, 3)) and b"fire" not in encode(Trigger(1, 2, 3))
    assert b"fire=0" in encode(Trigger(1, 2, 3, fired=False))


def test_a_changed_byte_fails_the_checksum_and_names_the_place() -> None:
    frame = encode(Trigger(5, 123456, 3)).replace(b"123456", b"123457")
    with pytest.raises(ChecksumError, match=r"byte 99: CRC [0-9A-F]{4} does not match"):
        decode(frame, "byte 99")


def _signed(body: bytes) -> bytes:
    return b"$" + body + b"*%04X\r\n" % crc16(body)


@pytest.mark.parametrize(("frame", "expected"), [
    (b"TRIG,5,t=1*0000", r"byte 7: expected \$TYPE,SEQ\[,key=value...\]\*CRC4"),
    (b"$TRIG,5,t=1", r"byte 7: expected \$TYPE,SEQ"),
    (b"$TRIG,5,t=1*00", r"byte 7: expected \$TYPE,SEQ"),
    (_signed(b"trig,5,t=1"), r"byte 7: expected TYPE,SEQ\[,key=value...\] between \$ and \*"),
    (_signed(b"TRIG,5,t=1 "), r"expected TYPE,SEQ.*found b'TRIG,5,t=1 '"),
    (_signed(b"TRIG,5,t=\xff"), r"expected TYPE,SEQ"),
    (_signed(b"TRIG,,t=1"), r"expected TYPE,SEQ"),
])
def test_malformed_frames_say_what_was_expected(frame: bytes, expected: str) -> None:
    with pytest.raises(ProtocolError, match=expected) as caught:
        decode(frame, "byte 7")
    assert not isinstance(caught.value, ChecksumError)


def test_damage_on_the_wire_is_a_checksum_error_even_if_it_breaks_the_grammar() -> None:
    frame = encode(Trigger(5, 123456, 3))
    for damaged in (frame.replace(b",", b";", 1), frame.replace(b"TRIG", b"TR\x00G")):
        with pytest.raises(ChecksumError):
            decode(damaged)


def test_bad_field_values_name_the_field_and_value() -> None:
    with pytest.raises(ProtocolError, match="TRIG: field fire expected 0 or 1, found '2'"):
        decode(_signed(b"TRIG,1,t=5,n=1,fire=2"))
    with pytest.raises(ProtocolError, match="missing field\\(s\\) n"):
        decode(_signed(b"TRIG,1,t=5"))
    with pytest.raises(ProtocolError, match="field pct expected an unsigned 8-bit integer"):
        decode(_signed(b"BATT,1,t=5,pct=300,mv=3900"))
    with pytest.raises(ProtocolError, match="sequence number 70000"):
        decode(_signed(b"HB,70000,t=5"))


def test_newer_firmware_is_tolerated() -> None:
    """Unknown fields are ignored and unknown types come back as Unknown (minor versions)."""
    assert decode(_signed(b"HB,4,t=9,temp=31")) == Heartbeat(4, 9)
    assert decode(_signed(b"GPS,4,lat=51.5")) == Unknown(4, "GPS", {"lat": "51.5"})


def test_values_that_would_break_the_framing_are_refused() -> None:
    with pytest.raises(ProtocolError, match="found 'a,b'"):
        encode(Ack(1, 2, "a,b", True))
    with pytest.raises(ProtocolError, match="limit is 160"):
        encode(Unknown(1, "LONG", {f"k{i}": "x" * 30 for i in range(5)}))
