"""TASER deployment outcomes from where the probes landed, and the judge that follows each
deployment from trigger pull to outcome.

Rules (domain-facts B.2): incapacitation needs two probes on the same body, spread at or
above the agency's minimum (12 in by default; 6 in legacy), clothing under about 1 in at
each probe, and the subject inside the wire's reach. The first failed rule is the reason
given, in the order a TASER instructor would check them. With more than two probes in him
(TASER 10's pulls, TASER 7's two bays cross-connected) the device delivers through the
widest pair that connects (B.1 [B13][B19][B20])."""

from __future__ import annotations

import dataclasses
import heapq
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np

from range.run.events import ProbesOutCause, TaserCycleEnded, TaserDeployment, TaserProbesOut
from range.scenario.model import DEFAULT_TASER_EFFECT, TaserRules
from range.scenario.units import to_feet, to_inches
from range.vocabulary import TaserMode, TaserResult, Zone
from range.world.actors import REACH, ActorRuntime
from range.world.ballistics import Impact
from range.world.weapons import TaserCartridge


@dataclass(frozen=True, slots=True)
class Outcome:
    result: TaserResult
    actor: str | None
    spread_m: float | None
    zones: list[Zone | None]
    reason: str
    pair: tuple[int, int] | None = None  # the pair that carried it: indices of the probes


def spread(a: Impact, b: Impact) -> float:
    """Distance between two probes on one body, measured on the body."""
    if a.on_body is not None and b.on_body is not None:
        return math.dist(a.on_body, b.on_body)
    return math.dist(a.point, b.point)


def judge_pair(impacts: Sequence[Impact], clothing_at: Callable[[Zone | None], float],
               min_spread_m: float, max_clothing_m: float, wire_m: float,
               target_beyond_wire: bool = True) -> Outcome:
    """Outcome of a two-probe cartridge (or of TASER 10 probes on one body).
    `target_beyond_wire`: the person aimed at stood farther than the wire reaches; probes
    that ran out of wire beside someone within reach missed him, they were not short."""
    zones = [i.zone for i in impacts]
    on_body = [i for i in impacts if i.actor is not None]
    actors = {i.actor for i in on_body}
    if len(on_body) >= 2 and len(actors) == 1:
        return _connected(impacts, clothing_at, min_spread_m, max_clothing_m)
    target = on_body[0].actor if on_body else None
    out_of_wire = any(i.by == "wire" for i in impacts)
    if out_of_wire and target_beyond_wire:
        return Outcome("out_of_range", target, None, zones,
                       f"a probe reached the end of its {to_feet(wire_m):.0f} ft wire")
    if not on_body:
        stopped = sorted({i.by or "" for i in impacts})
        return Outcome("miss", None, None, zones, f"no probe on a body (stopped by "
                       f"{', '.join(stopped)})")
    if len(actors) > 1:
        return Outcome("one_probe", target, None, zones, "probes landed on different people")
    return Outcome("one_probe", target, None, zones, "only one probe on the body: no circuit")


def _cross_connect_named(outcome: Outcome, probes: Sequence[Landed]) -> Outcome:
    """Say so when the pair that carried it is one probe of each bay's cartridge."""
    if outcome.pair is None:
        return outcome
    a, b = sorted((probes[n] for n in outcome.pair), key=lambda p: (p.shot, p.probe))
    if a.shot == b.shot:
        return outcome
    what = (f"adaptive cross-connect: probe {a.probe + 1} of shot {a.shot} with probe "
            f"{b.probe + 1} of shot {b.shot}")
    return dataclasses.replace(outcome, reason=f"{outcome.reason}; {what}" if outcome.reason
                               else what)


def _widest(impacts: Sequence[Impact], among: Sequence[int]) -> tuple[int, int]:
    return max(combinations(among, 2), key=lambda p: spread(impacts[p[0]], impacts[p[1]]))


def _connected(impacts: Sequence[Impact], clothing_at: Callable[[Zone | None], float],
               min_spread_m: float, max_clothing_m: float) -> Outcome:
    """Probes on one body: the widest pair of those that connect (clothing thin enough
    to arc through) carries the charge."""
    zones = [i.zone for i in impacts]
    on_body = [n for n, i in enumerate(impacts) if i.actor is not None]
    actor = impacts[on_body[0]].actor
    clothing = {n: clothing_at(impacts[n].zone) for n in on_body}
    connected = [n for n in on_body if clothing[n] <= max_clothing_m]
    if len(connected) < 2:
        widest = _widest(impacts, on_body)
        thickest = max(clothing[n] for n in on_body if n not in connected)
        return Outcome("clothing", actor, spread(*(impacts[n] for n in widest)), zones,
                       f"clothing {to_inches(thickest):.1f} in thick, over the "
                       f"{to_inches(max_clothing_m):.1f} in a probe can arc through")
    pair = _widest(impacts, connected)
    gap = spread(impacts[pair[0]], impacts[pair[1]])
    if gap < min_spread_m:
        return Outcome("short_spread", actor, gap, zones,
                       f"spread {to_inches(gap):.1f} in, under the {to_inches(min_spread_m):.0f} "
                       "in minimum", pair)
    return Outcome("effective", actor, gap, zones, "", pair)


@dataclass(frozen=True, slots=True)
class Landed:
    """A probe that landed, on its wire: which pull and which of its probes."""

    shot: int
    probe: int
    impact: Impact
    wire_m: float


@dataclass(slots=True)
class Deployment:
    """A TASER trigger pull whose probes are still in flight."""

    shot: int
    weapon: str
    cartridge: TaserCartridge
    aimed_at: str | None
    impacts: list[Impact | None]
    load: int = 1  # the device's load it came from: a reload ejects the spent cartridges

    def in_body(self) -> list[Landed]:
        return [p for p in self.landed() if p.impact.actor is not None]

    def landed(self) -> list[Landed]:
        return [Landed(self.shot, n, i, self.cartridge.wire_length)
                for n, i in enumerate(self.impacts) if i is not None]


@dataclass(frozen=True, slots=True)
class Resolved:
    """A deployment's outcome, and the energy cycle it starts on its target."""

    event: TaserDeployment
    cycle_ends_tick: int | None  # None: no cycle (not effective)


class TaserJudge:
    """Follows each TASER deployment from trigger pull to outcome: the probes in flight,
    the probes still in a body on their wires (a two-probe cartridge's, for re-energising
    and cross-connecting; TASER 10 probes gathered across pulls) until they pull out, the
    seeded chance that a subject resists, and each energy cycle to its end."""

    def __init__(self, rules: TaserRules, rng: np.random.Generator,
                 actors: Mapping[str, ActorRuntime], step_s: float,
                 muzzle_ahead: float = 0.0,
                 sync: Callable[[ActorRuntime], ActorRuntime] = lambda actor: actor) -> None:
        self._rules = rules
        self._sync = sync  # where he is now (the space moved him since he was last read)
        self._muzzle_ahead = muzzle_ahead  # the wire is paid out from the muzzle
        self._rng = rng
        self._actors = actors
        self._step_s = step_s
        self._in_flight: dict[int, Deployment] = {}
        self._taser10_probes: dict[str, list[Landed]] = {}
        self._cycle_shots: dict[str, int] = {}  # actor -> the shot powering its cycle
        self._cycle_ends: list[tuple[int, int, str]] = []  # (tick, cast order, actor)
        self._wired: dict[str, Deployment] = {}  # device -> its last cartridge in a body

    def deployed(self, shot: int, weapon: str, cartridge: TaserCartridge,
                 aimed_at: str | None, load: int = 1) -> None:
        old = self._wired.get(cartridge.device)
        if old is not None and old.load != load:  # a new load: the spent cartridges are off
            del self._wired[cartridge.device]
        self._in_flight[shot] = Deployment(shot, weapon, cartridge, aimed_at,
                                           [None] * cartridge.probes_per_pull, load)

    def attached(self, cartridge: TaserCartridge) -> bool:
        """Whether a pull would re-energise: the device's last pair is in one body, and he
        is still within its wire's reach (beyond it the probes pulled out)."""
        deployment = self._wired.get(cartridge.device)
        if deployment is None or not cartridge.reenergises:
            return False
        probes = deployment.in_body()
        return (len(probes) == len(deployment.impacts) == 2
                and probes[0].impact.actor == probes[1].impact.actor
                and self._on_wire(probes[0]))

    def reenergise(self, shot: int, weapon: str, cartridge: TaserCartridge,
                   tick: int) -> Resolved:
        """A new energy cycle through the probes already in him: judged as they lie (the
        same spread and clothing), its effect drawn again; no new probes."""
        old = self._wired[cartridge.device]
        again = Deployment(shot, weapon, old.cartridge, old.aimed_at, list(old.impacts),
                           old.load)
        return self._resolve(again, self._judge(again), tick, "reenergise")

    def drive_stun(self, shot: int, weapon: str, cartridge: TaserCartridge,
                   target: str | None, tick: int) -> Resolved:
        """The device pressed on him, no probes: pain compliance only, never neuromuscular
        incapacitation (domain-facts B.2), and only within arm's reach."""
        actor = self._actors.get(target or "")
        result: TaserResult = "drive_stun"
        reason = "pain compliance only: a drive stun gives no neuromuscular incapacitation"
        if actor is None or actor.distance() > REACH:
            result = "out_of_reach"
            where = ("nobody was aimed at" if actor is None
                     else f"{actor.id} was {to_feet(actor.distance()):.1f} ft away")
            reason = (f"a drive stun needs the device on him, within arm's reach "
                      f"({to_feet(REACH):.1f} ft): {where}")
        return Resolved(TaserDeployment(
            tick=tick, shot=shot, weapon=weapon, cartridge=cartridge.name, actor=target,
            result=result, spread_m=None, zones=[],
            distance_m=actor.distance() if actor is not None else None, reason=reason,
            mode="drive_stun"), None)

    def off_screen(self, shot: int, weapon: str, cartridge: TaserCartridge,
                   tick: int) -> Resolved:
        deployment = Deployment(shot, weapon, cartridge, None, [])
        return self._resolve(deployment, Outcome("miss", None, None, [], "fired off the screen"),
                             tick)

    def probe_landed(self, shot: int, probe: int, impact: Impact, tick: int) -> Resolved | None:
        """The outcome once the deployment's last probe is in, else None."""
        deployment = self._in_flight[shot]
        deployment.impacts[probe] = impact
        if any(i is None for i in deployment.impacts):
            return None
        del self._in_flight[shot]
        outcome = self._judge(deployment)
        if deployment.cartridge.probes_per_pull > 1 and deployment.in_body():
            self._wired[deployment.cartridge.device] = deployment  # on its wires in him
        return self._resolve(deployment, outcome, tick)

    def cycles_ending(self, tick: int) -> list[TaserCycleEnded]:
        """The energy cycles that end on this tick, in cast order. A cycle cut short by a
        new one on the same subject ends with the new one."""
        ended: list[TaserCycleEnded] = []
        while self._cycle_ends and self._cycle_ends[0][0] <= tick:
            _, _, actor = heapq.heappop(self._cycle_ends)
            if self._actors[actor].nmi_until_tick == tick and actor in self._cycle_shots:
                shot = self._cycle_shots.pop(actor)
                ended.append(TaserCycleEnded(tick=tick, shot=shot, actor=actor))
        return ended

    def wires_broken(self, tick: int) -> list[TaserProbesOut]:
        """The probes whose wires broke this tick: he is farther from the muzzle than the
        wire reaches (domain-facts B.2 [B3]: a broken wire ends the circuit). Checked
        each tick, so one who walked out of reach and back has no probes in him."""
        out: list[TaserProbesOut] = []
        if not (self._wired or self._taser10_probes):
            return out  # the common tick: nothing in anyone
        for device, deployment in list(self._wired.items()):
            probes = deployment.in_body()
            if not all(self._on_wire(p) for p in probes):
                del self._wired[device]
                out.append(self._out(tick, probes, "wire"))
        for actor, landed in list(self._taser10_probes.items()):
            kept = [p for p in landed if self._on_wire(p)]
            if len(kept) < len(landed):
                self._taser10_probes[actor] = kept
                out.append(self._out(tick, [p for p in landed if p not in kept], "wire"))
        return out

    def fell(self, actor: str, tick: int) -> list[TaserProbesOut]:
        """He fell: the TASER 10 probes in him pulled out (a new circuit needs new ones)."""
        landed = self._taser10_probes.pop(actor, [])
        return [self._out(tick, landed, "fall")] if landed else []

    def _out(self, tick: int, probes: Sequence[Landed], cause: ProbesOutCause
             ) -> TaserProbesOut:
        return TaserProbesOut(tick=tick, actor=probes[0].impact.actor or "",
                              probes=[[p.shot, p.probe] for p in probes], cause=cause)

    def _on_wire(self, probe: Landed) -> bool:
        actor = self._sync(self._actors[probe.impact.actor or ""])
        return actor.distance() - self._muzzle_ahead <= probe.wire_m

    def _judge(self, deployment: Deployment) -> Outcome:
        cartridge = deployment.cartridge
        probes = deployment.landed()
        if cartridge.probes_per_pull == 1:
            probes = self._taser10_set(probes[0])
        elif cartridge.cross_connects:
            probes += self._cross_connected(deployment)
        impacts = [p.impact for p in probes]
        hit = next((i.actor for i in impacts if i.actor is not None), None)
        clothing_at = self._actors[hit].spec.clothing_at if hit else (lambda zone: 0.0)
        # Out of range only if whom it was fired at (on the line, else the nearest person)
        # stood beyond the wire; probes that ran out beside someone nearer missed him.
        aimed = self._actors.get(deployment.aimed_at or "") or min(
            self._actors.values(), key=lambda a: a.distance(), default=None)
        beyond = aimed is None or (aimed.distance() - self._muzzle_ahead
                                   > cartridge.wire_length)
        outcome = judge_pair(impacts, clothing_at, self._rules.min_spread,
                             self._rules.max_clothing, cartridge.wire_length, beyond)
        return _cross_connect_named(outcome, probes) if cartridge.cross_connects else outcome

    def _cross_connected(self, deployment: Deployment) -> list[Landed]:
        """TASER 7's adaptive cross-connect (B.1 [B13]): the other bay's cartridge of the
        same load, still on its wires in the body this cartridge's probes reached, pairs
        with them."""
        other = self._wired.get(deployment.cartridge.device)
        bodies = {p.impact.actor for p in deployment.in_body()}
        if other is None or other.load != deployment.load or other.shot == deployment.shot:
            return []
        return [p for p in other.in_body() if p.impact.actor in bodies]

    def _taser10_set(self, probe: Landed) -> list[Landed]:
        """TASER 10: probes from separate pulls on one body make the circuit."""
        if probe.impact.actor is None:
            return [probe]
        probes = self._taser10_probes.setdefault(probe.impact.actor, [])
        probes.append(probe)
        return list(probes)

    def _effect_chance(self, device: str, spread_m: float | None, resistance: float) -> float:
        """The device's effect rate (domain-facts B.3, B.5), half of it at the minimum
        spread rising to all of it at the full spread (B.2: more spread, more muscle
        between the probes, works better), times the subject's own resistance."""
        rules = self._rules
        # A device the scenario's table leaves out takes its own default.
        rates: dict[str, float] = {d: r for table in (DEFAULT_TASER_EFFECT, rules.effect)
                                   for d, r in table.items()}
        rate = rates.get(device, DEFAULT_TASER_EFFECT["X26"])
        room = max(rules.full_spread - rules.min_spread, 1e-9)
        share = min(max(((spread_m or 0.0) - rules.min_spread) / room, 0.0), 1.0)
        return rate * (0.5 + 0.5 * share) * (1.0 - resistance)

    def _resolve(self, deployment: Deployment, outcome: Outcome, tick: int,
                 mode: TaserMode = "probes") -> Resolved:
        target = outcome.actor or deployment.aimed_at
        result = outcome.result
        actor = self._actors[target] if target is not None else None
        chance = None
        reason = outcome.reason
        if result == "effective" and actor is not None:
            chance = self._effect_chance(deployment.cartridge.device, outcome.spread_m,
                                         actor.spec.taser_resistance)
            if self._rng.random() >= chance:
                result = "resisted"
                reason = (f"he kept moving under power: a connected deployment takes "
                          f"effect {chance:.0%} of the time here (seeded chance)")
        event = TaserDeployment(
            tick=tick, shot=deployment.shot, weapon=deployment.weapon,
            cartridge=deployment.cartridge.name, actor=target, result=result,
            spread_m=outcome.spread_m, zones=outcome.zones,
            distance_m=actor.distance() if actor is not None else None, reason=reason,
            chance=chance, mode=mode)
        if result != "effective" or target is None:
            return Resolved(event, None)
        ends = tick + round(deployment.cartridge.cycle_s / self._step_s)
        self._cycle_shots[target] = deployment.shot
        heapq.heappush(self._cycle_ends, (ends, list(self._actors).index(target), target))
        return Resolved(event, ends)
