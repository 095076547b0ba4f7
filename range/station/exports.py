"""What the review exports, from the page or headless (`holdfire review --pdf --plot
--video --frames`): the trainee's view as PNG frames, a timing plot, a one-page debrief
PDF worded as indicators, and an MP4 of the session with the marks drawn on it. Every
file is written whole (under a temporary name, then renamed), so none is ever seen half
written."""

from __future__ import annotations

import io
import os
import threading
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from hardware.files import write_whole
from range.analysis.report import ABOUT
from range.errors import HoldfireError
from range.run.events import ActorStateChanged
from range.station.picture import png, rgb, scaled, surface_at
from range.station.review import Review
from range.station.rounds import Round
from range.vocabulary import ThreatLevel

VIEW_SIZE = (960, 540)  # exported frames and video: half the projector, sharp enough
THREAT_COLOURS = {0: "#3a9d4a", 1: "#d9b526", 2: "#e07a1f", 3: "#c62828"}
WENT = {"subject": "hit a subject", "bystander": "hit a BYSTANDER", "cover": "stopped by cover",
        "ground": "missed (the ground)", "nothing": "missed (out of the scene)",
        "off_screen": "fired off the screen", "in_flight": "still in flight at the end"}


class ExportError(HoldfireError):
    """An export that cannot be written."""


class Pictures:
    """The review's trainee view at any tick, one renderer kept (it caches the backdrop)."""

    def __init__(self, review: Review) -> None:
        os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
        from range.views.projector import SceneRenderer

        self.review = review
        self._renderer = SceneRenderer()
        self._lock = threading.Lock()

    def surface(self, tick: int, size: tuple[int, int] | None = VIEW_SIZE) -> Any:
        snapshot = self.review.snapshot_at(tick)
        with self._lock:
            return scaled(surface_at(snapshot, self.review.rounds, self._renderer), size)

    def png(self, tick: int, size: tuple[int, int] | None = VIEW_SIZE) -> bytes:
        return png(self.surface(tick, size))


def frame_ticks(review: Review, fps: float) -> Iterator[int]:
    """The ticks of an export at `fps`, from the start to the end."""
    count = int(review.duration_s * fps) + 1
    for index in range(count):
        yield review.tick_of(index / fps)


def write_frames(pictures: Pictures, folder: Path, fps: float,
                 size: tuple[int, int] = VIEW_SIZE) -> int:
    if folder.exists() and not folder.is_dir():
        raise ExportError(f"{folder}: expected a folder for the frames, found a file")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(f"{folder}: cannot make the frames folder: {exc.strerror}") from None
    count = 0
    for count, tick in enumerate(frame_ticks(pictures.review, fps), start=1):
        write_whole(folder / f"frame-{count:05d}.png", pictures.png(tick, size),
                    "a review frame", ExportError)
    return count


def write_video(pictures: Pictures, path: Path, fps: float,
                size: tuple[int, int] = VIEW_SIZE) -> int:
    """An MP4 (MPEG-4 part 2, OpenCV's mp4v) of the session with its marks."""
    import cv2

    temp = path.with_name(f".{path.stem}.partial{path.suffix or '.mp4'}")
    writer = cv2.VideoWriter(str(temp), cv2.VideoWriter.fourcc(*"mp4v"), fps, size)
    if not writer.isOpened():
        raise ExportError(f"{path}: cannot write an MP4 video there (OpenCV's mp4v writer "
                          "did not open)")
    count = 0
    try:
        for tick in frame_ticks(pictures.review, fps):
            writer.write(rgb(pictures.surface(tick, size))[..., ::-1].copy())
            count += 1
    finally:
        writer.release()
    try:
        os.replace(temp, path)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise ExportError(f"{path}: cannot write the video: {exc.strerror}") from None
    return count


def threat_steps(review: Review) -> dict[str, list[tuple[float, int]]]:
    """Each actor's threat level over time: (time, level) at every change."""
    steps: dict[str, list[tuple[float, int]]] = {}
    for event in review.replayed:
        if isinstance(event, ActorStateChanged):
            steps.setdefault(event.actor, []).append(
                (event.tick * review.step_s, int(ThreatLevel.from_label(event.threat))))
    return steps


def timing_plot(review: Review, width_in: float = 10.0, height_in: float = 4.2) -> bytes:
    """The session on one time axis (PNG): each actor's threat level, the officer's
    commands and shots, where each round went, and each reaction time as a bar from the
    cue's onset to the first response."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width_in, height_in), dpi=120, layout="constrained")
    axes = figure.add_subplot()
    end = review.duration_s
    for offset, (actor, steps) in enumerate(threat_steps(review).items()):
        times = [t for t, _ in steps] + [end]
        levels = [level for _, level in steps]
        axes.step(times, [*levels, levels[-1]], where="post", linewidth=2,
                  label=f"{actor} threat", alpha=0.85, zorder=2 + offset)
    for entry in review.timeline:
        if entry.kind == "command":
            axes.axvline(entry.time_s, color="#1f5fbf", linestyle="--", linewidth=1)
            axes.text(entry.time_s, 3.45, entry.text.split('"')[1], rotation=90,
                      fontsize=7, color="#1f5fbf", va="top", ha="right")
        elif entry.kind == "branch":
            axes.axvline(entry.time_s, color="#7b3fa0", linestyle=":", linewidth=1.5)
    for fired in review.rounds:
        t = fired.tick * review.step_s
        colour = {"subject": "#c62828", "bystander": "#c000c0", "cover": "#e07a1f"}.get(
            fired.fate, "#555555")
        axes.plot([t], [-0.35], marker="^" if fired.force == "firearm" else "D",
                  color=colour, markersize=8, zorder=5)
        axes.text(t, -0.6, str(fired.shot), fontsize=7, ha="center", va="top")
    for row, reaction in enumerate(review.reactions):
        if reaction.reaction_s is None:
            continue
        y = 3.0 - 0.18 * (row % 4) + 0.5
        axes.annotate("", xy=(reaction.cue_s + reaction.reaction_s, y), xytext=(reaction.cue_s, y),
                      arrowprops={"arrowstyle": "|-|", "color": "#333333"})
        axes.text(reaction.cue_s + reaction.reaction_s / 2, y + 0.04,
                  f"{reaction.reaction_s:.2f} s", fontsize=7, ha="center", va="bottom")
    axes.set_xlim(0, max(end, 0.1))
    axes.set_ylim(-0.9, 3.9)
    axes.set_yticks(range(4), [level.label.replace("_", " ") for level in ThreatLevel])
    axes.set_xlabel("session time (s)")
    axes.set_title(f"{review.start.title}: threat, commands (dashed), shots (▲ firearm, "
                   "◆ TASER) and reaction times", fontsize=9)
    axes.grid(axis="x", alpha=0.3)
    axes.legend(loc="lower right", fontsize=7)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def debrief_pdf(review: Review, view: bytes | None = None, view_s: float = 0.0) -> bytes:
    """One A4 page: who, what and when; the timing plot; reaction times with the policy
    indicator; where every round went; the debrief's notes. Facts for the instructor to
    discuss, not a verdict."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import cm
    from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer

    styles = getSampleStyleSheet()
    small = styles["BodyText"].clone("small", fontSize=8, leading=10)
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=1.4 * cm,
                                 rightMargin=1.4 * cm, topMargin=1.2 * cm,
                                 bottomMargin=1.2 * cm, title=f"Debrief: {review.start.title}",
                                 author="Holdfire")
    width = A4[0] - 2.8 * cm
    trainee = review.trainee
    who = f"{trainee.name} (badge {trainee.badge or 'none'})" if trainee else "not entered"
    meta = [["Trainee", who, "Scenario", f"{review.start.title} ({review.start.scenario})"],
            ["Session", _when(review.start.wall_start), "Seed / policy",
             f"{review.start.seed} / {review.report.scenario.policy_title}"],
            ["Duration", f"{review.duration_s:.1f} s ({review.report.scenario.end_reason})",
             "Log", f"{Path(review.source).name} (version {review.start.log_version})"]]
    story: list[Any] = [
        Paragraph(f"Debrief indicators: {review.start.title}", styles["Heading2"]),
        _table(meta, [2.2 * cm, 6.3 * cm, 2.6 * cm, width - 11.1 * cm], small, header=False),
        Spacer(1, 4), Paragraph(ABOUT, small), Spacer(1, 4),
        *[Paragraph(_escape(line), styles["Normal"]) for line in review.report.summary],
        Spacer(1, 4),
        Image(io.BytesIO(timing_plot(review, 10.0, 3.6)), width=width, height=width * 0.36),
        Spacer(1, 4), Paragraph("Reaction times", styles["Heading4"]),
        _table(_capped(["Actor", "Cue at (s)", "Threat", "First response", "Reaction (s)",
                        "Indicator"],
            [[r.actor, f"{r.cue_s:.2f}", r.threat.replace("_", " "), r.response or "none",
              "" if r.reaction_s is None else f"{r.reaction_s:.2f}", r.indicator]
             for r in review.reactions], 6),
            [2.2 * cm, 1.8 * cm, 2.8 * cm, 4.2 * cm, 2.0 * cm, width - 13.0 * cm], small),
        Spacer(1, 4), Paragraph("Where every round went", styles["Heading4"]),
        _table(_capped(["Shot", "Weapon", "At (s)", "Went", "Landed"],
            [[str(r.shot), r.weapon, f"{r.tick * review.step_s:.2f}",
              went(r),
              "; ".join(landing.what for landing in r.landings) or "-"]
             for r in review.rounds], 6),
            [1.2 * cm, 2.2 * cm, 1.6 * cm, 5.0 * cm, width - 10.0 * cm], small),
    ]
    if review.report.notes:  # only sections with something to say
        story += [Spacer(1, 4), Paragraph("Notes", styles["Heading4"]),
                  *[Paragraph(f"- {_escape(note)}", small) for note in review.report.notes[:4]]]
    if view is not None:
        story += [Spacer(1, 4), Image(io.BytesIO(view), width=7 * cm, height=7 * cm * 9 / 16),
                  Paragraph(f"The trainee's view at {view_s:.2f} s, with the rounds fired by "
                            "then marked where they were aimed.", small)]
    if review.differs_at is not None:
        story.append(Paragraph(f"Warning: the replay differs from the log at event "
                               f"{review.differs_at}; the timeline is the replay's.", small))
    document.build(story, onFirstPage=_footer, onLaterPages=_footer)
    return buffer.getvalue()


def went(fired: Round) -> str:
    """Where a round went, in words; a TASER round's probes and its outcome."""
    if fired.force == "taser" and fired.fate in ("subject", "bystander"):
        who = "a BYSTANDER" if fired.fate == "bystander" else "the subject"
        return f"probes in {who} (TASER: {(fired.taser_result or 'pending').replace('_', ' ')})"
    return WENT[fired.fate]


def _capped(header: list[str], rows: list[list[str]], limit: int) -> list[list[str]]:
    """The header and at most `limit` rows, the rest counted in the last."""
    blank = [""] * (len(header) - 1)
    if not rows:
        return [header, ["none", *blank]]
    if len(rows) <= limit:
        return [header, *rows]
    return [header, *rows[:limit - 1],
            [f"and {len(rows) - limit + 1} more (see the review)", *blank]]


def _table(rows: list[list[str]], widths: list[float], style: Any, header: bool = True) -> Any:
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph, Table, TableStyle

    cells = [[Paragraph(_escape(cell), style) for cell in row[:len(widths)]] for row in rows]
    table = Table(cells, colWidths=widths)
    commands: list[Any] = [("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
                           ("VALIGN", (0, 0), (-1, -1), "TOP"),
                           ("TOPPADDING", (0, 0), (-1, -1), 1),
                           ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e3e7ee")))
    else:
        commands += [("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#e3e7ee")),
                     ("BACKGROUND", (2, 0), (2, -1), colors.HexColor("#e3e7ee"))]
    table.setStyle(TableStyle(commands))
    return table


def _footer(canvas: Any, document: Any) -> None:
    canvas.saveState()
    canvas.setFont("Helvetica", 7)
    canvas.drawString(document.leftMargin, 0.7 * 28.35,
                      "Holdfire after-action review. Indicators for the instructor's debrief, "
                      "not a grade or a finding on the use of force.")
    canvas.restoreState()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _when(wall_start: str) -> str:
    if not wall_start:
        return "not recorded (a log before version 1.1)"
    try:
        return datetime.fromisoformat(wall_start).strftime("%Y-%m-%d %H:%M UTC")
    except ValueError:
        return wall_start


def write_file(path: Path, data: bytes, what: str) -> None:
    write_whole(path, data, what, ExportError)
