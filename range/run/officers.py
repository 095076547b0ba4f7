"""The officers who train at once on one screen: each one's name, lane and laser colour.

Every trainee's replicas carry his lane number (1, 2, ...), so each trigger report says
whose pull it was, and fusion pairs it with a spot of his laser's colour. Two officers are
told apart by colour alone (red and green), anywhere on the screen. Officers who share a
colour (a third and a fourth) are also held to their lane, an equal vertical strip of the
screen, as on a multi-lane laser range: a spot of that colour outside the strip is not his.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from hardware.events import Colour
from range.errors import InputsError

COLOURS: tuple[Colour, ...] = ("red", "green")  # what the detector tells apart
MAX_OFFICERS = 4  # two per colour, each pair split by lane
SOLE_OFFICER = "officer"  # the name of the one trainee when none is given
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ._'-]{0,39}")


@dataclass(frozen=True, slots=True)
class Officer:
    name: str
    lane: int  # 1, 2, ...: what his replicas report
    laser: Colour
    bounds: tuple[float, float] | None  # his strip of the screen (px), if colour is shared


@dataclass(frozen=True, slots=True)
class Squad:
    officers: tuple[Officer, ...]

    @property
    def names(self) -> list[str]:
        return [officer.name for officer in self.officers]

    def by_lane(self, lane: int) -> Officer:
        """The officer of a replica's lane; lane 0 (none assigned) is the first officer's,
        since a rig of one trainee need not number its replicas."""
        if lane == 0:
            return self.officers[0]
        for officer in self.officers:
            if officer.lane == lane:
                return officer
        raise InputsError(f"a replica reported lane {lane}: expected a lane of "
                          f"{[o.lane for o in self.officers]} (one per --officer)")

    def by_name(self, name: str) -> Officer:
        return next(officer for officer in self.officers if officer.name == name)

    def lanes(self) -> dict[int, tuple[float, float]]:
        """The lane bounds fusion holds spots to: only officers who share a colour."""
        return {o.lane: o.bounds for o in self.officers if o.bounds is not None}


def squad(names: Sequence[str], screen_width: float) -> Squad:
    """The officers named, in order: lane k + 1 and colours taken in turn."""
    if not names:
        names = [SOLE_OFFICER]
    if len(names) > MAX_OFFICERS:
        raise InputsError(f"--officer: expected at most {MAX_OFFICERS} officers (two laser "
                          f"colours, two lanes each), found {len(names)}")
    for name in names:
        if not _NAME.fullmatch(name):
            raise InputsError(f"--officer {name!r}: expected a name of 1-40 letters, digits, "
                              "spaces or . _ ' - starting with a letter or digit")
    if len(set(names)) != len(names):
        raise InputsError(f"--officer: expected each officer once, found {list(names)}")
    colours = [COLOURS[k % len(COLOURS)] for k in range(len(names))]
    strip = screen_width / len(names)
    return Squad(tuple(
        Officer(name, k + 1, colour,
                (k * strip, (k + 1) * strip) if colours.count(colour) > 1 else None)
        for k, (name, colour) in enumerate(zip(names, colours, strict=True))))
