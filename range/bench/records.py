"""`holdfire bench records`: the records at agency scale, on SQLite and on PostgreSQL.

Fills 1,000,000 attempts (10,000 officers, 100 each), each with 2 stage results and 10
shots (10,000,000 shots), through the records' own writer: every row hashed and chained
into the audit log, in transactions of 1,000 attempts. Beside it, the database's own bulk
load of the same shot rows into a bare table (SQLite `executemany`, PostgreSQL `COPY`),
and the officer-history query beside a plain primary-key lookup, measured in the same
run. `--seconds` bounds the fill instead (the size it reached is printed); PostgreSQL is
a scratch server of its own (`range.records.scratch`)."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
from sqlalchemy import Connection, Engine, select

from hardware.stats import percentiles_ms
from range.records.audit import Writer, now
from range.records.database import open_engine, write_transaction
from range.records.errors import DatabaseError
from range.records.migrate import upgrade
from range.records.queries import history
from range.records.schema import Attempt

ATTEMPTS, OFFICERS, STAGES, SHOTS_PER_STAGE = 1_000_000, 10_000, 2, 5
BATCH = 1_000
QUERIES = 300
HISTORY_TARGET_MS, IMPORT_TARGET = 20.0, 0.1


def run_bench(seconds: float | None) -> Iterator[str]:
    yield (f"records: {'up to ' if seconds else ''}{ATTEMPTS:,} attempts, {STAGES} stages "
           f"and {STAGES * SHOTS_PER_STAGE} shots each, {OFFICERS:,} officers"
           + (f"; fill bounded to about {seconds / 4:g} s per database" if seconds else ""))
    with tempfile.TemporaryDirectory() as folder:
        yield from _one("SQLite", lambda: open_engine(f"sqlite:///{folder}/bench.sqlite",
                                                      "bench"), seconds)
    from range.records.scratch import ScratchServer

    try:
        server = ScratchServer().start()
    except DatabaseError as exc:
        yield f"PostgreSQL: not measured: {exc}"
        return
    try:
        yield from _one("PostgreSQL", lambda: open_engine(server.create_database("bench"),
                                                          "bench"), seconds)
    finally:
        server.stop()


def _one(name: str, connect: Callable[[], Engine], seconds: float | None) -> Iterator[str]:
    engine = connect()
    upgrade(engine)
    rng = np.random.default_rng(0)
    with write_transaction(engine) as connection:
        writer = Writer(connection, "bench")
        for i in range(OFFICERS):
            writer.add("officers", {"badge": f"B{i:05d}", "name": f"Officer {i}",
                                    "created_at": now()})
        course = writer.add("courses", {"name": "bench", "title": "bench", "definition": "",
                                        "sha256": "0" * 64, "created_at": now()})
        writer.flush()
    budget = seconds / 4 if seconds else None
    # Each officer ends with about ATTEMPTS / OFFICERS attempts, spread through the table
    # as a real history is; a bounded run estimates its size from its first batch.
    active = OFFICERS if budget is None else 10
    started = time.perf_counter()
    attempts = rows = 0
    while attempts < ATTEMPTS and (budget is None or time.perf_counter() - started < budget):
        with write_transaction(engine) as connection:
            writer = Writer(connection, "bench")
            for _ in range(BATCH):
                rows += _attempt(writer, attempts, attempts % active + 1, course, rng)
                attempts += 1
            writer.flush()
        if budget is not None and attempts == BATCH:
            expected = BATCH * budget / (time.perf_counter() - started)
            active = int(min(OFFICERS, max(10, expected * OFFICERS // ATTEMPTS)))
    fill_s = time.perf_counter() - started
    import_rate = rows / fill_s
    bulk_rate = _bulk_rate(engine, rng)
    yield (f"{name}: filled {attempts:,} attempts, {rows:,} rows "
           f"({attempts * STAGES * SHOTS_PER_STAGE:,} shots) with their audit entries in "
           f"{fill_s:,.1f} s")
    ratio = import_rate / bulk_rate
    yield (f"  import through the audited writer {import_rate:12,.0f} rows/s  vs  bare bulk "
           f"load {bulk_rate:12,.0f} rows/s  ratio {ratio:.2f} (target >= {IMPORT_TARGET:g}"
           f"{'' if ratio >= IMPORT_TARGET else ', MISSED'})")
    with engine.connect() as connection:
        badges = [f"B{int(i):05d}" for i in rng.integers(0, active, QUERIES)]
        ids = [int(i) for i in rng.integers(1, attempts + 1, QUERIES)]
        found = [len(history(connection, badge)) for badge in badges[:5]]
        hist = _timed(connection, lambda c, i: history(c, badges[i]))
        lookup = _timed(connection, lambda c, i: c.execute(
            select(Attempt).where(Attempt.id == ids[i])).one())
    p50, p95 = percentiles_ms(hist, (50, 95))
    b50, b95 = percentiles_ms(lookup, (50, 95))
    yield (f"  officer history ({min(found)}-{max(found)} attempts)  median {p50:7.2f} ms  "
           f"p95 {p95:7.2f} ms  (target < {HISTORY_TARGET_MS:g} ms"
           f"{'' if p95 < HISTORY_TARGET_MS else ', MISSED'})")
    yield f"  baseline: primary-key lookup of one attempt  median {b50:7.2f} ms  p95 {b95:7.2f} ms"
    engine.dispose()


def _attempt(writer: Writer, index: int, officer: int, course: int,
             rng: np.random.Generator) -> int:
    points = [int(v) for v in rng.integers(0, 2 * SHOTS_PER_STAGE + 1, STAGES)]
    total = sum(points)
    attempt = writer.add("attempts", {
        "officer_id": officer, "course_id": course, "equipment_id": None,
        "shot_at": now(), "source": "bench", "seed": index, "points": total,
        "max_points": STAGES * SHOTS_PER_STAGE * 2, "pass_points": 18.0,
        "passed": total >= 18, "unconfirmed": "", "simulator_rule": "", "corrects_id": None,
        "correction_reason": "", "recorded_by": "bench"})
    for stage, stage_points in enumerate(points, start=1):
        writer.add("stage_results", {
            "attempt_id": attempt, "stage": stage, "label": f"stage {stage}",
            "target": "qit-99", "distance_m": 6.4, "start": "holster",
            "rounds": SHOTS_PER_STAGE, "par_s": 5.0, "par_confirmed": True, "delay_s": 2.5,
            "points": stage_points, "max_points": 2 * SHOTS_PER_STAGE,
            "hits": stage_points // 2})
        for row in _shot_rows(attempt, stage, rng):
            writer.add("shots", row)
    return 1 + STAGES * (1 + SHOTS_PER_STAGE)


def _shot_rows(attempt: int, stage: int, rng: np.random.Generator) -> list[dict[str, Any]]:
    xy = rng.normal(0.0, 0.05, (SHOTS_PER_STAGE, 2))
    return [{"attempt_id": attempt, "stage": stage, "shot": i + 1, "t_s": 1.5 + 0.3 * i,
             "split_s": 0.3 if i else None, "u": 960.0 + 100 * x, "v": 540.0 - 100 * y,
             "x_m": float(x), "y_m": float(y), "zone": "bottle", "points": 2,
             "counted": True, "note": "", "x2_m": None, "y2_m": None, "zone2": None,
             "spread_m": None} for i, (x, y) in enumerate(xy)]


BULK_ROWS = 200_000


def _bulk_rate(engine: Engine, rng: np.random.Generator) -> float:
    """Rows per second of the database's own bulk load of shot rows into a bare table."""
    columns = list(_shot_rows(1, 1, rng)[0])
    values = [tuple(r.values()) for _ in range(BULK_ROWS // SHOTS_PER_STAGE)
              for r in _shot_rows(1, 1, rng)]
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        kinds = {"zone": "TEXT", "note": "TEXT", "zone2": "TEXT", "counted": "BOOLEAN"}
        types = ", ".join(f"{c} {kinds.get(c, 'DOUBLE PRECISION')}" for c in columns)
        cursor.execute(f"CREATE TABLE bulk_shots ({types})")
        raw.commit()
        started = time.perf_counter()
        if engine.dialect.name == "postgresql":
            with cursor.copy(f"COPY bulk_shots ({', '.join(columns)}) FROM STDIN") as copy:
                for row in values:
                    copy.write_row(row)
        else:
            cursor.execute("BEGIN")  # one transaction, as a bulk load is done
            marks = ", ".join("?" for _ in columns)
            cursor.executemany(f"INSERT INTO bulk_shots VALUES ({marks})", values)
        raw.commit()
        elapsed = time.perf_counter() - started
        cursor.execute("DROP TABLE bulk_shots")
        raw.commit()
    finally:
        raw.close()
    return len(values) / elapsed


def _timed(connection: Connection, query: Callable[[Connection, int], object]) -> list[int]:
    samples = []
    for i in range(QUERIES):
        started = time.perf_counter_ns()
        query(connection, i)
        samples.append(time.perf_counter_ns() - started)
    return samples



