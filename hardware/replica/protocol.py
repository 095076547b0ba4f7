"""The replica wire protocol, version 1: printable frames with a CRC-16 (docs/serial-protocol.md).

A frame is one ASCII line::

    $TRIG,42,t=1234567,n=7*5A3C\\r\\n

`$`, a type, the frame's sequence number, `key=value` fields, `*` and the CRC-16/CCITT-FALSE
(`binascii.crc_hqx` seeded with 0xFFFF) of everything between `$` and `*`, in four upper-case
hex digits. This module only encodes and decodes single frames; `parser` handles streams.
"""

from __future__ import annotations

import binascii
import re
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import Any

from hardware.errors import HardwareError
from hardware.events import Colour

PROTOCOL_VERSION = 1
# From `$` to `\n` inclusive: a firmware line buffer. Chosen so that every valid frame of
# a known type fits, the largest being a HELLO with every field at its limit (232 bytes).
MAX_FRAME_BYTES = 256
SEQ_MODULUS = 65536
# A device time is microseconds since power-up: 2^48 µs is 8.9 years of uptime, so a
# larger `t` is a firmware bug (an unextended or garbage timer), not a real time.
MAX_DEVICE_US = (1 << 48) - 1
MAX_NAME_CHARS = 32  # `id` and `fw`: printed on a label, shown in a lane list
MODEL_NAMES = ("pistol", "x26", "m26", "x26p", "x2", "taser7", "taser10")
CAPABILITIES = frozenset({"trig", "arc", "cart", "mag", "batt", "recoil", "lock", "malf"})

# Checked in two steps, so a frame damaged on the wire counts as a CRC failure and only a
# frame that arrived intact but breaks the grammar counts as malformed (a firmware bug).
_ENVELOPE_RE = re.compile(rb"\$(?P<body>[^*]*)\*(?P<crc>[0-9A-F]{4})\r?\n?")
_BODY_RE = re.compile(
    rb"(?P<type>[A-Z]{2,6}),(?P<seq>\d{1,5})"
    rb"(?P<fields>(?:,[a-z][a-z0-9_]{0,11}=[A-Za-z0-9._+:-]{1,48})*)"
)
_VALUE_RE = re.compile(r"[A-Za-z0-9._+:-]{1,48}")


class ProtocolError(HardwareError, ValueError):
    """A frame that does not follow the protocol; the message says where and what."""


class ChecksumError(ProtocolError):
    """A frame whose CRC does not match: corrupted on the wire."""


def crc16(body: bytes) -> int:
    return binascii.crc_hqx(body, 0xFFFF)


# -- typed messages -------------------------------------------------------------------------
# Every message carries the frame's `seq`. Device messages also carry `device_us`, the
# replica's own microsecond clock when the thing happened (not when the frame was sent).


@dataclass(frozen=True, slots=True)
class Hello:
    seq: int
    device_us: int
    proto: int
    model: str  # one of MODEL_NAMES
    firmware: str
    replica_id: str
    boot: int  # changes on every power-up, so a reset is seen even if seq looks plausible
    caps: frozenset[str] = frozenset()
    laser: Colour = "red"
    pulse_us: int = 1000
    lane: int = 0  # 0: no lane assigned


@dataclass(frozen=True, slots=True)
class Trigger:
    seq: int
    device_us: int
    n: int  # trigger pulls since power-up; a gap means pulls were lost
    bay: int = 0  # TASER 7 cartridge bay (1 or 2); 0 where the model has none
    fired: bool = True  # False: the pull discharged nothing (empty, jam, lockout)


@dataclass(frozen=True, slots=True)
class Arc:
    seq: int
    device_us: int
    on: bool  # arc switch or energy cycle start/stop


@dataclass(frozen=True, slots=True)
class Cartridge:
    seq: int
    device_us: int
    bay: int
    kind: str  # "std", "cq", "so", "15ft", "25ft", "probe"
    state: str  # "loaded", "fired", "removed", "dud"


@dataclass(frozen=True, slots=True)
class Magazine:
    seq: int
    device_us: int
    state: str  # "in", "out"
    rounds: int


@dataclass(frozen=True, slots=True)
class Battery:
    seq: int
    device_us: int
    percent: int
    millivolts: int


@dataclass(frozen=True, slots=True)
class Heartbeat:
    seq: int
    device_us: int


@dataclass(frozen=True, slots=True)
class Pong:
    seq: int
    device_us: int  # device clock when the ping arrived
    token: int  # echoes the ping's token


@dataclass(frozen=True, slots=True)
class Ack:
    seq: int
    device_us: int
    cmd: str
    ok: bool


@dataclass(frozen=True, slots=True)
class Ping:
    seq: int
    token: int


@dataclass(frozen=True, slots=True)
class Query:
    """Asks the replica to send its HELLO again (sent by the host after every connect)."""

    seq: int


@dataclass(frozen=True, slots=True)
class Recoil:
    seq: int
    ms: int


@dataclass(frozen=True, slots=True)
class Lockout:
    seq: int
    on: bool


@dataclass(frozen=True, slots=True)
class Malfunction:
    seq: int
    kind: str  # "jam", "dud", "misfire", "none"


@dataclass(frozen=True, slots=True)
class Unknown:
    """A well-formed frame of a type this version does not know (a newer firmware)."""

    seq: int
    type: str
    fields: dict[str, str] = field(default_factory=dict)


DeviceMessage = Hello | Trigger | Arc | Cartridge | Magazine | Battery | Heartbeat | Pong | Ack
HostMessage = Ping | Query | Recoil | Lockout | Malfunction
Message = DeviceMessage | HostMessage | Unknown


# -- field codecs ---------------------------------------------------------------------------


def _whole(low: int, high: int, what: str = "") -> Callable[[str], int]:
    expected = what or f"a whole number {low}..{high}"

    def parse(text: str) -> int:
        if not text.isdigit() or not low <= int(text) <= high:
            raise ValueError(expected)
        return int(text)

    return parse


def _bool(text: str) -> bool:
    if text not in ("0", "1"):
        raise ValueError("0 or 1")
    return text == "1"


def _choice(*options: str) -> Callable[[str], str]:
    def parse(text: str) -> str:
        if text not in options:
            raise ValueError("one of " + "/".join(options))
        return text

    return parse


def _name(text: str) -> str:
    if len(text) > MAX_NAME_CHARS:
        raise ValueError(f"at most {MAX_NAME_CHARS} characters")
    return text


def _caps(text: str) -> frozenset[str]:
    # A capability this version does not know comes from a newer firmware: ignored.
    return frozenset(c for c in text.split("+") if c in CAPABILITIES)


_U16, _U32 = _whole(0, (1 << 16) - 1), _whole(0, (1 << 32) - 1)
_TIME = _whole(0, MAX_DEVICE_US, f"a device time 0..{MAX_DEVICE_US} µs (8.9 years of uptime)")
_T = {"t": ("device_us", _TIME)}

# wire type -> (class, {wire key: (attribute, parser)}, optional wire keys)
_Spec = tuple[type, dict[str, tuple[str, Callable[[str], Any]]], frozenset[str]]
_SPECS: dict[str, _Spec] = {
    "HELLO": (Hello, {
        **_T, "proto": ("proto", _whole(0, 255)), "model": ("model", _choice(*MODEL_NAMES)),
        "fw": ("firmware", _name), "id": ("replica_id", _name), "boot": ("boot", _U32),
        "caps": ("caps", _caps), "laser": ("laser", _choice("red", "green", "ir")),
        "pulse": ("pulse_us", _U32), "lane": ("lane", _whole(0, 255)),
    }, frozenset({"caps", "laser", "pulse", "lane"})),
    "TRIG": (Trigger, {
        **_T, "n": ("n", _whole(1, (1 << 32) - 1, "a pull count 1..4294967295")),
        "bay": ("bay", _whole(0, 2, "a bay 0..2 (0: none)")), "fire": ("fired", _bool),
    }, frozenset({"bay", "fire"})),
    "ARC": (Arc, {**_T, "on": ("on", _bool)}, frozenset()),
    "CART": (Cartridge, {
        **_T, "bay": ("bay", _whole(1, 2, "a bay 1..2")),
        "kind": ("kind", _choice("std", "cq", "so", "15ft", "25ft", "probe")),
        "state": ("state", _choice("loaded", "fired", "removed", "dud")),
    }, frozenset()),
    "MAG": (Magazine, {**_T, "state": ("state", _choice("in", "out")),
                       "rounds": ("rounds", _U16)}, frozenset()),
    "BATT": (Battery, {**_T, "pct": ("percent", _whole(0, 100, "a percentage 0..100")),
                       "mv": ("millivolts", _U16)}, frozenset()),
    "HB": (Heartbeat, {**_T}, frozenset()),
    "PONG": (Pong, {**_T, "tok": ("token", _U32)}, frozenset()),
    "ACK": (Ack, {**_T, "cmd": ("cmd", _choice("RECOIL", "LOCK", "MALF")), "ok": ("ok", _bool)},
            frozenset()),
    "PING": (Ping, {"tok": ("token", _U32)}, frozenset()),
    "WHO": (Query, {}, frozenset()),
    "RECOIL": (Recoil, {"ms": ("ms", _U16)}, frozenset()),
    "LOCK": (Lockout, {"on": ("on", _bool)}, frozenset()),
    "MALF": (Malfunction, {"kind": ("kind", _choice("jam", "dud", "misfire", "none"))},
             frozenset()),
}
_WIRE_TYPE: dict[type, str] = {spec[0]: name for name, spec in _SPECS.items()}
HOST_TYPES = frozenset({"PING", "WHO", "RECOIL", "LOCK", "MALF"})


def _format_value(value: object) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, frozenset):
        return "+".join(sorted(value))
    return str(value)


def wire_type(message: Message) -> str:
    """The frame type a message is sent as: `LOCK` for a `Lockout`, `WHO` for a `Query`."""
    return message.type if isinstance(message, Unknown) else _WIRE_TYPE[type(message)]


def encode(message: Message) -> bytes:
    """One complete frame, `$` to `\\r\\n`. Raises ProtocolError for a value the receiver
    would refuse, so an emulator cannot send what a firmware must not."""
    wire = wire_type(message)
    pairs = list(message.fields.items()) if isinstance(message, Unknown) else _pairs(message)
    for key, value in pairs:
        if not _VALUE_RE.fullmatch(value):
            raise ProtocolError(
                f"{wire} field {key}: expected 1-48 of [A-Za-z0-9._+:-], found {value!r}")
    body = ",".join([wire, str(message.seq % SEQ_MODULUS)] + [f"{k}={v}" for k, v in pairs])
    raw = body.encode("ascii")
    frame = b"$" + raw + b"*%04X\r\n" % crc16(raw)
    if len(frame) > MAX_FRAME_BYTES:
        raise ProtocolError(f"{wire} frame is {len(frame)} bytes; the limit is {MAX_FRAME_BYTES}")
    return frame


def _pairs(message: Message) -> list[tuple[str, str]]:
    """The wire fields of a known message, defaults of optional ones left off, each value
    checked by the parser that will read it."""
    wire = _WIRE_TYPE[type(message)]
    _, keys, optional = _SPECS[wire]
    defaults = {f.name: f.default for f in fields(message)}
    pairs = []
    for key, (attr, parse) in keys.items():
        value = getattr(message, attr)
        if key in optional and value == defaults[attr]:
            continue
        text = _format_value(value)
        try:
            parse(text)
        except ValueError as exc:
            raise ProtocolError(f"{wire} field {key}: expected {exc}, found {text!r}") from None
        pairs.append((key, text))
    return pairs


def decode(line: bytes, where: str = "frame") -> Message:
    """Decode one frame (`$` ... `*CRC`, line ending optional). Raises ProtocolError
    naming `where` (e.g. "byte 1042") and what was expected and found."""
    envelope = _ENVELOPE_RE.fullmatch(line)
    if envelope is None:
        raise ProtocolError(f"{where}: expected $TYPE,SEQ[,key=value...]*CRC4, found {line[:60]!r}")
    expected = crc16(envelope["body"])
    found = int(envelope["crc"], 16)
    if expected != found:
        raise ChecksumError(f"{where}: CRC {found:04X} does not match the frame ({expected:04X})")
    match = _BODY_RE.fullmatch(envelope["body"])
    if match is None:
        raise ProtocolError(f"{where}: expected TYPE,SEQ[,key=value...] between $ and *, "
                            f"found {envelope['body'][:60]!r}")
    wire, seq = match["type"].decode(), int(match["seq"])
    if seq >= SEQ_MODULUS:
        raise ProtocolError(f"{where}: sequence number {seq} is above {SEQ_MODULUS - 1}")
    pairs = dict(p.split("=", 1) for p in match["fields"].decode()[1:].split(",") if p)
    spec = _SPECS.get(wire)
    if spec is None:
        return Unknown(seq, wire, pairs)
    return _build(spec, seq, pairs, f"{where}: {wire}")


def _build(spec: _Spec, seq: int, pairs: dict[str, str], where: str) -> Message:
    cls, keys, optional = spec
    missing = [k for k in keys if k not in pairs and k not in optional]
    if missing:
        raise ProtocolError(f"{where}: missing field(s) {', '.join(missing)}")
    values: dict[str, Any] = {"seq": seq}
    for key, text in pairs.items():
        if key not in keys:
            continue  # a field from a newer minor version: ignore it
        attr, parse = keys[key]
        try:
            values[attr] = parse(text)
        except ValueError as exc:
            raise ProtocolError(f"{where}: field {key} expected {exc}, found {text!r}") from None
    message: Message = cls(**values)
    return message
