"""Ingest bookkeeping: which inputs (files, and records inside web archives) are done or
failed, which documents are already stored, and the batched, transactional commit that
writes documents, claims, evidence and progress together (so a kill at any point leaves
either all of a batch or none of it)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TypedDict

from sqlalchemy import Table, and_, select

from countersight import clock
from countersight.model import Claim, Document
from countersight.records import FailedInput
from countersight.store import schema
from countersight.store.bulk import insert_rows, write_records
from countersight.store.db import Store

_LOOKUP_CHUNK = 500


class InputValues(TypedDict):
    """The parameters of one ``ingest_inputs`` upsert: a whole input's progress."""

    id: str
    path: str
    record: int | None
    status: str
    error: str | None
    document_id: str | None
    updated_at: dt.datetime


class RecordValues(TypedDict):
    """The parameters of one ``ingest_records`` upsert: one archive record's progress."""

    input_id: str
    offset: int
    status: str
    error: str | None
    document_id: str | None


def _stored_ids(store: Store, table: Table, ids: Iterable[str], status: str | None = None) -> set[str]:
    """Those of ``ids`` present in ``table`` (with ``status``, when given), in batched lookups."""
    wanted = list(dict.fromkeys(ids))
    found: set[str] = set()
    key = table.c.id
    with store.engine.connect() as conn:
        for i in range(0, len(wanted), _LOOKUP_CHUNK):
            chunk = wanted[i : i + _LOOKUP_CHUNK]
            if store.dialect == "sqlite":
                # Once per batch on the writer: the driver directly, without SQLAlchemy's
                # expanding-IN parameter handling.
                sql = f"SELECT id FROM {table.name} WHERE id IN ({', '.join('?' for _ in chunk)})"
                params: tuple[str, ...] = tuple(chunk)
                if status is not None:
                    sql, params = sql + " AND status = ?", (*params, status)
                found.update(r[0] for r in conn.exec_driver_sql(sql, params))
            else:
                q = select(key).where(key.in_(chunk))
                if status is not None:
                    q = q.where(table.c.status == status)
                found.update(conn.execute(q).scalars())
    return found


def existing_document_ids(store: Store, ids: Iterable[str]) -> set[str]:
    """Those of ``ids`` already stored."""
    return _stored_ids(store, schema.documents, ids)


def done_inputs(store: Store, ids: Iterable[str]) -> set[str]:
    """Those of ``ids`` (inputs) already done."""
    return _stored_ids(store, schema.ingest_inputs, ids, "done")


def done_offsets(store: Store, input_id: str, start: int = 0, end: int | None = None) -> set[int]:
    """Offsets of the archive records of an input already committed (done or failed)."""
    t = schema.ingest_records
    cond = and_(t.c.input_id == input_id, t.c.offset >= start)
    if end is not None:
        cond = and_(cond, t.c.offset < end)
    with store.engine.connect() as conn:
        return set(conn.execute(select(t.c.offset).where(cond)).scalars())


def failed_inputs(store: Store) -> list[FailedInput]:
    """Every recorded failure: whole inputs (by path), then single archive records (by input and
    offset)."""
    ti, tr = schema.ingest_inputs, schema.ingest_records
    with store.engine.connect() as conn:
        q_inputs = select(ti.c.path, ti.c.record, ti.c.error).where(ti.c.status == "failed").order_by(ti.c.path)
        rows = [FailedInput(*r) for r in conn.execute(q_inputs)]
        q = (
            select(ti.c.path, tr.c.offset, tr.c.error)
            .join(ti, ti.c.id == tr.c.input_id, isouter=True)
            .where(tr.c.status == "failed")
            .order_by(tr.c.input_id, tr.c.offset)
        )
        rows += [FailedInput(*r) for r in conn.execute(q)]
    return rows


def input_row(
    input_id: str, path: str, status: str, error: str | None = None, document_id: str | None = None
) -> InputValues:
    """An ``ingest_inputs`` row for a whole input."""
    return {
        "id": input_id,
        "path": path,
        "record": None,
        "status": status,
        "error": error,
        "document_id": document_id,
        "updated_at": clock.now(),
    }


def record_row(
    input_id: str, offset: int, status: str, error: str | None = None, document_id: str | None = None
) -> RecordValues:
    """An ``ingest_records`` row for one archive record."""
    return {"input_id": input_id, "offset": offset, "status": status, "error": error, "document_id": document_id}


def commit_batch(
    store: Store,
    documents: Sequence[Document],
    claims: Sequence[Claim],
    inputs: Sequence[InputValues],
    records: Sequence[RecordValues],
) -> dict[str, int]:
    """Write documents, claims with evidence, and input/record progress (upserted: a failed
    archive record later done is updated) in one transaction."""
    with store.transaction() as conn:
        counts = write_records(conn, [*documents, *claims])
        insert_rows(conn, schema.ingest_inputs, inputs, ["id"])
        insert_rows(conn, schema.ingest_records, records, ["input_id", "offset"])
    return {name: counts.get(name, 0) for name in ("documents", "claims", "evidence")}
