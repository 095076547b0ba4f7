"""Where the officer stands: he starts at the origin and may step back, or to a named
place (behind cover), where the scenario allows it (`[officer.movement]`).

He walks there at the scenario's speed, a tick at a time, turning as he goes to face
what the place faces (the screen turns with him; a step back keeps his heading): the
view, his rounds and probes, the subjects' reach and their shots all follow him. A new
move from where he is cuts short the one under way."""

from __future__ import annotations

import math
from dataclasses import dataclass

from range.errors import InputsError
from range.scenario.officer import Movement
from range.vocabulary import Point2
from range.world.projection import Projection

BACK = "back"  # the move that steps him back (any other names a place)


@dataclass(frozen=True, slots=True)
class Leg:
    """A move under way: from where, to where, how fast, and the cover there."""

    move: str
    start: Point2
    to: Point2
    speed: float  # m/s
    cover: str | None
    start_tick: int
    turn: tuple[float, float] = (0.0, 0.0)  # heading from and to, rad (left of +y)

    def seconds(self) -> float:
        return math.dist(self.start, self.to) / self.speed


class Stance:
    def __init__(self, movement: Movement, base: Projection) -> None:
        self._movement = movement
        self._base = base
        self.x, self.y = base.origin
        self.projection = base
        self.leg: Leg | None = None  # the move under way
        self._anchor = base.origin  # where he took position: his start, or the last place
        self.cover: str | None = None  # the cover he is behind, once there

    @property
    def position(self) -> Point2:
        return (self.x, self.y)

    @property
    def moving(self) -> bool:
        return self.leg is not None

    def go(self, move: str, tick: int) -> Leg:
        """Start a move from where he stands now."""
        movement = self._movement
        if move == BACK:
            if movement.room_behind <= 0.0:
                raise InputsError("move: expected a scenario whose officer may step back "
                                  "([officer.movement] room_behind), found none")
            to, speed, cover = self._back(), movement.back_speed, None
            heading = self.heading
        else:
            place = next((p for p in movement.places if p.id == move), None)
            if place is None:
                raise InputsError(f"move: expected 'back' or a place of the scenario "
                                  f"{[p.id for p in movement.places]}, found {move!r}")
            to, speed, cover = place.at, movement.speed, place.cover
            heading = 0.0 if place.facing is None else math.atan2(
                -(place.facing[0] - to[0]), place.facing[1] - to[1])
        self.leg = Leg(move, self.position, (float(to[0]), float(to[1])), speed, cover, tick,
                       (self.heading, _nearest_turn(self.heading, heading)))
        self.cover = None  # he has left where he was
        return self.leg

    def advance(self, tick: int, step_s: float) -> Leg | None:
        """Walk one tick along the move under way; the move, on the tick he arrives."""
        leg = self.leg
        if leg is None:
            return None
        total = math.dist(leg.start, leg.to)
        done = min(total, (tick - leg.start_tick) * step_s * leg.speed)
        t = 1.0 if total <= 0.0 else done / total
        self._place_at((leg.start[0] + (leg.to[0] - leg.start[0]) * t,
                        leg.start[1] + (leg.to[1] - leg.start[1]) * t),
                       leg.turn[0] + (leg.turn[1] - leg.turn[0]) * t)
        if t < 1.0:
            return None
        self.leg = None
        self.cover = leg.cover
        if leg.move != BACK:
            self._anchor = leg.to  # the room behind him counts from here now
        return leg

    def _back(self) -> Point2:
        """A step straight back from the way he faces, within the room behind where he
        took position."""
        back = self.projection.to_world((0.0, -1.0))
        done = (self.x - self._anchor[0]) * back[0] + (self.y - self._anchor[1]) * back[1]
        length = min(self._movement.step, max(0.0, self._movement.room_behind - done))
        return (self.x + back[0] * length, self.y + back[1] * length)

    def allows(self, move: str) -> bool:
        movement = self._movement
        if move == BACK:
            return movement.room_behind > 0.0
        return any(p.id == move for p in movement.places)

    def next_cover(self) -> str | None:
        """The nearest place with cover he is neither at nor heading to (else the nearest
        place of any kind): where a "to cover" key takes him."""
        here = self.leg.move if self.leg is not None else None
        places = [p for p in self._movement.places
                  if p.id != here and math.dist(p.at, self.position) > 1e-6]
        if not places:
            return None
        return min(places, key=lambda p: (p.cover is None,
                                          math.dist(p.at, self.position))).id

    def distance_to(self, point: Point2) -> float:
        return math.hypot(point[0] - self.x, point[1] - self.y)

    @property
    def heading(self) -> float:
        return self.projection.heading

    def _place_at(self, point: Point2, heading: float) -> None:
        self.x, self.y = point
        self.projection = self._base.at(point, heading)


def _nearest_turn(start: float, end: float) -> float:
    """`end` as the heading the shorter way round from `start`."""
    return start + (end - start + math.pi) % (2 * math.pi) - math.pi
