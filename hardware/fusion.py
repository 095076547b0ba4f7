"""Fusion: trigger reports and laser spots become shots.

A trigger pull makes a shot certain and its mapped device time makes the shot's time exact;
the laser spot says where it went. A spot belongs to a trigger when it was seen within the
trigger's time window and its colour and lane fit that replica:

    window = [t - early, t + pulse + frame period + camera latency]

because the pulse can land anywhere in a frame exposure and the capture stamp has some
error of its own (and the trigger time some sync error: `early`). Pairs are decided only
once no later report could change them (`arrival_slack` covers the serial and vision
pipelines), so `poll(now_ns)` returns shots a window plus a slack after the trigger.

- trigger and spot: a "fused" shot at the trigger time, at the spot's projector point;
- trigger alone: a miss off the screen (point None, source "trigger");
- a pull that discharged nothing (`fire=0`: empty, spent, jam, lockout, misfire): a shot
  with `fired=False` and its `dry` cause, never paired with a spot (it flashed no
  laser), decided as soon as no earlier pull can still be, so shots stay in time order;
- spot alone: "spot" source, unconfirmed while replicas are connected (kept, not scored),
  confirmed when none are (a laser-only trainer).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from hardware.events import LinkReport, Shot, SpotEvent, TriggerEvent, WeaponName

ToProjector = Callable[[float, float], tuple[float, float]]


def identity(x: float, y: float) -> tuple[float, float]:
    return x, y


@dataclass(frozen=True, slots=True)
class FusionConfig:
    frame_period_ms: float = 1000.0 / 30.0  # camera frame interval (30 fps; 120 for recoil)
    camera_latency_ms: float = 20.0  # error of a spot's capture stamp, either way
    early_ms: float = 5.0  # a spot may be stamped this much before the trigger time
    arrival_slack_ms: float = 30.0  # how late a report may reach fusion after its time
    default_pulse_ms: float = 100.0  # when the replica does not say (mechanical trainers)
    lanes: Mapping[int, tuple[float, float]] = field(default_factory=dict)  # lane: x range, px
    spot_weapon: WeaponName = "pistol"  # a spot with no trigger and no replica to name it

    def window_ns(self, pulse_us: int) -> tuple[int, int]:
        """(before, after) the trigger time in which its spot may be stamped."""
        pulse_ms = pulse_us / 1000.0 if pulse_us > 0 else self.default_pulse_ms
        after = pulse_ms + self.frame_period_ms + self.camera_latency_ms
        return int(self.early_ms * 1e6), int(after * 1e6)

    def decision_delay_ns(self, pulse_us: int) -> int:
        """How long after a trigger its shot is decided: the window plus the arrival slack.
        A consumer that wants shots at their exact time must run at least this far behind."""
        return self.window_ns(pulse_us)[1] + int(self.arrival_slack_ms * 1e6)

    def expected_delay_ns(self, pulse_us: int) -> int:
        """Where in the window a spot most likely falls: half a pulse and half a frame."""
        pulse_ms = pulse_us / 1000.0 if pulse_us > 0 else self.default_pulse_ms
        return int((pulse_ms + self.frame_period_ms) / 2 * 1e6)


@dataclass(slots=True)
class _Spot:
    spot: SpotEvent
    point: tuple[float, float]  # projector px


class Fusion:
    """Streaming matcher, safe to feed from several threads (link readers, the camera);
    poll it with the injected clock."""

    def __init__(self, config: FusionConfig | None = None,
                 to_projector: ToProjector = identity) -> None:
        self.config = config or FusionConfig()
        self._to_projector = to_projector
        self._lock = threading.Lock()
        self._triggers: list[TriggerEvent] = []
        self._spots: list[_Spot] = []
        self._weapon_by_colour: dict[str, WeaponName] = {}
        self._lanes_by_colour: dict[str, set[int]] = {}  # which lanes' replicas use a colour
        self._links: dict[str, bool] = {}  # link name -> connected
        self.replicas_declared = False  # set when replicas are in use but not followed here
        self.counts = {"fused": 0, "missed": 0, "unconfirmed": 0, "spot_only": 0, "unfired": 0}

    @property
    def replicas_connected(self) -> bool:
        return self.replicas_declared or any(self._links.values())

    def follow(self, name: str) -> Callable[[LinkReport], None]:
        """A callback for a device link's events (`ReplicaLink(on_event=...)`): feeds that
        link's trigger pulls and tracks whether it is connected."""
        self._links[name] = False

        def on_event(event: LinkReport) -> None:
            status = event.status
            if status is not None:
                if status.state != "incompatible":  # still plugged in, just not understood
                    self._links[name] = status.state == "connected"
            elif event.trigger is not None:
                self.add_trigger(event.trigger)

        return on_event

    def add_trigger(self, report: TriggerEvent) -> None:
        with self._lock:
            self._triggers.append(report)
            if not report.fired:
                return  # a dry pull flashed no laser: it names no spot's weapon or lane
            self._weapon_by_colour[report.laser] = report.weapon
            self._lanes_by_colour.setdefault(report.laser, set()).add(report.lane)

    def add_spot(self, spot: SpotEvent) -> None:
        point = self._to_projector(spot.x, spot.y)
        with self._lock:
            self._spots.append(_Spot(spot, point))

    def poll(self, now_ns: int) -> list[Shot]:
        """Shots that can no longer change, in time order."""
        with self._lock:
            return self._decide(now_ns)

    def flush(self) -> list[Shot]:
        """Decide everything now (end of a session)."""
        with self._lock:
            return self._decide(None)

    # -- matching -------------------------------------------------------------------------

    def _decide(self, now_ns: int | None) -> list[Shot]:
        pairs = self._assign()
        slack = int(self.config.arrival_slack_ms * 1e6)
        latest = max((self.config.window_ns(t.pulse_us)[1] for t in self._triggers),
                     default=self.config.window_ns(0)[1])
        shots: list[Shot] = []
        for trig in list(self._triggers):
            if now_ns is not None and now_ns < trig.t_ns + \
                    self.config.decision_delay_ns(trig.pulse_us):
                continue  # a spot may still come
            spot = pairs.pop(id(trig), None)
            self._triggers.remove(trig)
            if spot is not None:
                self._spots.remove(spot)
            shots.append(self._shot(trig, spot))
        claimed = {id(s) for s in pairs.values()}
        for item in list(self._spots):
            ripe = now_ns is None or now_ns >= item.spot.t_ns + self.config.window_ns(0)[0] \
                + latest + slack
            if ripe and id(item) not in claimed:
                self._spots.remove(item)
                shots.append(self._spot_shot(item))
        return sorted(shots, key=lambda s: s.t_ns)

    def _assign(self) -> dict[int, _Spot]:
        """Greedy assignment, best fits first: trigger id -> spot. Each used once."""
        candidates: list[tuple[int, int, TriggerEvent, _Spot]] = []
        for order, trig in enumerate(self._triggers):
            if not trig.fired:
                continue  # no laser: no spot is its
            before, after = self._window(trig)
            expected = self.config.expected_delay_ns(trig.pulse_us)
            for item in self._spots:
                dt = item.spot.t_ns - trig.t_ns
                if -before <= dt <= after and self._fits(trig, item):
                    candidates.append((abs(dt - expected), order, trig, item))
        candidates.sort(key=lambda c: (c[0], c[1]))
        pairs: dict[int, _Spot] = {}
        used: set[int] = set()
        for _, _, trig, item in candidates:
            if id(trig) not in pairs and id(item) not in used:
                pairs[id(trig)] = item
                used.add(id(item))
        return pairs

    def _window(self, trig: TriggerEvent) -> tuple[int, int]:
        return self.config.window_ns(trig.pulse_us)

    def _fits(self, trig: TriggerEvent, item: _Spot) -> bool:
        """Colour must match the replica's laser; the point must lie in its lane."""
        if item.spot.colour != trig.laser:
            return False
        bounds = self.config.lanes.get(trig.lane) if trig.lane else None
        return bounds is None or bounds[0] <= item.point[0] < bounds[1]

    def _shot(self, trig: TriggerEvent, item: _Spot | None) -> Shot:
        if not trig.fired:
            self.counts["unfired"] += 1
            return Shot(trig.t_ns, trig.weapon, None, trig.replica_id, "trigger", True,
                        trig.lane, fired=False, dry=trig.dry or "no_discharge")
        if item is None:
            self.counts["missed"] += 1
            return Shot(trig.t_ns, trig.weapon, None, trig.replica_id, "trigger", True,
                        trig.lane)
        self.counts["fused"] += 1
        return Shot(trig.t_ns, trig.weapon, item.point, trig.replica_id, "fused", True,
                    trig.lane)

    def _spot_shot(self, item: _Spot) -> Shot:
        spot = item.spot
        weapon = self._weapon_by_colour.get(spot.colour, self.config.spot_weapon)
        lane = self._lane_of(spot.colour, item.point)
        if self.replicas_connected:
            self.counts["unconfirmed"] += 1
            return Shot(spot.t_ns, weapon, item.point, None, "spot", False, lane)
        self.counts["spot_only"] += 1
        return Shot(spot.t_ns, weapon, item.point, None, "spot", True, lane)

    def _lane_of(self, colour: str, point: tuple[float, float]) -> int:
        """Whose a spot with no trigger is: the one lane whose replicas use its colour, or
        of those the one whose bounds hold the point; 0 when that does not tell."""
        lanes = self._lanes_by_colour.get(colour, set())
        if len(lanes) > 1:
            lanes = {lane for lane in lanes if (bounds := self.config.lanes.get(lane))
                     is not None and bounds[0] <= point[0] < bounds[1]}
        return next(iter(lanes)) if len(lanes) == 1 else 0
