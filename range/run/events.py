"""Typed world events: the vocabulary of the event log (`range.run.codec` writes and
reads them).

Everything that happens in a run is one of these, stamped with the simulation tick where
it happened (time = tick x step). Within a tick, events are logged in cause order: an
officer input comes before the state changes and impacts it causes, and the analysis
relies on that order. The analysis reads the log alone: it never looks at the engine.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

from pydantic import ConfigDict

from range.vocabulary import (
    Action,
    Attack,
    Command,
    ForceOption,
    HeldObject,
    Point2,
    Role,
    TaserMode,
    TaserResult,
    ThreatLabel,
    WeaponName,
    Zone,
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    """Base: `tick` is the simulation tick where the event happened."""

    kind: ClassVar[str] = ""
    # How the log reader checks each line against these types: exact types, finite numbers.
    __pydantic_config__: ClassVar[ConfigDict] = ConfigDict(strict=True, allow_inf_nan=False)
    tick: int


LOG_VERSION = "1.5"  # major.minor: a reader takes any minor of its major
InputSource = Literal["script", "mouse", "rig", "none"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Provenance:
    """Where a run came from, written into its first event. Hashes are SHA-256 of the
    validated content (so a comment or a reformatted file keeps its hash); the wall-clock
    start is paired with the monotonic time it was read at, so every stamp in a session
    can be put on the calendar."""

    holdfire_version: str = ""
    scenario_sha256: str = ""
    inputs_sha256: str | None = None
    policy_sha256: str | None = None
    input_source: InputSource = "script"
    rig: str | None = None
    calibration: str | None = None
    wall_start: str = ""  # ISO 8601, UTC
    mono_origin_ns: int = 0  # host monotonic time at the run's tick 0
    officers: list[str] = field(default_factory=list)  # a live session's, in lane order

    def fields(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}


@dataclass(frozen=True, slots=True, kw_only=True)
class ScenarioStarted(Event):
    """The first event of every log: what ran, with which seed, and where it came from.
    Fields after `actors` came with log version 1.1; a 1.0 log reads them as unknown.
    `officers` (1.3) names the trainees of a live session, in lane order."""

    kind: ClassVar[str] = "scenario_started"
    scenario: str
    title: str
    seed: int
    step_s: float
    policy: str
    actors: dict[str, Role]
    log_version: str = "1.0"
    holdfire_version: str = ""
    scenario_sha256: str = ""
    inputs_sha256: str | None = None
    policy_sha256: str | None = None
    input_source: InputSource | None = None
    rig: str | None = None
    calibration: str | None = None
    wall_start: str = ""
    mono_origin_ns: int = 0
    officers: list[str] = field(default_factory=list)

    def provenance(self) -> Provenance:
        return Provenance(**{f.name: getattr(self, f.name)
                             for f in dataclasses.fields(Provenance)})


@dataclass(frozen=True, slots=True, kw_only=True)
class ActorStateChanged(Event):
    """An actor entered a behaviour state. A threat cue is a rise of `threat`."""

    kind: ClassVar[str] = "actor_state"
    actor: str
    role: Role
    state: str
    action: Action
    threat: ThreatLabel
    previous_state: str | None
    previous_threat: ThreatLabel | None
    cause: str  # "start", "after", "within", "command:drop-weapon", "hit:legs", ...
    distance_m: float
    position: Point2


@dataclass(frozen=True, slots=True, kw_only=True)
class OfficerCommand(Event):
    """A verbal command from the officer (force option "verbal"); `officer` (1.3) says
    which, in a live session (None: the one officer of a scripted run)."""

    kind: ClassVar[str] = "officer_command"
    command: Command
    distances: dict[str, float] = field(default_factory=dict)  # each actor's, at the command
    officer: str | None = None
    tone: Literal["calm", "shouted", ""] = ""  # "" in logs before 1.3


@dataclass(frozen=True, slots=True, kw_only=True)
class ForceShown(Event):
    """The officer drew or pointed a weapon without firing it (log version 1.3)."""

    kind: ClassVar[str] = "force_shown"
    weapon: WeaponName
    distances: dict[str, float] = field(default_factory=dict)
    officer: str | None = None  # who showed it, in a live session


@dataclass(frozen=True, slots=True, kw_only=True)
class AgitationChanged(Event):
    """A subject's agitation (0 calm to 1) after an event that moved it, or as its drift
    crossed a tenth: `cause` is "command:calm", "command:shouted", "commands at once",
    "force shown", "force used", "distance" (crowded) or "time" (settling) (1.3)."""

    kind: ClassVar[str] = "agitation"
    actor: str
    agitation: float
    cause: str


@dataclass(frozen=True, slots=True, kw_only=True)
class BranchKey(Event):
    """An instructor's branch key, kept as an audit trail of who steered the scenario."""

    kind: ClassVar[str] = "branch_key"
    key: str
    operator: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ShotTiming:
    """When a live shot happened and what the officer saw: the trigger pull (session
    seconds), the world tick on screen then, and the pixel fired at on that frame. The
    shot enters the world later (`late`); `ShotFired.point` is where that same spot of
    the person aimed at is drawn by then, so the flight goes on in the present world."""

    pull_s: float
    shown_tick: int
    seen_point: Point2 | None
    late: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class ShotFired(Event):
    """A trigger pull. `point` is the projector pixel flown, None for a shot off the
    screen. Fields after `distances` came with log version 1.2 (live sessions), those
    after `late` with 1.3. `aimed_at` is the person aimed at (a script's aim, else the
    first person whose body the line meets, at the height it meets him); before 1.3 it was
    `first_on_line`. `device` and `load` (the magazine or cartridge load, from 1) let a
    split be counted only between rounds of one device and one load.. `officer` (1.3)
    says whose pull it was in a live session (None: the one officer of a script).
    `origin` and `heading` (1.5): where his feet stood and which way he faced (rad, left
    of +y) when the round was flown, the start of its line of fire; None in older logs,
    whose officer never left the fixed origin."""

    kind: ClassVar[str] = "shot_fired"
    shot: int
    weapon: WeaponName
    force: ForceOption
    point: Point2 | None
    replica: str | None = None
    confirmed: bool = True
    aimed_at: str | None = None  # the person aimed at
    distances: dict[str, float] = field(default_factory=dict)  # each actor's, at the pull
    pull_s: float | None = None  # the trigger pull, session seconds (live shots)
    shown_tick: int | None = None  # the world tick on screen at the pull
    seen_point: Point2 | None = None  # the pixel fired at on that frame
    late: bool = False  # entered after its pull tick (fusion takes ~90 ms to decide)
    officer: str | None = None
    first_on_line: str | None = None  # the first person whose footprint the track crosses
    device: str = ""  # "pistol", "X26", "TASER 7", "TASER 10"
    load: int = 1  # which magazine (pistol, TASER 10) or cartridge load (others), from 1
    # 1.4: why the pull fired nothing ("empty": the magazine; "reloading": the new one
    # not yet seated), and a TASER pull's mode (a re-energising pull and a drive stun use
    # no cartridge).
    malfunction: str | None = None
    mode: TaserMode | None = None
    origin: Point2 | None = None  # 1.5: his feet when the round was flown
    heading: float | None = None  # 1.5: the way he faced then, rad left of +y

    def timing(self) -> ShotTiming | None:
        if self.pull_s is None or self.shown_tick is None:
            return None
        return ShotTiming(pull_s=self.pull_s, shown_tick=self.shown_tick,
                          seen_point=self.seen_point, late=self.late)


@dataclass(frozen=True, slots=True, kw_only=True)
class WeaponTransition(Event):
    """The officer's pull with another device than his last (or his first, from the
    holster): the time he took, against the least a person takes (domain-facts C.1), and
    whether he took less: a script or a mouse can, a person cannot. Log version 1.3."""

    kind: ClassVar[str] = "weapon_transition"
    shot: int
    from_device: str | None  # None: drawn from the holster at the start
    to_device: str
    took_s: float
    least_s: float
    too_fast: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class FrameShown(Event):
    """The world at `tick` appeared on the projector at `flip_s` (session seconds,
    stamped right after the display flip): when the officer could first see it."""

    kind: ClassVar[str] = "frame_shown"
    flip_s: float


OperatorActionName = Literal["trainee", "branch", "pause", "resume", "reset", "lock",
                             "unlock", "malfunction", "recoil", "threat_fire"]


@dataclass(frozen=True, slots=True, kw_only=True)
class OperatorAction(Event):
    """What the range master did at the instructor station, for the audit trail: the
    trainee entered (`subject` his name, `detail` his badge), a branch button pressed
    (`subject` the key, `screen_tick` the tick on the console's screen at the press; the
    branch itself follows as `branch_key`), a pause or resume, a replica command
    (`subject` the replica, `detail` what). The world never reads it."""

    kind: ClassVar[str] = "operator_action"
    operator: str
    action: OperatorActionName
    subject: str = ""
    detail: str = ""
    screen_tick: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class BulletHit(Event):
    kind: ClassVar[str] = "bullet_hit"
    shot: int
    actor: str
    role: Role
    zone: Zone
    distance_m: float
    height_m: float


@dataclass(frozen=True, slots=True, kw_only=True)
class BulletStopped(Event):
    """A bullet that hit cover or the ground, or flew out of the scene."""

    kind: ClassVar[str] = "bullet_stopped"
    shot: int
    by: str  # a cover id, "ground" or "nothing"
    distance_m: float


@dataclass(frozen=True, slots=True, kw_only=True)
class ProbeLanded(Event):
    kind: ClassVar[str] = "probe_landed"
    shot: int
    probe: int
    actor: str | None
    zone: Zone | None
    by: str | None  # what stopped a probe that missed: cover id, "ground", "wire"
    distance_m: float
    height_m: float
    side: Literal["front", "back", ""] = ""  # of the body it is in (1.3)
    # An area instructors teach to avoid (domain-facts B.2, D.3): "head", "throat",
    # "chest" or "groin"; "" elsewhere (1.3).
    avoid: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class TaserDeployment(Event):
    """The outcome of one TASER deployment, once its probes have landed."""

    kind: ClassVar[str] = "taser_deployment"
    shot: int
    weapon: str
    cartridge: str
    actor: str | None
    result: TaserResult
    spread_m: float | None
    zones: list[Zone | None] = field(default_factory=list)
    distance_m: float | None = None
    reason: str = ""
    chance: float | None = None  # the chance it had to take effect, once connected (1.3)
    mode: TaserMode = "probes"  # a new cartridge's probes, a re-energising, a drive stun (1.4)


@dataclass(frozen=True, slots=True, kw_only=True)
class TaserCycleEnded(Event):
    kind: ClassVar[str] = "taser_cycle_ended"
    shot: int
    actor: str


ProbesOutCause = Literal["wire", "fall"]


@dataclass(frozen=True, slots=True, kw_only=True)
class TaserProbesOut(Event):
    """Probes in him came out (1.5): `cause` "wire", he moved beyond the wire's reach and
    it broke; "fall", he fell (TASER 10's single probes). `probes`: [shot, probe] each
    (probe from 0). A later pull needs new probes for a circuit."""

    kind: ClassVar[str] = "taser_probes_out"
    actor: str
    probes: list[list[int]]
    cause: ProbesOutCause


@dataclass(frozen=True, slots=True, kw_only=True)
class TaserRecovered(Event):
    """He has recovered from an energy cycle and acts again (log version 1.3)."""

    kind: ClassVar[str] = "taser_recovered"
    shot: int
    actor: str


@dataclass(frozen=True, slots=True, kw_only=True)
class SubjectStopped(Event):
    """A stopping hit took effect: `after_s` after it landed he goes down, taking
    `fall_s` to reach the floor; until now he went on with what he was doing (1.3)."""

    kind: ClassVar[str] = "subject_stopped"
    actor: str
    shot: int | None
    zone: Zone
    after_s: float
    fall_s: float


@dataclass(frozen=True, slots=True, kw_only=True)
class WeaponDropped(Event):
    kind: ClassVar[str] = "weapon_dropped"
    actor: str
    weapon: HeldObject


@dataclass(frozen=True, slots=True, kw_only=True)
class OfficerAttacked(Event):
    """A subject shot at, struck or stabbed the officer, and what it did (1.4): `outcome`
    "hit" (in `zone` of the officer), "missed", "stopped" by the cover `by`, or (1.5)
    "hit_other": his round hit `other`, a person in its line, in `zone`. None in logs
    before 1.4. `hits` (1.5): the hits on the officer so far, this one included."""

    kind: ClassVar[str] = "officer_attacked"
    actor: str
    attack: Attack
    distance_m: float
    outcome: Literal["hit", "missed", "stopped", "hit_other"] | None = None
    zone: Zone | None = None
    by: str | None = None  # the cover id that stopped it
    other: str | None = None  # the person in the line his round hit instead
    hits: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class OfficerReloaded(Event):
    """The officer changed his pistol's magazine (1.4): `left` rounds were in the one he
    dropped; the new one is seated `ready_s` after this, and a pull before then is dry."""

    kind: ClassVar[str] = "officer_reloaded"
    weapon: WeaponName
    left: int
    ready_s: float
    officer: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ScenarioEnded(Event):
    kind: ClassVar[str] = "scenario_ended"
    reason: str


EVENT_TYPES: dict[str, type[Event]] = {
    cls.kind: cls
    for cls in (
        ScenarioStarted, ActorStateChanged, OfficerCommand, BranchKey, ShotFired, BulletHit,
        BulletStopped, ProbeLanded, TaserDeployment, TaserCycleEnded, WeaponDropped,
        OfficerAttacked, FrameShown, OperatorAction, ScenarioEnded, WeaponTransition,
        TaserRecovered, SubjectStopped, ForceShown, AgitationChanged, OfficerReloaded,
        TaserProbesOut,
    )
}
