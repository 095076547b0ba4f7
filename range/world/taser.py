"""TASER deployment outcomes from where the probes landed.

Rules (domain-facts B.2): incapacitation needs two probes on the same body, spread at or
above the agency's minimum (12 in by default; 6 in legacy), clothing under about 1 in at
each probe, and the subject inside the wire's reach. The first failed rule is the reason
given, in the order a TASER instructor would check them."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import combinations

from range.scenario.units import to_feet, to_inches
from range.vocabulary import TaserResult, Zone
from range.world.ballistics import Impact


@dataclass(frozen=True, slots=True)
class Outcome:
    result: TaserResult
    actor: str | None
    spread_m: float | None
    zones: list[Zone | None]
    reason: str


def spread(a: Impact, b: Impact) -> float:
    return math.dist(a.point, b.point)


def judge_pair(impacts: Sequence[Impact], clothing_at: Callable[[Zone | None], float],
               min_spread_m: float, max_clothing_m: float, wire_m: float) -> Outcome:
    """Outcome of a two-probe cartridge (or of TASER 10 probes on one body)."""
    zones = [i.zone for i in impacts]
    on_body = [i for i in impacts if i.actor is not None]
    actors = {i.actor for i in on_body}
    if len(on_body) >= 2 and len(actors) == 1:
        pair = max(combinations(on_body, 2), key=lambda p: spread(*p))
        return _connected(pair, clothing_at, min_spread_m, max_clothing_m, zones)
    target = on_body[0].actor if on_body else None
    if any(i.by == "wire" for i in impacts):
        return Outcome("out_of_range", target, None, zones,
                       f"a probe reached the end of its {to_feet(wire_m):.0f} ft wire")
    if not on_body:
        stopped = sorted({i.by or "" for i in impacts})
        return Outcome("miss", None, None, zones, f"no probe on a body (stopped by "
                       f"{', '.join(stopped)})")
    if len(actors) > 1:
        return Outcome("one_probe", target, None, zones, "probes landed on different people")
    return Outcome("one_probe", target, None, zones, "only one probe on the body: no circuit")


def _connected(pair: tuple[Impact, Impact], clothing_at: Callable[[Zone | None], float],
               min_spread_m: float, max_clothing_m: float, zones: list[Zone | None]) -> Outcome:
    gap = spread(*pair)
    actor = pair[0].actor
    clothing_m = max(clothing_at(i.zone) for i in pair)
    if clothing_m > max_clothing_m:
        return Outcome("clothing", actor, gap, zones,
                       f"clothing {to_inches(clothing_m):.1f} in thick, over the "
                       f"{to_inches(max_clothing_m):.1f} in a probe can arc through")
    if gap < min_spread_m:
        return Outcome("short_spread", actor, gap, zones,
                       f"spread {to_inches(gap):.1f} in, under the {to_inches(min_spread_m):.0f} "
                       "in minimum")
    return Outcome("effective", actor, gap, zones, "")
