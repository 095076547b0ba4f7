"""Quantity types of the scenario files: a length, time, speed or angle in the units range
staff use, read to SI, with bounds that catch a typo, not a rare-but-real figure."""

from __future__ import annotations

from typing import Annotated

from pydantic import BeforeValidator, Field

from range.scenario.units import Dimension, parse_quantity
from range.scenario.validation import Unit


def quantity(dimension: Dimension) -> BeforeValidator:
    return BeforeValidator(lambda value: parse_quantity(value, dimension))


LENGTH, TIME, SPEED, ANGLE = Unit("length"), Unit("time"), Unit("speed"), Unit("angle")

# Bounds catch absurd numbers (a typo of a unit or a digit), not rare-but-real ones.
Distance = Annotated[float, quantity("length"), Field(ge=0, le=500), LENGTH]
Coordinate = Annotated[float, quantity("length"), Field(ge=-500, le=500), LENGTH]
Duration = Annotated[float, quantity("time"), Field(gt=0, le=3600), TIME]
Instant = Annotated[float, quantity("time"), Field(ge=0, le=3600), TIME]
Speed = Annotated[float, quantity("speed"), Field(gt=0, le=12.5), SPEED]  # Bolt: 12.4 m/s
PersonHeight = Annotated[float, quantity("length"), Field(ge=0.5, le=2.5), LENGTH]
Thickness = Annotated[float, quantity("length"), Field(ge=0, le=0.3), LENGTH]
ScreenSize = Annotated[float, quantity("length"), Field(ge=0.1, le=50), LENGTH]
# A relative weight: large enough for any odds a scenario needs, small enough that a sum
# of them stays finite.
Weight = Annotated[float, Field(gt=0, le=1e6)]

Chance = Annotated[float, Field(ge=0, le=1)]
