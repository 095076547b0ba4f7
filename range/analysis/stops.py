"""Shots after the threat ended, from the real stop cue.

A threat ends when a person falls from active aggression or above to a lower level and
is no longer armed: the stop cue is the fall, or, if he still holds the weapon then, the
moment he drops it or goes down (armed-drops-weapon: told to drop it at 0.8 s, he lets go,
and the pistol falls at 1.8 s). A shot counts as after the threat ended if it is pulled
after the stop cue, before his threat rises again, and either was for him or came while
no one else was a threat. Time to stop (last such shot minus the cue) is a lower bound on
the officer's stop reaction: he stopped some time after that shot, not at it.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right

from range.analysis import words
from range.analysis.digest import ACTIVE, RunLog, all_levels, held_object, threat_level
from range.analysis.report import ShotsAfterThreat
from range.run.events import ActorStateChanged, ShotFired, WeaponDropped
from range.scenario.policy import Policy

ARMED = frozenset({"knife", "handgun", "bat"})


def after_threat(log: RunLog, policy: Policy) -> tuple[ShotsAfterThreat, ...]:
    timelines = log.timelines()
    levels = all_levels(log)
    shots = log.confirmed_shots()
    shot_orders = [at for at, _ in shots]
    people = log.people_of()
    drops: dict[str, list[tuple[int, WeaponDropped]]] = {}
    for order, drop in log.indexed(WeaponDropped):
        drops.setdefault(drop.actor, []).append((order, drop))
    found = []
    for actor, changes in timelines.items():
        others = [lv for name, lv in levels.items() if name != actor]
        resumes = _threat_resumes(changes, len(log.events))
        for i, (_, end) in enumerate(changes):
            if not threat_level(end.previous_threat) >= ACTIVE > threat_level(end.threat):
                continue
            cue_order, cue_tick, cue_words = _stop_cue(changes, i, resumes[i],
                                                       drops.get(actor, []), log.step_s)
            window = shots[bisect_right(shot_orders, cue_order):
                           bisect_left(shot_orders, resumes[i])]
            after = tuple(
                s for at, s in window
                if log.pulled_s(s) > log.time(cue_tick)  # pulled after, not in the same tick
                and (actor in people.get(s.shot, ()) or all(lv.at(at) < ACTIVE for lv in others))
            )
            found.append(_shots_after(log, policy, end, cue_tick, cue_words, after))
    return tuple(sorted(found, key=lambda a: a.time_s))


def _stop_cue(changes: list[tuple[int, ActorStateChanged]], fall: int, resume: int,
              drops: list[tuple[int, WeaponDropped]], step_s: float
              ) -> tuple[int, int, str]:
    """Where (log place, tick) and what the stop cue was for the threat that fell at
    `changes[fall]`: the fall itself, unless he was still armed then and dropped the weapon
    or went down before his threat rose again. Armed: the change says what he holds
    (`held`), or, in logs without it, a weapon drop follows."""
    order, change = changes[fall]
    in_state = (change.tick - changes[fall - 1][1].tick) * step_s if fall else None
    fell = (order, change.tick,
            f"{words.plain(change.state)}, {words.cause(change.cause, in_state)}")
    if change.action == "down":
        return fell
    drop = next(((o, d) for o, d in drops if order <= o < resume), None)
    held = held_object(change)
    if (held not in ARMED) if held is not None else drop is None:
        return fell
    down = next(((o, c) for o, c in changes[fall + 1:] if o < resume and c.action == "down"),
                None)
    if drop is not None and (down is None or drop[0] < down[0]):
        return drop[0], drop[1].tick, f"dropped the {words.plain(drop[1].weapon)}"
    if down is not None:
        return down[0], down[1].tick, f"went down, {words.cause(down[1].cause)}"
    return fell


def _threat_resumes(changes: list[tuple[int, ActorStateChanged]], end: int) -> list[int]:
    """For each change, the log place of the actor's next change to active aggression or
    above (`end` if none)."""
    resumes = [end] * len(changes)
    for i in range(len(changes) - 2, -1, -1):
        after_order, after = changes[i + 1]
        resumes[i] = after_order if threat_level(after.threat) >= ACTIVE else resumes[i + 1]
    return resumes


def _shots_after(log: RunLog, policy: Policy, end: ActorStateChanged, cue_tick: int,
                 cue_words: str, shots: tuple[ShotFired, ...]) -> ShotsAfterThreat:
    """Time to stop is the last shot minus the stop cue, tick to tick: the officer stopped
    some time after that shot, so it is a lower bound on his stop reaction."""
    cue_s = log.time(cue_tick)
    to_stop = log.span(cue_tick, shots[-1].tick) if shots else None
    summary = (f"{len(shots)} shot(s) after the stop cue; the last {to_stop:.3f} s after it "
               "(a lower bound on the officer's stop reaction)"
               if to_stop is not None else "no shots after the stop cue")
    figure = policy.figure("stop_shooting")
    return ShotsAfterThreat(
        actor=end.actor, time_s=cue_s, state=end.state, threat=end.threat,
        cause=end.cause, shots=tuple(s.shot for s in shots), count=len(shots),
        time_to_stop_s=to_stop, summary=summary,
        reference=f"{figure.label} {figure.text}" if figure else "",
        stop_cue=cue_words, threat_fell_s=log.time(end.tick),
    )
