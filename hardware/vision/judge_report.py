"""The text `holdfire judge-clips` prints for a `Judgement`: one line per clip or still
with its differences and whether each is a documented known gap, the total, one line per
calibration view, and the verdict."""

from __future__ import annotations

from pathlib import Path

from hardware.vision.evaluate import CalibrationResult, CaseResult, Judgement


def report_lines(judgement: Judgement) -> list[str]:
    lines = [f"{'clip':58s} {'found':>5s} {'missed':>6s} {'false':>5s} {'colour':>6s}  verdict"]
    for r in judgement.cases:
        lines.extend(_case_lines(r))
    t = judgement.total()
    lines.append(f"{'TOTAL':58s} {t.found:5d} {t.missed:6d} {t.false:5d} {t.wrong_colour:6d}")
    lines.append("")
    lines.extend(calibration_lines(judgement.calibrations))
    lines.append("")
    lines.extend(_verdict_lines(judgement))
    return lines


def _case_lines(r: CaseResult) -> list[str]:
    s, v = r.score, r.verdict
    shown = "FAIL" if not v.passed else "known gaps" if v.only_known_gaps else "pass"
    lines = [f"{Path(r.case.file).name[:58]:58s} {s.found:5d} {s.missed:6d} {s.false:5d} "
             f"{s.wrong_colour:6d}  {shown}"]
    for d in v.differences:
        why = f"known gap: {d.gap.why}" if d.gap else "NOT a known gap"
        lines.append(f"{'':4s}{d.describe()}  {why}")
    lines.extend(f"{'':4s}known gap not seen: {g.describe()}" for g in v.unseen)
    return lines


def calibration_lines(results: tuple[CalibrationResult, ...]) -> list[str]:
    """One line per calibration view: accepted or refused as expected, bounds within 1 px."""
    lines = [f"{'calibration view':44s} {'expect':6s} {'got':6s}  {'bounds':15s} "
             f"{'expected':15s} verdict"]
    for r in results:
        lines.append(f"{Path(r.case.file).name[:44]:44s} "
                     f"{'accept' if r.case.accept else 'refuse':6s} "
                     f"{'refuse' if r.calibration is None else 'accept':6s}  "
                     f"{_show(r.bounds):15s} {_show(r.case.bounds):15s} "
                     f"{'pass' if r.passed else 'FAIL'}")
        if r.refusal:
            lines.append(f"{'':4s}{r.refusal}")
    return lines


def _show(bounds: tuple[int, ...] | None) -> str:
    return " ".join(map(str, bounds)) if bounds else "-"


def _verdict_lines(judgement: Judgement) -> list[str]:
    failures = judgement.failures()
    if failures:
        return [f"FAIL: {len(failures)} not documented as known gaps:",
                *(f"{'':4s}{f}" for f in failures)]
    known = sum(len(r.verdict.differences) for r in judgement.cases)
    return [f"pass: every difference from the peer's lists ({known}) is a documented known gap"]
