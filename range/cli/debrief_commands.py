"""`holdfire debrief`: the decision report of a saved event log, under any policy table."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from range.analysis.decisions import analyse
from range.analysis.text import render_text
from range.errors import HoldfireError
from range.run.codec import read_log
from range.run.events import Event, ScenarioStarted
from range.scenario.policy import load_policy


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


def run_debrief(args: argparse.Namespace) -> int:
    events = read_event_log(args.log)
    if args.policy is not None:
        policy = load_policy(args.policy)
    else:  # a policy file the run names sits beside the scenario; try beside the log
        policy = load_policy(_named_policy(events, args.log), args.log.parent)
    report = analyse(events, policy)
    print(json.dumps(report.to_dict(), indent=2) if args.json else render_text(report))
    return 0


def read_event_log(path: Path) -> list[Event]:
    try:
        with path.open(encoding="utf-8") as lines:
            return list(read_log(lines, str(path)))
    except FileNotFoundError as exc:
        raise HoldfireError(f"{path}: no such event log") from exc
    except UnicodeDecodeError as exc:
        raise HoldfireError(f"{path}: expected a UTF-8 JSONL event log, found binary "
                            f"data") from exc
    except OSError as exc:
        raise HoldfireError(f"{path}: cannot read: {exc.strerror}") from exc


def _named_policy(events: list[Event], path: Path) -> str:
    if not events or not isinstance(events[0], ScenarioStarted):
        found = events[0].kind if events else "an empty log"
        raise HoldfireError(f"{path}:1: expected scenario_started as the first event, found "
                            f"{found}")
    return events[0].policy
