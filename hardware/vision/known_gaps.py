"""Known gaps: differences from the peer's ground truth that were checked by eye and are
documented with their reason (`tests/data/vision/known_gaps.json`).

A gap names one difference: a shot of the peer's list that Holdfire misses, or a
detection that is in no list, by clip, frame and position. It excuses exactly that
difference and nothing else; any other difference fails, and so does a gap that is no
longer seen (an improvement), until the file is tightened. The peer's list gives no frame
numbers, so a missed shot is matched by its position alone; its frame says where to look.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from hardware.errors import MediaError
from hardware.vision.judge import Point, Score

Kind = Literal["missed", "false"]
KINDS: tuple[Kind, ...] = ("missed", "false")
FORMAT = "holdfire-known-gaps/1"
# Detections are deterministic, so positions barely move; this absorbs rounding in the
# file and the sub-pixel wobble of a rebuilt OpenCV, far below the peer's 3 px match.
GAP_TOLERANCE_PX = 2.0


@dataclass(frozen=True, slots=True)
class KnownGap:
    clip: str  # as in expected.json, e.g. "shotsearcher/c910_red_z.mp4"
    kind: Kind
    frame: int
    x: float  # judged (display) pixels, as the report prints them
    y: float
    why: str

    def excuses(self, clip: str, kind: Kind, point: Point) -> bool:
        if (clip, kind) != (self.clip, self.kind):
            return False
        if point.frame is not None and point.frame != self.frame:
            return False
        return (abs(point.x - self.x) <= GAP_TOLERANCE_PX
                and abs(point.y - self.y) <= GAP_TOLERANCE_PX)

    def describe(self) -> str:
        return f"{self.clip} frame {self.frame}: {self.kind} ({self.x:.1f}, {self.y:.1f})"


@dataclass(frozen=True, slots=True)
class Difference:
    """One way a clip's detections differ from the peer's list."""

    kind: Kind
    point: Point | None  # None where the clip is judged by its count alone
    gap: KnownGap | None  # the known gap that excuses it, if any

    def describe(self) -> str:
        if self.point is None:
            return f"{self.kind} (a count-only clip: no position)"
        p = self.point
        frame = "" if p.frame is None else f" frame {p.frame}"
        colour = f" {p.colour}" if self.kind == "false" else ""
        return f"{self.kind} ({p.x:.1f}, {p.y:.1f}){colour}{frame}"


@dataclass(frozen=True, slots=True)
class Verdict:
    """A clip's differences, which of them are known gaps, and the gaps it no longer shows."""

    differences: tuple[Difference, ...]
    unseen: tuple[KnownGap, ...]  # documented for this clip but not seen: tighten the file
    wrong_colour: int  # never excused

    @property
    def passed(self) -> bool:
        return not self.unseen and self.wrong_colour == 0 and all(
            d.gap is not None for d in self.differences)

    @property
    def only_known_gaps(self) -> bool:
        """Passes, but only by known gaps."""
        return self.passed and bool(self.differences)

    def failures(self) -> list[str]:
        return ([f"{d.describe()} is not a known gap" for d in self.differences
                 if d.gap is None]
                + [f"known gap {g.describe()} not seen: tighten the known gaps"
                   for g in self.unseen]
                + ([f"{self.wrong_colour} wrong colour"] if self.wrong_colour else []))


def verdict(clip: str, score: Score, gaps: Sequence[KnownGap]) -> Verdict:
    """Each missed and false shot of `score`, excused by a known gap of this clip where one
    names it (each gap excuses one difference)."""
    unused = [g for g in gaps if g.clip == clip]
    differences: list[Difference] = []
    listed: tuple[tuple[Kind, list[Point], int], ...] = (
        ("missed", score.missed_points, score.missed), ("false", score.false_points, score.false))
    for kind, points, count in listed:
        for p in points:
            gap = next((g for g in unused if g.excuses(clip, kind, p)), None)
            if gap is not None:
                unused.remove(gap)
            differences.append(Difference(kind, p, gap))
        differences.extend(Difference(kind, None, None) for _ in range(count - len(points)))
    return Verdict(tuple(differences), tuple(unused), score.wrong_colour)


def _gap(raw: Any, where: str) -> KnownGap:
    if raw.get("kind") not in KINDS:
        raise ValueError(f"{where}: kind must be one of {', '.join(KINDS)}")
    why = str(raw["why"]).strip()
    if not why:
        raise ValueError(f"{where}: a known gap needs its reason ('why')")
    return KnownGap(str(raw["clip"]), raw["kind"], int(raw["frame"]), float(raw["x"]),
                    float(raw["y"]), why)


def parse_known_gaps(text: str, source: str = "known_gaps.json") -> tuple[KnownGap, ...]:
    """Parse a known-gaps file (no I/O)."""
    try:
        raw = json.loads(text)
        if raw.get("format") != FORMAT:
            raise ValueError(f"format {raw.get('format')!r}, expected {FORMAT!r}")
        return tuple(_gap(g, f"gaps[{i}]") for i, g in enumerate(raw["gaps"]))
    except (json.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError) as exc:
        raise MediaError(f"{source}: not a valid known-gaps file ({exc})") from exc


def load_known_gaps(path: Path) -> tuple[KnownGap, ...]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise MediaError(f"{path}: cannot read the known gaps ({exc.strerror})") from exc
    return parse_known_gaps(text, str(path))
