"""Reports: the CSV export, the certificate PDF (rendered with pdftoppm and read back
with pdftotext), the plots, and the history's trends."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pygame
import pytest

from range.records.agency import NOT_LIVE_FIRE, Agency
from range.records.certificate import certificate_pdf
from range.records.errors import RecordsError
from range.records.plots import history_png, shot_group_png
from range.records.reports import CSV_COLUMNS, csv_text, history_text, trends
from range.records.store import Records
from tests.records.helpers import PASSWORD, filled


def _pdf_text(pdf: bytes, folder: Path) -> str:
    for tool in ("pdftoppm", "pdftotext"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} not found: install Debian's poppler-utils "
                        "(tools/system-packages.sh)")
    path = folder / "c.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "40", str(path), str(folder / "page")],
                   check=True, timeout=60)
    page = pygame.image.load(str(folder / "page-1.png"))
    assert page.get_width() > 300 and page.get_height() > 400
    done = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True, timeout=60)
    return " ".join(done.stdout.split())


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_certificate_only_for_a_passed_signed_attempt(records: Records,
                                                        tmp_path: Path) -> None:
    passed, failed = filled(records)
    with pytest.raises(RecordsError, match="is not signed off by a certifier"):
        certificate_pdf(records.attempt(passed))
    records.sign(failed, "cert", PASSWORD)
    with pytest.raises(RecordsError, match="did not pass"):
        certificate_pdf(records.attempt(failed))
    records.sign(passed, "cert", PASSWORD)
    text = _pdf_text(certificate_pdf(records.attempt(passed)), tmp_path)
    assert "Dana Reyes, badge B100" in text
    assert "100 of 100 points" in text and "Signed off by: cert" in text
    assert " ".join(NOT_LIVE_FIRE.split()) in text
    assert "par time 8 s not confirmed" in text
    assert records.attempt(passed).course.sha256 in text


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_the_csv_export_has_a_row_per_attempt(records: Records) -> None:
    passed, failed = filled(records)
    records.sign(passed, "cert", PASSWORD)
    rows = list(csv.DictReader(io.StringIO(csv_text([records.attempt(passed),
                                                     records.attempt(failed)]))))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert (rows[0]["attempt"], rows[0]["passed"], rows[0]["signed_off_by"]) == (
        str(passed), "yes", "cert")
    assert rows[1]["passed"] == "no" and rows[1]["simulator_rule"] == NOT_LIVE_FIRE
    assert "not confirmed" in rows[0]["unconfirmed"]


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_plots_draw_the_shot_groups_and_the_history(records: Records) -> None:
    passed, _ = filled(records)
    for png in (shot_group_png(records.attempt(passed)),
                history_png("B100", "Dana Reyes", records.history("B100"), NOT_LIVE_FIRE)):
        image = pygame.image.load(io.BytesIO(png))
        assert image.get_width() > 600
        colours = {image.get_at((x, y))[:3] for x in range(0, image.get_width(), 7)
                   for y in range(0, image.get_height(), 7)}
        assert len(colours) > 8  # drawn, not blank


def _row(i: int, points: int, corrects: int | None = None) -> SimpleNamespace:
    return SimpleNamespace(id=i, course="fbi-2019", points=points, max_points=100,
                           pass_points=90.0, passed=points >= 90, corrects_id=corrects,
                           shot_at="2026-01-01T00:00")


def test_trends_follow_the_standing_results() -> None:
    rows = [_row(1, 70), _row(2, 80), _row(3, 85), _row(4, 95)]
    (trend,) = trends(rows)
    assert trend.slope == pytest.approx(8.0) and trend.words == "improving"
    assert (trend.attempts, trend.passed, trend.best) == (4, 1, 95.0)
    corrected = [*rows, _row(5, 60, corrects=4)]  # the last one corrected down
    (down,) = trends(corrected)
    assert (down.attempts, down.last, down.words) == (4, 60.0, "declining")
    assert down.slope == pytest.approx(-2.5)
    text = history_text("B100", "Dana Reyes", corrected, NOT_LIVE_FIRE)
    assert "(corrected)" in text and "corrects 4" in text and NOT_LIVE_FIRE in text


def test_the_agency_may_let_simulator_scores_count() -> None:
    assert Agency().simulator_rule() == NOT_LIVE_FIRE
    rule = Agency(name="Metro PD", simulator_replaces_live_fire=True,
                  authority="General Order 12").simulator_rule()
    assert "Metro PD (General Order 12)" in rule and "counts as a qualification" in rule
