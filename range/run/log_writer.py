"""The append-only JSONL event log.

Lines are written whole and flushed as events happen, into `NAME.partial`; the file gets
its final name only when the run has ended, so a log under its final name is never
half-written, and a crash leaves every completed line readable in the `.partial` file. A
write that fails part-way (a full disk) is cut back to the last whole line. An existing
log, or the `.partial` of a run that never finished, is never overwritten unless asked:
either may be the only record of a session."""

from __future__ import annotations

import errno
import os
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

from range.errors import HoldfireError
from range.run.codec import to_json
from range.run.events import Event, ScenarioStarted


def partial_of(path: Path) -> Path:
    """Where the log of a run still going (or killed) is written."""
    return path.with_name(path.name + ".partial")


class EventLogWriter:
    """Writes a run's events; the first must be `scenario_started`, whose step times the
    rest."""

    def __init__(self, path: Path, force: bool = False) -> None:
        if not path.name or path.name in (".", ".."):
            raise HoldfireError(f"{str(path)!r}: expected a file name for the event log, "
                                "found a folder")
        self.path = path
        self.partial = partial_of(path)
        self.force = force
        self.step_s: float | None = None
        self.lines = 0
        self._file: BinaryIO | None = None
        self._size = 0

    def __enter__(self) -> EventLogWriter:
        self._check_place()
        try:
            self._file = self.partial.open("wb", buffering=0)  # each line one system call
        except OSError as exc:
            raise HoldfireError(f"{self.path}: cannot write the event log: "
                                f"{exc.strerror}") from None
        return self

    def _check_place(self) -> None:
        if self.path.is_dir():
            raise HoldfireError(f"{self.path}: expected a file name for the event log, "
                                "found a folder")
        if not self.path.absolute().parent.is_dir():
            raise HoldfireError(f"{self.path}: expected the event log in an existing folder, "
                                f"found no folder {str(self.path.absolute().parent)!r}")
        if self.force:
            return
        for existing, what in ((self.path, "a log is already there"),
                               (self.partial, "the unfinished log of an earlier run is there")):
            if existing.exists():
                raise HoldfireError(f"{existing}: {what}; move it away, or give --force to "
                                    "replace it")

    def write(self, event: Event) -> None:
        if self._file is None:
            raise HoldfireError(f"{self.path}: the event log is not open")
        if isinstance(event, ScenarioStarted):
            self.step_s = event.step_s
        if self.step_s is None:
            raise HoldfireError(f"{self.path}: expected scenario_started as the first event, "
                                f"found {event.kind}")
        line = (to_json(event, self.step_s) + "\n").encode("utf-8")
        try:
            _write_all(self._file, line)
        except OSError as exc:
            self._cut_back()
            raise HoldfireError(f"{self.path}: cannot write the event log after "
                                f"{self.lines} events ({exc.strerror}); those are whole in "
                                f"{self.partial}") from None
        self._size += len(line)
        self.lines += 1

    def _cut_back(self) -> None:
        """Leave only whole lines: drop what a failed write left of its line."""
        os.truncate(self.partial, self._size)

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self._file is None:
            return
        self._file.close()  # unbuffered: nothing is left to write
        if kind is None:
            os.replace(self.partial, self.path)


def _write_all(file: BinaryIO, data: bytes) -> None:
    """Write every byte: a raw file may take fewer than it is given (a disk filling)."""
    view = memoryview(data)
    while view:
        written = file.write(view)
        if not written:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        view = view[written:]
