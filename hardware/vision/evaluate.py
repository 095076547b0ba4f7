"""Running the detector over the recorded clips and stills and scoring it (see `judge`),
and calibrating on the recorded calibration views."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2

from hardware.errors import CalibrationError, MediaError
from hardware.events import SpotEvent
from hardware.vision.calibration import Calibration
from hardware.vision.detector import ShotDetector, detect_still
from hardware.vision.frames import Frame
from hardware.vision.judge import CalibrationCase, ClipCase, Expected, Point, Score, score_clip
from hardware.vision.rig import calibrate_source
from hardware.vision.sources import VideoSource
from hardware.vision.spots import DetectorConfig

# ShootOFF's pattern image (10 x 7 squares of 168 px and an 11 px edge), shown unscaled:
# only acceptance and the bounds in camera pixels are judged, but this way the summary's
# projected area is the real one.
PEER_PROJECTOR = (1702, 1198)
CALIBRATION_FRAMES = 400  # how much of a calibration clip the judge looks through
BOUNDS_TOLERANCE_PX = 1


@dataclass(frozen=True, slots=True)
class CalibrationResult:
    case: CalibrationCase
    calibration: Calibration | None  # None: refused
    refusal: str = ""

    @property
    def bounds(self) -> tuple[int, int, int, int] | None:
        return self.calibration.shootoff_bounds if self.calibration else None

    @property
    def passed(self) -> bool:
        if (self.calibration is not None) != self.case.accept:
            return False
        if self.case.bounds is None:
            return True
        return self.bounds is not None and max(
            abs(a - b) for a, b in zip(self.bounds, self.case.bounds, strict=True)
        ) <= BOUNDS_TOLERANCE_PX


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


def judge_calibration(root: Path, case: CalibrationCase) -> CalibrationResult:
    try:
        cal = calibrate_source(str(root / case.file), PEER_PROJECTOR, CALIBRATION_FRAMES)
    except CalibrationError as exc:
        return CalibrationResult(case, None, str(exc))
    return CalibrationResult(case, cal)


def calibration_lines(results: Iterable[CalibrationResult]) -> list[str]:
    """One line per calibration view: accepted or refused as expected, bounds within 1 px."""
    lines = [f"{'calibration view':44s} {'expect':6s} {'got':6s}  {'bounds':15s} "
             f"{'expected':15s} verdict"]
    for r in results:
        def show(b: tuple[int, ...] | None) -> str:
            return " ".join(map(str, b)) if b else "-"
        lines.append(f"{Path(r.case.file).name[:44]:44s} "
                     f"{'accept' if r.case.accept else 'refuse':6s} "
                     f"{'refuse' if r.calibration is None else 'accept':6s}  "
                     f"{show(r.bounds):15s} {show(r.case.bounds):15s} "
                     f"{'pass' if r.passed else 'FAIL'}")
        if r.refusal:
            lines.append(f"{'':4s}{r.refusal}")
    return lines


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
