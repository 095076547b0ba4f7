"""Judging detections against ShootOFF's ground truth (`expected.json`).

The rule (peer-data README): every required shot matched by a distinct detection within
the tolerance on both axes, each optional shot may absorb one more detection, anything
left over is a false shot; colour must be right on `strict` clips; `count` clips are
negatives that must give exactly zero shots.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from hardware.errors import MediaError

ColourCheck = Literal["strict", "lenient", "count"]


@dataclass(frozen=True, slots=True)
class Point:
    x: float
    y: float
    colour: str
    frame: int | None = None  # a detection's frame; the peer's shots have none


@dataclass(frozen=True, slots=True)
class ClipCase:
    file: str
    width: int
    height: int
    colour_check: ColourCheck
    required: tuple[Point, ...]
    optional: tuple[Point, ...]
    display_scale: float = 1.0
    ignore_region: tuple[float, float, float, float] | None = None
    tolerance: float = 3.0
    exact_count: int | None = None  # `count` clips: how many shots, positions unchecked


@dataclass(frozen=True, slots=True)
class CalibrationCase:
    file: str
    accept: bool
    bounds: tuple[int, int, int, int] | None


@dataclass(frozen=True, slots=True)
class Expected:
    clips: tuple[ClipCase, ...]
    stills: tuple[ClipCase, ...]  # a still is judged like a one-frame strict clip
    calibration: tuple[CalibrationCase, ...]


@dataclass(slots=True)
class Score:
    """found / missed / false / wrong colour for one clip (or a total)."""

    found: int = 0
    missed: int = 0
    false: int = 0
    wrong_colour: int = 0
    colour_warnings: int = 0
    missed_points: list[Point] = field(default_factory=list)
    false_points: list[Point] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return self.missed == 0 and self.false == 0 and self.wrong_colour == 0

    def add(self, other: Score) -> None:
        self.found += other.found
        self.missed += other.missed
        self.false += other.false
        self.wrong_colour += other.wrong_colour
        self.colour_warnings += other.colour_warnings


def _where(source: str, key: str) -> str:
    return f"{source}: {key}"


def _points(raw: Any, source: str, key: str) -> tuple[Point, ...]:
    if not isinstance(raw, list):
        raise MediaError(f"{_where(source, key)}: expected a list of shots, found {raw!r}")
    out = []
    for i, item in enumerate(raw):
        try:
            out.append(Point(float(item["x"]), float(item["y"]), str(item.get("colour", ""))))
        except (KeyError, TypeError, ValueError) as exc:
            raise MediaError(
                f"{_where(source, f'{key}[{i}]')}: expected {{x, y, colour}}, found {item!r}"
            ) from exc
    return tuple(out)


def _clip(raw: dict[str, Any], source: str, default_tol: float) -> ClipCase:
    check = raw.get("colour_check", "strict")
    if check not in ("strict", "lenient", "count"):
        raise MediaError(f"{_where(source, raw.get('file', '?'))}: bad colour_check {check!r}")
    region = raw.get("ignore_region")
    return ClipCase(
        file=str(raw["file"]),
        width=int(raw.get("width", 0)),
        height=int(raw.get("height", 0)),
        colour_check=check,
        required=_points(raw.get("required", raw.get("shots", [])), source, "required"),
        optional=_points(raw.get("optional", []), source, "optional"),
        display_scale=float(raw.get("display_scale", 1.0)),
        ignore_region=tuple(float(v) for v in region) if region else None,  # type: ignore[arg-type]
        tolerance=float(raw.get("tolerance_px", default_tol)),
        exact_count=int(raw["exact_count"]) if raw.get("exact_count") is not None else None,
    )


def parse_expected(text: str, source: str = "expected.json") -> Expected:
    """Parse the ground-truth file (no I/O)."""
    try:
        raw = json.loads(text)
        tol = float(raw.get("match_tolerance_px", 3))
        clips = tuple(_clip(c, source, tol) for c in raw.get("clips", []))
        stills = tuple(_clip(c, source, tol) for c in raw.get("stills", []))
        calib = tuple(
            CalibrationCase(
                str(c["file"]), bool(c["accept"]),
                tuple(int(v) for v in c["bounds"]) if c.get("bounds") else None,  # type: ignore[arg-type]
            )
            for c in raw.get("calibration", [])
        )
    except (json.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError) as exc:
        raise MediaError(f"{source}: not a valid ground-truth file ({exc})") from exc
    return Expected(clips, stills, calib)


def load_expected(path: Path) -> Expected:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise MediaError(f"{path}: cannot read the ground-truth file ({exc.strerror})") from exc
    return parse_expected(text, str(path))


def _near(a: Point, b: Point, tol: float) -> bool:
    return abs(a.x - b.x) <= tol and abs(a.y - b.y) <= tol


def _augment(left: int, adj: list[list[int]], owner: dict[int, int], seen: set[int]) -> bool:
    for d in adj[left]:
        if d in seen:
            continue
        seen.add(d)
        if d not in owner or _augment(owner[d], adj, owner, seen):
            owner[d] = left
            return True
    return False


def match(
    truth: Sequence[Point], required: int, dets: Sequence[Point], tol: float
) -> dict[int, int]:
    """Detection index -> truth index. The first `required` truths are matched first, so
    the matching is maximal for required shots; augmenting paths never unmatch them."""
    adj = [[j for j, d in enumerate(dets) if _near(t, d, tol)] for t in truth]
    owner: dict[int, int] = {}
    for i in range(len(truth)):
        _augment(i, adj, owner, set())
    return owner


def score_clip(case: ClipCase, detections: Sequence[Point]) -> Score:
    """Score detections given in feed pixels against one clip's truth."""
    s = case.display_scale
    dets = [replace(d, x=d.x * s, y=d.y * s) for d in detections]
    if case.colour_check == "count" and case.exact_count and not case.required:
        n = len(dets)  # a count clip with shots but no positions: only the number counts
        return Score(found=min(n, case.exact_count), missed=max(0, case.exact_count - n),
                     false=max(0, n - case.exact_count))
    if case.ignore_region:
        rx, ry, rw, rh = case.ignore_region
        dets = [d for d in dets if not (rx <= d.x < rx + rw and ry <= d.y < ry + rh)]
    truth = [*case.required, *case.optional]
    owner = match(truth, len(case.required), dets, case.tolerance)
    score = Score()
    matched_truth = set(owner.values())
    for i, t in enumerate(case.required):
        if i in matched_truth:
            score.found += 1
        else:
            score.missed += 1
            score.missed_points.append(t)
    for j, d in enumerate(dets):
        if j not in owner:
            score.false += 1
            score.false_points.append(d)
        elif truth[owner[j]].colour and truth[owner[j]].colour != d.colour:
            if case.colour_check == "strict":
                score.wrong_colour += 1
            else:
                score.colour_warnings += 1
    return score
