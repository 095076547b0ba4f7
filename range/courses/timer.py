"""The shot timer: a random start delay after "stand by", a start tone, the par time, and
the first-shot time and splits of a string."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# A start delay a shooter cannot anticipate, as shot timers use (seconds).
MIN_DELAY_S, MAX_DELAY_S = 1.5, 4.0
TONE_HZ, TONE_S = 2800.0, 0.25  # a timer's beep: high, short, heard under ear protection


@dataclass(frozen=True, slots=True)
class Start:
    """One string's start: "stand by" at `ready_ns`, the tone `delay_s` later."""

    ready_ns: int
    delay_s: float

    @property
    def tone_ns(self) -> int:
        return self.ready_ns + round(self.delay_s * 1e9)


class ShotTimer:
    """Draws each string's start delay from the run's one seeded generator."""

    def __init__(self, rng: np.random.Generator, low_s: float = MIN_DELAY_S,
                 high_s: float = MAX_DELAY_S) -> None:
        self._rng = rng
        self._low, self._high = low_s, high_s

    def start(self, ready_ns: int) -> Start:
        return Start(ready_ns, round(float(self._rng.uniform(self._low, self._high)), 3))


def splits(times_s: list[float]) -> list[float | None]:
    """Each shot's split from the one before (None for the first, timed from the tone)."""
    return [None if i == 0 else round(t - times_s[i - 1], 6) for i, t in enumerate(times_s)]


def tone_wave(rate: int = 44_100, hz: float = TONE_HZ, length_s: float = TONE_S
              ) -> np.ndarray:
    """The start tone as 16-bit mono samples, with 5 ms ramps so it does not click."""
    t = np.arange(round(rate * length_s)) / rate
    ramp = np.minimum(1.0, np.minimum(t, length_s - t) / 0.005)
    return (0.6 * 32767 * ramp * np.sin(2 * np.pi * hz * t)).astype(np.int16)
