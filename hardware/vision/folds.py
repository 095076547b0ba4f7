"""Held-out figures for the detector: leave one camera out over the peer's clips and stills.

Tuning on the clips one is judged on flatters: a setting that fits every clip held may
fit none held back. And clips from one camera share its optics, noise and exposure, so
holding out one clip while its siblings from the same camera stay in tells little about
a camera never seen. So a few of the detector's settings, each with a physical reason
(`GRID`), are tried on every clip and still once; then, for each camera kind in turn
(`camera_kind`: the ShootOFF clips are named by camera), the setting that scores best on
*the other* kinds is chosen, and that kind's cases are judged with it. The sum of those
judgements is the held-out figure; beside it, the tuned figure (the setting best on all
cases, judged on the same cases) and the shipped defaults. A change to the detector is
accepted only when the held-out figure does not get worse.

The score used to choose is found - false - wrong colour (missed is what found is not);
ties go to the setting listed first in the grid, the shipped defaults."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from hardware.events import SpotEvent
from hardware.vision.config import DetectorConfig
from hardware.vision.detector import STILL_MIN_PURITY, ShotDetector, detect_still
from hardware.vision.evaluate import load_still, points, read_frames
from hardware.vision.judge import Expected, Score, score_clip

Overrides = tuple[tuple[str, float], ...]

# Settings tried, each for a physical reason: the smallest rise believed from a clipped
# dot (sensor noise and compression against a dim dot); how much new light a first
# sighting must show (moving content against a dot on a moving subject); whether a
# smeared first frame is placed on the next frame's compact dot (the recoil rule, found
# on two clips). The shipped defaults come first.
GRID: dict[str, tuple[float, ...]] = {
    "min_rise": (24, 18, 32),
    "min_new_light": (24, 16, 36),
    "min_core_fill": (0.74, 0.0),
}


def settings(grid: Mapping[str, Sequence[float]] = GRID) -> list[Overrides]:
    names = list(grid)
    return [tuple(zip(names, values, strict=True))
            for values in itertools.product(*(grid[n] for n in names))]


def configure(base: DetectorConfig, overrides: Overrides) -> DetectorConfig:
    """`base` with the overrides, whole numbers where the field is one."""
    typed = {k: type(getattr(base, k))(v) for k, v in overrides}
    return replace(base, **typed)


def describe(overrides: Overrides) -> str:
    return " ".join(f"{k}={v:g}" for k, v in overrides)


def camera_kind(case: str) -> str:
    """The camera a case was recorded with, from its file name: the ShootOFF clips are
    named camera first (`lifecam-indoor-green.mp4`, `c910_red_z.mp4`); the stills, all
    from one camera, are one kind."""
    name = Path(case).name
    if name.endswith(".png"):
        return "stills"
    return re.split(r"[-_]", name, maxsplit=1)[0]


def objective(s: Score) -> int:
    return s.found - s.false - s.wrong_colour


@dataclass(frozen=True, slots=True)
class HeldOut:
    case: str
    chosen: Overrides  # chosen on the cases of every other camera kind
    score: Score  # this case judged with it


@dataclass(frozen=True, slots=True)
class FoldReport:
    cases: tuple[str, ...]
    shipped: Score  # the defaults, on every case
    tuned_setting: Overrides
    tuned: Score  # the setting best on every case, on every case (in-sample)
    held_out: tuple[HeldOut, ...]

    def held_out_total(self) -> Score:
        return _total(h.score for h in self.held_out)

    def lines(self) -> list[str]:
        def row(name: str, s: Score) -> str:
            return f"{name:58s} {s.found:5d} {s.missed:6d} {s.false:5d} {s.wrong_colour:6d}"

        kinds = len({camera_kind(c) for c in self.cases})
        out = [f"leave one camera out: {len(self.cases)} clips and stills from {kinds} "
               "camera kinds (score = found - false - wrong colour)",
               f"{'':58s} {'found':>5s} {'missed':>6s} {'false':>5s} {'colour':>6s}",
               row("shipped defaults", self.shipped),
               row("tuned: the setting best on all, judged on all", self.tuned),
               row("held out: each kind judged with the setting best on the others",
                   self.held_out_total()),
               f"tuned setting: {describe(self.tuned_setting)}"]
        for h in self.held_out:
            s = h.score
            if s.missed or s.false or s.wrong_colour or h.chosen != self.tuned_setting:
                out.append(f"  {Path(h.case).name[:56]:56s} found {s.found} missed "
                           f"{s.missed} false {s.false} colour {s.wrong_colour} "
                           f"with {describe(h.chosen)}")
        return out


def _total(scores: Iterable[Score]) -> Score:
    total = Score()
    for s in scores:
        total.add(s)
    return total


def leave_one_out(table: Mapping[Overrides, Mapping[str, Score]],
                  kind: Callable[[str], str] = camera_kind) -> FoldReport:
    """From each setting's score on each case (settings in preference order): each case
    judged with the setting best on the cases of the other kinds (`kind`; pass
    `lambda c: c` to leave one case out)."""
    options = list(table)
    cases = tuple(table[options[0]])

    def best(on: Sequence[str]) -> Overrides:
        return max(options, key=lambda o: (sum(objective(table[o][c]) for c in on),
                                           -options.index(o)))

    tuned = best(cases)
    held = tuple(HeldOut(c, (pick := best([d for d in cases if kind(d) != kind(c)])),
                         table[pick][c]) for c in cases)
    return FoldReport(cases, _total([table[options[0]][c] for c in cases]), tuned,
                      _total([table[tuned][c] for c in cases]), held)


def score_table(root: Path, expected: Expected, options: Sequence[Overrides],
                progress: Callable[[str], None] | None = None
                ) -> dict[Overrides, dict[str, Score]]:
    """Every case judged with every setting."""
    table: dict[Overrides, dict[str, Score]] = {o: {} for o in options}
    for case in expected.clips:
        detectors = [ShotDetector(configure(DetectorConfig(), o)) for o in options]
        events: list[list[SpotEvent]] = [[] for _ in options]
        for frame in read_frames(root / case.file):  # decoded once, fed to every setting
            for det, found in zip(detectors, events, strict=True):
                found.extend(det.feed(frame))
        for o, det, found in zip(options, detectors, events, strict=True):
            table[o][case.file] = score_clip(case, points([*found, *det.flush()]))
        if progress is not None:
            progress(f"{case.file}: judged with {len(options)} settings")
    for case in expected.stills:
        image = load_still(root / case.file).image
        for o in options:
            cfg = configure(DetectorConfig(min_purity=STILL_MIN_PURITY), o)
            table[o][case.file] = score_clip(case, points(detect_still(image, cfg)))
    return table
