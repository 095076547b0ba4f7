"""`holdfire bench serial`: parser throughput against a raw split-lines baseline measured
in the same run, and receipt-to-event latency over a real pty with the emulator."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np

from hardware.clock import MonotonicClock
from hardware.replica.emulator import ReplicaEmulator
from hardware.replica.endpoints import PtyEndpoint
from hardware.replica.faults import FaultInjector, Faults
from hardware.replica.link import ReplicaLink
from hardware.replica.models import Pistol
from hardware.replica.parser import Parser
from hardware.replica.protocol import Heartbeat, Magazine, Trigger, encode
from hardware.stats import percentiles_ms

CHUNK = 4096  # bytes per feed, about what one serial read returns under load


def corpus(frames: int, faults: Faults | None = None, seed: int = 0) -> bytes:
    """A realistic stream: triggers with magazine reports and heartbeats, optionally
    through the fault injector."""
    injector = FaultInjector(faults or Faults(), np.random.default_rng(seed))
    out = []
    for seq in range(frames):
        t_us = 1_000_000 + seq * 997
        kind = seq % 3
        message = (Trigger(seq, t_us, seq // 3 + 1) if kind == 0 else
                   Magazine(seq, t_us, "in", 15 - seq % 15) if kind == 1 else
                   Heartbeat(seq, t_us))
        chunks, _ = injector.apply(encode(message))
        out.extend(chunks)
    return b"".join(out)


def _rate(work: Callable[[], int], budget_s: float) -> tuple[float, int]:
    """Items per second of `work` (which returns items done), repeated for the budget."""
    done, start = 0, time.perf_counter()
    while True:
        done += work()
        elapsed = time.perf_counter() - start
        if elapsed >= budget_s:
            return done / elapsed, done


def parser_figures(budget_s: float) -> Iterator[str]:
    clean = corpus(30_000)
    noisy = corpus(30_000, Faults(noise=0.01, corrupt=0.01, drop=0.005, dup=0.005), seed=1)
    part = budget_s / 3

    def split_lines() -> int:
        return sum(len(clean[i:i + CHUNK].split(b"\n")) for i in range(0, len(clean), CHUNK))

    def parse(data: bytes) -> Callable[[], int]:
        def work() -> int:
            parser = Parser()
            return sum(len(parser.feed(data[i:i + CHUNK])) for i in range(0, len(data), CHUNK))
        return work

    base, _ = _rate(split_lines, part)
    rate, _ = _rate(parse(clean), part)
    noisy_rate, _ = _rate(parse(noisy), part)
    mb = len(clean) / 30_000 * rate / 1e6
    yield f"baseline  raw split-lines (4 KiB chunks)   {base:12,.0f} lines/s"
    yield f"parser    clean stream                      {rate:12,.0f} messages/s  ({mb:.1f} MB/s)"
    yield f"parser    1% noise, 1% corrupt, 0.5% drop    {noisy_rate:12,.0f} messages/s"
    yield f"parser / baseline                           {rate / base:12.3f}"
    wire = 115200 / 10 / (len(clean) / 30_000)
    yield f"115200 baud carries at most                 {wire:12,.0f} frames/s"


def latency_figures(budget_s: float, rate_hz: float = 200.0) -> Iterator[str]:
    clock = MonotonicClock()
    receipt_to_event: list[int] = []
    folder = Path(tempfile.mkdtemp(prefix="holdfire-bench-"))
    emulator = ReplicaEmulator(Pistol(), PtyEndpoint(folder / "pistol"), "bench",
                               clock=clock)
    mapped: dict[int, int] = {}
    with emulator, ReplicaLink(emulator.device_path, clock) as link:
        start = clock.now_ns() + 300_000_000  # let the clock sync settle
        count = int(max(budget_s - 0.6, 0.5) * rate_hz)
        emulator.schedule_pulls([start + int(i * 1e9 / rate_hz) for i in range(count)])
        deadline = time.monotonic() + budget_s + 2.0
        while len(mapped) < count and time.monotonic() < deadline:
            event = link.get(0.2)
            if event is not None and event.trigger is not None:
                receipt_to_event.append(clock.now_ns() - event.rx_ns)
                mapped[event.trigger.n] = event.rx_ns
    wire = [mapped[t.n] - t.host_ns for t in emulator.truth if t.n in mapped]
    folder.rmdir()
    yield f"triggers over a pty at {rate_hz:.0f}/s: {len(mapped)} of {count} received"
    yield _percentiles("receipt to event (read -> consumer)", receipt_to_event)
    yield _percentiles("pull to receipt (emulator -> read)", wire)


def _percentiles(label: str, values_ns: list[int]) -> str:
    if not values_ns:
        return f"{label}: no samples"
    p50, p99, top = percentiles_ms(values_ns, (50, 99, 100))
    return f"{label:<40} p50 {p50:7.3f} ms  p99 {p99:7.3f} ms  max {top:7.3f} ms"


def run_bench(seconds: float) -> Iterator[str]:
    yield "serial parser throughput"
    yield from parser_figures(seconds * 0.5)
    yield "serial link latency"
    yield from latency_figures(seconds * 0.5)
