"""Clock mapping from ping/pong round trips, driven by synthetic samples (no I/O)."""

from __future__ import annotations

import numpy as np
import pytest

from hardware.replica.clocksync import ClockMap


class FakeDevice:
    """A device clock with an offset and drift, and a link with one-way latencies."""

    def __init__(self, drift_ppm: float, jitter_ms: float, seed: int = 0) -> None:
        self.drift = drift_ppm * 1e-6
        self.jitter_ns = jitter_ms * 1e6
        self.rng = np.random.default_rng(seed)
        self.boot_ns = 7_000_000_000

    def device_us(self, host_ns: float) -> int:
        return int((host_ns - self.boot_ns) * (1 + self.drift) / 1000)

    def round_trip(self, tx_ns: int) -> tuple[int, int, int]:
        up = self.rng.uniform(20_000, 200_000)  # host to device: the pty, a thread wake-up
        down = self.rng.uniform(20_000, 200_000) + self.rng.uniform(0, self.jitter_ns)
        return tx_ns, self.device_us(tx_ns + up), int(tx_ns + up + down)


def sync(device: FakeDevice, seconds: float, every_ms: float = 50) -> ClockMap:
    clock_map = ClockMap()
    for i in range(int(seconds * 1000 / every_ms)):
        clock_map.add(*device.round_trip(device.boot_ns + 10**9 + int(i * every_ms * 1e6)))
    return clock_map


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_maps_within_a_quarter_ms_under_5ms_jitter_and_100ppm_drift(seed: int) -> None:
    device = FakeDevice(drift_ppm=100, jitter_ms=5, seed=seed)
    clock_map = sync(device, seconds=10)
    end_ns = device.boot_ns + 11 * 10**9
    for host_ns in np.linspace(end_ns - 5e9, end_ns + 0.5e9, 50):  # recent past to near future
        error_ns = clock_map.to_host_ns(device.device_us(host_ns)) - host_ns
        assert abs(error_ns) < 250_000
    assert clock_map.skew_ppm == pytest.approx(-100, abs=50)  # device fast: host runs slow
    assert clock_map.best_rtt_ns is not None and clock_map.best_rtt_ns < 1_000_000


def test_without_drift_tracking_100ppm_would_be_out_by_a_ms_in_10s() -> None:
    """Why slope matters: the same samples through an offset-only map drift away."""
    device = FakeDevice(drift_ppm=100, jitter_ms=0)
    clock_map = sync(device, seconds=1.5)  # too short to fit a slope: offset only
    late = device.boot_ns + 12 * 10**9
    assert abs(clock_map.to_host_ns(device.device_us(late)) - late) > 900_000
    tracked = sync(device, seconds=10)
    assert abs(tracked.to_host_ns(device.device_us(late)) - late) < 100_000


def test_implausible_round_trips_are_rejected() -> None:
    clock_map = ClockMap()
    assert clock_map.add(100, 5, 50) is False  # pong before ping
    assert clock_map.add(0, 5, 10**9) is False  # a second: not a clock sample
    assert (clock_map.rejected, clock_map.ready) == (2, False)
    with pytest.raises(LookupError, match="no pong"):
        clock_map.to_host_ns(5)


def test_reset_forgets_the_old_device_clock() -> None:
    device = FakeDevice(drift_ppm=0, jitter_ms=1)
    clock_map = sync(device, seconds=3)
    clock_map.reset()
    assert not clock_map.ready
    device.boot_ns += 20 * 10**9  # rebooted
    clock_map = sync(device, seconds=1)
    host_ns = device.boot_ns + 10**9 + 500_000_000
    assert abs(clock_map.to_host_ns(device.device_us(host_ns)) - host_ns) < 600_000


def test_a_device_clock_going_back_restarts_the_fit() -> None:
    clock_map = ClockMap()
    clock_map.add(10**9, 5_000_000, 10**9 + 100_000)
    clock_map.add(2 * 10**9, 6_000_000, 2 * 10**9 + 100_000)
    clock_map.add(3 * 10**9, 1_000, 3 * 10**9 + 100_000)  # rebooted unseen
    assert clock_map.to_host_ns(1_000) == 3 * 10**9 + 50_000
