from __future__ import annotations

import pytest

from range.errors import UnitError
from range.scenario.units import parse_quantity, to_feet, to_inches


@pytest.mark.parametrize(
    ("text", "dimension", "si"),
    [
        ("21 ft", "length", 6.4008),
        ("7 yd", "length", 6.4008),
        ("12 in", "length", 0.3048),
        ("4.5 m", "length", 4.5),
        ("250 ms", "time", 0.25),
        ("2 s", "time", 2.0),
        ("14 ft/s", "speed", 4.2672),
        ("9.5 mph", "speed", 4.24688),
        ("8 deg", "angle", 0.13962634),
        (3, "time", 3.0),
        ("-0.3 m", "length", -0.3),
    ],
)
def test_range_staff_units_become_si(text: object, dimension: str, si: float) -> None:
    assert parse_quantity(text, dimension) == pytest.approx(si)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "dimension", "fragment"),
    [
        ("21 feet", "length", "unit 'feet'"),
        ("2 s", "length", "unit 's'"),
        ("fast", "speed", "such as '4.3 m/s'"),
        (True, "time", "found True"),
        (["1", "m"], "length", "found ['1', 'm']"),
    ],
)
def test_bad_quantities_say_what_was_expected(text: object, dimension: str,
                                              fragment: str) -> None:
    with pytest.raises(UnitError, match="expected") as error:
        parse_quantity(text, dimension)  # type: ignore[arg-type]
    assert fragment in str(error.value)


def test_conversions_back_to_range_units() -> None:
    assert to_feet(6.4008) == pytest.approx(21.0)
    assert to_inches(0.3048) == pytest.approx(12.0)


def test_a_long_run_of_digits_is_refused_at_once() -> None:
    """`\\d+\\.?\\d*` backtracked over digits: 16,000 of them took 10 s, 100,000 minutes."""
    with pytest.raises(UnitError, match="found text of 100002 characters"):
        parse_quantity("1" * 100_000 + " m", "length")
    from range.scenario import units

    assert units._QUANTITY.match("1" * 200_000 + "!") is None  # and the pattern is linear


def test_every_written_form_of_a_number_still_reads() -> None:
    assert [parse_quantity(text, "length") for text in ("21 ft", ".5 m", "3. m", "-1e3 mm",
                                                        "+2.5e-1 m")] == pytest.approx(
        [6.4008, 0.5, 3.0, -1.0, 0.25])
