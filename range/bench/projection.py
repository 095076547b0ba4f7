"""`holdfire bench projection`: projection-aware detection on the simulated rig, over
the shipped scenarios with their moving people and objects projected, beside the
temporal detector alone on the same camera frames.

Each shipped scenario with a scripted run ("good" inputs) is played headless through the
simulated rig (its camera has a fitted photometric model, not the identity), over and
over with new seeds, until the camera has watched the given minutes. Every laser pulse
lit on the screen is a shot that must be found; every spot that matches no pulse is a
false shot. A spot matches a pulse within `MATCH_PROJECTOR_PX` projector pixels and from
a camera frame before the pulse starts to one after it ends."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

MATCH_PROJECTOR_PX = 12.0


@dataclass
class _Tally:
    pulses: list[Any] = field(default_factory=list)  # hardware.vision.projected.Pulse
    aware: list[tuple[float, float, int]] = field(default_factory=list)  # projector x, y, t
    temporal: list[tuple[float, float, int]] = field(default_factory=list)
    frames: int = 0
    period_ns: int = 0


@dataclass(frozen=True, slots=True)
class Figures:
    pulses: int
    found: int
    false: int


def judge(spots: list[tuple[float, float, int]], tally: _Tally) -> Figures:
    unmatched = list(tally.pulses)
    found = false = 0
    for x, y, t in spots:
        hit = next((p for p in unmatched
                    if abs(p.x - x) <= MATCH_PROJECTOR_PX and abs(p.y - y) <= MATCH_PROJECTOR_PX
                    and p.t_ns - tally.period_ns <= t
                    <= p.t_ns + p.duration_ns + tally.period_ns), None)
        if hit is None:
            false += 1
        else:
            unmatched.remove(hit)
            found += 1
    return Figures(len(tally.pulses), found, false)


def _watch(rig: Any, tally: _Tally) -> None:
    """Record every pulse lit and every spot found, projection-aware and temporal."""
    from hardware.vision.detector import ShotDetector

    temporal = ShotDetector(mask=rig.calibration.mask())
    tally.period_ns = rig.camera.period_ns

    def detect(shown_rgb: Any, t_ns: int) -> None:
        # the pulses lit since the last frame are still in the camera's list
        tally.pulses.extend(p for p in rig.camera._pulses if p not in tally.pulses)
        frame = rig.camera.capture(shown_rgb, t_ns)
        tally.frames += 1
        for spot in rig.detector.feed(rig.prediction.unexplained(frame, shown_rgb)):
            rig.fusion.add_spot(spot)
            tally.aware.append((*rig._to_projector(spot.x, spot.y), spot.t_ns))
        for spot in temporal.feed(frame):
            tally.temporal.append((*rig._to_projector(spot.x, spot.y), spot.t_ns))

    rig._detect = detect


def play(name: str, seed: int) -> _Tally:
    """One scripted run of a shipped scenario through the simulated rig, watched."""
    from hardware.clock import ManualClock
    from range.run.live import LiveSession
    from range.run.loop import ScriptedOperator, run_live
    from range.run.rig import SimulatedRig
    from range.scenario.catalogue import load_inputs_arg, load_scenario_arg
    from range.views.window import Window

    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    scenario, base = load_scenario_arg(name)
    script = load_inputs_arg("good", scenario, base)
    clock = ManualClock(10**12)
    session = LiveSession(scenario, seed, clock)
    rig = SimulatedRig(scenario.rig.resolution, scenario.officer.weapons, session.start_ns,
                       seed=seed)
    tally = _Tally()
    _watch(rig, tally)
    window = Window((scenario.rig.resolution[0], scenario.rig.resolution[1]), clock)
    try:
        run_live(session, window, clock, round(1e9 / 60),
                 [ScriptedOperator(script.input, session.start_ns)], rig=rig)
    finally:
        rig.close()
        window.close()
    return tally


def scripted_scenarios() -> list[str]:
    from range.scenario.catalogue import load_inputs_arg, load_scenario_arg, shipped_names

    out = []
    for name in shipped_names():
        scenario, base = load_scenario_arg(name)
        try:
            load_inputs_arg("good", scenario, base)
        except Exception:
            continue
        out.append(name)
    return out


def run_bench(minutes: float = 10.0) -> Iterator[str]:
    names = scripted_scenarios()
    totals = {"aware": [0, 0, 0], "temporal": [0, 0, 0]}
    watched_s = 0.0
    runs = 0
    while watched_s < minutes * 60:
        name = names[runs % len(names)]
        tally = play(name, seed=runs // len(names))
        runs += 1
        watched_s += tally.frames * tally.period_ns / 1e9
        for key, spots in (("aware", tally.aware), ("temporal", tally.temporal)):
            f = judge(spots, tally)
            for i, v in enumerate((f.pulses, f.found, f.false)):
                totals[key][i] += v
        a = judge(tally.aware, tally)
        yield (f"{name} (seed {(runs - 1) // len(names)}): {a.found} of {a.pulses} pulses "
               f"found, {a.false} false, projection-aware; {tally.frames} camera frames")
    yield (f"{runs} runs of {len(names)} scripted scenarios, {watched_s / 60:.1f} min of "
           "camera time")
    for key, label in (("aware", "projection-aware"), ("temporal", "temporal alone (baseline)")):
        pulses, found, false = totals[key]
        yield f"{label:26s}: {found} of {pulses} pulses found, {false} false shots"
