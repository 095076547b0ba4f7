"""The decision report: frozen records of what the event log shows, worded as debrief
indicators for the instructor. `range.analysis` fills it; renderers only lay it out.

Times are seconds from the scenario start (tick x step, rounded to the microsecond);
distances are metres with feet beside them, TASER spreads also in inches and cm, because
range staff read those units.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Literal

from range.vocabulary import ForceOption, Role

ABOUT = ("Debrief indicators from the event log: facts and times for the instructor to "
         "discuss and grade. They are not a verdict on the officer's judgment.")


@dataclass(frozen=True, slots=True)
class ScenarioInfo:
    scenario: str
    title: str
    seed: int
    step_s: float
    policy_in_log: str
    policy_applied: str
    policy_title: str
    actors: dict[str, Role]
    end_s: float
    end_reason: str


@dataclass(frozen=True, slots=True)
class OfficerInputs:
    verbal_commands: int
    taser_shots: int
    firearm_shots: int
    unconfirmed_shots: tuple[int, ...]  # trigger pulls without a confirmed hit point


@dataclass(frozen=True, slots=True)
class Response:
    """The officer's first use of one force option after a threat cue."""

    option: ForceOption
    what: str  # the command given, or "pistol shot 3"
    shot: int | None
    time_s: float
    latency_s: float
    # The subject's distance at that moment, known only when the shot reached the actor.
    distance_m: float | None
    distance_ft: float | None
    policy: str  # indicator against the policy table at the cue's threat level


@dataclass(frozen=True, slots=True)
class ThreatCue:
    """An actor entering a higher threat level, and what the officer did before the actor
    left that level (window end) or the scenario ended."""

    actor: str
    role: Role
    time_s: float
    # When the cue first appeared on the projector (the flip of the first frame showing
    # it); latencies run from here. None without frames (a scripted run): from time_s.
    shown_s: float | None
    threat: str
    previous_threat: str | None
    state: str
    cause: str
    distance_m: float
    distance_ft: float
    window_end_s: float
    window_end: str  # "the threat ended (down)", "the threat rose to deadly_force", ...
    first_response: Response | None
    responses: tuple[Response, ...]  # first use of each force option, earliest first
    summary: str
    policy_expects: tuple[ForceOption, ...]
    policy_note: str
    # A published figure that fits the cue, for context: a choice reaction for a cue that
    # needs a decision (and draw-and-fire beside a shot drawn from the holster); "" for a
    # cue present at the start, where no reaction figure applies.
    reference: str
    what: str  # the cue in plain words: "rose from passive resistance to deadly force ..."


@dataclass(frozen=True, slots=True)
class FramesShown:
    """How the projector kept up in a live session: frames shown, the usual and the
    worst interval between flips, and frames missed (a flip a whole period late)."""

    count: int
    median_interval_ms: float
    worst_interval_ms: float
    dropped: int


@dataclass(frozen=True, slots=True)
class ShotsAfterThreat:
    """Confirmed shots after an actor's threat ended: after the stop cue, the moment the
    officer could see it had (he fell below active aggression and was no longer armed)."""

    actor: str
    time_s: float  # the stop cue
    state: str
    threat: str
    cause: str
    shots: tuple[int, ...]
    count: int
    # Last such shot minus the stop cue: a lower bound on the officer's stop reaction (he
    # stopped some time after his last shot, not at it).
    time_to_stop_s: float | None
    summary: str
    reference: str
    stop_cue: str  # what ended the threat, in plain words: "dropped the handgun"
    threat_fell_s: float  # when his threat level fell, at or before the stop cue


@dataclass(frozen=True, slots=True)
class SplitTime:
    family: ForceOption  # "firearm" or "taser"
    from_shot: int
    to_shot: int
    weapon: str
    time_s: float
    split_s: float


@dataclass(frozen=True, slots=True)
class ForceIndicator:
    """One use of force against the policy table, for one person it concerned."""

    actor: str | None  # None: the round concerned no one (off the screen, nothing on the line)
    role: Role | None
    relation: str  # "aimed at and reached", "aimed at", "reached", "first on the line"
    threat: str | None  # the person's threat level at the trigger pull
    policy_expects: tuple[ForceOption, ...]
    policy: str


@dataclass(frozen=True, slots=True)
class ForceUse:
    """A confirmed TASER or firearm shot: whom it was for and where it went."""

    shot: int
    time_s: float
    weapon: str
    weapon_label: str  # "X26 (21 ft cartridge)"
    force: ForceOption
    target: str | None  # the person aimed at; None when the log does not record it
    first_on_line: str | None  # the first person on the line of fire at the pull
    reached: tuple[str, ...]  # everyone a bullet or probe of it reached
    indicators: tuple[ForceIndicator, ...]
    outcome: str  # where it went, in plain words


@dataclass(frozen=True, slots=True)
class RoundOutcome:
    """Where one bullet or TASER probe went. `outcome` is one of "hit", "bystander hit",
    "stopped by cover", "struck the ground", "missed", "out of wire", "off the screen",
    "did not fire", "no landing recorded"."""

    shot: int
    probe: int | None  # None: a bullet, or a TASER cartridge none of whose probes landed
    weapon: str
    time_s: float  # the landing, or the pull when nothing landed
    outcome: str
    actor: str | None
    role: Role | None
    zone: str | None
    by: str | None  # the cover, "ground", "wire", ...
    distance_m: float | None
    distance_ft: float | None
    text: str


@dataclass(frozen=True, slots=True)
class DeEscalation:
    """Facts about time, distance, commands and cover before the first use of force."""

    force_used: bool
    first_cue_actor: str | None  # the first subject above compliant
    first_cue_s: float | None
    first_force_shot: int | None
    first_force_s: float | None
    time_before_force_s: float | None  # first force minus first cue
    actor: str | None  # whose distance is given: the first force's person, else the cue's
    distance_at_cue_m: float | None
    distance_at_cue_ft: float | None
    distance_at_force_m: float | None  # None: no force, or his distance not logged then
    distance_at_force_ft: float | None
    closest_before_force_m: float | None  # the closest he came up to the first force (or the end)
    closest_before_force_ft: float | None
    commands_before_force: tuple[str, ...]
    cover: str | None  # the cover he was behind at the first force (or the end)
    moves_recorded: bool  # the log records the officer's moves (1.5)
    force_on_compliant: tuple[int, ...]  # shots at or reaching a compliant subject
    lines: tuple[str, ...]  # the facts above in plain words
    moved_m: float = 0.0  # how far the officer walked in all his moves
    moves: int = 0
    behind_cover_s: float = 0.0  # time behind cover in all
    behind_cover_from_s: float | None = None  # when he first got behind cover
    move_lines: tuple[str, ...] = ()  # each move in plain words


@dataclass(frozen=True, slots=True)
class ActorHits:
    actor: str
    role: Role
    zones: dict[str, int]  # every zone, head first, with its bullet hit count
    total: int
    shots: tuple[int, ...]  # the shot of each hit
    aimed: int = 0  # firearm rounds aimed at him (or, without that fact, him first on the line)


@dataclass(frozen=True, slots=True)
class BystanderHit:
    actor: str
    shot: int
    weapon: str
    by: Literal["bullet", "taser probe"]
    zone: str | None
    time_s: float
    distance_m: float
    distance_ft: float


@dataclass(frozen=True, slots=True)
class TaserOutcome:
    shot: int
    time_s: float
    weapon: str
    cartridge: str
    actor: str | None
    result: str
    spread_m: float | None
    spread_in: float | None
    spread_cm: float | None
    distance_m: float | None
    distance_ft: float | None
    zones: tuple[str | None, ...]
    reason: str
    cycle_ended_s: float | None


@dataclass(frozen=True, slots=True)
class Transition:
    direction: Literal["taser_to_firearm", "firearm_to_taser"]
    from_shot: int
    from_what: str  # "TASER deployment: miss" or "firearm shot"
    from_s: float
    to_shot: int
    to_s: float
    seconds: float
    reference: str


@dataclass(frozen=True, slots=True)
class Attack:
    actor: str
    attack: str
    time_s: float
    distance_m: float
    distance_ft: float
    # What the attack did: "hit", "missed", "stopped" by cover; None when the log does not
    # record it (logs before the engine reported it).
    outcome: str | None = None
    zone: str | None = None
    by: str | None = None
    text: str = ""
    other: str | None = None  # the person in the line his round hit instead (1.5)


@dataclass(frozen=True, slots=True)
class BranchEffect:
    actor: str
    state: str
    threat: str
    time_s: float


@dataclass(frozen=True, slots=True)
class BranchKeyEntry:
    key: str
    operator: str
    time_s: float
    effects: tuple[BranchEffect, ...]  # state changes caused by this key


@dataclass(frozen=True, slots=True)
class ReferenceNote:
    label: str
    text: str
    source: str


@dataclass(frozen=True, slots=True)
class DecisionReport:
    about: str
    scenario: ScenarioInfo
    inputs: OfficerInputs
    notes: tuple[str, ...]
    cues: tuple[ThreatCue, ...]
    after_threat: tuple[ShotsAfterThreat, ...]
    splits: tuple[SplitTime, ...]
    hits: tuple[ActorHits, ...]
    bystander_hits: tuple[BystanderHit, ...]
    taser: tuple[TaserOutcome, ...]
    transitions: tuple[Transition, ...]
    attacks: tuple[Attack, ...]
    branch_keys: tuple[BranchKeyEntry, ...]
    reference: tuple[ReferenceNote, ...]
    frames: FramesShown | None  # a live session's frames; None for a scripted run
    summary: tuple[str, ...] = ()  # three lines for the top of the debrief
    force: tuple[ForceUse, ...] = ()
    rounds: tuple[RoundOutcome, ...] = ()
    de_escalation: DeEscalation | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data: dicts, lists, strings, numbers, None."""
        result: dict[str, Any] = _plain(dataclasses.asdict(self))
        return result


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value
