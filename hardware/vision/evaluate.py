"""The one judge of the peer's corpus: the detector run over its recorded clips and
stills and scored by its rule (`judge`), its calibration views calibrated on and their
bounds compared with ShootOFF's (`shootoff_bounds`), and every difference held against the
documented known gaps (`known_gaps`). `holdfire judge-clips` and the tests both call
`judge_corpus`."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2

from hardware.errors import CalibrationError, MediaError
from hardware.events import SpotEvent
from hardware.vision.calibration import Calibration
from hardware.vision.config import DetectorConfig
from hardware.vision.detector import ShotDetector, detect_still
from hardware.vision.frames import Frame
from hardware.vision.judge import CalibrationCase, ClipCase, Expected, Point, Score, score_clip
from hardware.vision.known_gaps import KnownGap, Verdict, verdict
from hardware.vision.rig import calibrate_view
from hardware.vision.shootoff_bounds import peer_bounds
from hardware.vision.sources import VideoSource

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
    # ShootOFF's statement of the area (x, y, w, h); None if refused or its finder sees none
    bounds: tuple[int, int, int, int] | None = None

    @property
    def passed(self) -> bool:
        if (self.calibration is not None) != self.case.accept:
            return False
        if self.case.bounds is None:
            return True
        return self.bounds is not None and max(
            abs(a - b) for a, b in zip(self.bounds, self.case.bounds, strict=True)
        ) <= BOUNDS_TOLERANCE_PX

    def describe(self) -> str:
        got = "refused" if self.calibration is None else f"accepted, bounds {self.bounds}"
        want = "refuse" if not self.case.accept else f"accept, bounds {self.case.bounds}"
        return f"{self.case.file}: calibration {got}; the peer says {want}"


@dataclass(frozen=True, slots=True)
class CaseResult:
    case: ClipCase
    detections: tuple[SpotEvent, ...]
    score: Score  # by the peer's rule alone
    frames: int
    verdict: Verdict  # the score held against the known gaps


@dataclass(frozen=True, slots=True)
class Judgement:
    """The whole corpus judged: clips then stills, and calibration views, in the order of
    expected.json."""

    cases: tuple[CaseResult, ...]
    calibrations: tuple[CalibrationResult, ...]
    stray_gaps: tuple[KnownGap, ...]  # known gaps naming no clip or still of the corpus

    @property
    def passed(self) -> bool:
        return not self.failures()

    def failures(self) -> list[str]:
        """Every difference that is not a documented known gap, one line each."""
        return ([f"{r.case.file}: {f}" for r in self.cases for f in r.verdict.failures()]
                + [c.describe() for c in self.calibrations if not c.passed]
                + [f"known gap {g.describe()}: no such clip" for g in self.stray_gaps])

    def case(self, file: str) -> CaseResult:
        return next(r for r in self.cases if r.case.file == file)

    def calibration(self, file: str) -> CalibrationResult:
        return next(c for c in self.calibrations if c.case.file == file)

    def total(self) -> Score:
        total = Score()
        for r in self.cases:
            total.add(r.score)
        return total


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
    return [Point(e.x, e.y, e.colour, e.frame_index) for e in events]


def _result(case: ClipCase, events: Sequence[SpotEvent], frames: int,
            gaps: Sequence[KnownGap]) -> CaseResult:
    score = score_clip(case, points(events))
    return CaseResult(case, tuple(events), score, frames, verdict(case.file, score, gaps))


def judge_clip(root: Path, case: ClipCase, gaps: Sequence[KnownGap] = (),
               frames: Iterable[Frame] | None = None, config: DetectorConfig | None = None
               ) -> CaseResult:
    """One clip, read from `root` (or the `frames` given, e.g. altered ones), judged."""
    events, n = detect_frames(frames if frames is not None else read_frames(root / case.file),
                              config)
    return _result(case, events, n, gaps)


def judge_still(root: Path, case: ClipCase, gaps: Sequence[KnownGap] = ()) -> CaseResult:
    return _result(case, detect_still(load_still(root / case.file).image), 1, gaps)


def judge_calibration(root: Path, case: CalibrationCase) -> CalibrationResult:
    try:
        cal, view = calibrate_view(str(root / case.file), PEER_PROJECTOR, CALIBRATION_FRAMES)
    except CalibrationError as exc:
        return CalibrationResult(case, None, str(exc))
    return CalibrationResult(case, cal, bounds=peer_bounds(view, cal))


def judge_corpus(root: Path, expected: Expected, gaps: Sequence[KnownGap] = (),
                 config: DetectorConfig | None = None,
                 progress: Callable[[str], None] | None = None) -> Judgement:
    """Every clip, still and calibration view of the corpus at `root`, judged by the peer's
    rule, with `gaps` excusing exactly the differences they name. `progress` is told of
    each one as it is done (the corpus takes a while)."""
    total = len(expected.clips) + len(expected.stills) + len(expected.calibration)
    done = itertools.count(1)

    def told(result: CaseResult) -> CaseResult:
        if progress is not None:
            s = result.score
            progress(f"[{next(done)}/{total}] {result.case.file}: {s.found} found, "
                     f"{s.missed} missed, {s.false} false in {result.frames} frames")
        return result

    def told_calibration(result: CalibrationResult) -> CalibrationResult:
        if progress is not None:
            progress(f"[{next(done)}/{total}] {result.describe()}")
        return result

    cases = ([told(judge_clip(root, c, gaps, config=config)) for c in expected.clips]
             + [told(judge_still(root, c, gaps)) for c in expected.stills])
    files = {c.file for c in (*expected.clips, *expected.stills)}
    return Judgement(tuple(cases),
                     tuple(told_calibration(judge_calibration(root, c))
                           for c in expected.calibration),
                     tuple(g for g in gaps if g.clip not in files))
