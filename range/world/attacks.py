"""What an attack on the officer did.

A stab or strike is made only within reach, and lands. A shot is judged like a round
toward the officer: it leaves the subject's shoulder (his pistol held out) aimed at the
officer's chest with the subject's own aim error, drawn from the world's seeded
generator, and flies the straight line to where the officer stands, judged over its whole
crossing as the officer's rounds are: cover whose height the line runs below stops it; a
person standing in its line (a bystander, another subject) whose body it meets at the
height it passes him is hit instead; else the officer's body, of the same shape as
anyone's (`body.zone_at`), decides whether it hit him and where."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pymunk

from range.run.events import OfficerAttacked
from range.vocabulary import Attack, Zone
from range.world.actors import REACH, ActorRuntime
from range.world.ballistics import ActorLookup, CoverLookup, Projectile
from range.world.body import Pose, bands, side_of_line, zone_at, zone_centre
from range.world.projection import Ray

# Eye height over stature for an adult (anthropometric, no source in domain-facts): the
# officer's height follows from the rig's eye height.
EYE_FRACTION = 0.936
CONTACT_ZONE: Zone = "upper_torso"  # where a stab or strike at arm's length lands (no source)
AttackOutcome = Literal["hit", "missed", "stopped", "hit_other"]
ATTACKS: dict[str, Attack] = {"handgun": "shot", "knife": "stab"}


@dataclass(frozen=True, slots=True)
class AttackResult:
    outcome: AttackOutcome
    zone: Zone | None  # where it hit the officer (or the other person hit)
    by: str | None  # the cover that stopped it
    other: str | None = None  # the person in its line it hit instead


# What judges an attack: its kind, the shooter (id and ground point), muzzle height, aim
# errors.
Judge = Callable[[Attack, str, tuple[float, float], float, tuple[float, float]],
                 "AttackResult"]


def aim_streams(actors: list[str], rng: np.random.Generator) -> dict[str, np.random.Generator]:
    """Each actor's stream of aim errors, spawned from the run's generator (spawning draws
    nothing from it): an attack a frame sooner or later moves no other chance of the run."""
    return dict(zip(actors, rng.spawn(len(actors)), strict=True))


def attack_by(actor: ActorRuntime, tick: int, step_s: float, rng: np.random.Generator,
              judge: Judge) -> OfficerAttacked | None:
    """The actor's attack on the officer if one is due this tick, judged; his next one
    set an interval on. A shot's aim error, right and up, takes two draws from his own
    stream (`aim_streams`)."""
    action = actor.state.action
    if (action not in ("fire", "attack") or actor.incapacitated(tick)
            or tick < actor.next_attack_tick):
        return None
    if action == "attack" and actor.distance() > REACH:
        return None
    kind: Attack = "shot" if action == "fire" else ATTACKS.get(actor.weapon, "strike")
    right, up = rng.standard_normal(2) * actor.spec.aim_error if kind == "shot" else (0.0, 0.0)
    result = judge(kind, actor.id, actor.position, muzzle_height(actor.pose, actor.spec.height),
                   (float(right), float(up)))
    actor.next_attack_tick = tick + max(1, round(actor.state.interval_or_default() / step_s))
    return OfficerAttacked(tick=tick, actor=actor.id, attack=kind, distance_m=actor.distance(),
                           outcome=result.outcome, zone=result.zone, by=result.by,
                           other=result.other)


def officer_height(eye_height: float) -> float:
    return eye_height / EYE_FRACTION


def muzzle_height(pose: Pose, height: float) -> float:
    """A subject's pistol held out at his shoulder: the top of his upper-torso band."""
    return next(b.top for b in bands(pose, height) if b.zone == "upper_torso")


@dataclass(frozen=True, slots=True)
class Target:
    """The officer as a subject's shot meets him: where he stands, his eye height."""

    at: tuple[float, float]
    eye_height: float


def judge_attack(kind: Attack, shooter: tuple[float, float], muzzle_z: float,
                 officer: Target, errors: tuple[float, float], space: pymunk.Space,
                 body_at: ActorLookup, cover_at: CoverLookup) -> AttackResult:
    """A stab or strike (within reach) hits; a shot from `shooter` (ground point, muzzle
    height) aimed at the officer's chest, off by `errors` (right and up, rad); `body_at`
    tells the people it may meet on its way (not the shooter)."""
    if kind != "shot":
        return AttackResult("hit", CONTACT_ZONE, None)
    height = officer_height(officer.eye_height)
    chest = zone_centre("standing", height, "upper_torso") or 0.0
    sx, sy = shooter
    dx, dy = officer.at[0] - sx, officer.at[1] - sy
    distance = math.hypot(dx, dy)
    bearing = math.atan2(dy, dx) - errors[0]  # a right error turns clockwise from above
    direction = (math.cos(bearing), math.sin(bearing))
    slope = math.tan(math.atan2(chest - muzzle_z, distance) + errors[1])
    ray = Ray(shooter, direction, muzzle_z, slope)
    past = distance * math.cos(errors[0])  # ground distance to where it passes the officer
    if past <= 0.0:
        return AttackResult("missed", None, None)
    length = past / ray.ground_distance_per_metre()
    flown = Projectile(0, ray, speed=length, max_range=length).advance(
        space, 1.0, body_at, cover_at)
    if flown is not None and flown.actor is not None:
        return AttackResult("hit_other", flown.zone, None, flown.actor)
    if flown is not None and flown.by not in ("nothing", "ground"):
        return AttackResult("stopped", None, flown.by)
    side = side_of_line(officer.at, shooter, direction)
    zone = None if flown is not None and flown.by == "ground" else zone_at(
        "standing", height, ray.height_at(past), side)
    return AttackResult("missed" if zone is None else "hit", zone, None)
