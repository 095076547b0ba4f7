"""The records commands end to end, and bad input: each refused with one clear line that
names the place, shows no password, and writes nothing."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from range.records.scratch import ScratchServer, free_port
from range.records.store import Records
from tests.builders import refused, run_cli
from tests.records.helpers import PASSWORD, footprint


def _stdin(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(text))


@pytest.fixture
def officer(db_url: str, capsys: pytest.CaptureFixture[str],
            monkeypatch: pytest.MonkeyPatch) -> str:
    assert run_cli(["officers", "add", "B100", "Dana Reyes", "--db", db_url], capsys)[0] == 0
    for name, role in (("cert", "certifier"), ("rm", "range_master")):
        _stdin(monkeypatch, PASSWORD + "\n")
        code, out = run_cli(["users", "add", name, "--role", role, "--password-stdin",
                             "--db", db_url], capsys)
        assert code == 0, out.err
    return db_url


def _footprint(url: str) -> tuple[int, int]:
    records = Records.open(url)
    try:
        return footprint(records)
    finally:
        records.close()


def test_qualify_records_a_pass_and_a_fail_that_verify(officer: str,
                                                      capsys: pytest.CaptureFixture[str]
                                                      ) -> None:
    code, out = run_cli(["qualify", "fbi-2019", "--officer", "B100", "--inputs", "good",
                         "--db", officer], capsys)
    assert code == 0, out.err
    assert "total 100/100 PASS (pass mark 90)" in out.out
    assert "Simulator scores do not replace live-fire qualification" in out.out
    assert "stage 10 (25 yd, holster, 4 rds): par time 8 s not confirmed" in out.out
    code, out = run_cli(["qualify", "state-50", "--officer", "B100", "--inputs", "poor",
                         "--db", officer], capsys)
    assert code == 0 and " FAIL (pass mark 35)" in out.out
    code, out = run_cli(["records", "list", "--db", officer], capsys)
    lines = out.out.splitlines()
    assert len(lines) == 2 and "100/100 PASS" in lines[0] and "FAIL" in lines[1]
    code, out = run_cli(["records", "verify", "--db", officer], capsys)
    assert code == 0 and "audit chain intact" in out.out


def test_sign_off_needs_the_certifier_role_and_the_right_password(
        officer: str, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    run_cli(["qualify", "fbi-2019", "--officer", "B100", "--inputs", "good", "--db", officer],
            capsys)
    before = _footprint(officer)
    _stdin(monkeypatch, PASSWORD + "\n")
    line = refused(["records", "sign", "1", "--as", "rm", "--password-stdin", "--db",
                    officer], capsys)
    assert "user 'rm' is a range master; only a certifier signs off" in line
    _stdin(monkeypatch, "guess\n")
    line = refused(["records", "sign", "1", "--as", "cert", "--password-stdin", "--db",
                    officer], capsys)
    assert "wrong password for user 'cert'" in line and "guess" not in line
    assert _footprint(officer) == before
    _stdin(monkeypatch, PASSWORD + "\n")
    code, out = run_cli(["records", "sign", "1", "--as", "cert", "--password-stdin", "--db",
                         officer], capsys)
    assert code == 0 and "signed off by cert" in out.out


def test_a_password_is_never_an_argument_nor_read_from_a_pipe_unasked(
        officer: str, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    before = _footprint(officer)
    _stdin(monkeypatch, PASSWORD + "\n")  # not a terminal, and no --password-stdin
    line = refused(["users", "add", "newbie", "--role", "officer", "--db", officer], capsys)
    assert "expected a terminal" in line and "--password-stdin" in line
    line = refused(["users", "add", "x", "--role", "officer", "--password", "pw", "--db",
                    officer], capsys)
    assert "unrecognized arguments: --password pw" in line
    assert _footprint(officer) == before


def test_duplicate_badge_and_unknown_course_write_nothing(
        officer: str, capsys: pytest.CaptureFixture[str]) -> None:
    before = _footprint(officer)
    line = refused(["officers", "add", "B100", "Someone Else", "--db", officer], capsys)
    assert line == ("holdfire officers: error: officer badge 'B100' is already recorded "
                    "(for Dana Reyes); nothing was written")
    line = refused(["qualify", "fbi-2091", "--officer", "B100", "--inputs", "good", "--db",
                    officer], capsys)
    assert "expected a file path or a shipped course name" in line
    assert "(did you mean 'fbi-2019'?)" in line
    line = refused(["qualify", "fbi-2019", "--officer", "B404", "--inputs", "good", "--db",
                    officer], capsys)
    assert "no officer with badge 'B404'" in line
    line = refused(["qualify", "fbi-2019", "--officer", "B100", "--inputs", "great", "--db",
                    officer], capsys)
    assert "shipped shooter script name" in line and "fbi-2019-good" in line
    assert _footprint(officer) == before


@pytest.mark.parametrize("url", [
    "postgresql://ranger:s3cret-pw@127.0.0.1:notaport/records",
    "mysql://ranger:s3cret-pw@db.example/records",
    "ranger:s3cret-pw@db.example",
    "sqlite://",
])
def test_a_bad_database_url_is_named_without_its_password(
        url: str, capsys: pytest.CaptureFixture[str]) -> None:
    line = refused(["officers", "list", "--db", url], capsys)
    assert "s3cret" not in line and "expected" in line, line
    if "@" in url and "://" in url:
        assert "ranger:***@" in line


def test_the_url_may_come_from_the_environment(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOLDFIRE_DB", f"sqlite:///{tmp_path / 'none' / 'r.sqlite'}")
    line = refused(["officers", "list"], capsys)
    assert line.startswith("holdfire officers: error: HOLDFIRE_DB: expected an SQLite file "
                           "in an existing folder")
    monkeypatch.setenv("HOLDFIRE_DB", f"sqlite:///{tmp_path / 'r.sqlite'}")
    assert run_cli(["officers", "add", "B1", "A B"], capsys)[0] == 0
    assert (tmp_path / "r.sqlite").is_file()


def test_an_unreachable_server_and_a_wrong_database_password(
        pg_server: ScratchServer, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"postgresql://holdfire:s3cret-pw@127.0.0.1:{free_port()}/records"
    line = refused(["officers", "list", "--db", url], capsys)
    assert "cannot use the records database postgresql" in line
    assert "://holdfire:***@127.0.0.1" in line
    assert "s3cret" not in line and "refused" in line.lower()
    url = pg_server.create_database("wrongpw").replace(pg_server.url("wrongpw").split(
        "@")[0].split(":")[-1], "s3cret-pw")
    line = refused(["officers", "add", "B1", "A B", "--db", url], capsys)
    assert "password authentication failed" in line and "s3cret" not in line


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_history_export_correction_and_certificate_from_the_command_line(
        officer: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path) -> None:
    for who in ("poor", "good"):
        run_cli(["qualify", "fbi-2019", "--officer", "B100", "--inputs", who, "--db",
                 officer], capsys)
    _stdin(monkeypatch, PASSWORD + "\n")
    code, out = run_cli(["records", "correct", "1", "--stage", "1", "--points", "12",
                         "--reason", "timer fault", "--as", "rm", "--password-stdin",
                         "--db", officer], capsys)
    assert code == 0 and "attempt 1 corrected by new attempt 3" in out.out
    code, out = run_cli(["records", "history", "B100", "--plot", str(tmp_path / "h.png"),
                         "--db", officer], capsys)
    assert code == 0 and "fbi-2019: 2 attempts, 1 passed" in out.out  # the correction stands
    assert "(corrected)" in out.out and (tmp_path / "h.png").stat().st_size > 10_000
    line = refused(["records", "certificate", "2", "--out", str(tmp_path / "c.pdf"), "--db",
                    officer], capsys)
    assert "attempt 2 is not signed off by a certifier" in line
    assert not (tmp_path / "c.pdf").exists()
    _stdin(monkeypatch, PASSWORD + "\n")
    run_cli(["records", "sign", "2", "--as", "cert", "--password-stdin", "--db", officer],
            capsys)
    code, out = run_cli(["records", "certificate", "2", "--out", str(tmp_path / "c.pdf"),
                         "--db", officer], capsys)
    assert code == 0 and (tmp_path / "c.pdf").read_bytes().startswith(b"%PDF")
    code, out = run_cli(["records", "export", "--out", str(tmp_path / "r.csv"), "--db",
                         officer], capsys)
    lines = (tmp_path / "r.csv").read_text().splitlines()
    assert code == 0 and len(lines) == 4 and lines[2].startswith("2,B100,Dana Reyes,fbi-2019")
    assert refused(["records", "show", "9", "--db", officer], capsys).endswith(
        "ATTEMPT: no attempt 9 in the records")


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_scenario_session_log_is_kept_with_the_officer(
        officer: str, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    log = tmp_path / "session.jsonl"
    assert run_cli(["simulate", "knife-charge", "--inputs", "good", "--log", str(log)],
                   capsys)[0] == 0
    code, out = run_cli(["records", "add-log", str(log), "--officer", "B100", "--db",
                         officer], capsys)
    assert code == 0 and "(knife-charge) for officer B100 as session log 1" in out.out
    records = Records.open(officer)
    with records.engine.connect() as connection:
        from sqlalchemy import text

        kept = connection.execute(text("SELECT content FROM session_logs")).scalar()
    assert kept == log.read_text()
    records.close()
    before = _footprint(officer)
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"type": "nonsense"}\n')
    line = refused(["records", "add-log", str(bad), "--officer", "B100", "--db", officer],
                   capsys)
    assert "bad.jsonl:1: expected an event" in line and "nonsense" in line
    assert _footprint(officer) == before


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_an_attempt_names_the_replica_it_was_shot_with(
        officer: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run_cli(["equipment", "add", "replica", "SIRT-0042", "SIRT 110 Pro", "--db",
                         officer], capsys)
    assert code == 0 and "added replica SIRT-0042 (SIRT 110 Pro)" in out.out
    before = _footprint(officer)
    assert "serial 'SIRT-0042' is already recorded" in refused(
        ["equipment", "add", "replica", "SIRT-0042", "Other", "--db", officer], capsys)
    assert "no replica or weapon with serial 'NOPE'" in refused(
        ["qualify", "fbi-2019", "--officer", "B100", "--inputs", "good", "--equipment",
         "NOPE", "--db", officer], capsys)
    assert _footprint(officer) == before
    code, out = run_cli(["qualify", "fbi-2019", "--officer", "B100", "--inputs", "good",
                         "--equipment", "SIRT-0042", "--db", officer], capsys)
    assert code == 0 and "with replica SIRT-0042 (SIRT 110 Pro)" in out.out
    code, out = run_cli(["equipment", "list", "--db", officer], capsys)
    assert out.out.split() == ["replica", "SIRT-0042", "SIRT", "110", "Pro"]
