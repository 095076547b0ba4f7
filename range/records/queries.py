"""What the records commands read: an attempt with everything a report shows, an
officer's history, and the checks that name a missing officer or attempt."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, select

from range.records.errors import NotInRecords
from range.records.schema import (
    Attempt,
    CourseCopy,
    Equipment,
    Officer,
    ShotRecord,
    SignOff,
    StageResult,
    User,
)


@dataclass(frozen=True, slots=True)
class AttemptView:
    """An attempt with everything a report shows."""

    attempt: Row[Any]
    badge: str
    officer: str
    course: Row[Any]
    stages: Sequence[Row[Any]]
    shots: Sequence[Row[Any]]
    signoffs: Sequence[tuple[str, str]]  # (user, signed at)
    corrected_by: Sequence[int]
    equipment: str = ""  # "replica SERIAL (MODEL)", if the attempt names one

    @property
    def current(self) -> bool:
        return not self.corrected_by


def officer_exists(connection: Any, badge: str) -> None:
    if connection.execute(select(Officer.id).where(Officer.badge == badge)).scalar() \
            is None:
        raise NotInRecords(f"--officer: no officer with badge {badge!r} in the records")

def attempt_view(connection: Any, attempt_id: int) -> AttemptView:
    attempt = connection.execute(select(Attempt).where(Attempt.id == attempt_id)).first()
    if attempt is None:
        raise NotInRecords(f"ATTEMPT: no attempt {attempt_id} in the records")
    officer = connection.execute(select(Officer).where(Officer.id == attempt.officer_id)
                                 ).one()
    course = connection.execute(select(CourseCopy).where(
        CourseCopy.id == attempt.course_id)).one()
    stages = connection.execute(select(StageResult).where(
        StageResult.attempt_id == attempt_id).order_by(StageResult.stage)).all()
    shots = connection.execute(select(ShotRecord).where(
        ShotRecord.attempt_id == attempt_id).order_by(ShotRecord.stage,
                                                      ShotRecord.shot)).all()
    signoffs = connection.execute(select(User.name, SignOff.signed_at).join(
        User, User.id == SignOff.user_id).where(SignOff.attempt_id == attempt_id)
        .order_by(SignOff.id)).all()
    corrected = connection.execute(select(Attempt.id).where(
        Attempt.corrects_id == attempt_id).order_by(Attempt.id)).scalars().all()
    kit = connection.execute(select(Equipment).where(Equipment.id == attempt.equipment_id)
                             ).first() if attempt.equipment_id is not None else None
    return AttemptView(attempt, officer.badge, officer.name, course, stages, shots,
                       [(s[0], s[1]) for s in signoffs], list(corrected),
                       f"{kit.kind} {kit.serial} ({kit.model})" if kit else "")


def history(connection: Any, badge: str) -> list[Row[Any]]:
    query = (select(Attempt.id, Attempt.shot_at, CourseCopy.name.label("course"),
                    Attempt.points, Attempt.max_points, Attempt.pass_points, Attempt.passed,
                    Attempt.corrects_id)
             .join(CourseCopy, CourseCopy.id == Attempt.course_id)
             .where(Attempt.officer_id == select(Officer.id).where(Officer.badge == badge)
                    .scalar_subquery())
             .order_by(Attempt.id))
    return list(connection.execute(query))
