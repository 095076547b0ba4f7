"""Single frames of the replica protocol: encoding, decoding, checksums, errors."""

from __future__ import annotations

import binascii
import re

import pytest

from hardware.replica.protocol import (
    CAPABILITIES,
    MAX_DEVICE_US,
    MAX_FRAME_BYTES,
    MAX_NAME_CHARS,
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
    wire_type,
)
from tests.conftest import REPO_ROOT

EVERY_MESSAGE: list[Message] = [
    Hello(0, 12, 1, "taser7", "7.2.0", "T7-0042", 31337, frozenset({"trig", "arc", "cart"}),
          "green", 1000, 2),
    Trigger(5, 123_456_789, 3, bay=2),
    Trigger(6, 123_456_999, 4, fired=False),
    Arc(7, 1, True),
    Cartridge(8, 2, 1, "cq", "fired"),
    Magazine(9, 3, "out", 0),
    Battery(10, 4, 87, 3890),
    Heartbeat(65535, MAX_DEVICE_US),
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
    with pytest.raises(ProtocolError, match=r"field pct expected a percentage 0\.\.100"):
        decode(_signed(b"BATT,1,t=5,pct=101,mv=3900"))
    with pytest.raises(ProtocolError, match="sequence number 70000"):
        decode(_signed(b"HB,70000,t=5"))


def test_newer_firmware_is_tolerated() -> None:
    """Unknown fields are ignored and unknown types come back as Unknown (minor versions)."""
    assert decode(_signed(b"HB,4,t=9,temp=31")) == Heartbeat(4, 9)
    assert decode(_signed(b"GPS,4,lat=51.5")) == Unknown(4, "GPS", {"lat": "51.5"})


def test_values_that_would_break_the_framing_are_refused() -> None:
    with pytest.raises(ProtocolError, match="found 'a,b'"):
        encode(Ack(1, 2, "a,b", True))
    with pytest.raises(ProtocolError, match=f"limit is {MAX_FRAME_BYTES}"):
        encode(Unknown(1, "LONG", {f"k{i}": "x" * 40 for i in range(6)}))


# -- the ranges the protocol document settles -------------------------------------------


@pytest.mark.parametrize(("body", "expected"), [
    (b"HB,1,t=18446744073709551615",
     "HB: field t expected a device time 0..281474976710655 µs (8.9 years of uptime), "
     "found '18446744073709551615'"),
    (b"TRIG,1,t=281474976710656,n=1", "TRIG: field t expected a device time"),
    (b"TRIG,1,t=5,n=0", "TRIG: field n expected a pull count 1..4294967295, found '0'"),
    (b"TRIG,1,t=5,n=4294967296", "TRIG: field n expected a pull count 1..4294967295"),
    (b"TRIG,1,t=5,n=1,bay=3", "TRIG: field bay expected a bay 0..2 (0: none), found '3'"),
    (b"TRIG,1,t=5,n=1,fire=2", "TRIG: field fire expected 0 or 1, found '2'"),
    (b"CART,1,t=5,bay=0,kind=cq,state=fired", "CART: field bay expected a bay 1..2"),
    (b"HELLO,0,t=0,proto=1,model=glock,fw=1,id=G,boot=1",
     "HELLO: field model expected one of pistol/x26/m26/x26p/x2/taser7/taser10"),
    (b"HELLO,0,t=0,proto=1,model=x26,fw=1,id=" + b"I" * 33 + b",boot=1",
     "HELLO: field id expected at most 32 characters"),
    (b"ACK,1,t=5,cmd=LOCKOUT,ok=1", "ACK: field cmd expected one of RECOIL/LOCK/MALF"),
])
def test_out_of_range_fields_are_refused_with_the_field_and_range(
        body: bytes, expected: str) -> None:
    with pytest.raises(ProtocolError, match=re.escape(expected)) as caught:
        decode(_signed(body), "byte 3")
    assert str(caught.value).startswith("byte 3: ")
    assert not isinstance(caught.value, ChecksumError)


def test_the_largest_time_and_count_are_accepted() -> None:
    assert decode(_signed(b"TRIG,65535,t=281474976710655,n=4294967295,bay=2")) == Trigger(
        65535, MAX_DEVICE_US, 4_294_967_295, bay=2)


def test_the_encoder_refuses_what_the_receiver_would() -> None:
    with pytest.raises(ProtocolError, match="HB field t: expected a device time"):
        encode(Heartbeat(1, MAX_DEVICE_US + 1))
    with pytest.raises(ProtocolError, match="TRIG field n: expected a pull count"):
        encode(Trigger(1, 5, 0))


def largest_hello() -> Hello:
    """Every HELLO field at its widest: a valid HELLO can be no longer than this."""
    name = "W" * MAX_NAME_CHARS
    return Hello(65535, MAX_DEVICE_US, 255, "taser10", name, name, 4_294_967_295,
                 CAPABILITIES, "green", 4_294_967_295, 255)


def test_the_largest_valid_hello_fits_the_frame_limit_and_round_trips() -> None:
    frame = encode(largest_hello())
    assert len(frame) == 232 <= MAX_FRAME_BYTES
    assert decode(frame) == largest_hello()
    # a newer firmware may send capabilities this host does not know, up to the value
    # limit of 48 characters: the frame still fits, and the unknown ones are ignored
    caps = "arc+batt+cart+lock+malf+mag+recoil+trig+zz+yyyy"
    assert len(caps) == 47
    body = encode(largest_hello()).split(b"*")[0][1:].replace(
        b"caps=arc+batt+cart+lock+mag+malf+recoil+trig", b"caps=" + caps.encode())
    assert len(_signed(body)) <= MAX_FRAME_BYTES
    assert decode(_signed(body)) == largest_hello()


def test_a_day_of_uptime_hello_with_every_capability_fits() -> None:
    """A HELLO of the kind that broke the old 160-byte limit."""
    hello = Hello(65535, 86_400_000_000, 1, "taser10", "10.1.3", "T10-0042", 1804289383,
                  CAPABILITIES, "green", 100_000, 12)
    assert 160 < len(encode(hello)) <= MAX_FRAME_BYTES
    assert decode(encode(hello)) == hello


def test_an_ack_names_the_command_by_its_wire_type() -> None:
    assert wire_type(Lockout(1, True)) == "LOCK" and wire_type(Query(1)) == "WHO"
    assert b"cmd=LOCK," in encode(Ack(25, 92_100_000, "LOCK", True))


def test_every_example_frame_in_the_protocol_document_is_valid_and_canonical() -> None:
    text = (REPO_ROOT / "docs" / "serial-protocol.md").read_text()
    examples = re.findall(r"^(\$[A-Z]+,[^\\\s]*\*[0-9A-F]{4})$", text, re.MULTILINE)
    assert len(examples) >= 15
    for line in examples:
        assert encode(decode(line.encode())).rstrip(b"\r\n").decode() == line
