"""The event log's JSONL form: one JSON object per line, keys in a fixed order, floats at
a fixed precision, so the same scenario, seed and inputs give a byte-identical log.

Reading checks every line against the typed event model (exact types, finite numbers,
known names) and names the file, line and field of the first problem. A log's version is
in its first event; a reader takes any minor version of its own major version."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Iterator
from typing import Any, TypeVar

from pydantic import TypeAdapter, ValidationError

from range.errors import EventLogError
from range.run.events import EVENT_TYPES, LOG_VERSION, Event, ScenarioStarted
from range.run.officer_events import OFFICER_EVENT_TYPES
from range.vocabulary import Point2

KINDS = {**EVENT_TYPES, **OFFICER_EVENT_TYPES}  # every event a log may hold, by type

DECIMALS = 6  # every float in the log; inputs are rounded to it so a replay is exact
EventT = TypeVar("EventT", bound=Event)
MAX_LINE = 1 << 20  # bytes: no event comes near; a longer line is not an event log


def quantise(point: Point2 | None) -> Point2 | None:
    """A point as the log will carry it: what a replay reads back is what was fired."""
    return None if point is None else (round(point[0], DECIMALS), round(point[1], DECIMALS))


def rounded(event: EventT) -> EventT:
    """The event as its log line carries it: every float at the log's precision (the step
    stays exact). The world emits events in this form, so a run's debrief and the debrief
    of its log are one and the same."""
    changes = {f.name: _rounded(getattr(event, f.name)) for f in dataclasses.fields(event)
               if f.name != "step_s"}
    return dataclasses.replace(event, **changes)


def _rounded(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, DECIMALS)
    if isinstance(value, tuple):
        return tuple(_rounded(v) for v in value)
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    return value


def _plain(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, DECIMALS)
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def to_json(event: Event, step_s: float) -> str:
    """One log line: type, tick, time in seconds, then the event's own fields."""
    record: dict[str, Any] = {"type": event.kind, "tick": event.tick,
                              "t": round(event.tick * step_s, DECIMALS)}
    for f in dataclasses.fields(event):
        if f.name != "tick":
            value = getattr(event, f.name)
            # The step is kept exact: every time in the analysis is tick x step.
            record[f.name] = value if f.name == "step_s" else _plain(value)
    return json.dumps(record, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


class LogReader:
    """Parses log lines into events, one validator per event type, built when first met."""

    def __init__(self) -> None:
        self._adapters: dict[str, TypeAdapter[Any]] = {}

    def event(self, line: str, where: str) -> Event:
        if len(line) > MAX_LINE:
            raise EventLogError(f"{where}: expected an event line, found {len(line)} "
                                f"characters (over {MAX_LINE})")
        kind = _kind_of(line, where)
        adapter = self._adapters.get(kind)
        if adapter is None:
            adapter = self._adapters[kind] = TypeAdapter(KINDS[kind])
        try:
            event: Event = adapter.validate_json(line)
        except ValidationError as exc:
            raise EventLogError(f"{where}: {kind}: {_problem(exc)}") from None
        if isinstance(event, ScenarioStarted):
            check_version(event.log_version, where)
        return event


def _kind_of(line: str, where: str) -> str:
    try:
        record = json.loads(line)
    except (ValueError, RecursionError):
        raise EventLogError(f"{where}: expected a JSON event object, found "
                            f"{_clip(line)}") from None
    kind = record.get("type") if isinstance(record, dict) else None
    if not isinstance(kind, str) or kind not in KINDS:
        what = (f"type {kind!r}" if isinstance(record, dict)
                else f"{type(record).__name__} {_clip(line)}")
        raise EventLogError(f"{where}: expected an event object with a type of "
                            f"{sorted(KINDS)}, found {what}")
    return str(kind)


def _problem(exc: ValidationError) -> str:
    error = exc.errors()[0]
    field = ".".join(str(part) for part in error["loc"]) or "the line"
    found = error.get("input")
    shown = "no value" if error["type"] == "missing" else _clip(repr(found))
    more = exc.error_count() - 1
    return (f"{field}: {error['msg'].lower()}, found {shown}"
            + (f" (+{more} more problems)" if more else ""))


def _clip(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[:limit] + "..."


def check_version(version: str, where: str) -> None:
    major = LOG_VERSION.split(".")[0]
    parts = version.split(".")
    if len(parts) != 2 or not all(p.isdigit() for p in parts) or parts[0] != major:
        raise EventLogError(f"{where}: log version {version!r}: this Holdfire reads version "
                            f"{major}.x logs (it writes {LOG_VERSION}); open it with the "
                            f"Holdfire that wrote it")


def from_json(line: str, where: str = "event log") -> Event:
    """Parse one log line back into its event."""
    return LogReader().event(line, where)


def read_log(lines: Iterable[str], where: str = "event log") -> Iterator[Event]:
    reader = LogReader()
    for number, line in enumerate(lines, start=1):
        if line.strip():
            yield reader.event(line, f"{where}:{number}")
