"""Seeded faults for the replica emulator: what a worn cable, a noisy range and a
careless boot do to a serial link.

A fault spec is text, so it fits a device URL (`sim:?faults=corrupt:0.01,drop:0.005`) and
a command line (`--faults ...`). All randomness comes from one `numpy.random.Generator`:
the same seed gives the same fault pattern.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace

import numpy as np

from hardware.errors import DeviceUrlError

Fate = str  # "sent", "dropped", "corrupted"


@dataclass(frozen=True, slots=True)
class Faults:
    noise: float = 0.0  # chance per frame of a burst of random bytes just before it
    corrupt: float = 0.0  # chance per frame that one byte is changed on the wire
    drop: float = 0.0  # chance per frame that it never arrives
    dup: float = 0.0  # chance per frame that it arrives twice
    jitter_ms: float = 0.0  # each frame is delayed by uniform 0..jitter_ms
    drift_ppm: float = 0.0  # device crystal runs fast (+) or slow (-) by this much
    unplug_every_s: float = 0.0  # 0: never unplugged
    unplug_s: float = 0.3  # how long the cable stays out
    reset_on_replug: bool = False  # the replica is USB-powered: it reboots on replug

    @classmethod
    def parse(cls, text: str, where: str = "faults") -> Faults:
        """`name:value,name:value`; e.g. `corrupt:0.01,drop:0.005,jitter_ms:5`."""
        faults = cls()
        known = {f.name: f for f in fields(cls)}
        for item in filter(None, (part.strip() for part in text.split(","))):
            name, sep, value = item.partition(":")
            if name not in known or not sep:
                raise DeviceUrlError(
                    f"{where}: expected name:value with a name from {', '.join(known)}, "
                    f"found {item!r}")
            faults = replace(faults, **{name: _value(name, value, where)})  # type: ignore[arg-type]
        return faults

    def describe(self) -> str:
        default = Faults()
        return ",".join(f"{f.name}:{getattr(self, f.name)}" for f in fields(self)
                        if getattr(self, f.name) != getattr(default, f.name)) or "none"


# Each number's range: chances are chances; the rest are bounded so that no fault can
# overflow a clock, flood the device loop (an unplug every nanosecond) or never end.
_RANGES: dict[str, tuple[float, float, str]] = {
    **{name: (0.0, 1.0, "a chance from 0 to 1") for name in ("noise", "corrupt", "drop", "dup")},
    "jitter_ms": (0.0, 10_000.0, "milliseconds from 0 to 10000"),
    "drift_ppm": (-10_000.0, 10_000.0, "parts per million from -10000 to 10000"),
    "unplug_every_s": (0.0, 3600.0, "0 (never) or seconds from 0.01 to 3600"),
    "unplug_s": (0.0, 3600.0, "seconds from 0 to 3600"),
}
MIN_UNPLUG_EVERY_S = 0.01


def _value(name: str, text: str, where: str) -> float | bool:
    if name == "reset_on_replug":
        if text not in ("0", "1"):
            raise DeviceUrlError(f"{where}: {name} expected 0 or 1, found {text!r}")
        return text == "1"
    low, high, expected = _RANGES[name]
    try:
        value = float(text)
    except ValueError:
        raise DeviceUrlError(f"{where}: {name} expected {expected}, found {text!r}") from None
    too_often = name == "unplug_every_s" and 0 < value < MIN_UNPLUG_EVERY_S
    if not (math.isfinite(value) and low <= value <= high) or too_often:
        raise DeviceUrlError(f"{where}: {name} expected {expected}, found {text!r}")
    return value


class FaultInjector:
    """Decides the fate of each outgoing frame. Draws a fixed number of random values
    per frame, so the pattern for frame k does not depend on what happened before it."""

    def __init__(self, faults: Faults, rng: np.random.Generator) -> None:
        self.faults = faults
        self._rng = rng
        self.counts = {"sent": 0, "dropped": 0, "corrupted": 0, "duplicated": 0, "noise": 0}

    def apply(self, frame: bytes) -> tuple[list[bytes], Fate]:
        """The chunks to write for this frame and what happened to it."""
        f = self.faults
        roll = self._rng.random(4)
        noise_len = int(self._rng.integers(1, 24))
        noise = self._rng.integers(0, 256, size=noise_len, dtype=np.uint8).tobytes()
        where = int(self._rng.integers(1, max(2, len(frame) - 2)))  # keeps `$` and `\r\n`
        flip = int(self._rng.integers(1, 256))
        chunks: list[bytes] = []
        if roll[0] < f.noise:
            chunks.append(noise)
            self.counts["noise"] += 1
        if roll[1] < f.drop:
            self.counts["dropped"] += 1
            return chunks, "dropped"
        fate = "sent"
        if roll[2] < f.corrupt:
            frame = frame[:where] + bytes([frame[where] ^ flip]) + frame[where + 1:]
            fate = "corrupted"
        chunks.append(frame)
        if fate == "sent" and roll[3] < f.dup:
            chunks.append(frame)
            self.counts["duplicated"] += 1
        self.counts[fate] += 1
        return chunks, fate

    def latency_ns(self) -> int:
        if self.faults.jitter_ms <= 0:
            return 0
        return int(self._rng.uniform(0.0, self.faults.jitter_ms) * 1e6)
