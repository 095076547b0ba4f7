"""Scripted officer inputs: the timed commands, shots and branch keys of a run.

A script lets `holdfire simulate` play a good or a poor response to a scenario headless.
Shots aim at an actor's zone (resolved to a screen point when fired, so a moving subject
is aimed at where he is drawn at that moment) or at a fixed projector pixel."""

from __future__ import annotations

from typing import Annotated, cast

from pydantic import Field

from range.errors import InputsError
from range.scenario.model import Instant, Scenario, Tone
from range.scenario.units import parse_quantity
from range.scenario.validation import (
    Key,
    Name,
    SchemaVersion,
    Shape,
    Strict,
    parse_toml,
    suggest,
    validate_model,
)
from range.vocabulary import ZONES, Command, WeaponName, Zone
from range.world.weapons import WEAPONS, Firearm, TaserCartridge

# A projector pixel; off the screen is allowed (a miss), absurd is not.
PixelCoordinate = Annotated[float, Field(ge=-1e5, le=1e5)]


class ScriptedInput(Strict):
    at: Instant
    command: Command | None = None
    fire: WeaponName | None = None
    aim: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]*\.[a-z_]+$"),
                   Shape("an actor id and a zone joined by '.', such as subject.upper_torso")
                   ] | None = None
    offset: tuple[str | float, str | float] = (0.0, 0.0)
    point: tuple[PixelCoordinate, PixelCoordinate] | None = None
    off_screen: bool = False
    branch: Key | None = None
    operator: str = "instructor"
    tone: Tone | None = None  # a command's: calm or shouted (default: shouted, talk calm)
    show: WeaponName | None = None  # a weapon drawn or pointed, not fired
    reload: WeaponName | None = None  # a change of the pistol's magazine
    drive_stun: bool = False  # with `fire` of an X26: pressed on him, no probes
    move: Name | None = None  # the officer sets off: "back", or to a place of the scenario

    def aim_target(self) -> tuple[str, Zone] | None:
        """(actor, zone) of an `aim`, once `parse_inputs` has checked the zone."""
        if self.aim is None:
            return None
        actor, zone = self.aim.split(".")
        return actor, cast(Zone, zone)

    def offset_m(self) -> tuple[float, float]:
        return (parse_quantity(self.offset[0], "length"), parse_quantity(self.offset[1], "length"))


class InputScript(Strict):
    schema_version: SchemaVersion
    scenario: str
    description: str = ""
    input: list[ScriptedInput] = Field(default_factory=list)


def parse_inputs(text: str, source: str, scenario: Scenario) -> InputScript:
    """Validate an inputs script against the scenario it will drive."""
    return inputs_from_data(parse_toml(text, source, InputsError), source, scenario)


def inputs_from_data(data: object, source: str, scenario: Scenario) -> InputScript:
    """Validate an inputs script as read from TOML against the scenario it will drive."""
    script = validate_model(InputScript, data, source, InputsError)
    if script.scenario != scenario.id:
        raise InputsError(f"{source}: scenario: expected {scenario.id!r} (the scenario being "
                          f"run), found {script.scenario!r}")
    actor_ids = [a.id for a in scenario.actors]
    for index, item in enumerate(script.input):
        _check_input(item, f"{source}: input[{index}]", scenario, actor_ids)
    return script


def _check_input(item: ScriptedInput, where: str, scenario: Scenario,
                 actor_ids: list[str]) -> None:
    kinds = [k for k in ("command", "fire", "branch", "show", "reload", "move")
             if getattr(item, k) is not None]
    if len(kinds) != 1:
        raise InputsError(f"{where}: expected exactly one of 'command', 'fire', 'branch', "
                          f"'show', 'reload' or 'move', found {kinds or 'none'}")
    if item.move is not None:
        _check_move(item.move, f"{where}.move", scenario)
    if item.tone is not None and item.command is None:
        raise InputsError(f"{where}.tone: expected a tone only with 'command'")
    if item.show is not None and item.show not in scenario.officer.weapons:
        raise InputsError(f"{where}.show: expected a weapon the officer carries "
                          f"{list(scenario.officer.weapons)}, found {item.show!r}")
    _check_device_input(item, where, scenario)
    try:
        item.offset_m()
    except ValueError as exc:
        raise InputsError(f"{where}.offset: {exc}") from exc
    if item.fire is None:
        return
    if item.fire not in scenario.officer.weapons:
        raise InputsError(f"{where}.fire: expected a weapon the officer carries "
                          f"{list(scenario.officer.weapons)}, found {item.fire!r}")
    aims = [k for k in ("aim", "point", "off_screen") if getattr(item, k) not in (None, False)]
    if len(aims) != 1:
        raise InputsError(f"{where}: expected exactly one of 'aim', 'point' or 'off_screen' "
                          f"with 'fire', found {aims or 'none'}")
    if item.aim is not None:
        actor, zone = item.aim.split(".")
        if actor not in actor_ids:
            raise InputsError(f"{where}.aim: expected an actor of the scenario {actor_ids}, "
                              f"found {actor!r}{suggest(actor, actor_ids)}")
        if zone not in ZONES:
            raise InputsError(f"{where}.aim: expected a zone of {list(ZONES)}, found "
                              f"{zone!r}{suggest(zone, ZONES)}")


def _check_move(move: str, where: str, scenario: Scenario) -> None:
    """'back' where the scenario leaves room behind him, else one of its places."""
    movement = scenario.officer.movement
    places = [p.id for p in movement.places]
    if move == "back" and movement.room_behind <= 0.0:
        raise InputsError(f"{where}: expected a move the scenario allows {places}, found "
                          "'back' (its [officer.movement] leaves no room_behind)")
    if move != "back" and move not in places:
        allowed = (["back"] if movement.room_behind > 0.0 else []) + places
        raise InputsError(f"{where}: expected a move the scenario allows {allowed}, found "
                          f"{move!r}{suggest(move, allowed)}")


def _check_device_input(item: ScriptedInput, where: str, scenario: Scenario) -> None:
    """A reload needs a pistol the officer carries; a drive stun, a TASER fired."""
    if item.reload is not None and (item.reload not in scenario.officer.weapons
                                    or not isinstance(WEAPONS[item.reload], Firearm)):
        carried = [w for w in scenario.officer.weapons if isinstance(WEAPONS[w], Firearm)]
        raise InputsError(f"{where}.reload: expected a firearm the officer carries "
                          f"{carried}, found {item.reload!r}")
    if item.drive_stun:
        weapon = WEAPONS.get(item.fire or "")
        if not isinstance(weapon, TaserCartridge) or not weapon.drive_stun:
            names = [n for n, w in WEAPONS.items()
                     if isinstance(w, TaserCartridge) and w.drive_stun]
            raise InputsError(f"{where}.drive_stun: expected with 'fire' of a TASER that "
                              f"drive-stuns {names}, found fire = {item.fire!r}")
