"""Real processes: `holdfire qualify` killed with SIGKILL at any moment leaves either a
whole attempt or none, and the chain verifies; two processes qualifying at once on
PostgreSQL lose nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from range.records.schema import Attempt, ShotRecord, StageResult
from range.records.scratch import ScratchServer
from range.records.store import Records

HOLDFIRE = str(Path(sys.executable).with_name("holdfire"))
QUALIFY = [HOLDFIRE, "qualify", "fbi-2019", "--officer", "B100",
           "--inputs", "good"]


def _whole_attempts(records: Records) -> int:
    """The number of attempts, each checked to hold all its 11 stages and 50 shots."""
    with records.engine.connect() as connection:
        attempts = connection.execute(select(Attempt.id)).scalars().all()
        for attempt in attempts:
            stages = connection.execute(select(func.count()).where(
                StageResult.attempt_id == attempt)).scalar()
            shots = connection.execute(select(func.count()).where(
                ShotRecord.attempt_id == attempt)).scalar()
            assert (stages, shots) == (11, 50), attempt
    verdict = records.verify()
    assert verdict.intact, verdict.problems
    return len(attempts)


@pytest.mark.slow
def test_sigkill_mid_attempt_leaves_no_partial_result(records: Records, db_url: str) -> None:
    records.add_officer("B100", "Dana Reyes")
    env = {**os.environ, "HOLDFIRE_DB": db_url}
    started = time.monotonic()
    subprocess.run(QUALIFY, env=env, check=True, capture_output=True, timeout=120)
    whole_run = time.monotonic() - started
    kept, killed = 1, 0
    # kill at moments spread over a whole run: before, during and after the write (the
    # first run may have been the slowest, a cold start on a busy machine: the early
    # moments still kill one)
    for fraction in (0.1, 0.3, 0.5, 0.7, 0.8, 0.85, 0.9, 0.95, 1.0, 1.1):
        process = subprocess.Popen(QUALIFY, env=env, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        time.sleep(whole_run * fraction)
        process.send_signal(signal.SIGKILL)
        killed += process.wait(timeout=60) == -signal.SIGKILL
        count = _whole_attempts(records)
        assert count in (kept, kept + 1)
        kept = count
    assert killed >= 1


@pytest.mark.slow
def test_sigkill_inside_the_write_transaction_on_postgresql(pg_server: ScratchServer) -> None:
    """The test holds the shots table, so the process stops inside its transaction with
    the attempt and its stages already inserted; killed there, none of it remains."""
    url = pg_server.create_database("killed")
    records = Records.open(url)
    records.add_officer("B100", "Dana Reyes")
    with records.engine.connect() as holder:
        holder.execute(text("LOCK TABLE shots IN SHARE MODE"))
        process = subprocess.Popen(QUALIFY, env={**os.environ, "HOLDFIRE_DB": url},
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        with records.engine.connect() as watcher:
            deadline = time.monotonic() + 120
            while not watcher.execute(text(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                    "AND query LIKE 'COPY shots%'")).scalar():
                assert time.monotonic() < deadline and process.poll() is None
                time.sleep(0.05)
                watcher.rollback()
        process.send_signal(signal.SIGKILL)
        assert process.wait(timeout=60) == -signal.SIGKILL
        holder.rollback()
    assert _whole_attempts(records) == 0
    assert records.verify().entries == 1  # the officer's
    records.close()


@pytest.mark.slow
def test_two_processes_qualifying_at_once_on_postgresql_lose_nothing(
        pg_server: ScratchServer) -> None:
    url = pg_server.create_database("concurrent")
    records = Records.open(url)
    records.add_officer("B100", "Dana Reyes")
    env = {**os.environ, "HOLDFIRE_DB": url}
    loop = " && ".join([" ".join([*QUALIFY, "--seed", str(seed)]) for seed in range(3)])
    processes = [subprocess.Popen(["sh", "-c", loop.replace("--seed ", f"--seed {lane}")],
                                  env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
                 for lane in (1, 2)]
    for process in processes:
        _, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
    assert _whole_attempts(records) == 6
    with records.engine.connect() as connection:
        ids = connection.execute(select(Attempt.id).order_by(Attempt.id)).scalars().all()
        seeds = connection.execute(select(Attempt.seed)).scalars().all()
    assert ids == [1, 2, 3, 4, 5, 6]
    assert sorted(seeds) == [10, 11, 12, 20, 21, 22]
    records.close()
