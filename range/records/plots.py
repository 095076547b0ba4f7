"""Plots of the records (matplotlib, drawn off-screen): an attempt's shot groups on its
targets, and an officer's scores over time beside each course's pass mark."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from range.courses.targets import INCH, TARGETS, Target
from range.records.queries import AttemptView
from range.records.reports import current_attempts

AREA_COLOURS = {"score": "#c9c3b4", "prefer": "#a8c4a0", "avoid": "#d69e96",
                "neutral": "#d8d4c8"}


def _figure(width: float, height: float) -> Any:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=110)


def _png(figure: Any) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def _draw_target(axes: Any, target: Target) -> None:
    from matplotlib.patches import Circle, Polygon, Rectangle

    left, bottom, right, top = (v / INCH for v in target.sheet)
    axes.add_patch(Rectangle((left, bottom), right - left, top - bottom, color="#ece4cc"))
    for zone in reversed(target.zones):
        colour = AREA_COLOURS[zone.area]
        if zone.circle is not None:
            cx, cy, r = (v / INCH for v in zone.circle)
            axes.add_patch(Circle((cx, cy), r, facecolor=colour, edgecolor="#333"))
        else:
            axes.add_patch(Polygon([(x / INCH, y / INCH) for x, y in zone.outline],
                                   facecolor=colour, edgecolor="#333"))
    axes.set_xlim(left - 1, right + 1)
    axes.set_ylim(bottom - 1, top + 1)
    axes.set_aspect("equal")
    axes.set_xlabel("inches")


def shot_group_png(view: AttemptView) -> bytes:
    """Each target of the attempt with its hits, one colour per stage; misses that met
    the target plane beyond the sheet are left out, counted in the title."""
    targets = list(dict.fromkeys(s.target for s in view.stages))
    figure = _figure(4.2 * len(targets) + 3.4, 6.4)
    axes_list = figure.subplots(1, len(targets), squeeze=False)[0]
    from matplotlib import colormaps
    from matplotlib.lines import Line2D

    cmap = colormaps["tab20"]
    for axes, name in zip(axes_list, targets, strict=True):
        target = TARGETS[name]()
        _draw_target(axes, target)
        stages = {s.stage: s for s in view.stages if s.target == name}
        off = 0
        for shot in view.shots:
            if shot.stage not in stages or shot.x_m is None:
                continue
            x, y = shot.x_m / INCH, shot.y_m / INCH
            left, bottom, right, top = (v / INCH for v in target.sheet)
            if not (left <= x <= right and bottom <= y <= top):
                off += 1
                continue
            colour = cmap(shot.stage % 20)
            marker = "o" if shot.counted else "x"
            axes.plot(x, y, marker, color=colour, markersize=5, markeredgecolor="black"
                      if shot.counted else colour)
            if shot.x2_m is not None:
                axes.plot([x, shot.x2_m / INCH], [y, shot.y2_m / INCH], "-", color=colour,
                          linewidth=0.8)
                axes.plot(shot.x2_m / INCH, shot.y2_m / INCH, "s", color=colour,
                          markersize=4)
        axes.set_title(f"{target.title}" + (f"\n({off} shots off the sheet)" if off else ""),
                       fontsize=9)
    handles = [Line2D([], [], marker="o", linestyle="", color=cmap(s.stage % 20),
                      label=f"{s.stage}. {s.label[:40]}") for s in view.stages]
    figure.legend(handles=handles, loc="center right", fontsize=7, frameon=False)
    a = view.attempt
    figure.suptitle(f"attempt {a.id}: {view.badge} {view.officer}, {view.course.name}, "
                    f"{a.points}/{a.max_points} {'PASS' if a.passed else 'FAIL'}", fontsize=10)
    figure.text(0.01, 0.045, "o: counted   x: not counted (over par, extra)   square: "
                "lower TASER probe", fontsize=7)
    figure.text(0.01, 0.01, a.simulator_rule, fontsize=7)
    figure.subplots_adjust(left=0.06, right=0.52 if len(targets) == 1 else 0.72,
                           bottom=0.15, top=0.88)
    return _png(figure)


def history_png(badge: str, name: str, rows: Sequence[Any], rule: str) -> bytes:
    figure = _figure(8.0, 4.2)
    axes = figure.subplots()
    courses = sorted({r.course for r in rows})
    standing = current_attempts(rows)
    for course in courses:
        mine = [(i, r) for i, r in enumerate(standing) if r.course == course]
        xs = [i + 1 for i, _ in mine]
        ys = [100.0 * r.points / r.max_points for _, r in mine]
        line = axes.plot(xs, ys, "-", label=course)[0]
        mark = 100.0 * mine[-1][1].pass_points / mine[-1][1].max_points
        axes.axhline(mark, color=line.get_color(), linestyle=":", linewidth=1)
        for x, (_, r), y in zip(xs, mine, ys, strict=True):
            axes.plot(x, y, "o" if r.passed else "X", color=line.get_color(),
                      markeredgecolor="black" if r.passed else "red")
    from matplotlib.ticker import MaxNLocator

    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_ylim(0, 105)
    axes.set_xlabel("attempt (corrections replace what they correct)")
    axes.set_ylabel("score, % of the course's points")
    axes.grid(alpha=0.3)
    if courses:
        axes.legend(fontsize=8, loc="lower right")
    axes.set_title(f"officer {badge} {name}: {len(standing)} attempts (X: failed; "
                   "dotted: pass mark)",
                   fontsize=10)
    figure.text(0.01, 0.01, rule, fontsize=7)
    figure.subplots_adjust(bottom=0.18)
    return _png(figure)
