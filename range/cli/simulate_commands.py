"""`holdfire simulate`, `holdfire render` and `holdfire bench engine`.

Modules that do the work are imported by the handlers, so building the parser stays cheap."""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from range.cli.args import output_file, seconds, seed

if TYPE_CHECKING:
    from range.scenario.inputs import InputScript
    from range.scenario.model import Scenario


def register(subparsers: Any, benches: dict[str, Any]) -> None:
    sim = subparsers.add_parser(
        "simulate", help="run a scenario headless and print the debrief report",
        description="SCENARIO is a file or a shipped scenario name; INPUTS is a file or the "
        "name of a shipped script for it ('good', 'poor'). Without inputs the officer does "
        "nothing.")
    sim.add_argument("scenario", metavar="SCENARIO")
    sim.add_argument("--inputs", metavar="INPUTS")
    sim.add_argument("--seed", type=seed, default=0, help="seed of the run's random generator")
    sim.add_argument("--log", type=Path, metavar="OUT.jsonl", help="write the event log here")
    sim.add_argument("--force", action="store_true",
                     help="replace an existing log (or the unfinished log of a killed run)")
    sim.add_argument("--json", action="store_true", help="print the report as JSON")
    sim.set_defaults(handler=run_simulate)
    render = subparsers.add_parser(
        "render", help="draw the projector view of a scenario at a moment to a PNG file")
    render.add_argument("scenario", metavar="SCENARIO")
    render.add_argument("--inputs", metavar="INPUTS")
    render.add_argument("--seed", type=seed, default=0)
    render.add_argument("--at", type=seconds(0.0, 3600.0), default=0.0, metavar="SECONDS",
                        help="simulated time of the frame")
    render.add_argument("--out", type=output_file(".png"), required=True, metavar="FILE.png")
    render.set_defaults(handler=run_render)
    benches["engine"] = bench_engine
    benches["render"] = bench_render


def run_simulate(args: argparse.Namespace) -> int:
    from range.analysis.decisions import analyse
    from range.analysis.text import render_text
    from range.run.log_writer import EventLogWriter
    from range.run.provenance import provenance
    from range.run.scripted import simulate
    from range.scenario.catalogue import load_scenario_arg
    from range.scenario.policy import load_policy

    scenario, base = load_scenario_arg(args.scenario)
    policy = load_policy(scenario.policy, base)
    script = _script(args.inputs, scenario, base)
    origin = provenance(scenario, "script" if script else "none", time.monotonic_ns(),
                        inputs=script, policy=policy)
    inputs = script.input if script else []
    if args.log is not None:
        with EventLogWriter(args.log, force=args.force) as log:
            world = simulate(scenario, inputs, args.seed, sink=log.write, provenance=origin)
    else:
        world = simulate(scenario, inputs, args.seed, provenance=origin)
    report = analyse(world.events, policy)
    if args.json:
        print(json.dumps(report.to_dict(), indent=2))
    else:
        print(render_text(report))
    return 0


def _script(name: str | None, scenario: Scenario, base: Path | None) -> InputScript | None:
    from range.scenario.catalogue import load_inputs_arg

    return load_inputs_arg(name, scenario, base) if name else None


def run_render(args: argparse.Namespace) -> int:
    # pygame prints a banner on import unless asked not to; the CLI's output is the report.
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    from hardware.files import write_whole
    from range.errors import HoldfireError, ScenarioError
    from range.run.scripted import ScriptedRun
    from range.scenario.catalogue import load_scenario_arg
    from range.views.projector import png_bytes
    from range.views.scene import scene_frame

    scenario, base = load_scenario_arg(args.scenario)
    script = _script(args.inputs, scenario, base)
    inputs = script.input if script else []
    if not 0.0 <= args.at <= scenario.duration:
        raise ScenarioError(f"--at: expected a time between 0 and the scenario's "
                            f"{scenario.duration:g} s, found {args.at:g}")
    world = ScriptedRun(scenario, inputs, args.seed).advance_to(args.at)
    write_whole(args.out, png_bytes(scene_frame(world.snapshot())), "the view", HoldfireError)
    print(f"wrote {args.out} ({scenario.id} at {world.time_s:.3f} s)")
    return 0


def bench_engine(args: argparse.Namespace) -> int:
    """Simulated seconds per wall-clock second of busy scenes of 1, 10 and 50 actors."""
    from range.bench.engine import run_bench

    for line in run_bench(args.seconds or 3.0):
        print(line, flush=True)
    return 0


def bench_render(args: argparse.Namespace) -> int:
    """Projector frames per second of the busiest shipped scene, beside a plain blit."""
    from range.bench.render import run_bench

    for line in run_bench(args.seconds or 4.0):
        print(line, flush=True)
    return 0
