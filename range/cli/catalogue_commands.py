"""`holdfire check` and `holdfire scenarios`: the files a range master writes or picks."""

from __future__ import annotations

import argparse
import sys
from typing import Any


def register(subparsers: Any, benches: dict[str, Any]) -> None:
    check = subparsers.add_parser(
        "check", help="validate scenario, inputs and policy files",
        description="Each FILE is a path or a shipped name (see holdfire scenarios).")
    check.add_argument("files", nargs="+", metavar="FILE")
    check.set_defaults(handler=run_check)
    listing = subparsers.add_parser(
        "scenarios", help="list the shipped scenarios, officer scripts and policies")
    listing.set_defaults(handler=run_scenarios)


def run_check(args: argparse.Namespace) -> int:
    from range.errors import HoldfireError, ScenarioError
    from range.scenario.check import check

    failures = 0
    for name in args.files:
        try:
            print(f"ok: {name}: {check(name)}")
        except ScenarioError as exc:
            failures += 1
            for problem in exc.problems:
                print(f"error: {problem}", file=sys.stderr)
        except HoldfireError as exc:
            failures += 1
            print(f"error: {exc}", file=sys.stderr)
    return 2 if failures else 0


def run_scenarios(args: argparse.Namespace) -> int:
    from range.scenario.catalogue import shipped_titles

    for heading, kind in (("Scenarios", ""), ("Officer scripts (--inputs)", "inputs"),
                          ("Policies", "policies")):
        titles = shipped_titles(kind)
        width = max(len(name) for name in titles)
        print(f"{heading}:")
        for name, title in titles.items():
            print(f"  {name:<{width}}  {title}")
    return 0
