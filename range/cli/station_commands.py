"""`holdfire station` (the live console, with the trainee's view) and `holdfire review`
(the after-action review of a saved log, in the browser or exported headless)."""

from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path
from typing import Any

from range.cli.args import count, number, output_file

LISTEN_HELP = ("serve on HOST:PORT (default 127.0.0.1:8470, the range PC's own); any other "
               "address needs a login, with the pairing code printed here")


def register(subparsers: Any, benches: dict[str, Any]) -> None:
    station = subparsers.add_parser(
        "station", help="the instructor's console in the browser, with the trainee's view",
        description="Serves the live console: pick a scenario, enter the trainee, start, "
        "pause, stop and run again; the map, timeline, reaction times and the trainee's view "
        "as they happen; branch buttons. Each run's log goes to --sessions and opens in the "
        "review.")
    add_console_options(station)
    station.add_argument("--scenario", metavar="SCENARIO",
                         help="preselect this scenario (a shipped name or a file)")
    station.add_argument("--db", metavar="URL", help="also serve the certification records "
                         "of this database (default: HOLDFIRE_DB, else none), at /records, "
                         "behind a records user's login")
    station.set_defaults(handler=run_station)

    review = subparsers.add_parser(
        "review", help="the after-action review of a saved session log",
        description="Replays SESSION (a JSONL log) through the world and serves the review "
        "page: scrub, play at 0.25x to 2x, step frames, jump to events. With any of --pdf, "
        "--plot, --video or --frames it writes those instead and serves nothing.")
    review.add_argument("log", type=Path, metavar="SESSION.jsonl")
    review.add_argument("--scenario", metavar="SCENARIO.toml",
                        help="the scenario file, for a log of one not shipped")
    review.add_argument("--pdf", type=output_file(".pdf"), metavar="OUT.pdf")
    review.add_argument("--plot", type=output_file(".png"), metavar="OUT.png")
    review.add_argument("--video", type=output_file(".mp4"), metavar="OUT.mp4")
    review.add_argument("--frames", type=Path, metavar="DIR", help="PNG frames into DIR")
    review.add_argument("--fps", type=number(1, 60, "frames per second"), default=10.0,
                        help="frames per second of --video and --frames (default 10)")
    review.add_argument("--width", type=count(160, 1920, "a width in pixels"), default=960,
                        help="width of --video and --frames (default 960)")
    review.add_argument("--console", metavar="HOST:PORT", default="127.0.0.1:8471",
                        help="serve on HOST:PORT (default 127.0.0.1:8471, beside a console "
                        "on 8470); any other address needs a login")
    review.set_defaults(handler=run_review)
    benches["review"] = bench_review


def add_console_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--console", metavar="HOST:PORT", nargs="?", const="127.0.0.1:8470",
                        default="127.0.0.1:8470", help=LISTEN_HELP)
    parser.add_argument("--sessions", type=Path, metavar="DIR",
                        help="where session logs go (default: the user data folder)")
    parser.add_argument("--operator", default="instructor",
                        help="the range master's name in the log, on the range PC")
    parser.add_argument("--headless", action="store_true",
                        help="the trainee's view under SDL's dummy driver, kept to the clock "
                        "(the view is on the console only)")
    parser.add_argument("--fullscreen", action="store_true")
    parser.add_argument("--display", type=count(0, 15, "a display number"), default=0)
    parser.add_argument("--no-sound", action="store_true")
    parser.add_argument("--rig", default="mouse", metavar="RIG",
                        help="mouse (default), sim, or camera=URL,replicas=URL+URL,"
                        "calibration=NAME, as holdfire run takes it")


def run_station(args: argparse.Namespace) -> int:
    return serve_console(args, args.scenario)


def serve_console(args: argparse.Namespace, preselect: str | None) -> int:
    """The console and its live loop (also `holdfire run SCENARIO --console`)."""
    from range.errors import InputsError

    for option in ("log", "inputs", "json"):
        if getattr(args, option, None):
            raise InputsError(f"--{option} with --console: the console starts each run and "
                              "keeps its log in --sessions; review or debrief it from there")
    from range.station.app import create_app
    from range.station.auth import is_loopback
    from range.station.console import Console
    from range.station.library import Library
    from range.station.runner import RunnerSetup, WallPacer, serve_runs
    from range.station.serve import Served, access_for, default_sessions, parse_listen

    host, port = parse_listen(args.console)
    choices, selected = _choices(preselect)
    sessions = args.sessions or default_sessions()
    _sessions_folder(sessions)
    console = Console(choices, selected)
    library = Library({c.scenario.id: c.scenario for c in choices})
    for path in sorted(sessions.glob("*.jsonl")):
        library.add(path)
    if args.headless:
        os.environ["SDL_VIDEODRIVER"] = "dummy"
        os.environ["SDL_AUDIODRIVER"] = "dummy"
    # Headless, a window (under the dummy driver) is drawn only for a rig's camera to watch.
    window = None if args.headless and args.rig == "mouse" else _window_maker(args)
    setup = RunnerSetup(sessions, headless=args.headless, pacer=WallPacer(), window=window,
                        rig=args.rig)
    records = _records(getattr(args, "db", None))
    access = access_for(host, args.operator, records=records)
    served = Served(create_app(access, console, library, records), host, port)
    network = "" if is_loopback(host) else (f"; served to the network on {host}:{served.port}"
                                            ", each device logs in with a pairing code")
    print(f"holdfire station: console at {served.url}/{network} (Ctrl-C to stop); logs in "
          f"{sessions}", file=sys.stderr, flush=True)
    if records is not None:
        from range.records.database import masked

        print(f"holdfire station: certification records of {masked(str(records.engine.url))} "
              f"at {served.url}"
              "/records (a records user's login)", file=sys.stderr, flush=True)
    # Ctrl-C ends the run under way as the Stop button does, so its log is whole.
    previous = signal.signal(signal.SIGINT, lambda *_: console.close())
    try:
        serve_runs(console, setup)
    finally:
        signal.signal(signal.SIGINT, previous)
        console.close()
        served.close()
    return 0


def _records(url: str | None) -> Any:
    """The records to serve: --db, else HOLDFIRE_DB, else none."""
    url = url or os.environ.get("HOLDFIRE_DB")
    if not url:
        return None
    from range.records.store import Records

    return Records.open(url)


def _sessions_folder(path: Path) -> None:
    from range.errors import HoldfireError

    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise HoldfireError(f"--sessions {path}: cannot make the folder: {exc.strerror}") \
            from None


def _choices(preselect: str | None) -> tuple[list[Any], str | None]:
    from range.scenario.catalogue import shipped_names
    from range.station.library import load_choice

    choices = [load_choice(name) for name in shipped_names()]
    if preselect is None:
        return choices, None
    picked = load_choice(preselect)
    return [picked, *(c for c in choices if c.name != picked.name)], picked.name


def _window_maker(args: argparse.Namespace) -> Any:
    def make(scenario: Any, clock: Any) -> Any:
        from range.views.audio import Sounds
        from range.views.window import Window

        return Window(tuple(scenario.rig.resolution), clock, fullscreen=args.fullscreen,
                      display=args.display, title=f"Holdfire: {scenario.title}",
                      sounds=Sounds(scenario, enabled=not args.no_sound))
    return make


def run_review(args: argparse.Namespace) -> int:
    from range.station.library import Library, open_review

    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    scenarios = None
    if args.scenario is not None:
        from range.scenario.catalogue import load_scenario_arg

        scenario, _ = load_scenario_arg(args.scenario)
        scenarios = {scenario.id: scenario}
    if any(x is not None for x in (args.pdf, args.plot, args.video, args.frames)):
        return _export(open_review(args.log, scenarios), args)
    from range.station.app import create_app
    from range.station.serve import Served, access_for, parse_listen, wait_forever

    library = Library(scenarios)
    name = library.add(args.log)
    library.get(name)  # replayed now: a bad log is refused here, before serving
    host, port = parse_listen(args.console)
    served = Served(create_app(access_for(host, "instructor"), None, library), host, port)
    print(f"holdfire review: {served.url}/review#{name} (Ctrl-C to stop)", file=sys.stderr,
          flush=True)
    try:
        wait_forever()
    except KeyboardInterrupt:
        pass
    finally:
        served.close()
    return 0


def _export(review: Any, args: argparse.Namespace) -> int:
    from range.station.app import key_tick
    from range.station.exports import (
        Pictures,
        debrief_pdf,
        timing_plot,
        write_file,
        write_frames,
        write_video,
    )

    pictures = Pictures(review)
    resolution = review.scenario.rig.resolution
    size = (args.width, max(1, round(args.width * resolution[1] / resolution[0])))
    if review.differs_at is not None:
        print(f"holdfire review: warning: the replay differs from the log at event "
              f"{review.differs_at}", file=sys.stderr)
    if args.plot is not None:
        write_file(args.plot, timing_plot(review), "the timing plot")
        print(f"wrote {args.plot}")
    if args.pdf is not None:
        tick = key_tick(review)
        write_file(args.pdf, debrief_pdf(review, pictures.png(tick), tick * review.step_s),
                   "the debrief PDF")
        print(f"wrote {args.pdf}")
    if args.frames is not None:
        frames = write_frames(pictures, args.frames, args.fps, size)
        print(f"wrote {frames} frames into {args.frames}")
    if args.video is not None:
        frames = write_video(pictures, args.video, args.fps, size)
        print(f"wrote {args.video} ({frames} frames at {args.fps:g} fps)")
    return 0


def bench_review(args: argparse.Namespace) -> int:
    """Seeking to random moments of a 10-minute session, beside replaying from its start."""
    from range.bench.review import run_bench

    for line in run_bench(args.seconds):
        print(line, flush=True)
    return 0
