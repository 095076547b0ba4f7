"""Where people start: nobody inside cover or inside another person's footprint."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from range.errors import ScenarioError

if TYPE_CHECKING:  # the model calls these checks: typed here, not imported at run time
    from range.scenario.model import Cover, Scenario


def check_placements(scenario: Scenario, source: str, footprint_m: float) -> None:
    """Nobody starts inside cover or inside another person: the physics would push him
    out, and he would not stand where the scenario says."""
    for index, actor in enumerate(scenario.actors):
        where = f"{source}: actors[{index}] ({actor.id}).position"
        for cover in scenario.cover:
            gap = gap_to_box(actor.position, cover)
            if gap < footprint_m:
                raise ScenarioError(
                    f"{where}: expected his footprint ({footprint_m:g} m round his "
                    f"position) clear of cover {cover.id!r}, found it {gap:.2f} m from its "
                    "edge; move him or the cover")
        for other in scenario.actors[:index]:
            apart = math.dist(actor.position, other.position)
            if apart < 2 * footprint_m:
                raise ScenarioError(
                    f"{where}: expected at least {2 * footprint_m:g} m from "
                    f"{other.id!r} (two footprints), found {apart:.2f} m")


def check_places(scenario: Scenario, source: str, footprint_m: float) -> None:
    """Each place the officer may move to names cover the scenario has, and he fits
    there, outside every cover box."""
    movement = scenario.officer.movement
    covers = [c.id for c in scenario.cover]
    ids = [p.id for p in movement.places]
    for index, place in enumerate(movement.places):
        where = f"{source}: officer.movement.places[{index}] ({place.id})"
        if place.id in ids[:index]:
            raise ScenarioError(f"{where}.id: expected a name used once, found it again")
        if place.cover is not None and place.cover not in covers:
            raise ScenarioError(f"{where}.cover: expected a cover id of the scenario "
                                f"{covers}, found {place.cover!r}")
        for cover in scenario.cover:
            gap = gap_to_box(place.at, cover)
            if gap < footprint_m:
                raise ScenarioError(
                    f"{where}.at: expected the officer's footprint clear of cover "
                    f"{cover.id!r}, found it {gap:.2f} m from its edge")


def gap_to_box(point: tuple[float, float], cover: Cover) -> float:
    """Distance from a point to a (turned) cover box's footprint; 0 inside it."""
    cos, sin = math.cos(-cover.angle), math.sin(-cover.angle)
    dx, dy = point[0] - cover.center[0], point[1] - cover.center[1]
    local = (dx * cos - dy * sin, dx * sin + dy * cos)
    out = [max(0.0, abs(c) - half / 2) for c, half in zip(local, cover.size, strict=True)]
    return math.hypot(*out)
