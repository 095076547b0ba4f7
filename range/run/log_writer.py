"""The append-only JSONL event log.

Lines are written whole and flushed as events happen, into `NAME.partial`; the file gets
its final name only when the run has ended, so a log under its final name is never
half-written, and a crash leaves every completed line readable in the `.partial` file."""

from __future__ import annotations

import os
from pathlib import Path
from types import TracebackType
from typing import TextIO

from range.errors import HoldfireError
from range.run.codec import to_json
from range.run.events import Event, ScenarioStarted


class EventLogWriter:
    """Writes a run's events; the first must be `scenario_started`, whose step times the
    rest."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.partial = path.with_name(path.name + ".partial")
        self.step_s: float | None = None
        self._file: TextIO | None = None

    def __enter__(self) -> EventLogWriter:
        try:
            self._file = self.partial.open("w", encoding="utf-8")
        except OSError as exc:
            raise HoldfireError(f"{self.path}: cannot write the event log: {exc.strerror}") from exc
        return self

    def write(self, event: Event) -> None:
        assert self._file is not None, "write() outside a with-block"
        if isinstance(event, ScenarioStarted):
            self.step_s = event.step_s
        if self.step_s is None:
            raise HoldfireError(f"{self.path}: expected scenario_started as the first event, "
                                f"found {event.kind}")
        self._file.write(to_json(event, self.step_s) + "\n")
        self._file.flush()

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        assert self._file is not None
        self._file.close()
        if kind is None:
            os.replace(self.partial, self.path)
