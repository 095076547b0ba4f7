"""Reading the user's files, with one clear line for each way it can fail: scenario files,
logs, rigs and expected-results files alike (the scenario side reads through this too).

Only regular files are read (a FIFO would block, a device would never end), and no more
than a cap, so bad input cannot hang the process or fill its memory."""

from __future__ import annotations

import os
import stat
from pathlib import Path

TEXT_CAP = 64 << 20  # bytes: far above any scenario, inputs, policy, rig or session log


def read_text(path: Path, what: str, error: type[Exception], cap: int = TEXT_CAP) -> str:
    """A UTF-8 text file's contents; `what` names what it should be ("a TOML file")."""
    try:
        # Non-blocking, so opening a named pipe with no writer returns at once.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        raise error(f"{path}: expected {what}, found no such file") from None
    except OSError as exc:
        raise error(f"{path}: cannot read {what}: {exc.strerror}") from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise error(f"{path}: expected {what}, found {_kind(mode)}")
    with os.fdopen(fd, "rb") as handle:
        try:
            data = handle.read(cap + 1)
        except OSError as exc:
            raise error(f"{path}: cannot read {what}: {exc.strerror}") from None
    if len(data) > cap:
        raise error(f"{path}: expected {what} of at most {cap >> 20} MiB, found more")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise error(f"{path}: expected {what} in UTF-8, found binary data") from None


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def write_whole(path: Path, data: bytes, what: str, error: type[Exception]) -> None:
    """Write a file whole: under a temporary name beside it, then renamed over it, so no
    reader (and no crash) ever sees half of it; a failure is one line and leaves nothing."""
    temp = path.with_name(f".{path.name}.partial")
    try:
        temp.write_bytes(data)
        os.replace(temp, path)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise error(f"{path}: cannot write {what}: {exc.strerror}") from None
