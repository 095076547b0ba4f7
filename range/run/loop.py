"""The live loop of `holdfire run`: step the world on time, take the operator's inputs,
draw and flip, stamp each flip, until the scenario ends or the operator stops it.

The loop knows no pygame: a `Display` draws a snapshot and reports clicks and keys. A
headless run under a script advances a `ManualClock` one frame a turn, at full speed,
and the script acts as the mouse would: each shot is aimed at where its target is drawn
on the frame on screen at the pull, and goes in through the same path as a click. With
several officers, each plays his own script, or the mouse plays the one the operator
chose last (the window's Tab key), and every input goes in as his."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, runtime_checkable

from hardware.clock import Clock, ManualClock
from hardware.events import Shot
from range.run.live import LiveSession
from range.scenario.inputs import ScriptedInput
from range.scenario.model import Scenario, Tone
from range.vocabulary import Command, WeaponName
from range.world.body import zone_pixel
from range.world.snapshot import WorldSnapshot
from range.world.weapons import WEAPONS, Firearm, TaserCartridge

Trigger = Literal["firearm", "taser"]


@dataclass(frozen=True, slots=True)
class Click:
    """A trigger pull with the mouse: left for the firearm, right for the TASER."""

    t_ns: int
    point: tuple[float, float]  # projector px
    trigger: Trigger
    officer: str | None = None  # whom the mouse plays (None: the first officer)
    drive_stun: bool = False  # the TASER pressed on him at the cursor, not fired


@dataclass(frozen=True, slots=True)
class Key:
    """A verbal command (and its tone), a weapon shown, an instructor's branch key, or the
    operator's stop."""

    t_ns: int
    command: Command | None = None
    branch: str | None = None
    stop: bool = False
    operator: str | None = None  # who pressed a branch key, if not the session's operator
    officer: str | None = None  # who gave the command (None: the first officer)
    tone: Tone | None = None  # a command's, if not its usual tone
    show: WeaponName | None = None  # a weapon drawn or pointed, not fired
    show_kind: Trigger | None = None  # the officer's weapon of this kind shown (a key)
    reload: Trigger | None = None  # the officer's weapon of this kind reloaded
    move: str | None = None  # "back", a place, or "cover": the nearest place with cover


OperatorInput = Click | Key


class Display(Protocol):
    def show(self, snapshot: WorldSnapshot) -> int:
        """Draw the snapshot and flip; the host time right after the flip (ns)."""

    def inputs(self) -> list[OperatorInput]:
        """What the operator did since the last call, each stamped when it was seen."""


@runtime_checkable
class Watched(Display, Protocol):
    """A display a simulated rig's camera can watch."""

    def pixels(self, size: tuple[int, int] | None = None) -> Any:
        """The frame last shown (scaled to `size`), height x width x 3 RGB."""


class Rig(Protocol):
    """Where trigger pulls go when replicas and a camera stand between the trainee and the
    session (`range.run.rig.SimulatedRig`): the shots come back fused."""

    def pull(self, officer: str, weapon: WeaponName, point: tuple[float, float] | None,
             t_ns: int) -> None:
        """`officer` pulls the trigger of his replica of `weapon`, aimed at `point`."""

    def observe(self, shown: Callable[[tuple[int, int]], Any], now_ns: int,
                since_ns: int | None = None) -> None:
        """The projector has shown `shown(size)` since its flip at `since_ns` (None: not
        known, take `now_ns`) up to `now_ns`: read only if a capture is due, or a picture
        is kept, at the size the camera needs."""

    def advance(self, now_ns: int) -> list[Shot]: ...


@dataclass(slots=True)
class FrameStats:
    """Frame intervals of a session, and the frames the display missed."""

    period_ns: int
    shown: int = 0
    dropped: int = 0
    worst_ns: int = 0
    _last_ns: int | None = field(default=None, repr=False)

    def flipped(self, flip_ns: int) -> None:
        if self._last_ns is not None:
            interval = flip_ns - self._last_ns
            self.worst_ns = max(self.worst_ns, interval)
            # A flip more than half a period late means the display showed a frame twice.
            self.dropped += max(0, round(interval / self.period_ns) - 1)
        self._last_ns = flip_ns
        self.shown += 1


def weapon_for(scenario: Scenario, trigger: Trigger) -> WeaponName | None:
    """The officer's first weapon of that kind (the scenario names what he carries)."""
    kind = Firearm if trigger == "firearm" else TaserCartridge
    return next((w for w in scenario.officer.weapons if isinstance(WEAPONS[w], kind)), None)


def stunner(scenario: Scenario) -> WeaponName | None:
    """The officer's first TASER that can drive-stun (a drive-stun key with none does
    nothing)."""
    for name in scenario.officer.weapons:
        weapon = WEAPONS[name]
        if isinstance(weapon, TaserCartridge) and weapon.drive_stun:
            return name
    return None


class ScriptedOperator:
    """An inputs script played as an operator at the mouse and keys would play it, as
    `officer` (None: the first)."""

    def __init__(self, inputs: Sequence[ScriptedInput], start_ns: int,
                 officer: str | None = None) -> None:
        self._pending = sorted(inputs, key=lambda item: item.at)  # stable: file order kept
        self._start_ns = start_ns
        self.officer = officer

    def due(self, now_ns: int, shown: WorldSnapshot) -> list[OperatorInput | Shot]:
        found: list[OperatorInput | Shot] = []
        while self._pending and self._start_ns + round(self._pending[0].at * 1e9) <= now_ns:
            item = self._pending.pop(0)
            at_ns = self._start_ns + round(item.at * 1e9)
            if item.command is not None:
                found.append(Key(at_ns, command=item.command, tone=item.tone,
                                 officer=self.officer))
            elif item.show is not None:
                found.append(Key(at_ns, show=item.show, officer=self.officer))
            elif item.branch is not None:
                found.append(Key(at_ns, branch=item.branch, operator=item.operator))
            elif item.reload is not None:
                found.append(Key(at_ns, reload="firearm", officer=self.officer))
            elif item.move is not None:
                found.append(Key(at_ns, move=item.move, officer=self.officer))
            elif item.fire is not None and item.drive_stun:
                found.append(Click(at_ns, _aimed(item, shown) or (-1.0, -1.0), "taser",
                                   self.officer, drive_stun=True))
            elif item.fire is not None:
                found.append(Shot(t_ns=at_ns, weapon=item.fire, point=_aimed(item, shown),
                                  source="pointer"))
        return found


def _officer_key(session: LiveSession, item: Key, officer: str) -> None:
    """A key for what the officer does with his body and kit: he moves (where the scenario
    lets him: a key it does not allow does nothing), reloads, or shows a weapon."""
    world = session.world
    if item.move is not None:
        move = world.officer.stance.next_cover() if item.move == "cover" else item.move
        if move is not None and world.officer.stance.allows(move):
            session.move(move, item.t_ns, officer)
        return
    kind = item.reload or item.show_kind
    weapon = weapon_for(world.scenario, kind) if kind is not None else None
    if weapon is None:  # he carries no weapon of that kind
        return
    if item.reload is not None:
        session.reload(weapon, item.t_ns, officer)
    else:
        session.show(weapon, item.t_ns, officer)


def _aimed(item: ScriptedInput, shown: WorldSnapshot) -> tuple[float, float] | None:
    """The pixel a scripted shot is fired at on the frame on screen."""
    if item.point is not None:
        return item.point
    target = item.aim_target()
    if target is None:
        return None  # off the screen
    actor = shown.actor(target[0])
    return zone_pixel(shown.projection, actor.pose, actor.height, actor.position, target[1],
                      item.offset_m())


def run_live(session: LiveSession, display: Display, clock: Clock, frame_ns: int,
             scripts: Sequence[ScriptedOperator] = (), operator: str = "instructor",
             rig: Rig | None = None) -> FrameStats:
    """Run the session to its end. With a `ManualClock` the loop advances it a frame a
    turn (headless, full speed); with a real clock the display's flip paces it. With a
    rig, pulls go to its replicas and its camera watches every frame shown."""
    stats = FrameStats(frame_ns)
    world = session.world
    shown = session.frame()
    flip_ns: int | None = None  # when the picture on screen now appeared
    while not world.ended:
        if isinstance(clock, ManualClock):
            clock.advance_ns(frame_ns)
        now = clock.now_ns()
        for given in display.inputs():
            _apply(session, given, operator, rig)
        for script in scripts:
            for due in script.due(now, shown):
                _apply(session, due, operator, rig, script.officer)
        if rig is not None:  # pulls first: a frame exposed by now may hold their pulses
            if not isinstance(display, Watched):
                raise TypeError("a rig's camera needs a display it can watch")
            rig.observe(display.pixels, now, flip_ns)  # the picture since the last flip
            for shot in rig.advance(now):
                session.submit_shot(shot)
        session.pump()
        if world.ended:
            break  # the end is the log's last event: no frame after it
        shown = session.frame()
        flip_ns = display.show(shown)
        session.shown(shown, flip_ns)
        stats.flipped(flip_ns)
    return stats


def _apply(session: LiveSession, item: OperatorInput | Shot, operator: str,
           rig: Rig | None, scripted_as: str | None = None) -> None:
    officer = (scripted_as if isinstance(item, Shot) else item.officer) \
        or session.squad.officers[0].name
    if isinstance(item, Shot | Click):
        drive_stun = isinstance(item, Click) and item.drive_stun
        weapon = (item.weapon if isinstance(item, Shot)
                  else stunner(session.world.scenario) if drive_stun
                  else weapon_for(session.world.scenario, item.trigger))
        if weapon is None:  # a TASER click when the officer carries none does nothing
            return
        if rig is not None and not drive_stun:  # a drive stun sends no probe to the rig
            rig.pull(officer, weapon, item.point, item.t_ns)
        else:
            session.submit_shot(Shot(t_ns=item.t_ns, weapon=weapon, point=item.point,
                                     source="pointer"), officer, drive_stun)
    elif item.stop:
        session.world.stop("stopped by the operator")
    elif item.move is not None or item.reload is not None or item.show_kind is not None:
        _officer_key(session, item, officer)
    elif item.command is not None:
        session.command(item.command, item.t_ns, officer, item.tone)
    elif item.show is not None:
        session.show(item.show, item.t_ns, officer)
    elif item.branch is not None:
        session.branch(item.branch, item.operator or operator, item.t_ns)
