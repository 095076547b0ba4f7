"""Device-to-host clock mapping from ping/pong round trips, without I/O.

The host sends a ping at `tx_ns`, the device stamps its clock (`device_us`) when the ping
arrives, and the pong arrives at `rx_ns`. The device stamp happened somewhere in
[tx_ns, rx_ns]; we take the midpoint. Latency jitter makes most samples wrong by up to
half their round trip, so only the sample with the smallest round trip in each time
segment is kept (the minimum round-trip filter), and a least-squares line through those
minima tracks the device's crystal drift.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SyncSample:
    device_us: int
    host_ns: float  # midpoint of the round trip
    rtt_ns: int


class ClockMap:
    """Maps device microseconds to host monotonic nanoseconds."""

    def __init__(
        self,
        segment_s: float = 1.0,
        window_segments: int = 30,
        max_skew_ppm: float = 1000.0,
        max_rtt_ns: int = 200_000_000,
    ) -> None:
        self._segment_us = int(segment_s * 1e6)
        self._minima: deque[SyncSample] = deque(maxlen=window_segments)
        self._max_skew = max_skew_ppm * 1e-6
        self._max_rtt_ns = max_rtt_ns
        self._slope = 1000.0  # host ns per device µs
        self._anchor: SyncSample | None = None  # the fitted line passes through this point
        self.samples = 0
        self.rejected = 0

    @property
    def ready(self) -> bool:
        return self._anchor is not None

    @property
    def skew_ppm(self) -> float:
        """How fast the device clock runs slow (+) or fast (-) against the host's, in ppm."""
        return (self._slope / 1000.0 - 1.0) * 1e6

    @property
    def best_rtt_ns(self) -> int | None:
        return min((s.rtt_ns for s in self._minima), default=None)

    def reset(self) -> None:
        """Forget everything: the device restarted and its clock with it."""
        self._minima.clear()
        self._anchor = None
        self._slope = 1000.0

    def add(self, tx_ns: int, device_us: int, rx_ns: int) -> bool:
        """Add one round trip; False when it was rejected as implausible."""
        rtt = rx_ns - tx_ns
        if rtt < 0 or rtt > self._max_rtt_ns:
            self.rejected += 1
            return False
        self.samples += 1
        sample = SyncSample(device_us, (tx_ns + rx_ns) / 2.0, rtt)
        last = self._minima[-1] if self._minima else None
        if last is not None and device_us < last.device_us:
            self.reset()  # the device clock went back: a restart the parser did not see
            last = None
        if last is None or device_us // self._segment_us != last.device_us // self._segment_us:
            self._minima.append(sample)
        elif rtt < last.rtt_ns:
            self._minima[-1] = sample
        self._fit()
        return True

    def to_host_ns(self, device_us: int) -> int:
        if self._anchor is None:
            raise LookupError("no clock sync yet: no pong has arrived")
        return round(self._anchor.host_ns + (device_us - self._anchor.device_us) * self._slope)

    def _fit(self) -> None:
        # The segment still filling has seen few pings, so its minimum may be poor: fit
        # the completed segments only, once there are any.
        points = list(self._minima)[:-1] or list(self._minima)
        if len(points) < 3:
            best = min(points, key=lambda s: s.rtt_ns)
            self._anchor, self._slope = best, 1000.0
            return
        d0 = sum(p.device_us for p in points) / len(points)
        h0 = sum(p.host_ns for p in points) / len(points)
        sxx = sum((p.device_us - d0) ** 2 for p in points)
        sxy = sum((p.device_us - d0) * (p.host_ns - h0) for p in points)
        slope = sxy / sxx if sxx > 0 else 1000.0
        slope = min(max(slope, 1000.0 * (1 - self._max_skew)), 1000.0 * (1 + self._max_skew))
        self._slope = slope
        self._anchor = SyncSample(round(d0), h0 + (round(d0) - d0) * slope, 0)


class PingSchedule:
    """When the next ping is due and which are still out, by token: a pong answers one of
    them, or is stale (too late, or from before a reconnect)."""

    def __init__(self, interval_ns: int, timeout_ns: int = 1_000_000_000) -> None:
        if interval_ns <= 0:
            raise ValueError(f"ping interval: expected > 0 ns, found {interval_ns}")
        self._interval_ns, self._timeout_ns = interval_ns, timeout_ns
        self._out: dict[int, int] = {}  # token -> host send time
        self._token = 0
        self._next_ns: int | None = None  # None: send one at the next chance

    def due(self, now_ns: int) -> bool:
        return self._next_ns is None or now_ns >= self._next_ns

    def send(self, now_ns: int) -> int:
        """The token of a ping sent at `now_ns`."""
        self._token = (self._token + 1) % (1 << 32)
        self._out = {k: v for k, v in self._out.items() if now_ns - v < self._timeout_ns}
        self._out[self._token] = now_ns
        self._next_ns = now_ns + self._interval_ns
        return self._token

    def answered(self, token: int) -> int | None:
        """The send time of the ping this pong answers; None if it is not out."""
        return self._out.pop(token, None)

    def forget(self) -> None:
        """A reconnect: pongs to earlier pings would time a cable that is gone."""
        self._out.clear()
        self._next_ns = None
