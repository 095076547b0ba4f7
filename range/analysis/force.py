"""Every use of force against the policy, the de-escalation facts before it, and the
three-line summary at the top of the debrief.

A use of force (a confirmed TASER or firearm shot) is compared with the policy table for
each person it concerned, at that person's threat level at the trigger pull: the person
aimed at (or, in logs that do not record him, the first person on the line) and everyone
a bullet or probe of it reached. A bystander it reached is named as such: the table is
about the person force is used on, and the officer did not choose force against him.
"""

from __future__ import annotations

import dataclasses
from bisect import bisect_right
from collections import Counter
from collections.abc import Sequence

from range.analysis import words
from range.analysis.digest import (
    RunLog,
    all_levels,
    feet,
    malfunction,
)
from range.analysis.moves import (
    behind_cover_s,
    cover_at,
    move_lines,
    moves_recorded,
    officer_moves,
)
from range.analysis.report import (
    Attack,
    DeEscalation,
    ForceIndicator,
    ForceUse,
    RoundOutcome,
    ShotsAfterThreat,
    ThreatCue,
)
from range.run.events import ActorStateChanged, OfficerCommand, ShotFired
from range.run.officer_events import OfficerArrived, OfficerDown, OfficerMoved
from range.scenario.policy import Policy
from range.vocabulary import FORCE_ORDER, ForceOption, ThreatLevel

ABOVE = "more force than the policy expects at this level"


def policy_indicator(expected: Sequence[ForceOption], option: ForceOption) -> str:
    """How a force option sits against what the policy expects at a threat level. A
    command is never "less force": it comes with force, not instead of it (a warning where
    feasible), so a command at a level that does not list one reads as a command."""
    if option in expected:
        return "within policy expectation"
    if option == "verbal":
        return ("a command or warning; the policy's options at this level are "
                + words.options(expected))
    rank, ranks = FORCE_ORDER.index(option), [FORCE_ORDER.index(o) for o in expected]
    if rank > max(ranks):
        return ABOVE
    if rank < min(ranks):
        return "less force than the policy expects at this level"
    return "a force option the policy does not list at this level"


def force_uses(log: RunLog, policy: Policy, rounds: Sequence[RoundOutcome]
               ) -> tuple[ForceUse, ...]:
    levels = all_levels(log)
    reached = log.reached()
    roles = dict(log.start.actors)
    went: dict[int, list[str]] = {}
    for item in rounds:
        went.setdefault(item.shot, []).append(item.text)
    found = []
    for order, shot in log.confirmed_shots():
        hit = reached.get(shot.shot, ())
        indicators = []
        for actor, relation in _concerned(log, shot, hit):
            level = levels[actor].at(order) if actor in levels else ThreatLevel.COMPLIANT
            role = roles.get(actor)
            policy_words = (_bystander(relation)
                            if role == "bystander" and not relation.startswith("aimed at")
                            else policy_indicator(policy.expects(level), shot.force))
            indicators.append(ForceIndicator(actor, role, relation, level.label,
                                             policy.expects(level), policy_words))
        if not indicators and malfunction(shot) is not None:  # a pull that fired nothing
            indicators.append(ForceIndicator(None, None, "did not fire", None, (),
                                             "no force reached anyone"))
        elif not indicators:
            indicators.append(ForceIndicator(None, None, "no one on the line", None, (),
                                             "reached no one"))
        found.append(ForceUse(
            shot=shot.shot, time_s=log.pulled_s(shot), weapon=shot.weapon,
            weapon_label=words.weapon(shot.weapon), force=shot.force,
            target=log.target(shot), first_on_line=log.first_on_line(shot), reached=hit,
            indicators=tuple(indicators), outcome="; ".join(went.get(shot.shot, []))))
    return tuple(found)


def _bystander(relation: str) -> str:
    """A bystander the officer is not known to have aimed at: no force decision about
    him to hold against the table, only the fact."""
    return ("a round reached a bystander" if "reached" in relation
            else "a bystander was first on the line")


def _concerned(log: RunLog, shot: ShotFired, reached: Sequence[str]
               ) -> list[tuple[str, str]]:
    """The people a shot concerned, with how: aimed at (or first on the line when the log
    does not say whom he aimed at), reached, or both."""
    target = log.target(shot)
    aimed, how = (target, "aimed at") if target is not None else (log.first_on_line(shot),
                                                                  "first on the line")
    people = [] if aimed is None else [
        (aimed, f"{how} and reached" if aimed in reached else how)]
    return people + [(actor, "reached") for actor in reached if actor != aimed]


def de_escalation(log: RunLog, force: Sequence[ForceUse], cues: Sequence[ThreatCue]
                  ) -> DeEscalation:
    """Facts up to the first use of force (or the end): from the first subject's cue, the
    distance of the person the first force concerned (else of that subject)."""
    cue = next((c for c in cues if c.role == "subject"), None)
    first = force[0] if force else None
    orders = {s.shot: order for order, s in log.confirmed_shots()}
    until = orders[first.shot] if first else len(log.events)
    subject = next((i.actor for i in first.indicators if i.role == "subject"), None) \
        if first else None
    actor = subject or (cue.actor if cue else None)
    at_cue, at_force, closest = _distance_facts(log, actor, cue, until)
    moves = officer_moves(log)
    behind_s, behind_from = behind_cover_s(log, moves)
    record = DeEscalation(
        force_used=first is not None, first_cue_actor=cue.actor if cue else None,
        first_cue_s=cue.time_s if cue else None,
        first_force_shot=first.shot if first else None,
        first_force_s=first.time_s if first else None,
        time_before_force_s=(round(first.time_s - cue.time_s, 6)
                             if first and cue else None),
        actor=actor, distance_at_cue_m=at_cue, distance_at_cue_ft=_ft(at_cue),
        distance_at_force_m=at_force if first else None,
        distance_at_force_ft=_ft(at_force) if first else None,
        closest_before_force_m=closest, closest_before_force_ft=_ft(closest),
        commands_before_force=tuple(e.command for order, e in log.indexed(OfficerCommand)
                                    if order < until),
        cover=cover_at(log, moves, until), moves_recorded=moves_recorded(log),
        moved_m=round(sum((m.metres for m in moves), 0.0), 6), moves=len(moves),
        behind_cover_s=behind_s, behind_cover_from_s=behind_from,
        move_lines=tuple(move_lines(log, moves, actor)),
        force_on_compliant=tuple(u.shot for u in force if any(
            i.role == "subject" and i.threat == "compliant" for i in u.indicators)),
        lines=(),
    )
    return dataclasses.replace(record, lines=_de_escalation_lines(log, record))


def _distance_facts(log: RunLog, actor: str | None, cue: ThreatCue | None, until: int
                    ) -> tuple[float | None, float | None, float | None]:
    """His distance at the cue, at the log place `until` (the first force, logged with
    the shot), and the closest he came up to it."""
    samples = _distances(log, actor) if actor else []
    orders = [o for o, _ in samples]
    cue_order = _cue_order(log, cue)
    at = bisect_right(orders, cue_order) if cue_order is not None else 0
    at_cue = samples[at - 1][1] if at else None
    at_force = next((d for o, d in samples if o == until), None)
    before = [d for o, d in samples if o <= until]
    return at_cue, at_force, min(before) if before else None


def _cue_order(log: RunLog, cue: ThreatCue | None) -> int | None:
    if cue is None:
        return None
    return next(order for order, c in log.indexed(ActorStateChanged)
                if c.actor == cue.actor and log.time(c.tick) == cue.time_s
                and c.state == cue.state)


def _distances(log: RunLog, actor: str) -> list[tuple[int, float]]:
    """Every logged distance of one actor, by log place: his state changes, and each
    command, shot and officer's move (which log everyone's distance at that moment)."""
    found = []
    for order, event in enumerate(log.events):
        if isinstance(event, ActorStateChanged) and event.actor == actor:
            found.append((order, event.distance_m))
        elif (isinstance(event, OfficerCommand | ShotFired | OfficerMoved | OfficerArrived)
              and actor in event.distances):
            found.append((order, event.distances[actor]))
    return found


def _ft(metres: float | None) -> float | None:
    return None if metres is None else feet(metres)


def _distance(metres: float | None) -> str:
    return "not logged" if metres is None else f"{feet(metres):.1f} ft ({metres:.2f} m)"


def _de_escalation_lines(log: RunLog, d: DeEscalation) -> tuple[str, ...]:
    lines = []
    if d.first_force_s is None:
        lines.append("No TASER or firearm was used.")
        if d.first_cue_s is not None:
            lines.append(f"Time: {log.time(log.end_tick) - d.first_cue_s:.1f} s from the "
                         f"first threat cue ({d.first_cue_actor}) to the end, without force.")
    elif d.time_before_force_s is not None:
        lines.append(f"Time: the first force (shot {d.first_force_shot}) came "
                     f"{d.time_before_force_s:.3f} s after the first threat cue "
                     f"({d.first_cue_actor} at {d.first_cue_s:.3f} s).")
    if d.actor is not None:
        at_force = ("" if d.first_force_s is None
                    else f", {_distance(d.distance_at_force_m)} at the first force")
        lines.append(f"Distance: {d.actor} was {_distance(d.distance_at_cue_m)} away at the "
                     f"first threat cue{at_force}; the closest he came up to "
                     f"{'the first force' if d.force_used else 'the end'} was "
                     f"{_distance(d.closest_before_force_m)}.")
    spoken = ", ".join(f"'{words.plain(c)}'" for c in d.commands_before_force)
    before = "before force" if d.force_used else "in all"
    lines.append(f"Commands {before}: {len(d.commands_before_force)}"
                 + (f" ({spoken})." if spoken else "."))
    when = "at the first force" if d.force_used else "at the end"
    lines.append("Cover: not recorded in this log (it records no officer moves)."
                 if not d.moves_recorded else f"Cover: behind {d.cover} {when}."
                 if d.cover else f"Cover: the officer was in the open {when}.")
    if d.moves_recorded:
        lines.append(_moved_line(d))
        lines.extend(d.move_lines)
    lines.append(("Force while the person was compliant: shot "
                  + ", ".join(str(n) for n in d.force_on_compliant) + ".")
                 if d.force_on_compliant else
                 "No force was used on a compliant person." if d.force_used else "")
    return tuple(line for line in lines if line)


def _moved_line(d: DeEscalation) -> str:
    if not d.moves:
        return "Moves: none (the officer stood where he started)."
    behind = (f"; behind cover {d.behind_cover_s:.3f} s in all, from "
              f"{d.behind_cover_from_s:.3f} s" if d.behind_cover_from_s is not None
              else "; never behind cover")
    return f"Moves: {d.moves}, {d.moved_m:.2f} m walked in all{behind}."


def _sent(shot: ShotFired) -> bool:
    return malfunction(shot) is None and getattr(shot, "mode", None) not in (
        "reenergise", "drive_stun")


def summary(log: RunLog, cues: Sequence[ThreatCue], after: Sequence[ShotsAfterThreat],
            force: Sequence[ForceUse], rounds: Sequence[RoundOutcome],
            attacks: Sequence[Attack]) -> tuple[str, str, str]:
    """Three lines: what the officer did, the highest threat and the first answer to it,
    and what to look at (shots after a stop cue, force above the policy, bystanders,
    attacks on the officer)."""
    commands = len(log.of(OfficerCommand))
    # Rounds and cartridges that left: not a dry pull, nor a TASER pull that used no
    # cartridge (re-energising, a drive stun; log 1.4): the rounds line says what they did.
    by_shot = {s.shot: s for s in log.shots}
    sent = [u for u in force if u.shot not in by_shot or _sent(by_shot[u.shot])]
    tasers = sum(u.force == "taser" for u in sent)
    guns = len(sent) - tasers
    did = (f"The officer gave {commands} command(s), fired {tasers} TASER cartridge(s) and "
           f"{guns} firearm round(s).")
    taser_shots = {u.shot for u in force if u.force == "taser"}
    for what, probes in (("Bullets", False), ("TASER probes", True)):
        went = Counter(r.outcome for r in rounds if (r.shot in taser_shots) == probes)
        if went:
            did += f" {what}: " + ", ".join(f"{n} {o}" for o, n in went.most_common()) + "."
    top = max(cues, key=lambda c: (ThreatLevel.from_label(c.threat), -c.time_s), default=None)
    if top is None:
        threat = "No one rose above compliant."
    else:
        answer = (f"first response {words.option(top.first_response.option)} after "
                  f"{top.first_response.latency_s:.3f} s" if top.first_response
                  else "no response")
        threat = (f"Highest threat: {top.actor}, {words.level(top.threat)} at "
                  f"{top.time_s:.3f} s ({words.plain(top.state)}); {answer}.")
    watch = _watch(after, force, rounds, attacks)
    down = log.of(OfficerDown)
    if down:
        watch += (f" The officer was down after {down[0].hits} hit(s) (the scenario's rule) "
                  f"at {log.time(down[0].tick):.3f} s: the scenario ended there.")
    return did, threat, watch


def _watch(after: Sequence[ShotsAfterThreat], force: Sequence[ForceUse],
           rounds: Sequence[RoundOutcome], attacks: Sequence[Attack]) -> str:
    late = [a for a in after if a.count]
    above = sum(any(i.policy == ABOVE for i in u.indicators) for u in force)
    bystanders = sum(r.outcome == "bystander hit" for r in rounds)
    hits_on_officer = sum(a.outcome == "hit" for a in attacks)
    others = sum(a.outcome == "hit_other" for a in attacks)
    unknown = any(a.outcome is None for a in attacks)
    parts = [
        (f"{sum(a.count for a in late)} shot(s) after a stop cue (the last "
         f"{max(a.time_to_stop_s or 0.0 for a in late):.3f} s after it)") if late
        else "no shot after a stop cue",
        f"{above} use(s) of force above the policy's expectation" if above
        else "no force above the policy's expectation",
        f"{bystanders} bystander hit(s)" if bystanders else "no bystander hit",
        (f"attacked {len(attacks)} time(s), " + ("outcome not recorded" if unknown
                                                  else f"hit {hits_on_officer} time(s)"))
        if attacks else "the officer was not attacked",
    ] + ([f"{others} round(s) at the officer hit another person"] if others else [])
    text = "; ".join(parts)
    return text[0].upper() + text[1:] + "."
