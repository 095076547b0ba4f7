"""The records as the commands use them: each write checks everything first and then
appends its rows and their audit entries in one transaction under the write lock, so a
refused or interrupted write leaves nothing behind."""

from __future__ import annotations

import getpass
import hashlib
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Engine, Row, func, select

from range.courses.model import Course
from range.courses.qualify import Attempt as ShotAttempt
from range.courses.scoring import StageScore
from range.records import audit
from range.records.audit import Verdict, Writer
from range.records.database import chosen_url, open_engine, write_transaction
from range.records.errors import AccessError, RecordsError
from range.records.migrate import ensure_current
from range.records.queries import AttemptView, attempt_view, history, officer_exists
from range.records.schema import (
    ROLES,
    Attempt,
    CourseCopy,
    Equipment,
    Officer,
    SignOff,
    User,
)
from range.scenario.validation import suggest

if TYPE_CHECKING:
    from argon2 import PasswordHasher

BADGE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]{0,31}")
USER = re.compile(r"[a-z][a-z0-9._-]{0,63}")
MIN_PASSWORD = 8
EQUIPMENT = ("replica", "weapon")
T = TypeVar("T")


def os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


class Records:
    """`hasher`: argon2-cffi's, its defaults unless given (a hash keeps its parameters)."""

    def __init__(self, engine: Engine, hasher: PasswordHasher | None = None) -> None:
        self.engine = engine
        self._hasher = hasher

    @classmethod
    def open(cls, url: str | None = None, hasher: PasswordHasher | None = None) -> Records:
        """The records at `--db`, `HOLDFIRE_DB` or the default file, schema brought up
        to date."""
        engine = open_engine(*chosen_url(url))
        ensure_current(engine)
        return cls(engine, hasher)

    @property
    def hasher(self) -> PasswordHasher:
        if self._hasher is None:
            from argon2 import PasswordHasher

            self._hasher = PasswordHasher()
        return self._hasher

    def close(self) -> None:
        self.engine.dispose()

    def _write(self, actor: str, body: Callable[[Writer], T]) -> T:
        with write_transaction(self.engine) as connection:
            writer = Writer(connection, actor)
            result = body(writer)
            writer.flush()
            return result

    # officers and users

    def add_officer(self, badge: str, name: str, actor: str | None = None) -> int:
        if not BADGE.fullmatch(badge):
            raise RecordsError(f"BADGE: expected 1 to 32 letters, digits, '.', '_', '/' or "
                               f"'-', starting with a letter or digit, found {badge!r}")
        if not name.strip() or len(name) > 200:
            raise RecordsError(f"NAME: expected the officer's name (1 to 200 characters), "
                               f"found {name!r}")

        def body(writer: Writer) -> int:
            existing = writer.connection.execute(
                select(Officer.name).where(Officer.badge == badge)).scalar()
            if existing is not None:
                raise RecordsError(f"officer badge {badge!r} is already recorded (for "
                                   f"{existing}); nothing was written")
            return writer.add("officers", {"badge": badge, "name": name.strip(),
                                           "created_at": audit.now()})
        return self._write(actor or os_user(), body)

    def officers(self) -> list[Row[Any]]:
        with self.engine.connect() as connection:
            return list(connection.execute(select(Officer.badge, Officer.name,
                                                  Officer.created_at).order_by(Officer.badge)))

    def equipment(self) -> list[Row[Any]]:
        with self.engine.connect() as connection:
            return list(connection.execute(select(Equipment).order_by(Equipment.serial)))

    def add_user(self, name: str, role: str, password: str, actor: str | None = None) -> int:
        if not USER.fullmatch(name):
            raise RecordsError(f"NAME: expected a user name of lower-case letters, digits, "
                               f"'.', '_' or '-', starting with a letter, found {name!r}")
        if role not in ROLES:
            raise RecordsError(f"--role: expected one of {list(ROLES)}, found {role!r}"
                               f"{suggest(role, ROLES)}")
        if len(password) < MIN_PASSWORD:
            raise AccessError(f"password: expected at least {MIN_PASSWORD} characters, found "
                              f"{len(password)}; nothing was written")
        hashed = self.hasher.hash(password)

        def body(writer: Writer) -> int:
            if writer.connection.execute(select(User.id).where(User.name == name)).scalar():
                raise RecordsError(f"user {name!r} already exists; nothing was written")
            return writer.add("users", {"name": name, "role": role, "password_hash": hashed,
                                        "created_at": audit.now()})
        return self._write(actor or os_user(), body)

    def authenticate(self, name: str, password: str) -> Row[Any]:
        from argon2.exceptions import InvalidHashError, VerificationError

        with self.engine.connect() as connection:
            user = connection.execute(select(User).where(User.name == name)).first()
        if user is None:
            raise AccessError(f"--as: no user {name!r} in the records")
        try:
            self.hasher.verify(user.password_hash, password)
        except (VerificationError, InvalidHashError):
            raise AccessError(f"wrong password for user {name!r}; nothing was written"
                              ) from None
        return user

    # attempts

    def add_equipment(self, kind: str, serial: str, model: str) -> int:
        if kind not in EQUIPMENT or not BADGE.fullmatch(serial) or not model.strip():
            raise RecordsError(f"expected KIND {' or '.join(EQUIPMENT)}, a SERIAL like a "
                               f"badge and a MODEL, found {kind!r} {serial!r} {model!r}")

        def body(writer: Writer) -> int:
            if equipment_id_of(writer, serial, must_exist=False) is not None:
                raise RecordsError(f"serial {serial!r} is already recorded; nothing was "
                                   "written")
            return writer.add("equipment", {"kind": kind, "serial": serial,
                                            "model": model.strip(), "created_at": audit.now()})
        return self._write(os_user(), body)

    def record_attempt(self, badge: str, course: Course, definition: str,
                       shot: ShotAttempt, source: str, simulator_rule: str,
                       recorded_by: str = "", equipment: str | None = None) -> int:
        def body(writer: Writer) -> int:
            officer_id = officer_id_of(writer, badge)
            course_id = course_copy(writer, course, definition)
            return add_attempt(writer, officer_id, course_id, shot.score.stages, {
                "equipment_id": equipment and equipment_id_of(writer, equipment),
                "shot_at": audit.now(), "source": source, "seed": shot.seed,
                "pass_points": shot.score.pass_points,
                "unconfirmed": "\n".join(shot.score.unconfirmed),
                "simulator_rule": simulator_rule, "corrects_id": None,
                "correction_reason": "", "recorded_by": recorded_by})
        return self._write(recorded_by or os_user(), body)

    def sign(self, attempt_id: int, user_name: str, password: str) -> int:
        user = self.authenticate(user_name, password)
        if user.role != "certifier":
            raise AccessError(f"--as: user {user_name!r} is a {user.role.replace('_', ' ')}; "
                              "only a certifier signs off; nothing was written")

        def body(writer: Writer) -> int:
            view = attempt_view(writer.connection, attempt_id)
            if view.corrected_by:
                raise RecordsError(f"attempt {attempt_id} was corrected by attempt "
                                   f"{view.corrected_by[-1]}: sign that one; nothing was "
                                   "written")
            if any(name == user_name for name, _ in view.signoffs):
                raise RecordsError(f"attempt {attempt_id} is already signed off by "
                                   f"{user_name!r}; nothing was written")
            return writer.add("signoffs", {"attempt_id": attempt_id, "user_id": user.id,
                                           "signed_at": audit.now()})
        return self._write(user_name, body)

    def correct(self, attempt_id: int, stage: int, points: int, reason: str,
                user_name: str, password: str) -> int:
        """A new attempt that corrects one stage's points of an old one (a scoring error,
        an alibi for a malfunction); the old one stays as it was, marked corrected."""
        user = self.authenticate(user_name, password)
        if user.role not in ("range_master", "certifier"):
            raise AccessError(f"--as: user {user_name!r} is an officer; only a range "
                              "master or a certifier corrects a result; nothing was written")
        if not reason.strip():
            raise RecordsError("--reason: expected why the result is corrected, found "
                               "nothing")

        def body(writer: Writer) -> int:
            view = attempt_view(writer.connection, attempt_id)
            if view.corrected_by:
                raise RecordsError(f"attempt {attempt_id} was already corrected by attempt "
                                   f"{view.corrected_by[-1]}: correct that one")
            if not 1 <= stage <= len(view.stages):
                raise RecordsError(f"--stage: expected 1 to {len(view.stages)}, found {stage}")
            old = view.stages[stage - 1]
            if not 0 <= points <= old.max_points:
                raise RecordsError(f"--points: expected 0 to the stage's {old.max_points}, "
                                   f"found {points}")
            return _copy_corrected(writer, view, stage, points, reason.strip(), user_name)
        return self._write(user_name, body)

    # reading

    def attempts(self, badge: str | None = None) -> list[Row[Any]]:
        signed = (select(func.count()).where(SignOff.attempt_id == Attempt.id)
                  .scalar_subquery())
        query = (select(Attempt.id, Officer.badge, Officer.name, CourseCopy.name.label("course"),
                        Attempt.shot_at, Attempt.points, Attempt.max_points, Attempt.passed,
                        Attempt.corrects_id, signed.label("signoffs"))
                 .join(Officer, Officer.id == Attempt.officer_id)
                 .join(CourseCopy, CourseCopy.id == Attempt.course_id).order_by(Attempt.id))
        if badge is not None:
            query = query.where(Officer.badge == badge)
        with self.engine.connect() as connection:
            if badge is not None:
                officer_exists(connection, badge)
            return list(connection.execute(query))

    def history(self, badge: str) -> list[Row[Any]]:
        """An officer's attempts, oldest first, as the history report reads them."""
        with self.engine.connect() as connection:
            return history(connection, badge)

    def attempt(self, attempt_id: int) -> AttemptView:
        with self.engine.connect() as connection:
            return attempt_view(connection, attempt_id)

    def add_session_log(self, badge: str, scenario: str, content: str,
                        actor: str | None = None) -> int:
        """A scenario training session's event log, kept whole, linked to the officer."""
        def body(writer: Writer) -> int:
            officer_id = officer_id_of(writer, badge)
            return writer.add("session_logs", {
                "officer_id": officer_id, "scenario": scenario,
                "sha256": hashlib.sha256(content.encode("utf-8")).hexdigest(),
                "content": content, "created_at": audit.now()})
        return self._write(actor or os_user(), body)

    def verify(self) -> Verdict:
        with self.engine.connect() as connection, connection.begin():
            return audit.verify(connection)


def equipment_id_of(writer: Writer, serial: str, must_exist: bool = True) -> int | None:
    found = writer.connection.execute(select(Equipment.id).where(Equipment.serial == serial)
                                      ).scalar()
    if found is None and must_exist:
        raise RecordsError(f"--equipment: no replica or weapon with serial {serial!r} in the "
                           "records (add one with 'holdfire equipment add'); nothing was "
                           "written")
    return None if found is None else int(found)


def officer_id_of(writer: Writer, badge: str) -> int:
    found = writer.connection.execute(select(Officer.id).where(Officer.badge == badge)
                                      ).scalar()
    if found is None:
        raise RecordsError(f"--officer: no officer with badge {badge!r} in the records "
                           f"(add one with 'holdfire officers add'); nothing was written")
    return int(found)

def course_copy(writer: Writer, course: Course, definition: str) -> int:
    from range.scenario.validation import content_hash

    sha = content_hash(course)
    found = writer.connection.execute(select(CourseCopy.id).where(CourseCopy.sha256 == sha)
                                      ).scalar()
    if found is not None:
        return int(found)
    return writer.add("courses", {"name": course.id, "title": course.title,
                                  "definition": definition, "sha256": sha,
                                  "created_at": audit.now()})

def add_attempt(writer: Writer, officer_id: int, course_id: int,
                 stages: Sequence[StageScore], fields: dict[str, Any]) -> int:
    points = sum(s.points for s in stages)
    attempt_id = writer.add("attempts", {
        "officer_id": officer_id, "course_id": course_id, "points": points,
        "max_points": sum(s.max_points for s in stages),
        "passed": points >= fields["pass_points"], **fields})
    for stage in stages:
        writer.add("stage_results", stage_row(attempt_id, stage))
        for row in shot_rows(attempt_id, stage):
            writer.add("shots", row)
    return attempt_id


def stage_row(attempt_id: int, stage: StageScore) -> dict[str, Any]:
    return {"attempt_id": attempt_id, "stage": stage.index + 1, "label": stage.label,
            "target": stage.target, "distance_m": stage.distance_m, "start": stage.start,
            "rounds": stage.rounds, "par_s": stage.par_s,
            "par_confirmed": stage.par_confirmed, "delay_s": stage.delay_s,
            "points": stage.points, "max_points": stage.max_points, "hits": stage.hits}


def shot_rows(attempt_id: int, stage: StageScore) -> list[dict[str, Any]]:
    rows = []
    for shot in stage.shots:
        hit, low = shot.hit or (None, None), shot.probe2 or (None, None)
        pixel = shot.pixel or (None, None)
        rows.append({"attempt_id": attempt_id, "stage": stage.index + 1,
                     "shot": shot.index + 1, "t_s": shot.t_s, "split_s": shot.split_s,
                     "u": pixel[0], "v": pixel[1], "x_m": hit[0], "y_m": hit[1],
                     "zone": shot.zone, "points": shot.points, "counted": shot.counted,
                     "note": shot.note, "x2_m": low[0], "y2_m": low[1],
                     "zone2": shot.probe2_zone, "spread_m": shot.spread_m})
    return rows


def _copy_corrected(writer: Writer, view: AttemptView, stage: int, points: int,
                    reason: str, user: str) -> int:
    old = view.attempt
    total = old.points - view.stages[stage - 1].points + points
    new_id = writer.add("attempts", {
        "officer_id": old.officer_id, "course_id": old.course_id,
        "equipment_id": old.equipment_id, "shot_at": old.shot_at, "source": old.source,
        "seed": old.seed, "points": total, "max_points": old.max_points,
        "pass_points": old.pass_points, "passed": total >= old.pass_points,
        "unconfirmed": old.unconfirmed, "simulator_rule": old.simulator_rule,
        "corrects_id": old.id,
        "correction_reason": f"stage {stage}: {view.stages[stage - 1].points} -> "
                             f"{points} points: {reason}",
        "recorded_by": user})
    skip = {"id", "attempt_id"}
    for row in view.stages:
        values = {k: v for k, v in row._mapping.items() if k not in skip}
        if row.stage == stage:
            values["points"] = points
        writer.add("stage_results", {"attempt_id": new_id, **values})
    for shot in view.shots:
        writer.add("shots", {"attempt_id": new_id, **{k: v for k, v in shot._mapping.items()
                                                      if k not in skip}})
    return new_id
