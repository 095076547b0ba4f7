"""`holdfire listen`, `holdfire replica-sim` and `holdfire bench serial`: the replica
serial link from the command line (hardware/replica).

The link, the emulator and the benchmark (pyserial, numpy) are imported by the handlers
that use them: building the parser for `holdfire --help` imports none of them.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hardware.errors import EmulatorError, LinkError
from range.cli.args import folder, number, seconds, seed

if TYPE_CHECKING:
    from hardware.clock import MonotonicClock
    from hardware.replica.core import LinkEvent
    from hardware.replica.emulator import ReplicaEmulator
    from hardware.replica.link import ReplicaLink

Handler = Callable[[argparse.Namespace], int]
RUN_SECONDS = seconds(0.001, 7 * 24 * 3600.0)  # a week: far longer than any session


def register(subparsers: Any, benches: dict[str, Handler]) -> None:
    listen = subparsers.add_parser(
        "listen", help="print every event from a replica as it arrives",
        description="Open a replica by URL (/dev/ttyUSB0, COM3, socket://host:port, loop://, "
                    "sim:?model=taser7&rate=1) and print its events until Ctrl-C; then the "
                    "error counters.")
    listen.add_argument("url", help="replica device URL")
    listen.add_argument("--json", action="store_true", help="one JSON object per line")
    listen.add_argument("--seconds", type=RUN_SECONDS, default=None, help="stop after this long")
    listen.set_defaults(handler=run_listen)

    sim = subparsers.add_parser(
        "replica-sim", help="emulate training replicas on pseudo-terminals",
        description="Serve emulated replicas, each on its own pty; prints the device path "
                    "to give `holdfire listen`. Runs until Ctrl-C.")
    sim.add_argument("--model", action="append", type=_model,
                     help="replica model, e.g. pistol or taser7; repeat for several "
                          "(default: pistol)")
    sim.add_argument("--faults", default="", help="e.g. corrupt:0.01,drop:0.005,jitter_ms:5")
    sim.add_argument("--seed", type=seed, default=0, help="seed for the fault pattern")
    sim.add_argument("--rate", type=_rate, default=0.5,
                     help="trigger pulls per second per replica, at random times (default 0.5)")
    sim.add_argument("--seconds", type=RUN_SECONDS, default=None, help="stop after this long")
    sim.add_argument("--dir", type=folder, default=None,
                     help="an existing folder for the device links (default: a new temporary "
                          "folder)")
    sim.set_defaults(handler=run_replica_sim)
    benches["serial"] = bench_serial


def _model(text: str) -> str:
    from hardware.replica.models import MODELS  # only when --model is given

    if text not in MODELS:
        raise argparse.ArgumentTypeError(f"expected one of {', '.join(MODELS)}, found {text!r}")
    return text


def _rate(text: str) -> float:
    from hardware.replica.schedule import MAX_RATE_HZ  # only when --rate is given

    return number(0.0, MAX_RATE_HZ, "pulls per second")(text)


def bench_serial(args: argparse.Namespace) -> int:
    from hardware.replica.bench import run_bench

    for line in run_bench(args.seconds or 6.0):
        print(line, flush=True)
    return 0


# -- listen -------------------------------------------------------------------------------


@contextmanager
def stopped_by_signals() -> Iterator[None]:
    """Ctrl-C (SIGINT) and SIGTERM both end the command cleanly, as KeyboardInterrupt. A
    process started in the background by a non-interactive shell inherits SIGINT ignored,
    and Python then leaves it ignored: installing the handler here makes Ctrl-C and a
    supervisor's stop work however the command was started."""
    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    before = {sig: signal.signal(sig, interrupt) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in before.items():
            signal.signal(sig, handler)


def run_listen(args: argparse.Namespace) -> int:
    from hardware.clock import MonotonicClock
    from hardware.replica.link import ReplicaLink

    clock = MonotonicClock()
    start = clock.now_ns()
    deadline = None if args.seconds is None else start + int(args.seconds * 1e9)
    link = ReplicaLink(args.url, clock).start()

    def show(event: LinkEvent) -> None:
        print(_json_line(event) if args.json else _text_line(event, start), flush=True)

    with stopped_by_signals():
        return _listen(link, show, deadline, clock, args)


def _listen(link: ReplicaLink, show: Callable[[LinkEvent], None], deadline: int | None,
            clock: MonotonicClock, args: argparse.Namespace) -> int:
    try:
        while deadline is None or clock.now_ns() < deadline:
            event = link.get(0.1)
            if event is not None:
                show(event)
            link.check()  # an emulated replica (sim:) that died says so, and we stop
    except KeyboardInterrupt:
        pass
    except BrokenPipeError:  # `holdfire listen ... | head`: the reader has gone
        link.close()
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115  (so the exit flush stays quiet)
        return 0
    except (EmulatorError, LinkError):
        link.close()
        raise
    link.close()
    for event in link.drain():  # arrived before the stop, not yet printed
        show(event)
    counters = link.error_counters()
    if args.json:
        print(json.dumps({"type": "counters", **counters}), flush=True)
    else:
        print("counters: " + " ".join(f"{k}={v}" for k, v in counters.items()), flush=True)
    return 0


def event_record(event: LinkEvent) -> dict[str, Any]:
    """A JSON-ready record of one event: type, host times, replica, message fields."""
    message = event.message
    record: dict[str, Any] = {"type": _type_name(event), "t_ns": event.t_ns,
                              "rx_ns": event.rx_ns, "replica": event.replica_id}
    for key, value in asdict(message).items():
        record[key] = sorted(value) if isinstance(value, frozenset) else value
    if event.trigger is not None:
        record["weapon"] = event.trigger.weapon
        record["synced"] = event.trigger.synced
    return record


def _type_name(event: LinkEvent) -> str:
    from hardware.replica.sequence import StreamReset

    if event.status is not None:
        return "link"
    if isinstance(event.message, StreamReset):
        return "reset"
    return type(event.message).__name__.lower()


def _json_line(event: LinkEvent) -> str:
    return json.dumps(event_record(event))


def _text_line(event: LinkEvent, start_ns: int) -> str:
    record = event_record(event)
    rel = (event.t_ns - start_ns) / 1e9
    skip = {"type", "t_ns", "rx_ns", "replica"}
    rest = " ".join(f"{k}={v}" for k, v in record.items() if k not in skip)
    return f"{rel:12.6f} s  {event.replica_id:<14} {record['type']:<9} {rest}"


# -- replica-sim --------------------------------------------------------------------------


def run_replica_sim(args: argparse.Namespace) -> int:
    with stopped_by_signals():
        return _replica_sim(args)


def _replica_sim(args: argparse.Namespace) -> int:
    from hardware.replica.emulator import ReplicaEmulator
    from hardware.replica.endpoints import PtyEndpoint
    from hardware.replica.faults import Faults
    from hardware.replica.models import MODELS

    faults = Faults.parse(args.faults, "--faults")
    folder: Path = args.dir or Path(tempfile.mkdtemp(prefix="holdfire-replicas-"))
    emulators = []
    try:
        for index, model in enumerate(args.model or ["pistol"], start=1):
            endpoint = PtyEndpoint(folder / f"{model}-{index}")
            emulator = ReplicaEmulator(MODELS[model](), endpoint, f"{model}-{index}", faults,
                                       seed=args.seed + index - 1, lane=index)
            emulators.append(emulator.start())
            if args.rate > 0:
                emulator.auto_fire(args.rate)
            print(f"{emulator.replica_id}: {emulator.device_path}", flush=True)
        print(f"faults: {faults.describe()}, seed {args.seed}; Ctrl-C stops", file=sys.stderr)
        _wait(args.seconds, emulators)
    except KeyboardInterrupt:
        pass  # Ctrl-C or SIGTERM, whenever it comes: stop as asked
    finally:
        for emulator in emulators:
            emulator.stop()
        if args.dir is None:
            shutil.rmtree(folder, ignore_errors=True)  # only our own temporary folder
    for emulator in emulators:  # only when all went well: a failure is its one line
        print(_fates(emulator), file=sys.stderr)
    return 0


def _fates(emulator: ReplicaEmulator) -> str:
    fates: dict[str, int] = {}
    for frame in emulator.frames:
        fates[frame.fate] = fates.get(frame.fate, 0) + 1
    return (f"{emulator.replica_id}: {len(emulator.truth)} pulls, frames "
            + " ".join(f"{k}={v}" for k, v in sorted(fates.items())))


def _wait(seconds: float | None, emulators: list[ReplicaEmulator]) -> None:
    """Until `seconds` have passed or Ctrl-C; an emulator that failed ends it at once."""
    end = None if seconds is None else time.monotonic() + seconds
    while end is None or time.monotonic() < end:
        time.sleep(0.1 if end is None else max(0.0, min(0.1, end - time.monotonic())))
        for emulator in emulators:
            emulator.check()
