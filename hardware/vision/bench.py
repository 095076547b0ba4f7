"""`holdfire bench vision`: detection cost per frame at three camera sizes, on one core,
beside the cost of one plain frame copy measured in the same run."""

from __future__ import annotations

import time

import cv2

from hardware.stats import percentiles_ms
from hardware.vision.detector import ShotDetector
from hardware.vision.frames import Frame
from hardware.vision.synthetic import SceneSpec, SyntheticSource

SIZES = ((640, 480), (1280, 720), (1920, 1080))
TARGET_MS = {(640, 480): 1.0, (1920, 1080): 3.0}
PERIOD_120FPS_MS = 1000 / 120


def _frames(size: tuple[int, int], n: int) -> list[Frame]:
    """A realistic clip: a projected scene, sensor noise, a laser pulse every ~0.5 s."""
    w, h = size
    src = SyntheticSource(SceneSpec(seed=7, width=w, height=h, frames=n, pulses=n // 15,
                                    colour="mixed", noise=2.0))
    return list(iter(src.read, None))


def measure(size: tuple[int, int], seconds: float, n_frames: int = 90
            ) -> tuple[float, float, float, float, int]:
    """(detect median ms, detect p99 ms, copy median ms, copy p99 ms, frames timed)."""
    frames = _frames(size, n_frames)
    det = ShotDetector()
    det_ns: list[int] = []
    copy_ns: list[int] = []
    deadline = time.perf_counter() + seconds
    i = 0
    while time.perf_counter() < deadline or i < len(frames):
        f = frames[i % len(frames)]
        frame = Frame(f.image, f.t_ns + (i // len(frames)) * 10**10, i)
        t0 = time.perf_counter_ns()
        det.feed(frame)
        t1 = time.perf_counter_ns()
        f.image.copy()
        t2 = time.perf_counter_ns()
        det_ns.append(t1 - t0)
        copy_ns.append(t2 - t1)
        i += 1
    d_med, d_p99 = percentiles_ms(det_ns, (50, 99))
    c_med, c_p99 = percentiles_ms(copy_ns, (50, 99))
    return d_med, d_p99, c_med, c_p99, i


def run_bench(seconds: float | None = None) -> list[str]:
    budget = (seconds if seconds is not None else 6.0) / len(SIZES)
    threads = cv2.getNumThreads()
    cv2.setNumThreads(1)  # one core, as the targets say
    try:
        rows = [(size, measure(size, budget)) for size in SIZES]
    finally:
        cv2.setNumThreads(threads)
    lines = [
        "vision detection cost per frame, one core (cv2.setNumThreads(1))",
        f"{'size':>10s} {'frames':>6s} {'median ms':>9s} {'p99 ms':>7s} "
        f"{'copy med':>8s} {'copy p99':>8s} {'x copy':>6s} {'target':>7s} {'median':>6s} "
        f"{'p99':>4s} {'p99 of 8.3ms':>12s}",
    ]
    for (w, h), (d_med, d_p99, c_med, c_p99, n) in rows:
        target = TARGET_MS.get((w, h))
        lines.append(
            f"{f'{w}x{h}':>10s} {n:6d} {d_med:9.3f} {d_p99:7.3f} {c_med:8.3f} {c_p99:8.3f} "
            f"{d_med / max(c_med, 1e-6):6.1f} {f'<{target:g}ms' if target else '-':>7s} "
            f"{_verdict(d_med, target):>6s} {_verdict(d_p99, target):>4s} "
            f"{100 * d_p99 / PERIOD_120FPS_MS:10.1f} %")
    lines.append("x copy: median detection cost over the median cost of copying one frame; "
                 "p99 of 8.3ms: the 99th percentile against one 120 fps frame period")
    return lines


def _verdict(ms: float, target: float | None) -> str:
    return "-" if target is None else ("ok" if ms <= target else "OVER")
