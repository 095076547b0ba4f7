"""`holdfire run`: a live session on the trainee's view, with the mouse (or a script,
headless), its log and its debrief."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from range.cli.args import count, seed

FRAME_HZ = 60  # the projector's refresh: a headless run shows a frame per 1/60 s


def register(subparsers: Any, benches: dict[str, Any]) -> None:
    run = subparsers.add_parser(
        "run", help="run a scenario live on the trainee's view (mouse and keys)",
        description="Left click fires the officer's firearm, right click his TASER; keys give "
        "commands (p police, s stop, h show-hands, d drop-weapon, g get-down, b step-back, "
        "t turn-around, m dont-move, k talk); digits are branch keys; Esc stops. With "
        "--headless the same loop runs under SDL's dummy driver at full speed, played by "
        "an inputs script.")
    run.add_argument("scenario", metavar="SCENARIO")
    run.add_argument("--inputs", metavar="INPUTS",
                     help="play this script as the operator (as every --officer who names "
                     "no script of his own)")
    run.add_argument("--officer", action="append", default=[], metavar="NAME[=INPUTS]",
                     help="an officer training in this session, up to 4, in lane order; "
                     "each one's replicas carry his lane, and his laser is red or green in "
                     "turn; INPUTS plays him from a script. The debrief is per officer")
    run.add_argument("--headless", action="store_true",
                     help="no window: run at full speed (needs --inputs to do anything)")
    run.add_argument("--realtime", action="store_true",
                     help="with --headless: keep to the clock, as a live session does")
    run.add_argument("--fullscreen", action="store_true")
    run.add_argument("--display", type=count(0, 15, "a display number"), default=0,
                     metavar="N", help="which display")
    run.add_argument("--seed", type=seed, default=0)
    run.add_argument("--log", type=Path, metavar="OUT.jsonl", help="write the session log")
    run.add_argument("--force", action="store_true", help="replace an existing log")
    run.add_argument("--json", action="store_true", help="print the debrief as JSON")
    run.add_argument("--no-sound", action="store_true", help="play the scenario in silence")
    run.add_argument("--rig", default="mouse", metavar="RIG",
                     help="mouse (default); sim: the whole rig in software (emulated "
                     "replicas, a camera watching the frames shown, the real detector, "
                     "calibration and fusion); or camera=URL,replicas=URL+URL,"
                     "calibration=NAME: a real rig (replica and camera URLs as listen and "
                     "detect take them; NAME a rig saved by calibrate)")
    run.add_argument("--console", nargs="?", const="127.0.0.1:8470", metavar="HOST:PORT",
                     help="run from the instructor's console in the browser (default "
                     "127.0.0.1:8470; another address needs a login): each run is started "
                     "there, its log kept in --sessions")
    run.add_argument("--sessions", type=Path, metavar="DIR",
                     help="with --console: where session logs go")
    run.add_argument("--operator", default="instructor",
                     help="with --console: the range master's name in the log")
    run.set_defaults(handler=run_live_session)
    benches["latency"] = bench_latency


def run_live_session(args: argparse.Namespace) -> int:
    from contextlib import nullcontext

    from range.analysis.officers import session_debrief
    from range.run.log_writer import EventLogWriter
    from range.run.officers import SOLE_OFFICER, squad
    from range.scenario.catalogue import load_inputs_arg, load_scenario_arg
    from range.scenario.policy import load_policy

    if args.console is not None:
        from range.cli.station_commands import serve_console

        return serve_console(args, args.scenario)
    scenario, base = load_scenario_arg(args.scenario)
    policy = load_policy(scenario.policy, base)
    officers = squad([name for name, _ in map(_officer_arg, args.officer)],
                     scenario.rig.resolution[0])
    scripts = {name: load_inputs_arg(named or args.inputs, scenario, base)
               for name, named in map(_officer_arg, args.officer or [SOLE_OFFICER])
               if named or args.inputs}
    writer = EventLogWriter(args.log, force=args.force) if args.log else None
    with writer if writer is not None else nullcontext() as log:
        session, stats = _session(args, scenario, officers, scripts, policy, log)
    debrief = session_debrief(session.world.events, policy)
    frames = (f"{stats.shown} frames shown, {stats.dropped} dropped, worst interval "
              f"{stats.worst_ns / 1e6:.1f} ms")
    if args.json:
        print(json.dumps({"frames": {"shown": stats.shown, "dropped": stats.dropped,
                                     "worst_interval_ms": round(stats.worst_ns / 1e6, 3)},
                          "debrief": debrief.to_dict()}, indent=2))
    else:
        print(debrief.text())
        print(f"Session: {frames}.")
    return 0


def _officer_arg(text: str) -> tuple[str, str | None]:
    """`NAME` or `NAME=INPUTS` -> (name, script or None)."""
    name, _, script = text.partition("=")
    return name.strip(), script.strip() or None


def _session(args: argparse.Namespace, scenario: Any, officers: Any, scripts: dict[str, Any],
             policy: Any, log: Any) -> tuple[Any, Any]:
    from hardware.clock import ManualClock, MonotonicClock
    from range.run.events import InputSource
    from range.run.live import LiveSession
    from range.run.loop import ScriptedOperator, run_live
    from range.run.provenance import provenance

    if args.headless:
        os.environ["SDL_VIDEODRIVER"] = "dummy"
    real_rig = args.rig not in ("mouse", "sim")
    clock = ManualClock(time.monotonic_ns()) \
        if args.headless and not args.realtime and not real_rig else MonotonicClock()
    source: InputSource = "rig" if args.rig != "mouse" else "script" if scripts else "mouse"
    inputs = scripts if len(scripts) > 1 else next(iter(scripts.values()), None)
    origin = provenance(scenario, source, clock.now_ns(), inputs=inputs, policy=policy,
                        rig=None if args.rig == "mouse" else args.rig, officers=officers.names)
    window = _window(args, scenario, clock, officers.names)
    camera_delay_ns = 0
    if real_rig:  # before the session starts: its clock must not run meanwhile
        from range.run.rig import check_rig_alignment, measure_rig_delay

        print(check_rig_alignment(args.rig, window.show_picture), file=sys.stderr)
        delay_line, camera_delay_ns = measure_rig_delay(args.rig, window.show_picture)
        print(delay_line, file=sys.stderr)
    session = LiveSession(scenario, args.seed, clock, sink=log.write if log else None,
                          provenance=origin, officers=officers)
    rig = None
    try:
        rig = _rig(args.rig, scenario, session.start_ns, args.seed,
                   threaded=not isinstance(clock, ManualClock), officers=officers,
                   camera_delay_ns=camera_delay_ns)
        operators = [ScriptedOperator(script.input, session.start_ns, name)
                     for name, script in scripts.items()]
        stats = run_live(session, window, clock, round(1e9 / FRAME_HZ), operators, rig=rig)
    finally:
        if rig is not None:
            rig.close()
        window.close()
    return session, stats


def _rig(spec: str, scenario: Any, start_ns: int, seed: int, threaded: bool,
         officers: Any, camera_delay_ns: int = 0) -> Any:
    """None for the mouse; the simulated rig; or the real one the spec names."""
    if spec == "mouse":
        return None
    from range.run.rig import SimulatedRig, connected_rig

    if spec == "sim":
        return SimulatedRig(scenario.rig.resolution, scenario.officer.weapons, start_ns,
                            seed=seed, threaded=threaded, officers=officers)
    return connected_rig(spec, lanes=officers.lanes(), camera_delay_ns=camera_delay_ns)


def _window(args: argparse.Namespace, scenario: Any, clock: Any, officers: list[str]) -> Any:
    from range.views.audio import Sounds
    from range.views.window import Window

    if args.headless:
        os.environ["SDL_AUDIODRIVER"] = "dummy"
    sounds = Sounds(scenario, enabled=not args.no_sound)
    return Window(tuple(scenario.rig.resolution), clock, fullscreen=args.fullscreen,
                  display=args.display, title=f"Holdfire: {scenario.title}", sounds=sounds,
                  officers=officers)


def bench_latency(args: argparse.Namespace) -> int:
    """From trigger pull to registered hit through the simulated rig, stage by stage."""
    from range.bench.latency import run_bench

    for line in run_bench():
        print(line, flush=True)
    return 0
