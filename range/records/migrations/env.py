"""Alembic's environment for the records: run in-process on the connection that
`range.records.migrate` hands over, never from a config file."""

from alembic import context

from range.records.schema import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata,
                  render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
