"""Bulk writes, the one way rows go into either database.

:func:`write_records` maps records (documents, claims with their evidence, organizations) to rows
(:mod:`countersight.store.rows`) and :func:`insert_rows` writes them inside the caller's
transaction: on SQLite through the driver's ``executemany``, on PostgreSQL through ``COPY`` into a
staging table and one ``INSERT ... SELECT ... ON CONFLICT``. Both skip existing keys (or update
on the given key columns), so a re-run inserts nothing new, and both count only the rows written.

The ingest writer's own cost is what limits a scaled-out run (docs/scaling.md): SQLAlchemy's
per-row parameter handling cost as much as the database's own work, so values are converted
here with SQLAlchemy's own bind processors and handed to the driver in one call.
"""

from __future__ import annotations

import functools
import hashlib
import operator
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, Dialect, Table
from sqlalchemy.dialects import postgresql, sqlite

from countersight import clock
from countersight.errors import StoreError
from countersight.model import Claim, Document, Organization
from countersight.store import schema
from countersight.store.rows import SqlRow, claim_row, document_row, evidence_rows, organization_row

_Processor = Callable[[Any], Any] | None
# Parents before children: SQLite checks foreign keys as each row goes in.
_TABLE_ORDER = (schema.documents, schema.organizations, schema.claims, schema.evidence)


def write_records(conn: Connection, records: Iterable[Document | Claim | Organization]) -> dict[str, int]:
    """Store records in the caller's transaction, leaving existing ids untouched; return the new
    rows per table written (``documents``, ``claims``, ``evidence``, ``organizations``; a table no
    record maps to is absent). A claim without evidence is refused before anything is written."""
    rows: dict[str, list[SqlRow]] = {}
    now = clock.now()  # one stamp per write, converted once for the whole batch (below)
    for record in records:
        if isinstance(record, Document):
            rows.setdefault("documents", []).append(document_row(record, now))
        elif isinstance(record, Claim):
            if not record.evidence:
                raise StoreError(f"claim {record.id} has no evidence; every claim needs a source")
            rows.setdefault("claims", []).append(claim_row(record, now))
            rows.setdefault("evidence", []).extend(evidence_rows(record))
        elif isinstance(record, Organization):
            rows.setdefault("organizations", []).append(organization_row(record))
        else:
            raise TypeError(f"not a record the store writes in bulk: {type(record).__name__}")
    return {t.name: insert_rows(conn, t, rows[t.name]) for t in _TABLE_ORDER if t.name in rows}


def insert_rows(conn: Connection, table: Table, rows: Sequence[SqlRow], conflict: Sequence[str] = ()) -> int:
    """Insert rows in the caller's transaction: with ``conflict`` empty, skipping those whose key
    exists (``ON CONFLICT DO NOTHING``); else updating every other column on those key columns.
    Returns the rows written."""
    if not rows:
        return 0
    if conflict:
        # One PostgreSQL statement may not touch the same row twice: the last row of a key wins.
        rows = list({tuple(r[k] for k in conflict): r for r in rows}.values())
    columns = tuple(rows[0])
    values = bound_values(table, columns, rows, conn.dialect)
    if values is None:
        return _insert_statement(conn, table, rows, conflict)
    if conn.dialect.name == "postgresql":
        return _postgres_copy(conn, table, columns, values, tuple(conflict))
    return _sqlite_executemany(conn, table, columns, values, tuple(conflict))


@functools.lru_cache(maxsize=128)
def _bind_processors(table: Table, columns: tuple[str, ...], dialect: Dialect) -> tuple[_Processor, ...]:
    """Each column's bind processor (JSON, date and time types), as SQLAlchemy would apply it."""
    return tuple(table.c[c].type.dialect_impl(dialect).bind_processor(dialect) for c in columns)


def bound_values(table: Table, columns: tuple[str, ...], rows: Sequence[SqlRow], dialect: Dialect) -> list[Any] | None:
    """``rows`` as tuples in ``columns`` order with the dialect's bind processors applied; None
    when the rows do not all have exactly those columns."""
    n = len(columns)
    get = operator.itemgetter(*columns)
    try:
        values: list[Any] = [get(r) for r in rows if len(r) == n]
    except KeyError:
        return None
    if len(values) != len(rows):
        return None
    if n == 1:  # itemgetter of one key returns the value itself
        values = [(v,) for v in values]
    convert = [(i, p) for i, p in enumerate(_bind_processors(table, columns, dialect)) if p is not None]
    if not convert:
        return values
    # A value shared by consecutive rows (the batch's commit stamp) is converted once.
    last: dict[int, tuple[Any, Any]] = {i: (object(), None) for i, _ in convert}
    out = []
    for v in values:
        row = list(v)
        for i, p in convert:
            raw = row[i]
            seen, done = last[i]
            if raw is not seen:
                done = p(raw)
                last[i] = (raw, done)
            row[i] = done
        out.append(tuple(row))
    return out


def _insert_statement(conn: Connection, table: Table, rows: Sequence[SqlRow], conflict: Sequence[str]) -> int:
    """Rows whose columns differ from one to the next, through SQLAlchemy (which fills each
    statement's missing columns)."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(table)
    if conflict:
        update = {c.name: stmt.excluded[c.name] for c in table.columns if c.name not in conflict}
        stmt = stmt.on_conflict_do_update(index_elements=list(conflict), set_=update)
    else:
        stmt = stmt.on_conflict_do_nothing()
    # RETURNING counts the rows really written (executemany rowcount is not reliable with psycopg).
    stmt = stmt.returning(*table.primary_key.columns)
    total = 0
    for i in range(0, len(rows), 500):
        total += len(conn.execute(stmt, [dict(r) for r in rows[i : i + 500]]).all())
    return total


def _conflict_clause(table: Table, conflict: tuple[str, ...], dialect: Dialect) -> str:
    quote = dialect.identifier_preparer.quote
    if not conflict:
        return "ON CONFLICT DO NOTHING"
    sets = ", ".join(f"{quote(c.name)} = excluded.{quote(c.name)}" for c in table.columns if c.name not in conflict)
    return f"ON CONFLICT ({', '.join(quote(c) for c in conflict)}) DO UPDATE SET {sets}"


@functools.lru_cache(maxsize=128)
def _sqlite_sql(table: Table, columns: tuple[str, ...], conflict: tuple[str, ...], dialect: Dialect) -> str:
    quote = dialect.identifier_preparer.quote
    names = ", ".join(quote(c) for c in columns)
    marks = ", ".join("?" for _ in columns)
    target = dialect.identifier_preparer.format_table(table)
    return f"INSERT INTO {target} ({names}) VALUES ({marks}) {_conflict_clause(table, conflict, dialect)}"


def _sqlite_executemany(
    conn: Connection, table: Table, columns: tuple[str, ...], values: Sequence[Sequence[Any]], conflict: tuple[str, ...]
) -> int:
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.executemany(_sqlite_sql(table, columns, conflict, conn.dialect), values)
        # sqlite3 sums sqlite3_changes() over the rows: a skipped row adds 0, and rows written
        # by triggers (the evidence FTS index) are not counted.
        return int(cursor.rowcount)
    finally:
        cursor.close()


@functools.lru_cache(maxsize=128)
def _postgres_sql(
    table: Table, columns: tuple[str, ...], conflict: tuple[str, ...], dialect: Dialect
) -> tuple[str, str, str]:
    """(create the staging table, COPY into it, move its rows into ``table``)."""
    quote = dialect.identifier_preparer.quote
    names = ", ".join(quote(c) for c in columns)
    target = dialect.identifier_preparer.format_table(table)
    # One staging table per table and column list, kept for the session and emptied by the move:
    # creating one per batch would churn the catalogue.
    digest = hashlib.sha1(repr(columns).encode(), usedforsecurity=False).hexdigest()[:10]
    stage = quote(f"cs_stage_{table.name}_{digest}")
    create = (
        f"CREATE TEMPORARY TABLE IF NOT EXISTS {stage} ON COMMIT DELETE ROWS AS "
        f"SELECT {names} FROM {target} WITH NO DATA"
    )
    copy = f"COPY {stage} ({names}) FROM STDIN"
    move = (
        f"WITH staged AS (DELETE FROM {stage} RETURNING {names}) "
        f"INSERT INTO {target} ({names}) SELECT {names} FROM staged {_conflict_clause(table, conflict, dialect)}"
    )
    return create, copy, move


def _postgres_copy(
    conn: Connection, table: Table, columns: tuple[str, ...], values: Sequence[Sequence[Any]], conflict: tuple[str, ...]
) -> int:
    create, copy_sql, move = _postgres_sql(table, columns, conflict, conn.dialect)
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(create)
        with cursor.copy(copy_sql) as copy:
            for row in values:
                copy.write_row(row)
        cursor.execute(move)
        # INSERT ... ON CONFLICT DO NOTHING counts the rows it inserted, not those it skipped.
        return int(cursor.rowcount)
    finally:
        cursor.close()
