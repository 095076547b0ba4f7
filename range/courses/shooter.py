"""Scripted shooters: a few timing and accuracy figures, each a physical quantity, turned
into the shots of a course with the run's seeded generator.

The shots come out as the rig's `Shot` (projector pixels, host nanoseconds), the same
type a live session's fusion gives, so scoring never knows which source fired them."""

from __future__ import annotations

from typing import Annotated

import numpy as np
from pydantic import BeforeValidator, Field

from hardware.events import Shot, WeaponName
from range.courses.model import Course, Stage
from range.courses.placement import TargetPlacement
from range.errors import InputsError
from range.scenario.model import ANGLE, Duration
from range.scenario.units import parse_quantity
from range.scenario.validation import SchemaVersion, Strict, parse_toml, validate_model

Angle = Annotated[float, BeforeValidator(lambda v: parse_quantity(v, "angle")),
                  Field(ge=-0.1, le=0.1), ANGLE]


class ShooterScript(Strict):
    """`reaction` from the tone to moving; `draw` from the holster, `ready` from low ready,
    to the first shot; `split` between shots; `reload` and `hand_switch` the time they
    take. `spread` is the angular scatter of the shots (1 sigma, each axis), `support_hand`
    how much wider it is with the support hand alone, `pull` a steady error (right, up),
    such as the low-left of anticipating the recoil."""

    schema_version: SchemaVersion
    course: str
    description: str = ""
    reaction: Duration
    draw: Duration
    ready: Duration
    split: Duration
    reload: Duration
    hand_switch: Duration
    spread: Annotated[Angle, Field(gt=0)]
    support_hand: Annotated[float, Field(ge=1.0, le=5.0)] = 1.5
    timing_scatter: Annotated[float, Field(ge=0.0, le=0.5)] = 0.1  # of each split
    pull: tuple[Angle, Angle] = (0.0, 0.0)


def parse_shooter(text: str, source: str, course: Course) -> ShooterScript:
    script = validate_model(ShooterScript, parse_toml(text, source, InputsError), source,
                            InputsError)
    if script.course != course.id:
        raise InputsError(f"{source}: course: expected {course.id!r} (the course being "
                          f"shot), found {script.course!r}")
    return script


def stage_shots(script: ShooterScript, stage: Stage, placement: TargetPlacement,
                weapon: WeaponName, tone_ns: int, rng: np.random.Generator) -> list[Shot]:
    """The shots of one stage after its start tone at `tone_ns`."""
    first = script.draw if stage.start == "holster" else script.ready
    t = script.reaction + first
    reload_every = stage.rounds / (stage.reloads + 1)
    shots: list[Shot] = []
    fired = 0
    for index, string in enumerate(stage.hand_strings()):
        if index:
            t += script.hand_switch
        sigma = script.spread * (script.support_hand if string.hand != "both" else 1.0)
        for _ in range(string.rounds):
            if fired and fired % reload_every < 1 and stage.reloads:
                t += script.reload
            if fired:
                t += script.split * max(0.2, 1.0 + script.timing_scatter * rng.normal())
            right, up = (script.pull[0] + sigma * rng.normal(), script.pull[1]
                         + sigma * rng.normal())
            point = placement.aim_pixel(right, up)
            shots.append(Shot(t_ns=tone_ns + round(t * 1e9), weapon=weapon, point=point,
                              source="pointer"))
            fired += 1
    return shots

