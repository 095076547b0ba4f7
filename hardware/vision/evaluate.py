"""Running the detector over the recorded clips and stills and scoring it (see `judge`)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2

from hardware.errors import MediaError
from hardware.events import SpotEvent
from hardware.vision.detector import ShotDetector, detect_still
from hardware.vision.frames import Frame
from hardware.vision.judge import ClipCase, Expected, Point, Score, score_clip
from hardware.vision.sources import VideoSource
from hardware.vision.spots import DetectorConfig


@dataclass(frozen=True, slots=True)
class CaseResult:
    case: ClipCase
    detections: tuple[SpotEvent, ...]
    score: Score
    frames: int


def read_frames(path: Path) -> Iterator[Frame]:
    """Every frame of a clip in order, stamped with its presentation time."""
    src = VideoSource(str(path))
    try:
        while (frame := src.read()) is not None:
            yield frame
    finally:
        src.close()


def detect_frames(frames: Iterable[Frame], config: DetectorConfig | None = None
                  ) -> tuple[list[SpotEvent], int]:
    """Feed frames as a live camera would; every event, and the frame count."""
    det = ShotDetector(config or DetectorConfig())
    events: list[SpotEvent] = []
    n = 0
    for frame in frames:
        events.extend(det.feed(frame))
        n += 1
    events.extend(det.flush())
    return events, n


def load_still(path: Path) -> Frame:
    image = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if image is None:
        raise MediaError(f"{path}: cannot read as an image (expected PNG or JPEG)")
    return Frame(image, 0, 0)


def points(events: Iterable[SpotEvent]) -> list[Point]:
    return [Point(e.x, e.y, e.colour) for e in events]


def judge_clip(root: Path, case: ClipCase, frames: Iterable[Frame] | None = None,
               config: DetectorConfig | None = None) -> CaseResult:
    events, n = detect_frames(frames if frames is not None else read_frames(root / case.file),
                              config)
    return CaseResult(case, tuple(events), score_clip(case, points(events)), n)


def judge_still(root: Path, case: ClipCase) -> CaseResult:
    events = detect_still(load_still(root / case.file).image)
    return CaseResult(case, tuple(events), score_clip(case, points(events)), 1)


def judge_all(root: Path, expected: Expected, config: DetectorConfig | None = None
              ) -> list[CaseResult]:
    results = [judge_clip(root, c, config=config) for c in expected.clips]
    return results + [judge_still(root, c) for c in expected.stills]


def report_lines(results: Iterable[CaseResult]) -> list[str]:
    """One line per clip or still, then the total."""
    total = Score()
    lines = [f"{'clip':58s} {'found':>5s} {'missed':>6s} {'false':>5s} {'colour':>6s}  verdict"]
    for r in results:
        s = r.score
        total.add(s)
        name = Path(r.case.file).name
        lines.append(f"{name[:58]:58s} {s.found:5d} {s.missed:6d} {s.false:5d} "
                     f"{s.wrong_colour:6d}  {'pass' if s.passed else 'FAIL'}")
        lines.extend(f"{'':4s}missed ({p.x:.1f}, {p.y:.1f})" for p in s.missed_points)
        lines.extend(f"{'':4s}false  ({p.x:.1f}, {p.y:.1f}) {p.colour}" for p in s.false_points)
    lines.append(f"{'TOTAL':58s} {total.found:5d} {total.missed:6d} {total.false:5d} "
                 f"{total.wrong_colour:6d}")
    return lines
