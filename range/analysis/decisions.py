"""Timing analysis of one run, from its event log alone.

`analyse(events, policy)` reads the events a run wrote and returns a `DecisionReport`:
threat cues and the officer's first responses, the force option against the agency's
policy table, shots after a threat ended, split times, hits by zone, TASER outcomes,
TASER/firearm transitions, attacks on the officer and the instructor's branch keys.
Every figure is a fact from the log; the wording is for a debrief, never a verdict.

Definitions (all from ticks; time = tick x step_s):
- A threat cue is a state change whose threat rises above its previous threat (the first
  state counts from compliant). Its window lasts until the actor's threat changes level
  again, or to the scenario's end. A shot answers the cues of the people it was for (the
  person aimed at, or first on the line, and everyone it reached); a verbal command, and
  a shot for no one, answer every open cue.
- Officer inputs are verbal commands and confirmed shots. Unconfirmed shots (no
  confirmed hit point) are not scored anywhere; the report lists their ids.
- A threat ends at its stop cue (`range.analysis.stops`): the fall below active
  aggression, or, if he still holds the weapon then, the drop or his going down.
- TASER-to-firearm runs from a non-effective TASER deployment (its probes landed) to the
  officer's next shot after that TASER's, if it is a firearm shot fired after the failure;
  firearm-to-TASER runs from the last firearm shot before a TASER shot.
"""

from __future__ import annotations

import statistics
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import groupby, pairwise

from range.analysis import words
from range.analysis.digest import (
    OfficerInput,
    RunLog,
    digest,
    feet,
    threat_level,
)
from range.analysis.force import de_escalation, force_uses, policy_indicator, summary
from range.analysis.report import (
    ABOUT,
    BranchEffect,
    BranchKeyEntry,
    DecisionReport,
    FramesShown,
    OfficerInputs,
    ReferenceNote,
    Response,
    ScenarioInfo,
    ThreatCue,
)
from range.analysis.rounds import attacks, rounds
from range.analysis.stops import after_threat
from range.analysis.weapon_use import (
    bystander_hits,
    firearm_to_taser,
    hits,
    splits,
    taser_outcomes,
    taser_to_firearm,
)
from range.run.events import (
    ActorStateChanged,
    BranchKey,
    Event,
    OfficerCommand,
    ShotFired,
)
from range.scenario.policy import Policy, ReferenceFigure
from range.vocabulary import ForceOption, ThreatLevel


def analyse(events: Iterable[Event], policy: Policy, source: str = "event log"
            ) -> DecisionReport:
    """The debrief report of one run's event log under an agency policy table; `source`
    names the log in errors."""
    return analyse_log(digest(list(events), source), policy)


def analyse_log(log: RunLog, policy: Policy) -> DecisionReport:
    """The debrief report of a sorted log: the whole run's, or one officer's part of it."""
    cues = _cues(log, policy)
    after = after_threat(log, policy)
    rounds_ = rounds(log)
    force = force_uses(log, policy, rounds_)
    attacks_ = attacks(log)
    calming = de_escalation(log, force, cues)
    return DecisionReport(
        about=ABOUT,
        scenario=_scenario(log, policy),
        inputs=_officer_inputs(log),
        notes=_notes(log, policy, cues),
        cues=cues,
        after_threat=after,
        splits=splits(log),
        hits=hits(log),
        bystander_hits=bystander_hits(log),
        taser=taser_outcomes(log),
        transitions=taser_to_firearm(log, policy) + firearm_to_taser(log, policy),
        attacks=attacks_,
        branch_keys=_branch_keys(log),
        reference=_reference_notes(policy, cues),
        frames=_frames(log),
        summary=summary(log, cues, after, force, rounds_, attacks_),
        force=force,
        rounds=rounds_,
        de_escalation=calming,
    )


def _frames(log: RunLog) -> FramesShown | None:
    flips = [f.flip_s for f in log.frames]
    if len(flips) < 2:
        return None
    intervals = [b - a for a, b in pairwise(flips)]
    usual = statistics.median(intervals)
    missed = sum(max(0, round(i / usual) - 1) for i in intervals) if usual > 0 else 0
    return FramesShown(len(flips), round(usual * 1000, 3), round(max(intervals) * 1000, 3),
                       missed)


def _scenario(log: RunLog, policy: Policy) -> ScenarioInfo:
    s = log.start
    return ScenarioInfo(
        scenario=s.scenario, title=s.title, seed=s.seed, step_s=log.step_s,
        policy_in_log=s.policy, policy_applied=policy.name, policy_title=policy.title,
        actors=dict(s.actors), end_s=log.time(log.end_tick),
        end_reason=log.end_reason or "the log stops without a scenario_ended event",
    )


def _officer_inputs(log: RunLog) -> OfficerInputs:
    return OfficerInputs(
        verbal_commands=len(log.of(OfficerCommand)),
        taser_shots=sum(s.force == "taser" for s in log.shots),
        firearm_shots=sum(s.force == "firearm" for s in log.shots),
        unconfirmed_shots=tuple(s.shot for s in log.unconfirmed),
    )


def _notes(log: RunLog, policy: Policy, cues: tuple[ThreatCue, ...]) -> tuple[str, ...]:
    notes = []
    if not log.inputs():
        notes.append("No officer input was recorded: no verbal command and no confirmed shot.")
    if log.unconfirmed:
        ids = ", ".join(str(s.shot) for s in log.unconfirmed)
        notes.append(f"{len(log.unconfirmed)} unconfirmed shot(s) not scored: shot {ids}.")
    if log.start.policy != policy.name:
        notes.append(f"The run names policy {log.start.policy!r}; this report applies "
                     f"policy {policy.name!r}.")
    if log.end_reason is None:
        notes.append("The log stops without a scenario_ended event; its last event is "
                     "taken as the end.")
    if _overlapping_actors(cues):
        notes.append("Threat cues of different actors overlap; a verbal command is not tied "
                     "to an actor, so one command counts as the response to each open cue.")
    if not cues:
        notes.append("No actor rose to a higher threat level in this run.")
    return tuple(notes)


def _overlapping_actors(cues: Sequence[ThreatCue]) -> bool:
    """Whether cues of two actors have open windows at once (a.start < b.end and
    b.start < a.end), in one sweep by start time."""
    by_start = sorted(cues, key=lambda c: c.time_s)
    ends: dict[str, float] = {}  # each actor's latest window end among earlier starts
    for _, group in groupby(by_start, key=lambda c: c.time_s):
        same_start = list(group)
        start = same_start[0].time_s
        if any(end > start and actor != cue.actor for cue in same_start
               for actor, end in ends.items()):
            return True
        open_now = {c.actor for c in same_start if c.window_end_s > start}
        if len(open_now) > 1:
            return True
        for cue in same_start:
            ends[cue.actor] = max(ends.get(cue.actor, cue.window_end_s), cue.window_end_s)
    return False


def _cues(log: RunLog, policy: Policy) -> tuple[ThreatCue, ...]:
    firsts = _FirstInputs(log.inputs(), log.people_of())
    shots = {s.shot: s for s in log.shots}
    drawn = _Drawn(log, shots, next((s.shot for s in log.shots if s.force == "firearm"),
                                    None))
    cues = []
    for changes in log.timelines().values():
        ends = _level_ends(changes)
        for i, (order, change) in enumerate(changes):
            if threat_level(change.threat) > threat_level(change.previous_threat):
                end = changes[ends[i]] if ends[i] < len(changes) else None
                since = log.span(changes[i - 1][1].tick, change.tick) if i else None
                cues.append(_cue(log, policy, (order, change), end, firsts, drawn, since))
    return tuple(sorted(cues, key=lambda c: c.time_s))


def _level_ends(changes: list[tuple[int, ActorStateChanged]]) -> list[int]:
    """For each change, the index of the actor's next change to another threat level
    (len(changes) if none)."""
    ends = [len(changes)] * len(changes)
    for i in range(len(changes) - 2, -1, -1):
        differs = threat_level(changes[i + 1][1].threat) != threat_level(changes[i][1].threat)
        ends[i] = i + 1 if differs else ends[i + 1]
    return ends


class _FirstInputs:
    """The officer's first input of each force option for an actor within a span of the
    log: inputs for that actor, and inputs for no one in particular (commands, shots at
    no one)."""

    def __init__(self, inputs: list[OfficerInput], people: dict[int, frozenset[str]]) -> None:
        self._by_key: dict[tuple[ForceOption, str | None], list[OfficerInput]] = {}
        for item in inputs:
            for person in people.get(item.shot, (None,)) if item.shot is not None else (None,):
                self._by_key.setdefault((item.option, person), []).append(item)
        self._orders = {key: [i.order for i in items] for key, items in self._by_key.items()}

    def between(self, start: int, stop: int, actor: str) -> list[OfficerInput]:
        """First of each option for `actor` with start < order < stop, earliest first."""
        found: dict[ForceOption, OfficerInput] = {}
        for (option, person), items in self._by_key.items():
            if person not in (None, actor):
                continue
            at = bisect_right(self._orders[(option, person)], start)
            if at < len(items) and items[at].order < stop and (
                    option not in found or items[at].order < found[option].order):
                found[option] = items[at]
        return sorted(found.values(), key=lambda i: i.order)


def _cue(log: RunLog, policy: Policy, at: tuple[int, ActorStateChanged],
         next_level: tuple[int, ActorStateChanged] | None, firsts: _FirstInputs,
         drawn: _Drawn, since: float | None) -> ThreatCue:
    """The cue's window runs in log order from the cue to the actor's next change of
    threat level, so an input that caused that change (logged just before it) counts."""
    start, cue = at
    level = threat_level(cue.threat)
    stop, end = next_level or (len(log.events), None)
    expected = policy.expects(level)
    shown = log.shown_s(cue.tick)
    responses = tuple(_response(log, cue, item, expected)
                      for item in firsts.between(start, stop, cue.actor))
    window_end = _window_end(level, end)
    window_end_s = log.time(log.end_tick if end is None else end.tick)
    first = responses[0] if responses else None
    summary = (f"first response: {words.option(first.option)} ({first.what}) after "
               f"{first.latency_s:.3f} s"
               if first else f"no response before {window_end} at {window_end_s:.3f} s")
    return ThreatCue(
        actor=cue.actor, role=cue.role, time_s=log.time(cue.tick), shown_s=shown,
        threat=cue.threat,
        previous_threat=cue.previous_threat, state=cue.state, cause=cue.cause,
        distance_m=cue.distance_m, distance_ft=feet(cue.distance_m),
        window_end_s=window_end_s, window_end=window_end, first_response=first,
        responses=responses, summary=summary, policy_expects=expected,
        policy_note=policy.note(level),
        reference=_cue_reference(policy, cue, responses, drawn),
        what=(f"at {words.level(cue.threat)} ({words.plain(cue.state)}) from the start"
              if cue.cause == "start" else
              f"rose from {words.level(cue.previous_threat)} to {words.level(cue.threat)} "
              f"({words.plain(cue.state)}) {words.cause(cue.cause, since)}"),
    )


# Reference figures that fit a cue, from domain-facts C.1 and C.5, used when the policy
# file gives none of its own under these keys.
CHOICE_REACTION = ReferenceFigure(
    "choice_reaction", "choice reaction", None, (0.5, 1.0),
    "Domain facts C.1/C.5 [C13][C16]: perceiving an expected cue takes ~0.25 s and doubles "
    "or quadruples with a choice, surprise or shifted attention")
DRAW_AND_FIRE = ReferenceFigure(
    "draw_and_fire", "draw and fire from the holster", 1.777, None,
    "Bartel & Blake [C9]: 148 officers, duty holster, one round at 3 yd, cold (SD 0.329 s)")


def _figure(policy: Policy, default: ReferenceFigure) -> ReferenceFigure:
    return policy.figure(default.key) or default


@dataclass(frozen=True, slots=True)
class _Drawn:
    """What the log says of whether a shot was drawn from the holster: its own
    weapon transition (log version 1.3), else only the run's first firearm shot may have
    been."""

    log: RunLog
    shots: dict[int, ShotFired]
    first_gun: int | None

    def from_holster(self, shot: int) -> bool | None:
        said = self.log.from_holster(self.shots[shot])
        return said if said is not None or shot == self.first_gun else False


def _cue_reference(policy: Policy, cue: ActorStateChanged, responses: Sequence[Response],
                   drawn: _Drawn) -> str:
    """A choice reaction for a cue that needs a decision, with draw-and-fire beside a
    firearm response drawn from the holster (or, when the log does not say, the run's
    first firearm shot). A cue present at the start has none: the officer's time runs from
    the start of the scene, not from a change he saw."""
    if cue.cause == "start":
        return ""
    choice = _figure(policy, CHOICE_REACTION)
    text = f"{choice.label} {choice.text}"
    gun = next((r for r in responses if r.option == "firearm" and r.shot is not None), None)
    if gun is not None and gun.shot is not None:
        holstered = drawn.from_holster(gun.shot)
        draw = _figure(policy, DRAW_AND_FIRE)
        if holstered:
            text += f"; {draw.label} {draw.text}"
        elif holstered is None:
            text += f"; if the pistol was holstered, {draw.label} {draw.text}"
    return text


def _reference_notes(policy: Policy, cues: Sequence[ThreatCue]) -> tuple[ReferenceNote, ...]:
    """The policy's figures, and the built-in ones the cues used."""
    figures = list(policy.reference)
    for default in (CHOICE_REACTION, DRAW_AND_FIRE):
        used = any(default.label in c.reference for c in cues)
        if used and policy.figure(default.key) is None:
            figures.append(default)
    return tuple(ReferenceNote(f.label, f.text, f.source) for f in figures)


def _window_end(level: ThreatLevel, end: ActorStateChanged | None) -> str:
    """How the cue's level ended. A fall is not called the end of the threat: he may
    still hold the weapon (the stop cue, in `_stop_cue`, says when the threat ended)."""
    if end is None:
        return "the scenario ended"
    new = threat_level(end.threat)
    if new > level:
        return f"his threat rose to {words.level(end.threat)}"
    return f"his threat fell to {words.level(end.threat)} ({words.plain(end.state)})"


def _since(log: RunLog, cue_tick: int, time_s: float, tick: int) -> float:
    """From a cue to an input: in a live run from the flip that first showed the cue to
    the input (a shot's trigger pull); in a scripted run from tick to tick."""
    shown_s = log.shown_s(cue_tick)
    if shown_s is None and time_s == log.time(tick):
        return log.span(cue_tick, tick)
    onset = shown_s if shown_s is not None else log.time(cue_tick)
    return round(time_s - onset, 6)


def _response(log: RunLog, cue: ActorStateChanged, item: OfficerInput,
              expected: tuple[ForceOption, ...]) -> Response:
    distance = item.distances.get(cue.actor)
    latency = _since(log, cue.tick, item.time_s, item.tick)
    return Response(
        option=item.option, what=item.what, shot=item.shot, time_s=item.time_s,
        latency_s=latency, distance_m=distance,
        distance_ft=None if distance is None else feet(distance),
        policy=policy_indicator(expected, item.option),
    )


def _branch_keys(log: RunLog) -> tuple[BranchKeyEntry, ...]:
    keys = log.indexed(BranchKey)
    changes = log.indexed(ActorStateChanged)
    change_orders = [at for at, _ in changes]
    bounds = [o for o, _ in keys[1:]] + [len(log.events)]  # a key's effects end at the next
    entries = []
    for (order, key), until in zip(keys, bounds[:len(keys)], strict=True):
        between = changes[bisect_right(change_orders, order):bisect_left(change_orders, until)]
        effects = tuple(BranchEffect(c.actor, c.state, c.threat, log.time(c.tick))
                        for _, c in between if c.cause == f"branch:{key.key}")
        entries.append(BranchKeyEntry(key.key, key.operator, log.time(key.tick), effects))
    return tuple(entries)
