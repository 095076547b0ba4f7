"""The records' schema brought up to date (or down) by Alembic, run in-process: the
migration scripts ship inside the package, so an installed Holdfire needs no config file.
A migration runs in one transaction under a lock, so two processes starting on a new
database at once do not both create it."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

SCRIPTS = Path(__file__).with_name("migrations")
_LOCK = 0x486F6C64  # "Hold": the advisory lock key that serialises migrations


def _config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(SCRIPTS))
    config.attributes["connection"] = connection
    return config


def head() -> str:
    revision = ScriptDirectory.from_config(_config()).get_current_head()
    assert revision is not None
    return revision


def current(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    _run(engine, lambda config: command.upgrade(config, revision))


def downgrade(engine: Engine, revision: str = "base") -> None:
    _run(engine, lambda config: command.downgrade(config, revision))


def ensure_current(engine: Engine) -> None:
    """Upgrade to the newest schema if the database is behind (a new one is empty)."""
    with engine.connect() as connection:
        if current(connection) == head():
            return
    upgrade(engine)


def _run(engine: Engine, step: object) -> None:
    assert callable(step)
    options = {"sqlite_begin": "IMMEDIATE"} if engine.dialect.name == "sqlite" else {}
    with engine.connect().execution_options(**options) as connection, connection.begin():
        if engine.dialect.name == "postgresql":
            connection.execute(text(f"SELECT pg_advisory_xact_lock({_LOCK})"))
        step(_config(connection))
