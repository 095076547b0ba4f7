"""Reports from the records: an attempt, an officer's history with its trends, and the
CSV export for an agency's records system. Each carries the simulator rule stored with
the attempt and every unconfirmed figure of its course."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from range.records.queries import AttemptView

STEADY = 0.5  # percentage points per attempt: a smaller slope is no trend


def verdict(passed: bool, max_points: int, points: int) -> str:
    return f"{points}/{max_points} {'PASS' if passed else 'FAIL'}"


def attempt_text(view: AttemptView) -> str:
    a = view.attempt
    lines = [f"attempt {a.id}: {view.course.title}",
             f"officer {view.badge} {view.officer}; shot {a.shot_at}; fired by {a.source} "
             f"(seed {a.seed})" + (f" with {view.equipment}" if view.equipment else ""),
             f"course {view.course.name}, sha256 {view.course.sha256[:16]}...",
             ""]
    lines.append(f"{'stage':<52} {'par':>6} {'delay':>6} {'time':>6} {'hits':>5} "
                 f"{'points':>8}")
    by_stage: dict[int, list[Any]] = {}
    for shot in view.shots:
        by_stage.setdefault(shot.stage, []).append(shot)
    for stage in view.stages:
        shots = by_stage.get(stage.stage, [])
        counted = [s.t_s for s in shots if s.counted]
        time = f"{max(counted):.2f}" if counted else "-"
        par = f"{stage.par_s:g}{'' if stage.par_confirmed else '*'}"
        lines.append(f"{stage.stage:>2}. {stage.label[:48]:<48} {par:>6} "
                     f"{stage.delay_s:>6.2f} {time:>6} {stage.hits:>2}/{stage.rounds:<2} "
                     f"{stage.points:>3}/{stage.max_points:<3}")
        notes = sorted({s.note for s in shots if s.note and s.note != "miss"})
        if notes:
            lines.append(f"    {', '.join(notes)}")
    lines += ["", f"total {verdict(a.passed, a.max_points, a.points)} (pass mark "
                  f"{a.pass_points:g})"]
    if a.corrects_id is not None:
        lines.append(f"corrects attempt {a.corrects_id}: {a.correction_reason} (by "
                     f"{a.recorded_by})")
    if view.corrected_by:
        lines.append(f"CORRECTED by attempt {view.corrected_by[-1]}: this result no longer "
                     "stands")
    lines.append("signed off by " + ", ".join(f"{u} at {t}" for u, t in view.signoffs)
                 if view.signoffs else "not signed off")
    lines += [f"* {item}" for item in a.unconfirmed.splitlines()]
    lines.append(a.simulator_rule)
    return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class Trend:
    course: str
    attempts: int
    passed: int
    last: float
    best: float
    mean: float
    slope: float  # percentage points per attempt, least squares

    @property
    def words(self) -> str:
        if self.attempts < 3 or abs(self.slope) < STEADY:
            return "steady" if self.attempts >= 3 else "too few attempts for a trend"
        return "improving" if self.slope > 0 else "declining"


def current_attempts(rows: Sequence[Any]) -> list[Any]:
    """Attempts that stand: each corrected one replaced by its correction."""
    corrected = {r.corrects_id for r in rows if r.corrects_id is not None}
    return [r for r in rows if r.id not in corrected]


def trends(rows: Sequence[Any]) -> list[Trend]:
    by_course: dict[str, list[float]] = {}
    passes: dict[str, int] = {}
    for row in current_attempts(rows):
        by_course.setdefault(row.course, []).append(100.0 * row.points / row.max_points)
        passes[row.course] = passes.get(row.course, 0) + int(row.passed)
    return [Trend(course, len(scores), passes[course], scores[-1], max(scores),
                  sum(scores) / len(scores), _slope(scores))
            for course, scores in sorted(by_course.items())]


def _slope(values: list[float]) -> float:
    n = len(values)
    if n < 2:
        return 0.0
    mean_x, mean_y = (n - 1) / 2, sum(values) / n
    cov = sum((i - mean_x) * (v - mean_y) for i, v in enumerate(values))
    return cov / sum((i - mean_x) ** 2 for i in range(n))


def history_text(badge: str, name: str, rows: Sequence[Any], rule: str) -> str:
    lines = [f"history of officer {badge} {name}: {len(rows)} attempts", ""]
    corrected = {r.corrects_id for r in rows if r.corrects_id is not None}
    for row in rows:
        mark = " (corrected)" if row.id in corrected else ""
        fix = f" corrects {row.corrects_id}" if row.corrects_id is not None else ""
        lines.append(f"{row.id:>6}  {row.shot_at[:16]}  {row.course:<12} "
                     f"{verdict(row.passed, row.max_points, row.points)}{fix}{mark}")
    lines.append("")
    for t in trends(rows):
        lines.append(f"{t.course}: {t.attempts} attempts, {t.passed} passed; last "
                     f"{t.last:.0f}%, best {t.best:.0f}%, mean {t.mean:.0f}%; trend "
                     f"{t.slope:+.1f} points per attempt ({t.words})")
    lines.append(rule)
    return "\n".join(lines)


CSV_COLUMNS = ("attempt", "badge", "officer", "course", "course_sha256", "shot_at",
               "points", "max_points", "percent", "pass_points", "passed", "signed_off_by",
               "corrects", "corrected_by", "unconfirmed", "simulator_rule")


def csv_text(views: Sequence[AttemptView]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for v in views:
        a = v.attempt
        writer.writerow([a.id, v.badge, v.officer, v.course.name, v.course.sha256, a.shot_at,
                         a.points, a.max_points, f"{100 * a.points / a.max_points:.1f}",
                         f"{a.pass_points:g}", "yes" if a.passed else "no",
                         ";".join(u for u, _ in v.signoffs), a.corrects_id or "",
                         ";".join(map(str, v.corrected_by)), " | ".join(
                             a.unconfirmed.splitlines()), a.simulator_rule])
    return out.getvalue()
