"""TASER deployment outcomes from where the probes landed, and the judge that follows each
deployment from trigger pull to outcome.

Rules (domain-facts B.2): incapacitation needs two probes on the same body, spread at or
above the agency's minimum (12 in by default; 6 in legacy), clothing under about 1 in at
each probe, and the subject inside the wire's reach. The first failed rule is the reason
given, in the order a TASER instructor would check them."""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np

from range.run.events import TaserCycleEnded, TaserDeployment
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
        pair = max(combinations(on_body, 2), key=lambda p: spread(*p))
        return _connected(pair, clothing_at, min_spread_m, max_clothing_m, zones)
    target = on_body[0].actor if on_body else None
    out_of_wire = any(i.by == "wire" for i in impacts)
    if out_of_wire and (on_body or target_beyond_wire):
        return Outcome("out_of_range", target, None, zones,
                       f"a probe reached the end of its {to_feet(wire_m):.0f} ft wire")
    if not on_body:
        stopped = sorted({i.by or "" for i in impacts})
        return Outcome("miss", None, None, zones, f"no probe on a body (stopped by "
                       f"{', '.join(stopped)})")
    if len(actors) > 1:
        return Outcome("one_probe", target, None, zones, "probes landed on different people")
    return Outcome("one_probe", target, None, zones, "only one probe on the body: no circuit")


def _connected(pair: tuple[Impact, Impact], clothing_at: Callable[[Zone | None], float],
               min_spread_m: float, max_clothing_m: float, zones: list[Zone | None]) -> Outcome:
    gap = spread(*pair)
    actor = pair[0].actor
    clothing_m = max(clothing_at(i.zone) for i in pair)
    if clothing_m > max_clothing_m:
        return Outcome("clothing", actor, gap, zones,
                       f"clothing {to_inches(clothing_m):.1f} in thick, over the "
                       f"{to_inches(max_clothing_m):.1f} in a probe can arc through")
    if gap < min_spread_m:
        return Outcome("short_spread", actor, gap, zones,
                       f"spread {to_inches(gap):.1f} in, under the {to_inches(min_spread_m):.0f} "
                       "in minimum")
    return Outcome("effective", actor, gap, zones, "")


@dataclass(slots=True)
class Deployment:
    """A TASER trigger pull whose probes are still in flight."""

    shot: int
    weapon: str
    cartridge: TaserCartridge
    aimed_at: str | None
    impacts: list[Impact | None]


@dataclass(frozen=True, slots=True)
class Resolved:
    """A deployment's outcome, and the energy cycle it starts on its target."""

    event: TaserDeployment
    cycle_ends_tick: int | None  # None: no cycle (not effective)


class TaserJudge:
    """Follows each TASER deployment from trigger pull to outcome: the probes in flight,
    TASER 10 probes gathered on one body across pulls, the seeded chance that a subject
    resists, and each energy cycle to its end."""

    def __init__(self, rules: TaserRules, rng: np.random.Generator,
                 actors: Mapping[str, ActorRuntime], step_s: float,
                 muzzle_ahead: float = 0.0) -> None:
        self._rules = rules
        self._muzzle_ahead = muzzle_ahead  # the wire is paid out from the muzzle
        self._rng = rng
        self._actors = actors
        self._step_s = step_s
        self._in_flight: dict[int, Deployment] = {}
        self._taser10_probes: dict[str, list[Impact]] = {}
        self._cycle_shots: dict[str, int] = {}  # actor -> the shot powering its cycle
        self._cycle_ends: list[tuple[int, int, str]] = []  # (tick, cast order, actor)
        self._attached: dict[str, Deployment] = {}  # device -> its probes still in him

    def deployed(self, shot: int, weapon: str, cartridge: TaserCartridge,
                 aimed_at: str | None) -> None:
        self._attached.pop(cartridge.device, None)  # a new cartridge: the old wires drop
        self._in_flight[shot] = Deployment(shot, weapon, cartridge, aimed_at,
                                           [None] * cartridge.probes_per_pull)

    def attached(self, cartridge: TaserCartridge) -> bool:
        """Whether a pull would re-energise: the device's last pair is in one body, and he
        is still within its wire's reach (beyond it the probes pulled out)."""
        deployment = self._attached.get(cartridge.device)
        if deployment is None or not cartridge.reenergises:
            return False
        actor = self._actors[next(i.actor for i in deployment.impacts if i is not None
                                  and i.actor is not None)]
        if actor.distance() - self._muzzle_ahead > deployment.cartridge.wire_length:
            del self._attached[cartridge.device]
            return False
        return True

    def reenergise(self, shot: int, weapon: str, cartridge: TaserCartridge,
                   tick: int) -> Resolved:
        """A new energy cycle through the probes already in him: judged as they lie (the
        same spread and clothing), its effect drawn again; no new probes."""
        old = self._attached[cartridge.device]
        again = Deployment(shot, weapon, old.cartridge, old.aimed_at, list(old.impacts))
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
        bodies = {i.actor for i in deployment.impacts if i is not None}
        if deployment.cartridge.reenergises and len(bodies) == 1 and None not in bodies:
            self._attached[deployment.cartridge.device] = deployment  # both probes in him
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

    def _judge(self, deployment: Deployment) -> Outcome:
        impacts = [i for i in deployment.impacts if i is not None]
        cartridge = deployment.cartridge
        if cartridge.probes_per_pull == 1:
            impacts = self._taser10_set(impacts[0])
        hit = next((i.actor for i in impacts if i.actor is not None), None)
        clothing_at = self._actors[hit].spec.clothing_at if hit else (lambda zone: 0.0)
        # Out of range only if whom it was fired at (on the line, else the nearest person)
        # stood beyond the wire; probes that ran out beside someone nearer missed him.
        aimed = self._actors.get(deployment.aimed_at or "") or min(
            self._actors.values(), key=lambda a: a.distance(), default=None)
        beyond = aimed is None or (aimed.distance() - self._muzzle_ahead
                                   > cartridge.wire_length)
        return judge_pair(impacts, clothing_at, self._rules.min_spread,
                          self._rules.max_clothing, cartridge.wire_length, beyond)

    def fell(self, actor: str) -> None:
        """He fell: the TASER 10 probes in him pulled out (a new circuit needs new ones)."""
        self._taser10_probes.pop(actor, None)

    def _taser10_set(self, impact: Impact) -> list[Impact]:
        """TASER 10: probes from separate pulls on one body make the circuit."""
        if impact.actor is None:
            return [impact]
        probes = self._taser10_probes.setdefault(impact.actor, [])
        probes.append(impact)
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
