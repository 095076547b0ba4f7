"""The `holdfire` command line.

Each command group lives in its own module with a `register(subparsers, benches)`
function: it adds its subcommands and may add named benchmarks to `benches`, which
`holdfire bench NAME` runs. Every handler returns an exit code; errors from our own
hierarchies become one clear line on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn

from hardware.errors import HardwareError
from range.cli.args import seconds
from range.errors import HoldfireError

Handler = Callable[[argparse.Namespace], int]
Bench = Callable[[argparse.Namespace], int]

# Command-group modules, imported only when the parser is built (no work at import time).
COMMAND_MODULES = (
    "range.cli.catalogue_commands",
    "range.cli.simulate_commands",
    "range.cli.run_commands",
    "range.cli.debrief_commands",
    "range.cli.vision_commands",
    "range.cli.serial_commands",
    "range.cli.station_commands",
    "range.cli.records_commands",
)


class Parser(argparse.ArgumentParser):
    """Errors in the arguments are one line, as every other error is."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="holdfire",
        description="Holdfire virtual range and less-lethal decision simulator.",
    )
    parser.add_argument("--version", action=_Version, nargs=0,
                        help="show the Holdfire version and exit")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    benches: dict[str, Bench] = {}
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers, benches)
    bench = subparsers.add_parser("bench", help="run a benchmark and print its figures")
    bench.add_argument("name", choices=sorted(benches), help="which benchmark")
    bench.add_argument("--seconds", type=seconds(0.1, 3600.0), default=None,
                       help="rough time budget for the benchmark")
    bench.set_defaults(handler=lambda args: benches[args.name](args))
    return parser


class _Version(argparse.Action):
    """`--version`, looked up only when asked: reading package metadata costs more than
    building the whole parser."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: object, option_string: str | None = None) -> None:
        from range.run.provenance import holdfire_version

        print(f"holdfire {holdfire_version()}")
        parser.exit(0)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:  # no command: say what there is
        parser.print_help()
        return 0
    handler: Handler = args.handler
    try:
        return handler(args)
    except (HoldfireError, HardwareError) as exc:
        print(f"holdfire {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`| head`): stop quietly, and keep the interpreter from
        # failing again while it flushes stdout on exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
