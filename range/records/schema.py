"""The records' tables (SQLAlchemy 2). Rows are written once and never changed: a
correction is a new attempt that names the one it corrects. Every row has an entry in
the hash-chained `audit` table (`range.records.audit`).

Ids are given by the writer under the write lock (see `range.records.audit.Writer`), so
each table's ids run 1, 2, 3... in the order of the audit chain. Times are ISO 8601 UTC
text, so they read back the same on every database and hash the same."""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

ROLES = ("officer", "range_master", "certifier")


class Base(DeclarativeBase):
    pass


def _id() -> Mapped[int]:
    return mapped_column(Integer, primary_key=True, autoincrement=False)


class Officer(Base):
    __tablename__ = "officers"
    id: Mapped[int] = _id()
    badge: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[str] = mapped_column(String(32))


class User(Base):
    """Someone who signs in: an officer, a range master or a certifier."""

    __tablename__ = "users"
    id: Mapped[int] = _id()
    name: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[str] = mapped_column(String(32))


class Equipment(Base):
    """A training replica or a weapon, by serial number."""

    __tablename__ = "equipment"
    id: Mapped[int] = _id()
    kind: Mapped[str] = mapped_column(String(16))  # replica or weapon
    serial: Mapped[str] = mapped_column(String(64), unique=True)
    model: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[str] = mapped_column(String(32))


class CourseCopy(Base):
    """A course as it was shot: its file's text, frozen, and its content hash."""

    __tablename__ = "courses"
    id: Mapped[int] = _id()
    name: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    definition: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[str] = mapped_column(String(32))


class Attempt(Base):
    __tablename__ = "attempts"
    id: Mapped[int] = _id()
    officer_id: Mapped[int] = mapped_column(ForeignKey("officers.id"))
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"))
    equipment_id: Mapped[int | None] = mapped_column(ForeignKey("equipment.id"))
    shot_at: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(String(200))  # who fired: a script, the rig...
    seed: Mapped[int] = mapped_column(BigInteger)
    points: Mapped[int] = mapped_column(Integer)
    max_points: Mapped[int] = mapped_column(Integer)
    pass_points: Mapped[float] = mapped_column(Float)
    passed: Mapped[bool] = mapped_column(Boolean)
    unconfirmed: Mapped[str] = mapped_column(Text)  # one line each
    simulator_rule: Mapped[str] = mapped_column(Text)
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("attempts.id"))
    correction_reason: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(64))


class StageResult(Base):
    __tablename__ = "stage_results"
    id: Mapped[int] = _id()
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id"))
    stage: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(200))
    target: Mapped[str] = mapped_column(String(32))
    distance_m: Mapped[float] = mapped_column(Float)
    start: Mapped[str] = mapped_column(String(16))
    rounds: Mapped[int] = mapped_column(Integer)
    par_s: Mapped[float] = mapped_column(Float)
    par_confirmed: Mapped[bool] = mapped_column(Boolean)
    delay_s: Mapped[float] = mapped_column(Float)
    points: Mapped[int] = mapped_column(Integer)
    max_points: Mapped[int] = mapped_column(Integer)
    hits: Mapped[int] = mapped_column(Integer)


class ShotRecord(Base):
    __tablename__ = "shots"
    id: Mapped[int] = _id()
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id"))
    stage: Mapped[int] = mapped_column(Integer)
    shot: Mapped[int] = mapped_column(Integer)
    t_s: Mapped[float] = mapped_column(Float)
    split_s: Mapped[float | None] = mapped_column(Float)
    u: Mapped[float | None] = mapped_column(Float)
    v: Mapped[float | None] = mapped_column(Float)
    x_m: Mapped[float | None] = mapped_column(Float)
    y_m: Mapped[float | None] = mapped_column(Float)
    zone: Mapped[str | None] = mapped_column(String(32))
    points: Mapped[int] = mapped_column(Integer)
    counted: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str] = mapped_column(String(100))
    x2_m: Mapped[float | None] = mapped_column(Float)
    y2_m: Mapped[float | None] = mapped_column(Float)
    zone2: Mapped[str | None] = mapped_column(String(32))
    spread_m: Mapped[float | None] = mapped_column(Float)


class SessionLog(Base):
    """The event log of a scenario training session, linked to the officer."""

    __tablename__ = "session_logs"
    id: Mapped[int] = _id()
    officer_id: Mapped[int] = mapped_column(ForeignKey("officers.id"))
    scenario: Mapped[str] = mapped_column(String(64))
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[str] = mapped_column(Text)
    created_at: Mapped[str] = mapped_column(String(32))


class SignOff(Base):
    __tablename__ = "signoffs"
    id: Mapped[int] = _id()
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    signed_at: Mapped[str] = mapped_column(String(32))


class AuditEntry(Base):
    """One row written: which, by whom, its content hash, chained to the entry before."""

    __tablename__ = "audit"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(64))
    table_name: Mapped[str] = mapped_column(String(32))
    row_id: Mapped[int] = mapped_column(Integer)
    row_hash: Mapped[str] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64))


Index("ix_attempts_officer", Attempt.officer_id, Attempt.id)
Index("ix_stage_results_attempt", StageResult.attempt_id)
Index("ix_shots_attempt", ShotRecord.attempt_id)
Index("ix_signoffs_attempt", SignOff.attempt_id)
Index("ix_audit_row", AuditEntry.table_name, AuditEntry.row_id)

# The tables the chain covers, in the order a writer fills them (parents first).
AUDITED = (Officer, User, Equipment, CourseCopy, Attempt, StageResult, ShotRecord,
           SessionLog, SignOff)
