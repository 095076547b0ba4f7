"""The decision report as plain text for the terminal.

Layout only: every figure and every indicator's wording comes from the report; this
module turns codes into words (`range.analysis.words`) and leaves out sections with
nothing in them. Times are printed in seconds with millisecond precision, distances in
feet with metres beside.
"""

from __future__ import annotations

from collections.abc import Sequence

from range.analysis import words
from range.analysis.report import (
    ActorHits,
    BranchKeyEntry,
    DecisionReport,
    ForceUse,
    FramesShown,
    ShotsAfterThreat,
    ThreatCue,
)


def render_text(report: DecisionReport) -> str:
    d = report.de_escalation
    sections = [
        _header(report),
        _section("Summary", list(report.summary)),
        _section("Notes", [f"- {n}" for n in report.notes]),
        _section("Threat cues and first responses", _cues(report.cues)),
        _section("Each use of force against the policy", _force(report.force)),
        _section("Where each round went", _table(
            ["shot", "weapon", "at", "where it went"],
            [[str(r.shot), words.weapon(r.weapon), _s(r.time_s), r.text]
             for r in report.rounds])),
        _section("Shots after the threat ended", _after(report.after_threat)),
        _section("De-escalation", [f"- {line}" for line in d.lines] if d else []),
        _section("Split times", _table(
            ["weapon", "shots", "at", "split"],
            [[words.weapon(s.weapon), f"{s.from_shot} then {s.to_shot}", _s(s.time_s),
              _s(s.split_s)] for s in report.splits])),
        _section("Bullet hits by person and zone", _hits(report.hits)),
        _section("Bystander hits", _table(
            ["at", "bystander", "shot", "weapon", "by", "zone", "distance"],
            [[_s(b.time_s), b.actor, str(b.shot), words.weapon(b.weapon), b.by,
              words.zone(b.zone), _distance(b.distance_m, b.distance_ft)]
             for b in report.bystander_hits])),
        _section("TASER deployments", _table(
            ["at", "shot", "device", "person", "result", "spread", "distance", "cycle ended",
             "reason"],
            [[_s(t.time_s), str(t.shot), words.weapon(t.weapon), t.actor or "-",
              words.plain(t.result), _spread(t.spread_in, t.spread_cm),
              _distance(t.distance_m, t.distance_ft), _s(t.cycle_ended_s), t.reason]
             for t in report.taser])),
        _section("Weapon transitions", _table(
            ["transition", "from", "to", "time", "reference"],
            [[words.plain(t.direction).replace("taser", "TASER"),
              f"{t.from_what} (shot {t.from_shot}) at {_s(t.from_s)}",
              f"shot {t.to_shot} at {_s(t.to_s)}", _s(t.seconds), t.reference or "-"]
             for t in report.transitions])),
        _section("Attacks on the officer", _table(
            ["at", "person", "distance", "what happened"],
            [[_s(a.time_s), a.actor, _distance(a.distance_m, a.distance_ft), a.text]
             for a in report.attacks])),
        _section("Instructor branch keys (audit trail)", _keys(report.branch_keys)),
        _section("Reference figures (context from studies, not standards)", _table(
            ["figure", "value", "source"],
            [[r.label, r.text, r.source] for r in report.reference])),
    ]
    return "\n\n".join(s for s in sections if s) + "\n"


def _header(report: DecisionReport) -> str:
    s = report.scenario
    return "\n".join([
        f"Holdfire debrief: {s.title} ({s.scenario}), seed {s.seed}",
        f"Policy: {s.policy_title} ({s.policy_applied}); ended at {_s(s.end_s)}: "
        f"{words.plain(s.end_reason)}",
        *([_frames_line(report.frames)] if report.frames else []),
        report.about,
    ])


def _frames_line(frames: FramesShown) -> str:
    return (f"Projector: {frames.count} frames shown, {frames.median_interval_ms:.1f} ms "
            f"apart (worst {frames.worst_interval_ms:.1f} ms), {frames.dropped} dropped; "
            "reaction times run from the frame that first showed each cue")


def _section(title: str, lines: Sequence[str]) -> str:
    """A titled block, or "" when there is nothing to show."""
    return "\n".join([title, "-" * len(title), *lines]) if lines else ""


def _cues(cues: Sequence[ThreatCue]) -> list[str]:
    lines: list[str] = []
    for c in cues:
        shown = f"; on screen at {_s(c.shown_s)}" if c.shown_s is not None else ""
        lines += [
            f"{_s(c.time_s)}  {_who(c.actor, c.role)} {c.what}, "
            f"{_distance(c.distance_m, c.distance_ft)} away{shown}",
            f"    {_cue_summary(c)}",
            *(f"    {line}" for line in _table(
                ["option", "input", "at", "after the cue", "distance", "against the policy"],
                [[words.option(r.option),
                  f"'{words.plain(r.what)}'" if r.option == "verbal" else r.what,
                  _s(r.time_s), _s(r.latency_s),
                  _distance(r.distance_m, r.distance_ft), r.policy] for r in c.responses])),
            f"    policy expects at {words.level(c.threat)}: {words.options(c.policy_expects)}"
            + (f" ({c.policy_note})" if c.policy_note else ""),
            *([f"    for context: {c.reference}"] if c.reference else []),
        ]
    return lines


def _who(actor: str, role: str) -> str:
    return actor if actor == role else f"{actor} ({role})"


def _cue_summary(c: ThreatCue) -> str:
    if c.first_response is None:
        return f"no response before {c.window_end} at {_s(c.window_end_s)}"
    r = c.first_response
    what = f"'{words.plain(r.what)}'" if r.option == "verbal" else r.what
    return (f"first response: {words.option(r.option)} ({what}) after "
            f"{_s(r.latency_s)}; at {_s(c.window_end_s)} {c.window_end}")


def _force(uses: Sequence[ForceUse]) -> list[str]:
    rows = []
    for u in uses:
        for n, i in enumerate(u.indicators):
            first = n == 0
            rows.append([
                _s(u.time_s) if first else "", str(u.shot) if first else "",
                u.weapon_label if first else "", i.actor or "-", i.relation,
                words.level(i.threat) if i.threat else "-", i.policy])
    return _table(["at", "shot", "weapon", "person", "how", "his threat then",
                   "against the policy"], rows)


def _after(items: Sequence[ShotsAfterThreat]) -> list[str]:
    return _table(
        ["stop cue", "person", "what", "shots after", "last shot after the cue",
         "reference"],
        [[_s(a.time_s), a.actor, a.stop_cue,
          f"{a.count}" + (f" (shot {', '.join(str(n) for n in a.shots)})" if a.shots else ""),
          "-" if a.time_to_stop_s is None
          else f"{_s(a.time_to_stop_s)} (stop reaction at least this)",
          a.reference or "-"] for a in items])


def _hits(items: Sequence[ActorHits]) -> list[str]:
    shown = [h for h in items if h.total or h.aimed]
    zones = list(shown[0].zones) if shown else []
    return _table(
        ["person", "role", "rounds at him", "hits", *(words.zone(z) for z in zones)],
        [[h.actor, h.role, str(h.aimed), str(h.total), *(str(n) for n in h.zones.values())]
         for h in shown])


def _keys(entries: Sequence[BranchKeyEntry]) -> list[str]:
    return _table(
        ["at", "key", "operator", "effect"],
        [[_s(k.time_s), k.key, k.operator,
          "; ".join(f"{e.actor} -> {words.plain(e.state)} ({words.level(e.threat)}) at "
                    f"{_s(e.time_s)}" for e in k.effects) or "no state change recorded"]
         for k in entries])


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """Left-aligned columns, two spaces apart; no lines at all for no rows."""
    if not rows:
        return []
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
