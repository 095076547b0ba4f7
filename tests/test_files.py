"""Reading the user's files: only regular files, a cap on size, one line for each failure."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hardware.files import read_text
from range.errors import ScenarioError


def refusal(path: Path, cap: int = 1 << 20) -> str:
    with pytest.raises(ScenarioError) as caught:
        read_text(path, "a TOML file", ScenarioError, cap=cap)
    return str(caught.value)


def test_a_named_pipe_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)  # no writer: a plain open would wait for one forever
    assert refusal(fifo) == f"{fifo}: expected a TOML file, found a named pipe"


def test_an_endless_device_is_refused() -> None:
    assert refusal(Path("/dev/zero")) == "/dev/zero: expected a TOML file, found a device"


def test_a_huge_sparse_file_is_refused_after_reading_no_more_than_the_cap(
        tmp_path: Path) -> None:
    huge = tmp_path / "huge.toml"
    with huge.open("wb") as handle:
        handle.truncate(2 << 30)  # 2 GiB, sparse: nothing is written to disk
    assert refusal(huge, cap=1 << 20) == f"{huge}: expected a TOML file of at most 1 MiB, " \
        "found more"


def test_a_folder_a_missing_file_and_binary_data_each_get_their_line(tmp_path: Path) -> None:
    assert refusal(tmp_path) == f"{tmp_path}: expected a TOML file, found a folder"
    missing = tmp_path / "nope.toml"
    assert refusal(missing) == f"{missing}: expected a TOML file, found no such file"
    binary = tmp_path / "b.toml"
    binary.write_bytes(b"\xff\xfe\x00junk")
    assert refusal(binary) == f"{binary}: expected a TOML file in UTF-8, found binary data"


def test_a_file_within_the_cap_reads_whole(tmp_path: Path) -> None:
    path = tmp_path / "ok.toml"
    path.write_text("title = 'Knife charge'\n", encoding="utf-8")
    assert read_text(path, "a TOML file", ScenarioError, cap=23) == "title = 'Knife charge'\n"
