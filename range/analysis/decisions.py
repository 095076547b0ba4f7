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

from collections.abc import Iterable, Sequence
from itertools import combinations

from range.analysis.digest import ACTIVE, OfficerInput, RunLog, digest, feet, threat_level
from range.analysis.report import (
    ABOUT,
    Attack,
    BranchEffect,
    BranchKeyEntry,
    DecisionReport,
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


def analyse(events: Iterable[Event], policy: Policy) -> DecisionReport:
    """The debrief report of one run's event log under an agency policy table."""
    log = digest(list(events))
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
    )


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
    if any(a.actor != b.actor and a.time_s < b.window_end_s and b.time_s < a.window_end_s
           for a, b in combinations(cues, 2)):
        notes.append("Threat cues of different actors overlap; officer inputs are not tied "
                     "to an actor, so one input counts as the response to each open cue.")
    if not cues:
        notes.append("No actor rose to a higher threat level in this run.")
    return tuple(notes)


def _cues(log: RunLog, policy: Policy) -> tuple[ThreatCue, ...]:
    inputs = log.inputs()
    cues = [
        _cue(log, policy, (order, change), changes[i + 1:], inputs)
        for changes in log.timelines().values()
        for i, (order, change) in enumerate(changes)
        if threat_level(change.threat) > threat_level(change.previous_threat)
    ]
    return tuple(sorted(cues, key=lambda c: c.time_s))


def _cue(log: RunLog, policy: Policy, at: tuple[int, ActorStateChanged],
         later: list[tuple[int, ActorStateChanged]], inputs: list[OfficerInput]) -> ThreatCue:
    """The cue's window runs in log order from the cue to the actor's next change of
    threat level, so an input that caused that change (logged just before it) counts."""
    start, cue = at
    level = threat_level(cue.threat)
    stop, end = next(((o, c) for o, c in later if threat_level(c.threat) != level),
                     (len(log.events), None))
    expected = policy.expects(level)
    firsts: dict[ForceOption, OfficerInput] = {}
    for item in inputs:
        if start < item.order < stop:
            firsts.setdefault(item.option, item)
    responses = tuple(_response(log, cue, item, expected) for item in firsts.values())
    window_end = _window_end(level, end)
    window_end_s = log.time(log.end_tick if end is None else end.tick)
    first = responses[0] if responses else None
    summary = (f"first response: {first.option} ({first.what}) after {first.latency_s:.3f} s"
               if first else f"no response before {window_end} at {window_end_s:.3f} s")
    figure = policy.figure("simple_reaction")
    return ThreatCue(
        actor=cue.actor, role=cue.role, time_s=log.time(cue.tick), threat=cue.threat,
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


def _response(log: RunLog, cue: ActorStateChanged, item: OfficerInput,
              expected: tuple[ForceOption, ...]) -> Response:
    distance = item.distances.get(cue.actor)
    return Response(
        option=item.option, what=item.what, shot=item.shot, time_s=log.time(item.tick),
        latency_s=log.span(cue.tick, item.tick), distance_m=distance,
        distance_ft=None if distance is None else feet(distance),
        policy=policy_indicator(expected, item.option),
    )


def _level_at(changes: list[tuple[int, ActorStateChanged]], order: int) -> ThreatLevel:
    """An actor's threat level at a place in the log."""
    current = ThreatLevel.COMPLIANT
    for at, change in changes:
        if at > order:
            break
        current = threat_level(change.threat)
    return current


def _after_threat(log: RunLog, policy: Policy) -> tuple[ShotsAfterThreat, ...]:
    timelines = log.timelines()
    shots = log.confirmed_shots()
    found = []
    for actor, changes in timelines.items():
        others = [c for name, c in timelines.items() if name != actor]
        for i, (order, end) in enumerate(changes):
            if not threat_level(end.previous_threat) >= ACTIVE > threat_level(end.threat):
                continue
            resumed = next((o for o, c in changes[i + 1:] if threat_level(c.threat) >= ACTIVE),
                           len(log.events))
            after = tuple(
                s for at, s in shots
                if order < at < resumed and s.tick > end.tick  # not fired in the same tick
                and (_reached(log, s.shot, actor)
                     or all(_level_at(c, at) < ACTIVE for c in others))
            )
            found.append(_shots_after(log, policy, end, after))
    return tuple(sorted(found, key=lambda a: a.time_s))


def _reached(log: RunLog, shot: int, actor: str) -> bool:
    return (any(h.shot == shot and h.actor == actor for h in log.hits)
            or any(p.shot == shot and p.actor == actor for p in log.of(ProbeLanded)))


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
    bounds = [o for o, _ in keys[1:]] + [len(log.events)]  # a key's effects end at the next
    entries = []
    for (order, key), until in zip(keys, bounds[:len(keys)], strict=True):
        effects = tuple(BranchEffect(c.actor, c.state, c.threat, log.time(c.tick))
                        for at, c in changes
                        if c.cause == f"branch:{key.key}" and order < at < until)
        entries.append(BranchKeyEntry(key.key, key.operator, log.time(key.tick), effects))
    return tuple(entries)
