"""Quantities as range staff write them ("21 ft", "7 yd", "250 ms", "4.3 m/s") turned
into SI floats. Parsing only: no I/O, no state."""

from __future__ import annotations

import re
from typing import Literal

from range.errors import UnitError

Dimension = Literal["length", "time", "speed", "angle"]

# Factor to the SI unit of each dimension (m, s, m/s, rad).
UNITS: dict[Dimension, dict[str, float]] = {
    "length": {"m": 1.0, "cm": 0.01, "mm": 0.001, "km": 1000.0, "in": 0.0254,
               "ft": 0.3048, "yd": 0.9144},
    "time": {"s": 1.0, "ms": 0.001, "us": 1e-6, "min": 60.0},
    "speed": {"m/s": 1.0, "km/h": 1 / 3.6, "ft/s": 0.3048, "mph": 0.44704},
    "angle": {"rad": 1.0, "deg": 0.017453292519943295},
}

SI_UNIT: dict[Dimension, str] = {"length": "m", "time": "s", "speed": "m/s", "angle": "rad"}

# Each part has one way to match, so a long run of digits cannot make the match
# backtrack (a 16,000-digit value took 10 s with `\d+\.?\d*`).
_QUANTITY = re.compile(r"^\s*([-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)\s*([a-zA-Z/]+)\s*$")
MAX_TEXT = 64  # characters: "21 ft" needs a handful


def parse_quantity(value: object, dimension: Dimension) -> float:
    """'21 ft' -> 6.4008 (metres). A bare number is taken as SI."""
    if isinstance(value, bool):
        raise UnitError(f"expected a {dimension} such as {example(dimension)}, found {value!r}")
    if isinstance(value, int | float):
        return float(value)
    if not isinstance(value, str):
        raise UnitError(f"expected a {dimension} such as {example(dimension)}, found {value!r}")
    if len(value) > MAX_TEXT:
        raise UnitError(f"expected a {dimension} such as {example(dimension)}, found text of "
                        f"{len(value)} characters")
    match = _QUANTITY.match(value)
    if match is None:
        raise UnitError(f"expected a {dimension} such as {example(dimension)}, found {value!r}")
    number, unit = float(match.group(1)), match.group(2)
    factors = UNITS[dimension]
    if unit not in factors:
        known = ", ".join(factors)
        raise UnitError(f"expected a {dimension} in one of {known}, found unit {unit!r}")
    return number * factors[unit]


def example(dimension: Dimension) -> str:
    return {"length": "'21 ft' or '6.4 m'", "time": "'250 ms' or '2 s'",
            "speed": "'4.3 m/s' or '14 ft/s'", "angle": "'8 deg'"}[dimension]


def to_feet(metres: float) -> float:
    return metres / 0.3048


def to_inches(metres: float) -> float:
    return metres / 0.0254
