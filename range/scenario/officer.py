"""The officer of a scenario: his weapons, how he starts, his pistol's magazine, the least
time a person takes to bring each weapon into action, and where TASER probes leave."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from range.scenario.quantities import Coordinate, Distance, Duration, Speed
from range.scenario.validation import Name, Strict
from range.vocabulary import WeaponName

DEFAULT_WEAPONS: tuple[WeaponName, ...] = ("pistol", "x26")


class OfficerTiming(Strict):
    """The least time a person takes to bring a weapon into action (domain-facts C.1).
    A pull sooner than this is reported as faster than a person can; an agency sets its
    own measured figures here."""

    draw_and_fire: Duration = 1.777  # holster to first round, cold [C9]
    taser_to_firearm: Duration = 2.49  # [C11]
    firearm_to_taser: Duration = 4.7  # [C11]
    taser_to_taser: Duration = 2.49  # another CEW: holster one, draw one (D, as [C11])


class Muzzle(Strict):
    """Where TASER probes leave: ahead of the officer's eye and below it, the device held
    out at chest height and aimed by its laser (no source in domain-facts: the issue's
    instructor's "about 0.5 m ahead of the eye at chest height"; an agency setting)."""

    ahead: Annotated[Distance, Field(le=1.5)] = 0.5
    below_eye: Annotated[Distance, Field(le=1.0)] = 0.35


class Place(Strict):
    """A named spot the officer may move to (`move = "ID"`), behind `cover` if given."""

    id: Name
    at: tuple[Coordinate, Coordinate]
    cover: Name | None = None  # the cover between him and the scene there
    # The point he faces from there (the screen turns with him); None: straight ahead, as
    # he started.
    facing: tuple[Coordinate, Coordinate] | None = None


class Movement(Strict):
    """Where the officer may step (creating distance is a de-escalation skill): back, by
    `step` a press, no farther than `room_behind` behind where he took position (his
    start, or the last place), and to the named places. The speeds have no source in
    domain-facts: an agency setting (a careful backward walk, eyes on the subject; a brisk
    walk to a spot)."""

    room_behind: Distance = 0.0  # how far back he may go from where he took position
    step: Annotated[Distance, Field(gt=0, le=20)] = 2.0  # one step back ("back")
    back_speed: Speed = 1.0  # m/s, walking backwards
    speed: Speed = 1.5  # m/s, to a place
    places: list[Place] = Field(default_factory=list)

    def allows(self) -> bool:
        return self.room_behind > 0.0 or bool(self.places)


class Officer(Strict):
    weapons: list[WeaponName] = Field(default_factory=lambda: list(DEFAULT_WEAPONS))
    start: Literal["drawn", "holstered"] = "drawn"  # the first weapon listed, at tick 0
    magazine: Annotated[int, Field(ge=1, le=50)] = 15  # pistol rounds per magazine
    timing: OfficerTiming = OfficerTiming()
    muzzle: Muzzle = Muzzle()  # where TASER probes leave
    # A magazine change, from the input to the new magazine seated (D, from domain-facts
    # D.1's par times; no measured figure: an agency setting).
    reload: Duration = 2.5
    movement: Movement = Movement()  # where he may step: nowhere by default
    # The scenario's rule for the officer being down: after this many hits on him it
    # ends (None: it goes on, and the instructor decides; no source, an agency setting).
    down_after: Annotated[int, Field(ge=1, le=100)] | None = None


