"""The append-only audit log, chained by hashes, and its verification.

Every row written to a records table gets an audit entry holding the row's content hash
(SHA-256 of its columns, in a canonical form that reads back the same on SQLite and
PostgreSQL); each entry's hash covers the entry before it. `verify` walks the chain and
every table, and names each altered, inserted or deleted row, and each audit entry that
was altered, inserted or taken out.

All writing goes through a `Writer`, inside the one write transaction, so the chain grows
one entry at a time and ids run in chain order; rows are sent in bulk at the end."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Boolean, Column, Connection, Float, Integer, Table, func, select

from range.records.schema import AUDITED, AuditEntry

GENESIS = "0" * 64
_AUDIT: Table = AuditEntry.__table__  # type: ignore[assignment]
TABLES: dict[str, Table] = {m.__tablename__: m.__table__ for m in AUDITED}  # type: ignore[misc]


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _converter(column: Column[Any]) -> Callable[[Any], Any]:
    """How the hash sees a column's values: by its type, so 6 and 6.0 hash alike."""
    if isinstance(column.type, Boolean):
        return bool
    if isinstance(column.type, Float):
        return float
    if isinstance(column.type, Integer):
        return int
    return str


_COLUMNS = {name: tuple(c.name for c in table.columns) for name, table in TABLES.items()}
_CONVERTERS = {name: tuple(_converter(c) for c in table.columns)
               for name, table in TABLES.items()}
_ENCODE = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode


def row_hash(table: Table, row: dict[str, Any]) -> str:
    """SHA-256 of ["table", [each column's value, in table order]] as compact JSON."""
    return _values_hash(table.name, tuple(row.get(n) for n in _COLUMNS[table.name]))


def _values_hash(table_name: str, values: tuple[Any, ...]) -> str:
    seen = [None if v is None else convert(v)
            for v, convert in zip(values, _CONVERTERS[table_name], strict=True)]
    return hashlib.sha256(_ENCODE([table_name, seen]).encode("utf-8")).hexdigest()


def entry_hash(entry: dict[str, Any]) -> str:
    return _entry_digest(entry["seq"], entry["at"], entry["actor"], entry["table_name"],
                         entry["row_id"], entry["row_hash"], entry["prev_hash"])


def _entry_digest(seq: int, at: str, actor: str, table_name: str, row_id: int,
                  row_digest: str, prev: str) -> str:
    """SHA-256 of the entry's fields joined by '|', the previous entry's hash last."""
    text = f"{seq}|{at}|{actor}|{table_name}|{row_id}|{row_digest}|{prev}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class Writer:
    """Rows to append, with their audit entries, inside one write transaction (which
    holds the write lock: see `range.records.database.write_transaction`)."""

    connection: Connection
    actor: str
    _rows: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict)
    _entries: list[tuple[Any, ...]] = field(default_factory=list)
    _next_id: dict[str, int] = field(default_factory=dict)
    _head: tuple[int, str] | None = None
    _at: str = field(default_factory=now)

    def add(self, table_name: str, values: dict[str, Any]) -> int:
        """Queue a row; its id is given here. Returns the id."""
        row_id = self._take_id(TABLES[table_name])
        row = (row_id, *[values.get(n) for n in _COLUMNS[table_name][1:]])
        self._rows.setdefault(table_name, []).append(row)
        seq, prev = self._chain_head()
        seq += 1
        digest = _values_hash(table_name, row)
        own = _entry_digest(seq, self._at, self.actor, table_name, row_id, digest, prev)
        self._entries.append((seq, self._at, self.actor, table_name, row_id, digest, prev,
                              own))
        self._head = (seq, own)
        return row_id

    def flush(self) -> None:
        """Send the queued rows, parents first, then their audit entries."""
        for model in AUDITED:
            rows = self._rows.pop(model.__tablename__, [])
            if rows:
                self._insert(TABLES[model.__tablename__], rows)
        if self._entries:
            self._insert(_AUDIT, self._entries)
            self._entries = []

    def _insert(self, table: Table, rows: list[tuple[Any, ...]]) -> None:
        """The driver's own bulk path, in this transaction: COPY on PostgreSQL, else
        executemany (Core's per-row parameter building costs more than the insert)."""
        names = [c.name for c in table.columns]
        if self.connection.dialect.name == "postgresql":
            cursor = self.connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
            with cursor.copy(f"COPY {table.name} ({', '.join(names)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        mark = "?" if self.connection.dialect.paramstyle == "qmark" else "%s"
        sql = (f"INSERT INTO {table.name} ({', '.join(names)}) VALUES "
               f"({', '.join(mark for _ in names)})")
        self.connection.exec_driver_sql(sql, rows)

    def _take_id(self, table: Table) -> int:
        if table.name not in self._next_id:
            last = self.connection.execute(select(func.max(table.c.id))).scalar()
            self._next_id[table.name] = (last or 0) + 1
        row_id = self._next_id[table.name]
        self._next_id[table.name] = row_id + 1
        return row_id

    def _chain_head(self) -> tuple[int, str]:
        if self._head is None:
            last = self.connection.execute(
                select(_AUDIT.c.seq, _AUDIT.c.entry_hash).order_by(_AUDIT.c.seq.desc())
                .limit(1)).first()
            self._head = (last[0], last[1]) if last else (0, GENESIS)
        return self._head


@dataclass(frozen=True, slots=True)
class Verdict:
    entries: int
    rows: int
    head: str
    problems: tuple[str, ...]

    @property
    def intact(self) -> bool:
        return not self.problems


BATCH = 10_000


def verify(connection: Connection) -> Verdict:
    problems = list(_check_chain(connection))
    entries, head = connection.execute(
        select(func.count(), func.max(_AUDIT.c.seq))).one()
    last = connection.execute(select(_AUDIT.c.entry_hash).where(_AUDIT.c.seq == head)
                              ).scalar() if head else GENESIS
    rows = 0
    for name, table in TABLES.items():
        count, found = _check_table(connection, name, table)
        rows += count
        problems += found
    return Verdict(entries, rows, str(last), tuple(problems))


def _check_chain(connection: Connection) -> Iterator[str]:
    expected_seq, prev = 1, GENESIS
    for entry in _stream(connection, select(_AUDIT).order_by(_AUDIT.c.seq)):
        seq = entry["seq"]
        if seq > expected_seq:
            yield (f"deleted: audit entries {expected_seq}" + (f" to {seq - 1}" if seq - 1 >
                   expected_seq else "") + " are missing from the chain")
        if entry["entry_hash"] != entry_hash(entry):
            yield f"altered: audit entry {seq} does not match its own hash"
        elif entry["prev_hash"] != prev and seq == expected_seq:
            yield f"inserted or altered: audit entry {seq} does not follow entry {seq - 1}"
        expected_seq, prev = seq + 1, entry["entry_hash"]


def _check_table(connection: Connection, name: str, table: Table) -> tuple[int, list[str]]:
    """Merge the table's rows with its audit entries, both in id order."""
    audited = _stream(connection, select(_AUDIT.c.row_id, _AUDIT.c.row_hash, _AUDIT.c.seq)
                      .where(_AUDIT.c.table_name == name).order_by(_AUDIT.c.row_id))
    rows = _stream(connection, select(table).order_by(table.c.id))
    problems: list[str] = []
    count = 0
    entry, row = next(audited, None), next(rows, None)
    while entry is not None or row is not None:
        if row is not None and (entry is None or row["id"] < entry["row_id"]):
            problems.append(f"inserted: {name} row {row['id']} has no audit entry")
            count, row = count + 1, next(rows, None)
        elif entry is not None and (row is None or entry["row_id"] < row["id"]):
            problems.append(f"deleted: {name} row {entry['row_id']} (audit entry "
                            f"{entry['seq']}) is missing")
            entry = next(audited, None)
        else:
            assert entry is not None and row is not None
            if row_hash(table, row) != entry["row_hash"]:
                problems.append(f"altered: {name} row {row['id']} does not match audit "
                                f"entry {entry['seq']}")
            count, entry, row = count + 1, next(audited, None), next(rows, None)
    return count, problems


def _stream(connection: Connection, query: Any) -> Iterator[dict[str, Any]]:
    result = connection.execution_options(yield_per=BATCH).execute(query)
    for row in result.mappings():
        yield dict(row)

