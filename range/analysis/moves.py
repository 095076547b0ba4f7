"""The officer's moves, from the log alone (1.5): where he stepped, how far, how long he
stood behind cover, and what cover he was behind at a moment of the log.

A move sets off (`officer_moved`) and, unless a new move cuts it short, gets there
(`officer_arrived`, with the cover of the place). He is behind cover from an arrival
with cover to his next move (or the end)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from range.analysis import words
from range.analysis.digest import RunLog, _version
from range.run.officer_events import OfficerArrived, OfficerMoved

MOVES_FROM = (1, 5)  # the log version from which the officer's moves are logged


@dataclass(frozen=True, slots=True)
class Move:
    move: str  # "back" or a place of the scenario
    order: int  # its place in the log
    start_s: float
    metres: float  # how far he went (to where a later move cut it short)
    there_s: float | None  # when he got there (None: cut short, or the log ended first)
    cover: str | None  # the cover of the place he got to
    distances_start: dict[str, float]
    distances_there: dict[str, float]


def moves_recorded(log: RunLog) -> bool:
    return _version(log.start.log_version) >= MOVES_FROM


def officer_moves(log: RunLog) -> tuple[Move, ...]:
    """Every move in log order, each with its arrival (if he got there)."""
    found: list[Move] = []
    pending: tuple[int, OfficerMoved] | None = None
    for order, event in enumerate(log.events):
        if isinstance(event, OfficerMoved):
            if pending is not None:  # cut short where he stood when this one set off
                found.append(_move(log, *pending, event.start, None))
            pending = (order, event)
        elif isinstance(event, OfficerArrived) and pending is not None:
            found.append(_move(log, *pending, event.position, event))
            pending = None
    if pending is not None:  # the log ended on the way: as far as he got by then
        found.append(_move(log, *pending, _reached(log, pending[1]), None))
    return tuple(found)


def _reached(log: RunLog, moved: OfficerMoved) -> tuple[float, float]:
    """Where a move under way had taken him by the end of the log (he walks evenly)."""
    t = 1.0 if moved.takes_s <= 0 else min(
        1.0, (log.time(log.end_tick) - log.time(moved.tick)) / moved.takes_s)
    return (moved.start[0] + (moved.to[0] - moved.start[0]) * t,
            moved.start[1] + (moved.to[1] - moved.start[1]) * t)


def _move(log: RunLog, order: int, moved: OfficerMoved, end: tuple[float, float],
          arrived: OfficerArrived | None) -> Move:
    return Move(moved.move, order, log.time(moved.tick), math.dist(moved.start, end),
                None if arrived is None else log.time(arrived.tick),
                None if arrived is None else arrived.cover, dict(moved.distances),
                {} if arrived is None else dict(arrived.distances))


def cover_at(log: RunLog, moves: tuple[Move, ...], until: int) -> str | None:
    """The cover he was behind at log place `until`: that of his last arrival before it,
    unless he set off again before it."""
    cover = None
    for move in moves:
        if move.order >= until:
            break
        there = _arrival_order(log, move)
        cover = move.cover if there is not None and there < until else None
    return cover


def _arrival_order(log: RunLog, move: Move) -> int | None:
    if move.there_s is None:
        return None
    return next(order for order, e in enumerate(log.events[move.order:], move.order)
                if isinstance(e, OfficerArrived))


def behind_cover_s(log: RunLog, moves: tuple[Move, ...]) -> tuple[float, float | None]:
    """Seconds behind cover in all, and when he first got behind it."""
    total, first = 0.0, None
    end = log.time(log.end_tick)
    for index, move in enumerate(moves):
        if move.cover is None or move.there_s is None:
            continue
        left = moves[index + 1].start_s if index + 1 < len(moves) else end
        total += max(0.0, left - move.there_s)
        first = move.there_s if first is None else first
    return round(total, 6), first


def move_lines(log: RunLog, moves: tuple[Move, ...], actor: str | None) -> list[str]:
    """Each move in plain words, with `actor`'s distance as he set off and got there."""
    lines = []
    for move in moves:
        where = ("stepped back" if move.move == "back" else
                 f"moved to {words.plain(move.move)}"
                 + (f" (behind {move.cover})" if move.cover else ""))
        done = (f", there at {move.there_s:.3f} s" if move.there_s is not None
                else ", cut short by his next move" if _later(moves, move)
                else ", not there by the end")
        gap = ""
        if actor is not None and actor in move.distances_start:
            gap = f"; {actor} {_m(move.distances_start[actor])} away as he set off"
            if actor in move.distances_there:
                gap += f", {_m(move.distances_there[actor])} when he got there"
        lines.append(f"Move: at {move.start_s:.3f} s {where}, {move.metres:.2f} m{done}{gap}.")
    return lines


def _later(moves: tuple[Move, ...], move: Move) -> bool:
    return any(m.order > move.order for m in moves)


def _m(metres: float) -> str:
    return f"{metres:.2f} m"
