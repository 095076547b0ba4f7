"""`holdfire debrief`: the decision report of a saved event log, under any policy table."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from range.run.events import Event


def register(subparsers: Any, benches: dict[str, Any]) -> None:
    debrief = subparsers.add_parser(
        "debrief", help="analyse a saved event log and print the debrief report",
        description="LOG is a JSONL event log (holdfire simulate --log). The report applies "
        "the policy the run names, or --policy: a shipped name or a .toml file, to read the "
        "same run under another agency's table.")
    debrief.add_argument("log", type=Path, metavar="LOG.jsonl")
    debrief.add_argument("--policy", metavar="POLICY",
                         help="shipped policy name or .toml file (default: the run's own)")
    debrief.add_argument("--json", action="store_true", help="print the report as JSON")
    debrief.set_defaults(handler=run_debrief)
    benches["debrief"] = bench_debrief


def run_debrief(args: argparse.Namespace) -> int:
    from range.analysis.officers import session_debrief
    from range.run.log_writer import partial_of
    from range.scenario.policy import load_policy

    events = read_event_log(args.log)
    if partial_of(args.log).exists():
        print(f"note: {partial_of(args.log)} is beside this log: a later run of the same "
              "name that did not finish; debrief that file to see it", file=sys.stderr)
    if args.policy is not None:
        policy = load_policy(args.policy)
    else:  # a policy file the run names sits beside the scenario; try beside the log
        policy = load_policy(_named_policy(events, args.log), args.log.parent)
    debrief = session_debrief(events, policy, str(args.log))
    print(json.dumps(debrief.to_dict(), indent=2) if args.json else debrief.text())
    return 0


def read_event_log(path: Path) -> list[Event]:
    from hardware.files import read_text
    from range.errors import EventLogError
    from range.run.codec import read_log

    text = read_text(path, "a JSONL event log", EventLogError)
    return list(read_log(text.splitlines(), str(path)))


def _named_policy(events: list[Event], path: Path) -> str:
    from range.errors import HoldfireError
    from range.run.events import ScenarioStarted

    if not events or not isinstance(events[0], ScenarioStarted):
        found = events[0].kind if events else "an empty log"
        raise HoldfireError(f"{path}:1: expected scenario_started as the first event, found "
                            f"{found}")
    return events[0].policy


def bench_debrief(args: argparse.Namespace) -> int:
    """The debrief of an hour-long, 12,000-cue drill log, beside reading it as plain JSON."""
    from range.bench.debrief import run_bench

    for line in run_bench():
        print(line, flush=True)
    return 0
