"""The top-down map of one moment, as plain data for the page to draw: every actor's
position, facing, state and threat level, the cover's footprints, the officer where he
stands and the screen in front of him, and the line of each shot from where he stood at
its pull to where it landed. Pure, from the snapshot and the rounds of the log."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from range.station.rounds import Round
from range.vocabulary import Point2
from range.world.projection import Projection
from range.world.snapshot import WorldSnapshot


def map_view(snapshot: WorldSnapshot, fired: Sequence[Round]) -> dict[str, Any]:
    projection = snapshot.projection
    return {
        "tick": snapshot.tick,
        "time_s": round(snapshot.time_s, 6),
        "ended": snapshot.ended,
        "screen": {"distance_m": projection.distance, "width_m": projection.screen_width,
                   "ends": [_point(_on_ground(projection, side * projection.screen_width / 2,
                                              projection.distance)) for side in (-1, 1)]},
        "officer": _point(projection.origin),
        "actors": [{
            "id": a.id, "role": a.role, "state": a.state, "action": a.action,
            "threat": a.threat, "position": [round(a.position[0], 3), round(a.position[1], 3)],
            "facing": round(a.facing, 4), "held": a.held, "incapacitated": a.incapacitated,
            "distance_m": round(snapshot.distance(a), 2),
        } for a in snapshot.actors],
        "cover": [{"id": c.id, "kind": c.kind,
                   "corners": [[round(x, 3), round(y, 3)] for x, y in c.corners()]}
                  for c in snapshot.cover],
        "shots": [_line(snapshot, r) for r in fired if r.tick <= snapshot.tick],
    }


def _line(snapshot: WorldSnapshot, fired: Round) -> dict[str, Any]:
    """The shot's ground track from where the officer stood when it was flown (not where
    he stands now) to its first landing known by now."""
    landed = [landing for landing in fired.landings if landing.tick <= snapshot.tick]
    line = fired.line(snapshot.projection)
    end = None if line is None else _point(line.ground_point(fired.reach(snapshot.tick)))
    fate = landed[0].fate if landed else ("off_screen" if fired.point is None else "in_flight")
    return {"shot": fired.shot, "weapon": fired.weapon, "force": fired.force,
            "from": _point(fired.origin), "end": end, "fate": fate,
            "recent": snapshot.tick - fired.tick <= round(2.0 / snapshot.step_s)}


def _on_ground(projection: Projection, across: float, ahead: float) -> Point2:
    """A point `across` to his right and `ahead` of the officer, on the world's ground."""
    dx, dy = projection.to_world((across, ahead))
    return (projection.origin[0] + dx, projection.origin[1] + dy)


def _point(point: Point2) -> list[float]:
    return [round(point[0], 3), round(point[1], 3)]
