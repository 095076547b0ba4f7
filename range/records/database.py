"""Which database, and a connection to it: an SQLite file in the user's data folder by
default, or the URL of `--db` / `HOLDFIRE_DB` (PostgreSQL for an agency with several
ranges). URLs are only ever shown with their passwords masked.

Every write runs under one lock, so the audit chain grows one entry at a time: SQLite's
`BEGIN IMMEDIATE`, PostgreSQL's exclusive lock on the audit table (readers go on)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

from range.records.errors import DatabaseError

ENV = "HOLDFIRE_DB"
DIALECTS = ("sqlite", "postgresql")
# user:password@ after a scheme, or at the start of a string with none; up to the last @,
# since a password may hold '/' or '@' that should have been percent-encoded
_PASSWORD = re.compile(r"(://[^:/@\s]*:)\S*@")
_BARE_PASSWORD = re.compile(r"^([^:/@\s]*:)\S*@")


def default_url() -> str:
    import platformdirs

    folder = Path(platformdirs.user_data_dir("holdfire", appauthor=False))
    return f"sqlite:///{folder / 'records.sqlite'}"


def chosen_url(given: str | None) -> tuple[str, str]:
    """(url, where it came from): `--db`, else `HOLDFIRE_DB`, else the default file."""
    if given:
        return given, "--db"
    if os.environ.get(ENV):
        return os.environ[ENV], ENV
    return default_url(), "the default records file"


def masked(url: str) -> str:
    """A URL as it may be printed: the password replaced by ***, parsed or not."""
    return (_PASSWORD if "://" in url else _BARE_PASSWORD).sub(r"\1***@", url)


def parse_url(url: str, where: str) -> URL:
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        raise DatabaseError(f"{where}: expected a database URL such as sqlite:///PATH or "
                            f"postgresql://USER@HOST/DATABASE, found {masked(url)!r}") from None
    if parsed.get_backend_name() not in DIALECTS:
        raise DatabaseError(f"{where}: expected a sqlite or postgresql URL, found "
                            f"{parsed.get_backend_name()!r} in {masked(url)!r}")
    if parsed.get_backend_name() == "postgresql" and parsed.get_driver_name() in ("",
                                                                                   "psycopg2"):
        parsed = parsed.set(drivername="postgresql+psycopg")  # psycopg 3 is the one installed
    if parsed.get_backend_name() == "sqlite" and not parsed.database:
        raise DatabaseError(f"{where}: expected an SQLite file path (sqlite:///PATH), found "
                            f"{masked(url)!r}")
    return parsed


def shown(url: URL) -> str:
    return url.render_as_string(hide_password=True)


def open_engine(url: str, where: str) -> Engine:
    """An engine whose first connection has already succeeded, or one clear line."""
    parsed = parse_url(url, where)
    is_sqlite = parsed.get_backend_name() == "sqlite"
    if is_sqlite and parsed.database != ":memory:":
        folder = Path(parsed.database or "").expanduser().absolute().parent
        if not folder.is_dir():
            if where != "the default records file":
                raise DatabaseError(f"{where}: expected an SQLite file in an existing folder, "
                                    f"found no folder {str(folder)!r}")
            folder.mkdir(parents=True, exist_ok=True)
    args: dict[str, Any] = {"timeout": 60} if is_sqlite else {"connect_timeout": 10}
    engine = create_engine(parsed, connect_args=args, pool_pre_ping=not is_sqlite)
    if is_sqlite:
        _sqlite_transactions(engine)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except DBAPIError as exc:
        engine.dispose()
        raise DatabaseError(f"cannot use the records database {shown(parsed)}: "
                            f"{_reason(exc, parsed)}") from None
    except NoSuchModuleError as exc:
        raise DatabaseError(f"{where}: no driver for {shown(parsed)}: {exc}") from None
    return engine


def _reason(exc: DBAPIError, url: URL) -> str:
    lines = [line.strip() for line in str(exc.orig).splitlines() if line.strip()]
    reason = "; ".join(lines[:2]) or type(exc.orig).__name__
    if url.password:
        reason = reason.replace(str(url.password), "***")
    return reason


def _sqlite_transactions(engine: Engine) -> None:
    """pysqlite opens transactions lazily and never for reads; take them ourselves, so a
    write transaction holds the write lock from its start (`BEGIN IMMEDIATE`)."""

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """A transaction that holds the one write lock: committed whole, or not at all."""
    if engine.dialect.name == "sqlite":
        with engine.connect().execution_options(sqlite_begin="IMMEDIATE") as connection, \
                connection.begin():
            yield connection
        return
    with engine.connect() as connection, connection.begin():
        connection.execute(text("LOCK TABLE audit IN EXCLUSIVE MODE"))
        yield connection
