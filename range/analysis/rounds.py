"""Every round accounted for, and every attack on the officer with what it did.

A bullet lands once (`bullet_hit` or `bullet_stopped`); a TASER cartridge's probes land
one by one (`probe_landed`). A shot with no landing was aimed off the screen (a TASER
cartridge then logs only its deployment), did not fire (a malfunction or an empty
magazine, in logs that record one; on a rig, the replica reported no discharge, and the
time to the officer's next pull that fired is the time he took to clear it), used no
cartridge (a TASER re-energising the probes
already in him, or a drive stun), or was still in the air when the log ends.
"""

from __future__ import annotations

from range.analysis import words
from range.analysis.digest import RunLog, attack_result, feet, malfunction
from range.analysis.report import Attack, RoundOutcome
from range.run.events import BulletHit, BulletStopped, OfficerAttacked, ProbeLanded, ShotFired
from range.vocabulary import Role


def rounds(log: RunLog) -> tuple[RoundOutcome, ...]:
    """One entry per bullet, per landed probe, and per cartridge none of whose probes
    landed, in shot order."""
    landings: dict[int, list[BulletHit | BulletStopped | ProbeLanded]] = {}
    for event in log.events:
        if isinstance(event, BulletHit | BulletStopped | ProbeLanded):
            landings.setdefault(event.shot, []).append(event)
    roles = dict(log.start.actors)
    found: list[RoundOutcome] = []
    for shot in log.shots:
        landed = landings.get(shot.shot, [])
        found += [_landed(log, shot, event, roles) for event in landed]
        if not landed:
            found.append(_not_landed(log, shot, _clearing_s(log, shot)))
    return tuple(found)


def _clearing_s(log: RunLog, dry: ShotFired) -> float | None:
    """From a pull the replica said fired nothing to the same officer's next pull of the
    same device that fired (None: not such a pull, or none followed)."""
    if not replica_dry(dry):
        return None
    pulled = log.pulled_s(dry)
    later = [log.pulled_s(shot) for shot in log.shots
             if shot.officer == dry.officer and shot.device == dry.device
             and malfunction(shot) is None and log.pulled_s(shot) > pulled]
    return round(min(later) - pulled, 6) if later else None


def _landed(log: RunLog, shot: ShotFired, event: BulletHit | BulletStopped | ProbeLanded,
            roles: dict[str, Role]) -> RoundOutcome:
    probe = event.probe if isinstance(event, ProbeLanded) else None
    what = "bullet" if probe is None else f"probe {probe + 1}"
    actor = None if isinstance(event, BulletStopped) else event.actor
    zone = event.zone if isinstance(event, BulletHit | ProbeLanded) else None
    by = None if isinstance(event, BulletHit) else event.by
    role: Role | None = (event.role if isinstance(event, BulletHit)
                         else roles.get(actor) if actor is not None else None)
    where = f"{feet(event.distance_m):.1f} ft"
    if actor is not None:
        outcome = "bystander hit" if role == "bystander" else "hit"
        named = " (a bystander)" if role == "bystander" and actor != "bystander" else ""
        text = f"{what} hit {actor}{named} in the {words.zone(zone)} at {where}"
    elif shot.point is None or (by == "nothing" and event.distance_m == 0.0):
        outcome, text = "off the screen", f"{what} never flew: aimed off the screen"
    elif by == "ground":
        outcome, text = "struck the ground", f"{what} struck the ground at {where}"
    elif by == "wire":
        outcome, text = "out of wire", f"{what} reached the end of its wire at {where}"
    elif by in (None, "nothing"):
        outcome, text = "missed", f"{what} missed everyone and left the scene"
    else:
        outcome, text = "stopped by cover", f"{what} stopped by cover ({by}) at {where}"
    return RoundOutcome(
        shot=shot.shot, probe=probe, weapon=shot.weapon, time_s=log.time(event.tick),
        outcome=outcome, actor=actor, role=role, zone=zone, by=by,
        distance_m=event.distance_m, distance_ft=feet(event.distance_m), text=text)


def _not_landed(log: RunLog, shot: ShotFired, clearing_s: float | None) -> RoundOutcome:
    failed = malfunction(shot)
    mode = getattr(shot, "mode", None)  # a TASER pull that used no cartridge (log 1.4)
    if failed is not None:
        outcome, text = "did not fire", _dry_text(shot, failed, clearing_s)
    elif mode == "reenergise":
        outcome, text = "re-energised", "no new probes: a new cycle through the probes in him"
    elif mode == "drive_stun":
        outcome, text = "drive stun", "no probes: the TASER pressed on him (a drive stun)"
    elif shot.point is None:
        outcome, text = "off the screen", "never flew: aimed off the screen"
    else:
        outcome, text = "no landing recorded", "no landing recorded before the log ends"
    return RoundOutcome(
        shot=shot.shot, probe=None, weapon=shot.weapon, time_s=log.pulled_s(shot),
        outcome=outcome, actor=None, role=None, zone=None, by=None, distance_m=None,
        distance_ft=None, text=text)


# What a replica's reports said of a pull that discharged nothing (hardware DryCause)
REPLICA_DRY = {"jam": "a jam", "misfire": "a misfire", "dud": "a dud cartridge",
               "lockout": "locked out", "empty": "its magazine was empty",
               "spent": "its cartridges were spent"}


def replica_dry(shot: ShotFired) -> bool:
    """A pull the replica reported discharging nothing: a rig's dry pull is the replica's
    word, bar "reloading" (the engine's own for a live pistol: it counts no rounds)."""
    failed = malfunction(shot)
    return shot.replica is not None and failed is not None and failed != "reloading"


def _dry_text(shot: ShotFired, failed: str, clearing_s: float | None) -> str:
    """The clearing time is a fact, not a grade."""
    if not replica_dry(shot):
        return f"did not fire ({words.plain(failed)})"
    said = REPLICA_DRY.get(failed)
    text = "did not fire: the replica reported no discharge" + (f" ({said})" if said else "")
    if clearing_s is not None:
        text += f"; his next pull that fired came {clearing_s:.3f} s later"
    return text


ATTACK_WORDS = {"shot": "fired at the officer", "stab": "stabbed at the officer",
                "strike": "struck at the officer"}


def attacks(log: RunLog) -> tuple[Attack, ...]:
    found = []
    for attack in log.of(OfficerAttacked):
        outcome, zone, by, other = attack_result(attack)
        found.append(Attack(attack.actor, attack.attack, log.time(attack.tick),
                            attack.distance_m, feet(attack.distance_m), outcome, zone, by,
                            _attack_text(attack, outcome, zone, by, other), other))
    return tuple(found)


def _attack_text(attack: OfficerAttacked, outcome: str | None, zone: str | None,
                 by: str | None, other: str | None) -> str:
    did = ATTACK_WORDS.get(attack.attack, words.plain(attack.attack))
    if outcome == "hit_other":
        return (f"{did}: hit {other}, who was in the line,"
                + (f" in the {words.zone(zone)}" if zone else ""))
    if outcome == "hit":
        return f"{did}: hit him" + (f" in the {words.zone(zone)}" if zone else "")
    if outcome == "stopped":
        return f"{did}: stopped by cover" + (f" ({by})" if by else "")
    if outcome is not None:
        return f"{did}: {words.plain(outcome)}"
    return f"{did}: outcome not recorded in this log"
