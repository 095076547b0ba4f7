"""`holdfire bench records` at its smallest: it fills both databases, prints its figures
beside their baselines, and says whether each target is met."""

from __future__ import annotations

import re

import pytest

from tests.builders import run_cli


@pytest.mark.slow
def test_the_records_bench_prints_figures_beside_baselines(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run_cli(["bench", "records", "--seconds", "0.1"], capsys)
    assert code == 0, out.err
    text = out.out
    for database in ("SQLite", "PostgreSQL"):
        filled = re.search(rf"{database}: filled ([\d,]+) attempts, ([\d,]+) rows \(([\d,]+) "
                           r"shots\)", text)
        assert filled, text
        attempts, rows, shots = (int(g.replace(",", "")) for g in filled.groups())
        assert attempts >= 1000 and shots == 10 * attempts and rows == 13 * attempts
    assert len(re.findall(r"import through the audited writer +[\d,]+ rows/s +vs +bare bulk "
                          r"load +[\d,]+ rows/s +ratio [\d.]+", text)) == 2
    assert len(re.findall(r"officer history \(\d+-\d+ attempts\) +median +[\d.]+ ms", text)
               ) == 2
    assert text.count("baseline: primary-key lookup") == 2
