"""Timing analysis of one run, from its event log alone.

`analyse(events, policy)` reads the events a run wrote and returns a `DecisionReport`:
threat cues and the officer's first responses, the force option against the agency's
policy table, shots after a threat ended, split times, hits by zone, TASER outcomes,
TASER/firearm transitions, attacks on the officer and the instructor's branch keys.
Every figure is a fact from the log; the wording is for a debrief, never a verdict.

Definitions (all from ticks; time = tick x step_s):
- A threat cue is a state change whose threat rises above its previous threat (the first
  state counts from compliant). Its window lasts until the actor's threat changes level
  again, or to the scenario's end. Officer inputs are not tied to an actor, so with two
  open windows one input answers both.
- Officer inputs are verbal commands and confirmed shots. Unconfirmed shots (no
  confirmed hit point) are not scored anywhere; the report lists their ids.
- A threat ends when an actor falls from active aggression or above to below it. A shot
  counts as "after the threat ended" if it comes later, before that actor's threat rises
  again, and either hit that actor or came while no other actor was a threat.
- TASER-to-firearm runs from a non-effective TASER deployment (its probes landed) to the
  officer's next shot after that TASER's, if it is a firearm shot fired after the failure;
  firearm-to-TASER runs from the last firearm shot before a TASER shot.
"""

from __future__ import annotations

import statistics
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from itertools import groupby, pairwise

from range.analysis.digest import ACTIVE, OfficerInput, RunLog, digest, feet, threat_level
from range.analysis.report import (
    ABOUT,
    Attack,
    BranchEffect,
    BranchKeyEntry,
    DecisionReport,
    FramesShown,
    OfficerInputs,
    ReferenceNote,
    Response,
    ScenarioInfo,
    ShotsAfterThreat,
    ThreatCue,
)
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
    OfficerAttacked,
    OfficerCommand,
    ProbeLanded,
    ShotFired,
)
from range.scenario.policy import Policy
from range.vocabulary import FORCE_ORDER, ForceOption, ThreatLevel


def analyse(events: Iterable[Event], policy: Policy, source: str = "event log"
            ) -> DecisionReport:
    """The debrief report of one run's event log under an agency policy table; `source`
    names the log in errors."""
    log = digest(list(events), source)
    cues = _cues(log, policy)
    return DecisionReport(
        about=ABOUT,
        scenario=_scenario(log, policy),
        inputs=_officer_inputs(log),
        notes=_notes(log, policy, cues),
        cues=cues,
        after_threat=_after_threat(log, policy),
        splits=splits(log),
        hits=hits(log),
        bystander_hits=bystander_hits(log),
        taser=taser_outcomes(log),
        transitions=taser_to_firearm(log, policy) + firearm_to_taser(log, policy),
        attacks=tuple(Attack(a.actor, a.attack, log.time(a.tick), a.distance_m,
                             feet(a.distance_m)) for a in log.of(OfficerAttacked)),
        branch_keys=_branch_keys(log),
        reference=tuple(ReferenceNote(f.label, f.text, f.source) for f in policy.reference),
        frames=_frames(log),
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


def policy_indicator(expected: Sequence[ForceOption], option: ForceOption) -> str:
    """How a force option sits against what the policy expects at a threat level."""
    if option in expected:
        return "within policy expectation"
    rank, ranks = FORCE_ORDER.index(option), [FORCE_ORDER.index(o) for o in expected]
    if rank > max(ranks):
        return "more force than the policy expects at this level"
    if rank < min(ranks):
        return "less force than the policy expects at this level"
    return "a force option the policy does not list at this level"


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
        notes.append("Threat cues of different actors overlap; officer inputs are not tied "
                     "to an actor, so one input counts as the response to each open cue.")
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
    firsts = _FirstInputs(log.inputs())
    cues = []
    for changes in log.timelines().values():
        ends = _level_ends(changes)
        for i, (order, change) in enumerate(changes):
            if threat_level(change.threat) > threat_level(change.previous_threat):
                end = changes[ends[i]] if ends[i] < len(changes) else None
                cues.append(_cue(log, policy, (order, change), end, firsts))
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
    """The officer's first input of each force option within a span of the log."""

    def __init__(self, inputs: list[OfficerInput]) -> None:
        self._by_option: dict[ForceOption, list[OfficerInput]] = {}
        for item in inputs:
            self._by_option.setdefault(item.option, []).append(item)
        self._orders = {o: [i.order for i in items] for o, items in self._by_option.items()}

    def between(self, start: int, stop: int) -> list[OfficerInput]:
        """First of each option with start < order < stop, earliest first."""
        found = []
        for option, items in self._by_option.items():
            at = bisect_right(self._orders[option], start)
            if at < len(items) and items[at].order < stop:
                found.append(items[at])
        return sorted(found, key=lambda i: i.order)


def _cue(log: RunLog, policy: Policy, at: tuple[int, ActorStateChanged],
         next_level: tuple[int, ActorStateChanged] | None, firsts: _FirstInputs) -> ThreatCue:
    """The cue's window runs in log order from the cue to the actor's next change of
    threat level, so an input that caused that change (logged just before it) counts."""
    start, cue = at
    level = threat_level(cue.threat)
    stop, end = next_level or (len(log.events), None)
    expected = policy.expects(level)
    shown = log.shown_s(cue.tick)
    responses = tuple(_response(log, cue, shown, item, expected)
                      for item in firsts.between(start, stop))
    window_end = _window_end(level, end)
    window_end_s = log.time(log.end_tick if end is None else end.tick)
    first = responses[0] if responses else None
    summary = (f"first response: {first.option} ({first.what}) after {first.latency_s:.3f} s"
               if first else f"no response before {window_end} at {window_end_s:.3f} s")
    figure = policy.figure("simple_reaction")
    return ThreatCue(
        actor=cue.actor, role=cue.role, time_s=log.time(cue.tick), shown_s=shown,
        threat=cue.threat,
        previous_threat=cue.previous_threat, state=cue.state, cause=cue.cause,
        distance_m=cue.distance_m, distance_ft=feet(cue.distance_m),
        window_end_s=window_end_s, window_end=window_end, first_response=first,
        responses=responses, summary=summary, policy_expects=expected,
        policy_note=policy.note(level),
        reference=f"{figure.label} {figure.text}" if figure else "",
    )


def _window_end(level: ThreatLevel, end: ActorStateChanged | None) -> str:
    if end is None:
        return "the scenario ended"
    new = threat_level(end.threat)
    if new > level:
        return f"the threat rose to {end.threat}"
    if new < ACTIVE <= level:
        return f"the threat ended ({end.state})"
    return f"the threat fell to {end.threat} ({end.state})"


def _response(log: RunLog, cue: ActorStateChanged, shown_s: float | None,
              item: OfficerInput, expected: tuple[ForceOption, ...]) -> Response:
    """The response's latency runs from when the cue was first on screen to the input
    (a live shot's trigger pull); in a scripted run, from tick to tick."""
    distance = item.distances.get(cue.actor)
    live = shown_s is not None or item.time_s != log.time(item.tick)
    onset = shown_s if shown_s is not None else log.time(cue.tick)
    latency = round(item.time_s - onset, 6) if live else log.span(cue.tick, item.tick)
    return Response(
        option=item.option, what=item.what, shot=item.shot, time_s=item.time_s,
        latency_s=latency, distance_m=distance,
        distance_ft=None if distance is None else feet(distance),
        policy=policy_indicator(expected, item.option),
    )


class _Levels:
    """Each actor's threat level at any place in the log."""

    def __init__(self, changes: list[tuple[int, ActorStateChanged]]) -> None:
        self._orders = [order for order, _ in changes]
        self._levels = [threat_level(change.threat) for _, change in changes]

    def at(self, order: int) -> ThreatLevel:
        index = bisect_right(self._orders, order)
        return self._levels[index - 1] if index else ThreatLevel.COMPLIANT


def _after_threat(log: RunLog, policy: Policy) -> tuple[ShotsAfterThreat, ...]:
    timelines = log.timelines()
    levels = {actor: _Levels(changes) for actor, changes in timelines.items()}
    shots = log.confirmed_shots()
    shot_orders = [at for at, _ in shots]
    reached = ({(h.shot, h.actor) for h in log.hits}
               | {(p.shot, p.actor) for p in log.of(ProbeLanded)})
    found = []
    for actor, changes in timelines.items():
        others = [lv for name, lv in levels.items() if name != actor]
        resumes = _threat_resumes(changes, len(log.events))
        for i, (order, end) in enumerate(changes):
            if not threat_level(end.previous_threat) >= ACTIVE > threat_level(end.threat):
                continue
            window = shots[bisect_right(shot_orders, order):
                           bisect_left(shot_orders, resumes[i])]
            after = tuple(
                s for at, s in window
                if log.pulled_s(s) > log.time(end.tick)  # pulled after, not in the same tick
                and ((s.shot, actor) in reached or all(lv.at(at) < ACTIVE for lv in others))
            )
            found.append(_shots_after(log, policy, end, after))
    return tuple(sorted(found, key=lambda a: a.time_s))


def _threat_resumes(changes: list[tuple[int, ActorStateChanged]], end: int) -> list[int]:
    """For each change, the log place of the actor's next change to active aggression or
    above (`end` if none)."""
    resumes = [end] * len(changes)
    for i in range(len(changes) - 2, -1, -1):
        after_order, after = changes[i + 1]
        resumes[i] = after_order if threat_level(after.threat) >= ACTIVE else resumes[i + 1]
    return resumes


def _shots_after(log: RunLog, policy: Policy, end: ActorStateChanged,
                 shots: tuple[ShotFired, ...]) -> ShotsAfterThreat:
    to_stop = log.span(end.tick, shots[-1].tick) if shots else None
    summary = (f"{len(shots)} shot(s) after the threat ended; time to stop {to_stop:.3f} s"
               if to_stop is not None else "no shots after the threat ended")
    figure = policy.figure("stop_shooting")
    return ShotsAfterThreat(
        actor=end.actor, time_s=log.time(end.tick), state=end.state, threat=end.threat,
        cause=end.cause, shots=tuple(s.shot for s in shots), count=len(shots),
        time_to_stop_s=to_stop, summary=summary,
        reference=f"{figure.label} {figure.text}" if figure else "",
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
