"""Events of the officer's body (log 1.5): his moves, and his being down by the
scenario's rule. The codec reads them with the rest (`range.run.codec`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from range.run.events import Event
from range.vocabulary import Point2


@dataclass(frozen=True, slots=True, kw_only=True)
class OfficerMoved(Event):
    """The officer set off (1.5): `move` "back" or a place of the scenario, from `start`
    to `to` (m, ground plane) at `speed`, there `takes_s` later unless a new move cuts it
    short; `cover`: the cover of the place; `distances`: everyone's as he set off."""

    kind: ClassVar[str] = "officer_moved"
    move: str
    start: Point2
    to: Point2
    speed: float
    takes_s: float
    cover: str | None = None
    distances: dict[str, float] = field(default_factory=dict)
    officer: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class OfficerArrived(Event):
    """The officer got where his move took him (1.5), behind `cover` if the place has it;
    `distances`: everyone's then."""

    kind: ClassVar[str] = "officer_arrived"
    move: str
    position: Point2
    cover: str | None = None
    distances: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class OfficerDown(Event):
    """The officer is down by the scenario's rule (1.5): `hits` hits on him, the last by
    `actor`; the scenario ends on this tick."""

    kind: ClassVar[str] = "officer_down"
    hits: int
    actor: str


OFFICER_EVENT_TYPES: dict[str, type[Event]] = {
    cls.kind: cls for cls in (OfficerMoved, OfficerArrived, OfficerDown)}
