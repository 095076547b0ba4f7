"""Where every round went, from the log alone: each trigger pull with the pixel it was
fired at on the frame the officer saw, and what it met (a subject, a bystander, cover,
the ground, nothing, or it was fired off the screen), and where the officer stood and
faced when it was flown (logs before 1.5: the fixed origin, facing +y, the only place he
could stand). TASER pulls list each probe."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from range.run.events import (
    BulletHit,
    BulletStopped,
    Event,
    ProbeLanded,
    ShotFired,
    TaserDeployment,
)
from range.vocabulary import Point2
from range.world.projection import Projection, Ray

Fate = Literal["subject", "bystander", "cover", "ground", "nothing", "off_screen", "in_flight"]
GROUND_MISSES = ("ground", "wire")
FIXED_ORIGIN: Point2 = (0.0, 0.0)  # where he stands in a log that records no stance
UNLANDED_M = 30.0  # how far down its line a round still flying, or that met nothing, is shown


@dataclass(slots=True)
class Landing:
    tick: int
    fate: Fate
    what: str  # "man upper torso", "car", "the ground"
    distance_m: float


@dataclass(slots=True)
class Round:
    shot: int
    tick: int
    weapon: str
    force: str
    point: Point2 | None  # the pixel fired at, on the frame shown at the pull
    landings: list[Landing] = field(default_factory=list)  # one per bullet or probe
    taser_result: str | None = None
    origin: Point2 = FIXED_ORIGIN  # his feet when the round was flown: its line starts here
    heading: float = 0.0  # the way he faced then, rad left of +y
    flown: Point2 | None = None  # the pixel flown then (a late live shot's is not `point`)

    @property
    def fate(self) -> Fate:
        """A bullet's landing; for a TASER pull, the best of its probes."""
        if self.point is None:
            return "off_screen"
        fates = [landing.fate for landing in self.landings]
        order: tuple[Fate, ...] = ("subject", "bystander", "cover", "ground", "nothing")
        for fate in order:
            if fate in fates:
                return fate
        return "in_flight"

    def landed_by(self, tick: int) -> bool:
        return bool(self.landings) and all(landing.tick <= tick for landing in self.landings)

    def line(self, screen: Projection) -> Ray | None:
        """Its line of fire: through its pixel of `screen` from where he stood and faced
        when it was flown (None: fired off the screen)."""
        if self.flown is None:
            return None
        return screen.at(self.origin, self.heading).ray(*self.flown)

    def reach(self, tick: int) -> float:
        """Ground metres down its line to its first landing known by `tick`."""
        return min((landing.distance_m for landing in self.landings if landing.tick <= tick),
                   default=UNLANDED_M)

    def mark(self, screen: Projection, tick: int) -> Point2 | None:
        """Where its mark goes on the frame he sees from `screen`'s place at `tick`: the
        pixel fired at while he stands where he fired it; after he moved, where its first
        landing (on the sight line) is seen from where he is now; None if that is off
        the frame or behind him, or it was fired off the screen."""
        line = self.line(screen)
        if line is None or self.point is None:
            return None
        if (screen.origin, screen.heading) == (self.origin, self.heading):
            return self.point
        s = self.reach(tick)
        x, y = line.ground_point(s)
        pixel = screen.world_to_screen(x, y, line.height_at(s))
        return pixel if pixel is not None and screen.on_screen(*pixel) else None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["fate"] = self.fate
        return data


def rounds(events: Iterable[Event], roles: dict[str, str]) -> list[Round]:
    by_shot: dict[int, Round] = {}
    for event in events:
        match event:
            case ShotFired():
                point = event.seen_point if event.seen_point is not None else event.point
                by_shot[event.shot] = Round(
                    event.shot, event.tick, event.weapon, event.force, point,
                    origin=FIXED_ORIGIN if event.origin is None else event.origin,
                    heading=0.0 if event.heading is None else event.heading,
                    flown=event.point)
            case BulletHit():
                _land(by_shot, event.shot, Landing(
                    event.tick, "bystander" if event.role == "bystander" else "subject",
                    f"{event.actor} {event.zone.replace('_', ' ')}", event.distance_m))
            case BulletStopped():
                _land(by_shot, event.shot, _stopped(event.tick, event.by, event.distance_m))
            case ProbeLanded():
                if event.actor is not None:
                    fate: Fate = ("bystander" if roles.get(event.actor) == "bystander"
                                  else "subject")
                    landing = Landing(event.tick, fate, f"{event.actor} "
                                      f"{(event.zone or '').replace('_', ' ')}".strip(),
                                      event.distance_m)
                else:
                    landing = _stopped(event.tick, event.by or "nothing", event.distance_m)
                _land(by_shot, event.shot, landing)
            case TaserDeployment():
                if event.shot in by_shot:
                    by_shot[event.shot].taser_result = event.result
    return list(by_shot.values())


def _stopped(tick: int, by: str, distance_m: float) -> Landing:
    if by in GROUND_MISSES:
        return Landing(tick, "ground", "the ground" if by == "ground" else "end of the wire",
                       distance_m)
    if by == "nothing":
        return Landing(tick, "nothing", "nothing (out of the scene)", distance_m)
    return Landing(tick, "cover", by, distance_m)


def _land(by_shot: dict[int, Round], shot: int, landing: Landing) -> None:
    if shot in by_shot:
        by_shot[shot].landings.append(landing)
