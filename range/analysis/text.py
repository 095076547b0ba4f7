"""The decision report as a plain-text table for the terminal.

Layout only: every figure and every indicator's wording comes from the report. Times are
printed in seconds with millisecond precision, distances in feet with metres beside.
"""

from __future__ import annotations

from collections.abc import Sequence

from range.analysis.report import (
    ActorHits,
    BranchKeyEntry,
    DecisionReport,
    FramesShown,
    ShotsAfterThreat,
    ThreatCue,
)

NONE = "none recorded"


def render_text(report: DecisionReport) -> str:
    sections = [
        _header(report), _section("Notes", [f"- {n}" for n in report.notes] or ["- none"]),
        _section("Threat cues and first responses", _cues(report.cues)),
        _section("Shots after the threat ended", _after(report.after_threat)),
        _section("Split times", _table(
            ["family", "shots", "weapon", "at", "split"],
            [[s.family, f"{s.from_shot} -> {s.to_shot}", s.weapon, _s(s.time_s), _s(s.split_s)]
             for s in report.splits])),
        _section("Hits by zone (bullets)", _hits(report.hits)),
        _section("Bystander hits", _table(
            ["at", "bystander", "shot", "weapon", "by", "zone", "distance"],
            [[_s(b.time_s), b.actor, str(b.shot), b.weapon, b.by, b.zone or "-",
              _distance(b.distance_m, b.distance_ft)] for b in report.bystander_hits])),
        _section("TASER deployments", _table(
            ["at", "shot", "weapon", "actor", "result", "spread", "distance", "cycle end",
             "reason"],
            [[_s(t.time_s), str(t.shot), f"{t.weapon}/{t.cartridge}", t.actor or "-", t.result,
              _spread(t.spread_in, t.spread_cm), _distance(t.distance_m, t.distance_ft),
              _s(t.cycle_ended_s), t.reason] for t in report.taser])),
        _section("Weapon transitions", _table(
            ["transition", "from", "to", "time", "reference"],
            [[t.direction.replace("_", " "), f"{t.from_what} (shot {t.from_shot}) at "
              f"{_s(t.from_s)}", f"shot {t.to_shot} at {_s(t.to_s)}", _s(t.seconds),
              t.reference or "-"] for t in report.transitions])),
        _section("Attacks on the officer", _table(
            ["at", "actor", "attack", "distance"],
            [[_s(a.time_s), a.actor, a.attack, _distance(a.distance_m, a.distance_ft)]
             for a in report.attacks])),
        _section("Instructor branch keys (audit trail)", _keys(report.branch_keys)),
        _section("Reference figures (context from studies, not standards)", _table(
            ["figure", "value", "source"],
            [[r.label, r.text, r.source] for r in report.reference])),
    ]
    return "\n\n".join(sections) + "\n"


def _header(report: DecisionReport) -> str:
    s, i = report.scenario, report.inputs
    unconfirmed = ", ".join(str(n) for n in i.unconfirmed_shots) or "none"
    return "\n".join([
        f"Holdfire debrief: {s.title} ({s.scenario}), seed {s.seed}",
        f"Policy applied: {s.policy_applied} ({s.policy_title}); the run names "
        f"{s.policy_in_log}",
        f"Ended at {_s(s.end_s)}: {s.end_reason}",
        f"Officer inputs: {i.verbal_commands} verbal command(s), {i.taser_shots} TASER "
        f"shot(s), {i.firearm_shots} firearm shot(s); unconfirmed shots (not scored): "
        f"{unconfirmed}",
        *([_frames_line(report.frames)] if report.frames else []),
        report.about,
    ])


def _frames_line(frames: FramesShown) -> str:
    return (f"Projector: {frames.count} frames shown, {frames.median_interval_ms:.1f} ms "
            f"apart (worst {frames.worst_interval_ms:.1f} ms), {frames.dropped} dropped; "
            "reaction times run from the frame that first showed each cue")


def _section(title: str, lines: Sequence[str]) -> str:
    return "\n".join([title, "-" * len(title), *lines])


def _cues(cues: Sequence[ThreatCue]) -> list[str]:
    lines: list[str] = []
    for c in cues:
        lines += [
            f"{_s(c.time_s)}  {c.actor} ({c.role}): {c.previous_threat or 'start'} -> "
            f"{c.threat}, state {c.state}, cause {c.cause}, at "
            f"{_distance(c.distance_m, c.distance_ft)}"
            + (f"; on screen at {_s(c.shown_s)}" if c.shown_s is not None else ""),
            f"    {c.summary}",
            *(f"    {line}" for line in _table(
                ["option", "input", "at", "after cue", "distance", "against the policy"],
                [[r.option, r.what, _s(r.time_s), _s(r.latency_s),
                  _distance(r.distance_m, r.distance_ft), r.policy] for r in c.responses])
              if c.responses),
            f"    policy expects at {c.threat}: {', '.join(c.policy_expects)}"
            + (f" ({c.policy_note})" if c.policy_note else ""),
            f"    window: until {c.window_end} at {_s(c.window_end_s)}"
            + (f"; reference: {c.reference}" if c.reference else ""),
        ]
    return lines or [NONE]


def _after(items: Sequence[ShotsAfterThreat]) -> list[str]:
    return _table(
        ["threat ended", "actor", "state (cause)", "shots after", "time to stop",
         "reference"],
        [[_s(a.time_s), a.actor, f"{a.state} ({a.cause})",
          f"{a.count}" + (f": {', '.join(str(n) for n in a.shots)}" if a.shots else ""),
          _s(a.time_to_stop_s), a.reference or "-"] for a in items])


def _hits(items: Sequence[ActorHits]) -> list[str]:
    zones = list(items[0].zones) if items else []
    return _table(
        ["actor", "role", *zones, "total", "shots"],
        [[h.actor, h.role, *(str(n) for n in h.zones.values()), str(h.total),
          ", ".join(str(n) for n in h.shots) or "-"] for h in items])


def _keys(entries: Sequence[BranchKeyEntry]) -> list[str]:
    return _table(
        ["at", "key", "operator", "effect"],
        [[_s(k.time_s), k.key, k.operator,
          "; ".join(f"{e.actor} -> {e.state} ({e.threat}) at {_s(e.time_s)}"
                    for e in k.effects) or "no state change recorded"] for k in entries])


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """Left-aligned columns, two spaces apart; "none recorded" for no rows."""
    if not rows:
        return [NONE]
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows,
                                                                        strict=True)]
    return ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
            for row in [list(headers), *rows]]


def _s(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds:.3f} s"


def _distance(metres: float | None, feet: float | None) -> str:
    return "-" if metres is None or feet is None else f"{feet:.1f} ft ({metres:.2f} m)"


def _spread(inches: float | None, cm: float | None) -> str:
    return "-" if inches is None or cm is None else f"{inches:.1f} in ({cm:.1f} cm)"
