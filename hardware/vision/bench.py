"""`holdfire bench vision`: detection cost per frame on one core, per scene and camera
size, beside the cost of one plain frame copy measured in the same run.

Scenes are synthetic (a still projected scene; moving projected targets; people walking
through the view with moving targets and an exposure swing), each with a laser pulse
about every half second, and, where the peer's clips are at hand, its two motion clips.
The worst frame is printed as well as the median and the 99th percentile: the candidate
budget (`DetectorConfig.max_candidates`) is what bounds it. Beside the wall-clock figures,
the detector's own CPU time per frame (the thread's, `time.thread_time_ns`): on a shared
machine the wall clock's tail is mostly time the process waited for a core, which the
copy's own 99th percentile shows."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import cv2

from hardware.stats import percentiles_ms
from hardware.vision.detector import ShotDetector
from hardware.vision.frames import Frame
from hardware.vision.synthetic import SceneSpec, SyntheticSource

SIZES = ((640, 480), (1280, 720), (1920, 1080))
TARGET_P99_MS = {(640, 480): 2.0, (1920, 1080): 5.0}
PERIOD_120FPS_MS = 1000 / 120
CLIP_FRAMES = 120  # four seconds at 30 fps: a few pulses, and the movers cross the view
# Scene name -> what differs from a clean projected scene with sensor noise.
SCENES: dict[str, dict[str, Any]] = {
    "still": {},
    "motion": {"motion": 4, "motion_level": 140.0},
    "people": {"motion": 2, "motion_level": 200.0, "people": 2, "exposure": 0.1,
               "noise": 3.0},
}
PEER_MOTION_CLIPS = ("shotsearcher/lifecam-motion-in-room.mp4",
                     "shotsearcher/logitech-nobg-bouncingtargets-noshots.mp4")


@dataclass(frozen=True, slots=True)
class Timing:
    scene: str
    size: tuple[int, int]
    frames: int  # frames timed
    median_ms: float
    p99_ms: float
    worst_ms: float
    copy_median_ms: float
    copy_p99_ms: float
    cpu_median_ms: float  # the detector's thread CPU time: what waiting for a core leaves out
    cpu_p99_ms: float


def scene_frames(scene: str, size: tuple[int, int], n: int = CLIP_FRAMES) -> list[Frame]:
    w, h = size
    spec = SceneSpec(seed=7, width=w, height=h, frames=n, pulses=n // 15, colour="mixed",
                     noise=2.0)
    src = SyntheticSource(replace(spec, **SCENES[scene]))
    return list(iter(src.read, None))


def measure(scene: str, frames: Sequence[Frame], seconds: float) -> Timing:
    """Feed the clip over and over (each pass 10 s later) for `seconds`, at least once,
    timing each frame, and one plain copy of the same frame beside it."""
    det = ShotDetector()
    det_ns: list[int] = []
    cpu_ns: list[int] = []
    copy_ns: list[int] = []
    deadline = time.perf_counter() + seconds
    i = 0
    while time.perf_counter() < deadline or i < len(frames):
        f = frames[i % len(frames)]
        frame = Frame(f.image, f.t_ns + (i // len(frames)) * 10**10, i)
        c0, t0 = time.thread_time_ns(), time.perf_counter_ns()
        det.feed(frame)
        t1, c1 = time.perf_counter_ns(), time.thread_time_ns()
        f.image.copy()
        t2 = time.perf_counter_ns()
        det_ns.append(t1 - t0)
        cpu_ns.append(c1 - c0)
        copy_ns.append(t2 - t1)
        i += 1
    d_med, d_p99, d_max = percentiles_ms(det_ns, (50, 99, 100))
    c_med, c_p99 = percentiles_ms(copy_ns, (50, 99))
    u_med, u_p99 = percentiles_ms(cpu_ns, (50, 99))
    h, w = frames[0].image.shape[:2]
    return Timing(scene, (w, h), i, d_med, d_p99, d_max, c_med, c_p99, u_med, u_p99)


def run_bench(seconds: float | None = None, peer_data: Path | None = None) -> list[str]:
    """Every scene at every size, then the peer's motion clips if `peer_data` holds them."""
    clips = [peer_data / c for c in PEER_MOTION_CLIPS] if peer_data is not None else []
    clips = [c for c in clips if c.is_file()]
    cells = len(SCENES) * len(SIZES) + len(clips)
    budget = (seconds if seconds is not None else 9.0) / cells
    threads = cv2.getNumThreads()
    cv2.setNumThreads(1)  # one core, as the targets say
    try:
        rows = [measure(scene, scene_frames(scene, size), budget)
                for scene in SCENES for size in SIZES]
        rows += [measure(c.stem, _clip_frames(c), budget) for c in clips]
    finally:
        cv2.setNumThreads(threads)
    width = max(len(t.scene) for t in rows)
    lines = ["vision detection cost per frame, one core (cv2.setNumThreads(1))",
             f"{'scene':>{width}s} {'size':>9s} {'frames':>6s} {'median':>7s} {'p99':>6s} "
             f"{'worst':>6s} {'copy med':>8s} {'copy p99':>8s} {'cpu med':>7s} {'cpu p99':>7s} "
             f"{'x copy':>6s} {'p99 target':>10s} {'cpu p99':>8s} {'p99 of 8.3ms':>12s}"]
    lines += [_row(t, width) for t in rows]
    lines.append("ms per frame; cpu: the detector thread's CPU time (waiting for a core "
                 "left out); x copy: median detection over median copy of one frame; "
                 "p99 of 8.3ms: the 99th percentile against a 120 fps frame period")
    if peer_data is not None and not clips:
        lines.append(f"the peer's motion clips are not in {peer_data}: not measured")
    return lines


def _row(t: Timing, width: int) -> str:
    w, h = t.size
    return (f"{t.scene:>{width}s} {f'{w}x{h}':>9s} {t.frames:6d} {t.median_ms:7.3f} "
            f"{t.p99_ms:6.2f} {t.worst_ms:6.2f} {t.copy_median_ms:8.3f} {t.copy_p99_ms:8.3f} "
            f"{t.cpu_median_ms:7.3f} {t.cpu_p99_ms:7.2f} "
            f"{t.median_ms / max(t.copy_median_ms, 1e-6):6.1f} "
            f"{_verdict(t.size, t.p99_ms):>10s} {_verdict(t.size, t.cpu_p99_ms):>8s} "
            f"{100 * t.p99_ms / PERIOD_120FPS_MS:10.1f} %")


def _verdict(size: tuple[int, int], p99_ms: float) -> str:
    target = TARGET_P99_MS.get(size)
    return "-" if target is None else f"<{target:g} {'ok' if p99_ms <= target else 'OVER'}"


def _clip_frames(path: Path) -> list[Frame]:
    from hardware.vision.evaluate import read_frames

    return list(read_frames(path))
