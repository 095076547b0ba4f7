"""`holdfire officers`, `users`, `qualify`, `records` and `bench records`: certification
records. `--db URL` (or `HOLDFIRE_DB`) chooses the database for all of them; without
either, an SQLite file in the user's data folder. Passwords are read from the terminal,
or from standard input with `--password-stdin`, never from an argument."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from range.cli.args import count, output_file, seed

if TYPE_CHECKING:
    from range.records.store import Records

ATTEMPT = count(1, 2**31 - 1, "an attempt number")


def register(subparsers: Any, benches: dict[str, Any]) -> None:
    db = argparse.ArgumentParser(add_help=False)
    db.add_argument("--db", metavar="URL", help="records database (default: HOLDFIRE_DB, "
                    "else an SQLite file in the user's data folder)")
    password = argparse.ArgumentParser(add_help=False)
    password.add_argument("--password-stdin", action="store_true",
                          help="read the password from the first line of standard input")
    _officers(subparsers, db)
    _equipment(subparsers, db)
    _users(subparsers, db, password)
    qualify = subparsers.add_parser(
        "qualify", parents=[db], help="shoot a course of fire and record the attempt",
        description="COURSE is a shipped course name or a file. --inputs is a scripted "
        "shooter: 'good' or 'poor' for a shipped course, or a file; alone it shoots the "
        "course at once. With --rig or --headless the course is shot live: a window shows "
        "each string's target at its true angular size and sounds the start tone; the "
        "shots come from left clicks at the cursor (--rig mouse, the default), the "
        "simulated rig (sim) or a real one (camera=URL,replicas=URL+URL,calibration=NAME), "
        "and --inputs clicks as a mouse would. Esc stops the attempt unrecorded.")
    qualify.add_argument("course", metavar="COURSE")
    qualify.add_argument("--officer", required=True, metavar="BADGE")
    qualify.add_argument("--inputs", metavar="good|poor|FILE")
    qualify.add_argument("--rig", metavar="RIG", help="shoot live: mouse, sim, or camera=URL,"
                         "replicas=URL+URL,calibration=NAME")
    qualify.add_argument("--headless", action="store_true",
                         help="shoot live under SDL's dummy driver, full speed (needs --inputs)")
    qualify.add_argument("--fullscreen", action="store_true")
    qualify.add_argument("--display", type=count(0, 15, "a display number"), default=0)
    qualify.add_argument("--no-sound", action="store_true")
    qualify.add_argument("--seed", type=seed, default=0)
    qualify.add_argument("--agency", metavar="FILE",
                         help="agency settings (default: HOLDFIRE_AGENCY, else none)")
    qualify.add_argument("--equipment", metavar="SERIAL",
                         help="the replica or weapon fired (see 'holdfire equipment add')")
    qualify.add_argument("--view", type=output_file(".png"), metavar="OUT.png",
                         help="also draw the last stage's target with its hits")
    qualify.set_defaults(handler=run_qualify)
    _records(subparsers, db, password)
    benches["records"] = bench_records


def _officers(subparsers: Any, db: argparse.ArgumentParser) -> None:
    officers = subparsers.add_parser("officers", help="add and list officers")
    sub = officers.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = sub.add_parser("add", parents=[db], help="add an officer")
    add.add_argument("badge", metavar="BADGE")
    add.add_argument("name", metavar="NAME")
    add.set_defaults(handler=run_officers_add)
    listing = sub.add_parser("list", parents=[db], help="list the officers")
    listing.set_defaults(handler=run_officers_list)


def _equipment(subparsers: Any, db: argparse.ArgumentParser) -> None:
    equipment = subparsers.add_parser("equipment", help="add and list replicas and weapons")
    sub = equipment.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = sub.add_parser("add", parents=[db], help="add a replica or a weapon")
    add.add_argument("kind", choices=("replica", "weapon"))
    add.add_argument("serial", metavar="SERIAL")
    add.add_argument("model", metavar="MODEL")
    add.set_defaults(handler=run_equipment_add)
    listing = sub.add_parser("list", parents=[db], help="list replicas and weapons")
    listing.set_defaults(handler=run_equipment_list)


def _users(subparsers: Any, db: argparse.ArgumentParser,
           password: argparse.ArgumentParser) -> None:
    users = subparsers.add_parser("users", help="add users who sign in (roles)")
    sub = users.add_subparsers(dest="action", metavar="ACTION", required=True)
    # no abbreviations: `--password pw` must not pass for `--password-stdin`
    add = sub.add_parser("add", parents=[db, password], help="add a user with a role",
                         allow_abbrev=False)
    add.add_argument("name", metavar="NAME")
    add.add_argument("--role", required=True, metavar="officer|range_master|certifier")
    add.set_defaults(handler=run_users_add)


def _records(subparsers: Any, db: argparse.ArgumentParser,
             password: argparse.ArgumentParser) -> None:
    records = subparsers.add_parser("records", help="qualification records and reports")
    sub = records.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = sub.add_parser("list", parents=[db], help="list attempts")
    listing.add_argument("--officer", metavar="BADGE")
    listing.set_defaults(handler=run_list)
    show = sub.add_parser("show", parents=[db], help="an attempt, stage by stage")
    show.add_argument("attempt", type=ATTEMPT, metavar="ATTEMPT")
    show.add_argument("--plot", type=output_file(".png"), metavar="OUT.png",
                      help="draw its shot groups on the target")
    show.set_defaults(handler=run_show)
    history = sub.add_parser("history", parents=[db], help="an officer's history and trends")
    history.add_argument("badge", metavar="BADGE")
    history.add_argument("--plot", type=output_file(".png"), metavar="OUT.png")
    history.set_defaults(handler=run_history)
    export = sub.add_parser("export", parents=[db], help="attempts as CSV")
    export.add_argument("--out", type=output_file(".csv"), required=True, metavar="OUT.csv")
    export.add_argument("--officer", metavar="BADGE")
    export.set_defaults(handler=run_export)
    verify = sub.add_parser("verify", parents=[db], help="check the audit chain and every row")
    verify.set_defaults(handler=run_verify)
    sign = sub.add_parser("sign", parents=[db, password], help="sign off an attempt",
                          allow_abbrev=False)
    sign.add_argument("attempt", type=ATTEMPT, metavar="ATTEMPT")
    sign.add_argument("--as", dest="user", required=True, metavar="USER")
    sign.set_defaults(handler=run_sign)
    correct = sub.add_parser("correct", parents=[db, password], allow_abbrev=False,
                             help="correct a stage's points as a new attempt")
    correct.add_argument("attempt", type=ATTEMPT, metavar="ATTEMPT")
    correct.add_argument("--stage", type=count(1, 100, "a stage number"), required=True)
    correct.add_argument("--points", type=count(0, 100_000, "points"), required=True)
    correct.add_argument("--reason", required=True)
    correct.add_argument("--as", dest="user", required=True, metavar="USER")
    correct.set_defaults(handler=run_correct)
    certificate = sub.add_parser("certificate", parents=[db],
                                 help="the certificate PDF of a passed, signed attempt")
    certificate.add_argument("attempt", type=ATTEMPT, metavar="ATTEMPT")
    certificate.add_argument("--out", type=output_file(".pdf"), required=True,
                             metavar="OUT.pdf")
    certificate.set_defaults(handler=run_certificate)
    log = sub.add_parser("add-log", parents=[db],
                         help="keep a scenario session's event log with an officer's record")
    log.add_argument("log", type=Path, metavar="LOG.jsonl")
    log.add_argument("--officer", required=True, metavar="BADGE")
    log.set_defaults(handler=run_add_log)


def _open(args: argparse.Namespace) -> Records:
    from range.records.store import Records

    return Records.open(args.db)


def read_password(args: argparse.Namespace, user: str, confirm: bool = False) -> str:
    from range.records.errors import AccessError

    if args.password_stdin:
        line = sys.stdin.readline()
        return line[:-1] if line.endswith("\n") else line
    if not sys.stdin.isatty():
        raise AccessError("password: expected a terminal to read it from, found none "
                          "(use --password-stdin to read it from standard input)")
    import getpass

    first = getpass.getpass(f"password for {user}: ")
    if confirm and getpass.getpass("again: ") != first:
        raise AccessError("password: the two entries differ; nothing was written")
    return first


def run_officers_add(args: argparse.Namespace) -> int:
    records = _open(args)
    records.add_officer(args.badge, args.name)
    print(f"added officer {args.badge} {args.name.strip()}")
    return 0


def run_officers_list(args: argparse.Namespace) -> int:
    for officer in _open(args).officers():
        print(f"{officer.badge:<16} {officer.name:<40} added {officer.created_at[:10]}")
    return 0


def run_equipment_add(args: argparse.Namespace) -> int:
    _open(args).add_equipment(args.kind, args.serial, args.model)
    print(f"added {args.kind} {args.serial} ({args.model.strip()})")
    return 0


def run_equipment_list(args: argparse.Namespace) -> int:
    for kit in _open(args).equipment():
        print(f"{kit.kind:<8} {kit.serial:<20} {kit.model}")
    return 0


def run_users_add(args: argparse.Namespace) -> int:
    records = _open(args)
    records.add_user(args.name, args.role, read_password(args, args.name, confirm=True))
    print(f"added user {args.name} ({args.role})")
    return 0


def run_qualify(args: argparse.Namespace) -> int:
    from range.courses.catalogue import course_source, load_shooter
    from range.courses.model import parse_course
    from range.courses.qualify import shoot_scripted
    from range.errors import InputsError
    from range.records.agency import load_agency
    from range.records.reports import attempt_text

    live = args.rig is not None or args.headless
    if not live and args.inputs is None:
        raise InputsError("qualify: expected --inputs good|poor|FILE (shot at once), or "
                          "--rig mouse|sim|camera=... to shoot it live")
    if args.headless and args.inputs is None:
        raise InputsError("--headless: expected --inputs good|poor|FILE (no one is at the "
                          "mouse of a headless window)")
    text, source = course_source(args.course)
    course = parse_course(text, source)
    shooter = load_shooter(args.inputs, course) if args.inputs is not None else None
    agency = load_agency(args.agency)
    records = _open(args)
    records.attempts(args.officer)  # an unknown badge is refused before the shooting
    if live:
        attempt, fired_by = _qualify_live(args, course, shooter)
    else:
        assert shooter is not None
        attempt, fired_by = shoot_scripted(course, shooter, args.seed), f"script {args.inputs}"
    attempt_id = records.record_attempt(args.officer, course, text, attempt, fired_by,
                                        agency.simulator_rule(), equipment=args.equipment)
    print(attempt_text(records.attempt(attempt_id)))
    print(f"recorded as attempt {attempt_id}")
    if args.view is not None:  # live or not, the last string's target with its hits
        _write_view(course, attempt, args.view)
    return 0


def _qualify_live(args: argparse.Namespace, course: Any, shooter: Any) -> tuple[Any, str]:
    """The course shot through the window's loop; the attempt and who fired it."""
    import os

    from range.courses.session import LiveOptions, qualify_live

    if args.headless:
        os.environ["SDL_VIDEODRIVER"] = "dummy"
        os.environ["SDL_AUDIODRIVER"] = "dummy"
    options = LiveOptions(args.rig or "mouse", args.seed, args.headless, args.fullscreen,
                          args.display, not args.no_sound)
    attempt, fired_by = qualify_live(course, shooter, options)
    if shooter is not None:
        fired_by = fired_by.replace("script", f"script {args.inputs}", 1)
    return attempt, fired_by


def _write_view(course: Any, attempt: Any, out: Path) -> None:
    import os

    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    from hardware.files import write_whole
    from range.courses.qualify import placement
    from range.courses.view import target_png
    from range.errors import HoldfireError
    from range.world.projection import Projection

    last = attempt.score.stages[-1]
    where = placement(course, course.stages[-1], Projection())
    write_whole(out, target_png(where, last.shots), "the target view", HoldfireError)
    print(f"wrote {out}")


def run_list(args: argparse.Namespace) -> int:
    from range.records.reports import verdict

    rows = _open(args).attempts(args.officer)
    corrected = {r.corrects_id for r in rows if r.corrects_id is not None}
    for r in rows:
        notes = [f"corrects {r.corrects_id}"] if r.corrects_id else []
        notes += ["corrected"] if r.id in corrected else []
        notes += [f"signed off ({r.signoffs})"] if r.signoffs else []
        print(f"{r.id:>6}  {r.shot_at[:16]}  {r.badge:<10} {r.course:<12} "
              f"{verdict(r.passed, r.max_points, r.points):<14} {', '.join(notes)}".rstrip())
    return 0


def run_show(args: argparse.Namespace) -> int:
    from range.records.reports import attempt_text

    view = _open(args).attempt(args.attempt)
    print(attempt_text(view))
    if args.plot is not None:
        from range.records.plots import shot_group_png

        _write(args.plot, shot_group_png(view), "the shot-group plot")
    return 0


def run_history(args: argparse.Namespace) -> int:
    from range.records.agency import NOT_LIVE_FIRE
    from range.records.reports import history_text

    records = _open(args)
    rows = records.history(args.badge)
    name = next((o.name for o in records.officers() if o.badge == args.badge), None)
    if name is None:
        from range.records.errors import RecordsError

        raise RecordsError(f"BADGE: no officer with badge {args.badge!r} in the records")
    rule = records.attempt(rows[-1].id).attempt.simulator_rule if rows else NOT_LIVE_FIRE
    print(history_text(args.badge, name, rows, rule))
    if args.plot is not None:
        from range.records.plots import history_png

        _write(args.plot, history_png(args.badge, name, rows, rule), "the history plot")
    return 0


def run_export(args: argparse.Namespace) -> int:
    from range.records.reports import csv_text

    records = _open(args)
    views = [records.attempt(r.id) for r in records.attempts(args.officer)]
    _write(args.out, csv_text(views).encode("utf-8"), "the CSV export")
    return 0


def run_verify(args: argparse.Namespace) -> int:
    verdict = _open(args).verify()
    for problem in verdict.problems:
        print(problem)
    state = "intact" if verdict.intact else f"{len(verdict.problems)} problems"
    print(f"audit chain {state}: {verdict.entries} entries, {verdict.rows} rows; head "
          f"{verdict.head}")
    return 0 if verdict.intact else 1


def run_sign(args: argparse.Namespace) -> int:
    records = _open(args)
    records.sign(args.attempt, args.user, read_password(args, args.user))
    print(f"attempt {args.attempt} signed off by {args.user}")
    return 0


def run_correct(args: argparse.Namespace) -> int:
    records = _open(args)
    new = records.correct(args.attempt, args.stage, args.points, args.reason, args.user,
                          read_password(args, args.user))
    print(f"attempt {args.attempt} corrected by new attempt {new}")
    return 0


def run_certificate(args: argparse.Namespace) -> int:
    from range.records.certificate import certificate_pdf

    _write(args.out, certificate_pdf(_open(args).attempt(args.attempt)), "the certificate")
    return 0


def run_add_log(args: argparse.Namespace) -> int:
    from hardware.files import read_text
    from range.errors import EventLogError
    from range.run.codec import read_log
    from range.run.events import ScenarioStarted

    text = read_text(args.log, "a JSONL event log", EventLogError)
    events = list(read_log(text.splitlines(), str(args.log)))  # refuses a bad line
    scenario = next((e.scenario for e in events if isinstance(e, ScenarioStarted)), "")
    log_id = _open(args).add_session_log(args.officer, scenario, text)
    print(f"kept {args.log} ({scenario}) for officer {args.officer} as session log {log_id}")
    return 0


def _write(path: Path, data: bytes, what: str) -> None:
    from hardware.files import write_whole
    from range.errors import HoldfireError

    write_whole(path, data, what, HoldfireError)
    print(f"wrote {path}")


def bench_records(args: argparse.Namespace) -> int:
    from range.bench.records import run_bench

    for line in run_bench(args.seconds):
        print(line, flush=True)
    return 0
