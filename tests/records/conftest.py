"""The records tests run twice: on an SQLite file, and on a real PostgreSQL server this
session starts itself (initdb/pg_ctl in a temp folder, a free port, its socket there).
PostgreSQL missing on the machine is a failure, not a skip: CI installs it
(tools/system-packages.sh)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from range.records.errors import DatabaseError
from range.records.scratch import ScratchServer
from range.records.store import Records

_names = itertools.count()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[ScratchServer]:
    try:
        server = ScratchServer().start()
    except DatabaseError as exc:
        pytest.fail(f"the records tests need a real PostgreSQL server: {exc}")
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'records.sqlite'}"
    server: ScratchServer = request.getfixturevalue("pg_server")
    return server.create_database(f"t{next(_names)}")


@pytest.fixture
def records(db_url: str) -> Iterator[Records]:
    # argon2 with light parameters: the same algorithm and checks, at test speed
    opened = Records.open(db_url, PasswordHasher(time_cost=1, memory_cost=1024))
    yield opened
    opened.close()
