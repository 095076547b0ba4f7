"""Shot-level figures of a run: split times, hits by zone, bystander hits, TASER
outcomes and TASER/firearm transitions. Confirmed shots only (see `range.run_log`)."""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from itertools import pairwise

from range.analysis import words
from range.analysis.digest import RunLog, feet, malfunction
from range.analysis.report import (
    ActorHits,
    BystanderHit,
    SplitTime,
    TaserOutcome,
    Transition,
)
from range.run.events import ProbeLanded, TaserCycleEnded, TaserDeployment, TaserProbesOut
from range.scenario.policy import Policy
from range.scenario.units import to_inches
from range.vocabulary import ZONES

# A longer pause between two shots of one weapon family starts a new string of fire: the
# time between strings is a decision, not a split.
STRING_GAP_S = 2.0


def splits(log: RunLog) -> tuple[SplitTime, ...]:
    """Between consecutive confirmed shots of one device and one load within a string of
    fire: not across devices (an X26, then a TASER 10), not across a reload (a new
    magazine or cartridge load, logged from version 1.3; in older logs implied only for a
    one-cartridge device, which needs a new cartridge for every pull)."""
    found = []
    # A TASER pull that sent nothing new (re-energising, a drive stun; log 1.4) is no round,
    # nor is a pull that fired nothing (a jam, an empty magazine).
    rounds = [s for s in log.shots if getattr(s, "mode", None) not in ("reenergise",
                                                                       "drive_stun")
              and malfunction(s) is None]
    for a, b in pairwise(rounds):
        device, gap = log.device(a), log.span(a.tick, b.tick)
        loads = log.load(a), log.load(b)
        reloaded = (loads[0] != loads[1] if None not in loads
                    else device in words.ONE_BAY_DEVICES)
        if device == log.device(b) and not reloaded and gap <= STRING_GAP_S:
            found.append(SplitTime(b.force, a.shot, b.shot, b.weapon, log.time(b.tick), gap))
    return tuple(found)


def hits(log: RunLog) -> tuple[ActorHits, ...]:
    """Bullet hits per person and zone, with the rounds aimed at him beside them."""
    roles = dict(log.start.actors) | {h.actor: h.role for h in log.hits}
    aimed = Counter(log.target(s) or log.first_on_line(s) for s in log.shots
                    if s.force == "firearm")
    return tuple(
        ActorHits(actor, role, {zone: sum(h.zone == zone for h in mine) for zone in ZONES},
                  len(mine), tuple(h.shot for h in mine), aimed[actor])
        for actor, role in roles.items()
        for mine in [[h for h in log.hits if h.actor == actor]]
    )


def bystander_hits(log: RunLog) -> tuple[BystanderHit, ...]:
    weapons = {s.shot: s.weapon for s in log.shots}
    roles = dict(log.start.actors)
    found = [BystanderHit(h.actor, h.shot, weapons[h.shot], "bullet", h.zone,
                          log.time(h.tick), h.distance_m, feet(h.distance_m))
             for h in log.hits if h.role == "bystander"]
    found += [BystanderHit(p.actor, p.shot, weapons[p.shot], "taser probe", p.zone,
                           log.time(p.tick), p.distance_m, feet(p.distance_m))
              for p in log.of(ProbeLanded)
              if p.actor is not None and roles.get(p.actor) == "bystander"]
    return tuple(sorted(found, key=lambda b: b.time_s))


def _wires_broken(log: RunLog) -> dict[int, str]:
    """Each shot whose wire broke after its probes landed, in words (log 1.5). A fall's
    clearing of TASER 10 probes is logged but not said: his cycle may still run then."""
    out: dict[int, str] = {}
    for event in log.of(TaserProbesOut):
        for shot in sorted({s for s, _ in event.probes} if event.cause == "wire" else ()):
            out.setdefault(shot, f"its probes came out at {log.time(event.tick):.3f} s: he "
                                 "moved beyond the wire's reach and it broke")
    return out


def _with(reason: str, more: str | None) -> str:
    return reason if more is None else f"{reason}; {more}" if reason else more


def taser_outcomes(log: RunLog) -> tuple[TaserOutcome, ...]:
    cycles = {c.shot: c.tick for c in log.of(TaserCycleEnded)}
    out = _wires_broken(log)
    return tuple(
        TaserOutcome(
            shot=d.shot, time_s=log.time(d.tick), weapon=d.weapon, cartridge=d.cartridge,
            actor=d.actor, result=d.result, spread_m=d.spread_m,
            spread_in=None if d.spread_m is None else round(to_inches(d.spread_m), 2),
            spread_cm=None if d.spread_m is None else round(d.spread_m * 100, 2),
            distance_m=d.distance_m,
            distance_ft=None if d.distance_m is None else feet(d.distance_m),
            zones=tuple(d.zones), reason=_with(d.reason, out.get(d.shot)),
            cycle_ended_s=log.time(cycles[d.shot]) if d.shot in cycles else None,
        )
        for d in log.of(TaserDeployment)
    )


def taser_to_firearm(log: RunLog, policy: Policy) -> tuple[Transition, ...]:
    figure = policy.figure("taser_to_firearm")
    found = []
    shots = log.confirmed_shots()
    shot_orders = [at for at, _ in shots]
    fired = {s.shot: at for at, s in shots}
    for order, failed in log.indexed(TaserDeployment):
        # The shot after the TASER's own shows what the officer turned to; one fired
        # before the probes landed was no answer to the failure.
        following = bisect_right(shot_orders, fired[failed.shot])
        at, gun = shots[following] if following < len(shots) else (0, None)
        if failed.result == "effective" or gun is None or gun.force != "firearm" or at < order:
            continue
        found.append(Transition(
            "taser_to_firearm", failed.shot, f"TASER deployment: {words.plain(failed.result)}",
            log.time(failed.tick), gun.shot, log.time(gun.tick),
            log.span(failed.tick, gun.tick), figure.text if figure else ""))
    return tuple(found)


def firearm_to_taser(log: RunLog, policy: Policy) -> tuple[Transition, ...]:
    figure = policy.figure("firearm_to_taser")
    return tuple(
        Transition("firearm_to_taser", gun.shot, "firearm shot", log.time(gun.tick),
                   taser.shot, log.time(taser.tick), log.span(gun.tick, taser.tick),
                   figure.text if figure else "")
        for gun, taser in pairwise(log.shots)
        if gun.force == "firearm" and taser.force == "taser"
    )
