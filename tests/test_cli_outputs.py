"""Every command's odd arguments and output paths: one line and exit 2, nothing left
half-written, no earlier record overwritten; a closed output pipe ends quietly."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from range.cli import main
from range.run.codec import read_log
from tests.builders import refused

HOLDFIRE = [sys.executable, "-c", "import sys; from range.cli import main; sys.exit(main())"]


@pytest.mark.parametrize(("args", "expected"), [
    (["--seed", "-1"], "argument --seed: expected a seed from 0 to 2^63-1, found '-1'"),
    (["--seed", "1.5"], "argument --seed: expected a whole number, found '1.5'"),
    (["--seed", "99999999999999999999"], "expected a seed from 0 to 2^63-1"),
    (["--log", "."], "'.': expected a file name for the event log, found a folder"),
    (["--log", "/"], "'/': expected a file name for the event log, found a folder"),
    (["--log", "/no/such/folder/run.jsonl"], "expected the event log in an existing folder"),
])
def test_simulate_refuses_odd_arguments(args: list[str], expected: str,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    line = refused(["simulate", "knife-charge", *args], capsys)
    assert line.startswith("holdfire simulate: error: ") and expected in line


def test_simulate_refuses_a_folder_as_its_log_and_leaves_nothing_beside_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    line = refused(["simulate", "knife-charge", "--log", str(tmp_path)], capsys)
    assert line.endswith("expected a file name for the event log, found a folder")
    assert list(tmp_path.parent.glob(f"{tmp_path.name}*.partial")) == []


def test_an_existing_log_or_an_unfinished_one_is_kept_unless_forced(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = tmp_path / "run.jsonl"
    assert main(["simulate", "knife-charge", "--log", str(log)]) == 0
    first = log.read_bytes()
    line = refused(["simulate", "knife-charge", "--seed", "4", "--log", str(log)], capsys)
    assert line.endswith("a log is already there; move it away, or give --force to "
                         "replace it")
    assert log.read_bytes() == first
    unfinished = tmp_path / "next.jsonl.partial"
    unfinished.write_bytes(first[:200])
    line = refused(["simulate", "knife-charge", "--log", str(tmp_path / "next.jsonl")], capsys)
    assert "the unfinished log of an earlier run is there" in line
    assert unfinished.read_bytes() == first[:200]
    assert main(["simulate", "knife-charge", "--seed", "4", "--log", str(log), "--force"]) == 0
    assert log.read_bytes() != first


def test_debrief_points_at_an_unfinished_log_beside_the_one_read(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = tmp_path / "run.jsonl"
    assert main(["simulate", "knife-charge", "--log", str(log)]) == 0
    (tmp_path / "run.jsonl.partial").write_text(log.read_text().splitlines()[0] + "\n")
    capsys.readouterr()
    assert main(["debrief", str(log)]) == 0
    assert "run.jsonl.partial is beside this log" in capsys.readouterr().err


@pytest.mark.parametrize(("out", "expected"), [
    ("missing-folder/view.png", "expected a file in an existing folder"),
    ("", "expected a .png file name, found nothing"),
    ("view.txt", "expected a file name ending .png, found"),
    ("pnoext", "expected a file name ending .png, found"),
])
def test_render_refuses_odd_output_paths(out: str, expected: str, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    target = str(tmp_path / out) if out else ""
    line = refused(["render", "knife-charge", "--out", target], capsys)
    assert line.startswith("holdfire render: error: argument --out: ") and expected in line


def test_render_refuses_a_folder_and_bad_times(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert "found a folder" in refused(["render", "knife-charge", "--out", str(tmp_path)],
                                       capsys)
    for at in ("nan", "inf", "-1"):
        line = refused(["render", "knife-charge", "--at", at, "--out",
                        str(tmp_path / "v.png")], capsys)
        assert "argument --at: expected seconds from 0 to 3600" in line
    assert list(tmp_path.iterdir()) == []


def test_render_writes_the_png_whole(tmp_path: Path) -> None:
    out = tmp_path / "view.png"
    assert main(["render", "knife-charge", "--at", "1", "--out", str(out)]) == 0
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert [p.name for p in tmp_path.iterdir()] == ["view.png"]


def test_a_log_write_that_fails_leaves_only_whole_lines(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]
                                                       ) -> None:
    """A disk that fills mid-line: the partial log keeps every whole line and no more."""
    from range.run import log_writer as writer

    real = writer._write_all
    calls = {"n": 0}

    def filling(file, data):
        calls["n"] += 1
        if calls["n"] == 6:
            file.write(data[: len(data) // 2])
            raise OSError(28, "No space left on device")
        real(file, data)

    monkeypatch.setattr(writer, "_write_all", filling)
    log = tmp_path / "run.jsonl"
    line = refused(["simulate", "knife-charge", "--log", str(log)], capsys)
    assert "cannot write the event log after 5 events (No space left on device)" in line
    partial = (tmp_path / "run.jsonl.partial").read_text()
    assert partial.endswith("\n") and len(partial.splitlines()) == 5
    assert len(list(read_log(partial.splitlines()))) == 5
    assert not log.exists()


@pytest.mark.parametrize("argv", [
    ["bench", "debrief"], ["scenarios"], ["simulate", "crisis-knife", "--inputs", "poor"],
    ["check", "knife-charge", "crisis-knife", "phone-not-gun", "winter-jacket"],
    ["detect", "synthetic:?seed=2&pulses=6&frames=90"],
    ["listen", "sim:?model=pistol&rate=20", "--seconds", "3"],
])
def test_a_closed_output_pipe_ends_the_command_quietly(argv: list[str]) -> None:
    process = subprocess.Popen([*HOLDFIRE, *argv], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    assert process.stdout is not None
    process.stdout.read(10)
    process.stdout.close()  # like `| head -c 10`
    _, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    assert b"Traceback" not in err and b"BrokenPipe" not in err


@pytest.mark.parametrize("argv", [
    ["simulate", "knife-charge", "--log", "/proc/holdfire-run.jsonl"],
    ["render", "knife-charge", "--out", "/proc/holdfire-view.png"],
])
def test_an_unwritable_output_gets_one_line(argv: list[str],
                                            capsys: pytest.CaptureFixture[str]) -> None:
    """/proc takes no new files, whoever runs the command (root too)."""
    line = refused(argv, capsys)
    assert "/proc/holdfire-" in line


def test_json_output_stays_one_document(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", "knife-charge", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["scenario"]["scenario"] == "knife-charge"
