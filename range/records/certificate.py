"""The certificate of a passed, signed attempt, as a PDF (reportlab): who, which course
(with its content hash), the score stage by stage, who signed it off, every unconfirmed
figure of the course, and the simulator rule, boxed where no one can miss it."""

from __future__ import annotations

import io

from range.records.errors import RecordsError
from range.records.queries import AttemptView


def certificate_pdf(view: AttemptView) -> bytes:
    a = view.attempt
    why = ("did not pass" if not a.passed else "is not signed off by a certifier"
           if not view.signoffs else f"was corrected by attempt {view.corrected_by[-1]}"
           if view.corrected_by else "")
    if why:
        raise RecordsError(f"ATTEMPT: attempt {a.id} {why}: a certificate is only made for "
                           "a passed, signed attempt that stands")
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    styles = getSampleStyleSheet()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, title=f"Holdfire certificate {a.id}",
                            author="Holdfire", invariant=True, topMargin=18 * mm,
                            bottomMargin=18 * mm)
    rule = Table([[Paragraph(f"<b>{a.simulator_rule}</b>", styles["Normal"])]],
                 colWidths=[170 * mm])
    rule.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 1.5, colors.darkred),
                              ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#fbeaea")),
                              ("PADDING", (0, 0), (-1, -1), 6)]))
    stages = [["", "stage", "par s", "hits", "points"]] + [
        [str(s.stage), Paragraph(s.label, styles["BodyText"]),
         f"{s.par_s:g}{'' if s.par_confirmed else ' *'}", f"{s.hits}/{s.rounds}",
         f"{s.points}/{s.max_points}"] for s in view.stages]
    table = Table(stages, colWidths=[8 * mm, 110 * mm, 16 * mm, 16 * mm, 20 * mm])
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")),
                               ("FONTSIZE", (0, 0), (-1, -1), 8),
                               ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    signed = "; ".join(f"{user}, {at[:19].replace('T', ' ')} UTC" for user, at in
                       view.signoffs)
    story = [
        Paragraph("Certificate of course completion", styles["Title"]),
        rule, Spacer(1, 6 * mm),
        Paragraph(f"<b>{view.officer}</b>, badge <b>{view.badge}</b>, shot the course",
                  styles["Normal"]),
        Paragraph(f"<b>{view.course.title}</b>", styles["Heading2"]),
        Paragraph(f"on {a.shot_at[:10]} and scored <b>{a.points} of {a.max_points}</b> "
                  f"points, at or above the pass mark of {a.pass_points:g}.",
                  styles["Normal"]),
        Spacer(1, 5 * mm), table, Spacer(1, 5 * mm),
        Paragraph(f"Signed off by: <b>{signed}</b>", styles["Normal"]),
    ]
    if a.corrects_id is not None:
        story.append(Paragraph(f"This result corrects attempt {a.corrects_id}: "
                               f"{a.correction_reason}", styles["Normal"]))
    if a.unconfirmed:
        story += [Spacer(1, 3 * mm), Paragraph("* Not confirmed by the course's sources:",
                                               styles["Normal"])]
        story += [Paragraph(f"- {line}", styles["BodyText"]) for line in
                  a.unconfirmed.splitlines()]
    story += [Spacer(1, 5 * mm), Paragraph(
        f"Record: attempt {a.id}, fired by {a.source}; course file SHA-256 "
        f"{view.course.sha256}. The record is kept in a hash-chained audit log: "
        "'holdfire records verify' shows whether it was altered.", styles["BodyText"])]
    doc.build(story)
    return buffer.getvalue()
