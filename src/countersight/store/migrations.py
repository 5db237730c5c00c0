"""Versioned schema migrations. Each entry upgrades the schema by one version; the applied
version is recorded in ``schema_version``. Append new steps; never edit an applied one."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection, bindparam, func, insert, inspect, select

from countersight import clock
from countersight.model import Evidence
from countersight.store import schema, search
from countersight.store.rows import evidence_id


def _v1_initial(conn: Connection) -> None:
    tables = [t for t in schema.metadata.sorted_tables if t.name != "schema_version"]
    schema.metadata.create_all(conn, tables=tables, checkfirst=True)


def _v2_deployment_documents(conn: Connection) -> None:
    schema.deployment_documents.create(conn, checkfirst=True)


def _v3_api(conn: Connection) -> None:
    schema.api_tokens.create(conn, checkfirst=True)
    for index in schema.deployment_api_indexes:
        index.create(conn, checkfirst=True)
    search.create_search_index(conn)


def _v4_ingest_records(conn: Connection) -> None:
    schema.ingest_records.create(conn, checkfirst=True)


def _v5_financing(conn: Connection) -> None:
    schema.financing.create(conn, checkfirst=True)


def _v6_evidence_position(conn: Connection) -> None:
    if "position" not in {c["name"] for c in inspect(conn).get_columns("evidence")}:
        conn.exec_driver_sql('ALTER TABLE evidence ADD COLUMN "position" INTEGER')
    backfill_evidence_positions(conn)
    schema.ix_claims_financing.create(conn, checkfirst=True)


def backfill_evidence_positions(conn: Connection) -> int:
    """Give evidence rows without a position the index their id was hashed from (the id is
    ``evidence_id(claim, index, evidence)``, so trying each index of the claim recovers it); rows
    no index reproduces go after the others. Returns how many rows were set."""
    e = schema.evidence
    cols = (e.c.id, e.c.claim_id, e.c.document_id, e.c.start, e.c.end, e.c.row, e.c.column)
    rows = list(conn.execute(select(*cols).where(e.c.position.is_(None))).mappings())
    if not rows:
        return 0
    sizes: dict[str, int] = {
        cid: int(n) for cid, n in conn.execute(select(e.c.claim_id, func.count()).group_by(e.c.claim_id))
    }
    updates = []
    for r in rows:
        n = sizes.get(r["claim_id"], 0)
        ev = Evidence(
            document_id=r["document_id"], quote="", start=r["start"], end=r["end"], row=r["row"], column=r["column"]
        )
        found = next((i for i in range(n) if evidence_id(r["claim_id"], i, ev) == r["id"]), n)
        updates.append({"evid": r["id"], "pos": found})
    stmt = e.update().where(e.c.id == bindparam("evid")).values(position=bindparam("pos"))
    for i in range(0, len(updates), 5000):
        conn.execute(stmt, updates[i : i + 5000])
    return len(updates)


def _v8_token_expiry(conn: Connection) -> None:
    have = {c["name"] for c in inspect(conn).get_columns("api_tokens")}
    kind = "TIMESTAMP WITH TIME ZONE" if conn.dialect.name == "postgresql" else "DATETIME"
    for name in ("expires_at", "last_used_at"):
        if name not in have:
            conn.exec_driver_sql(f"ALTER TABLE api_tokens ADD COLUMN {name} {kind}")


def _v9_follow(conn: Connection) -> None:
    for table in (
        schema.feed_sources,
        schema.fetched_urls,
        schema.warc_files,
        schema.document_stories,
        schema.story_bands,
    ):
        table.create(conn, checkfirst=True)


def _v10_store_version(conn: Connection) -> None:
    schema.store_version.create(conn, checkfirst=True)
    if conn.execute(select(schema.store_version.c.id)).first() is None:
        conn.execute(insert(schema.store_version).values(id=1, version=1))


MIGRATIONS: list[tuple[int, str, Callable[[Connection], None]]] = [
    (1, "initial schema", _v1_initial),
    (2, "deployment_documents: the resolved deployment <-> document link", _v2_deployment_documents),
    (3, "api_tokens, deployment filter indexes, full-text search over evidence", _v3_api),
    (4, "ingest_records: per-record progress inside web archives", _v4_ingest_records),
    (5, "financing: finance-dataset projects (AidData) with lender, instrument and amounts", _v5_financing),
    (6, "evidence.position; index of claims stating financing", _v6_evidence_position),
    # 7 is never to be assigned: stores made on the issue15 branch recorded it for the store
    # version (now 10), so a later step numbered 7 would be skipped there.
    (8, "api_tokens.expires_at and last_used_at", _v8_token_expiry),
    (9, "follow: feed_sources, fetched_urls, warc_files, document_stories, story_bands", _v9_follow),
    (10, "store_version: a counter every write bumps, for caches", _v10_store_version),
]


def current_version(conn: Connection) -> int:
    """The schema version the database is at (0 for an empty database)."""
    if not inspect(conn).has_table("schema_version"):
        return 0
    return int(conn.execute(select(func.coalesce(func.max(schema.schema_version.c.version), 0))).scalar_one())


def migrate(conn: Connection) -> list[int]:
    """Apply every pending migration inside the caller's transaction; return those applied.

    Pending means not recorded yet, so every step newer than the database's version applies,
    in ascending order, and numbers may have gaps. Versions are assigned to parallel lines of
    work, so a database can also be at version 10 without 9, and 9 still applies when it
    arrives (each step is idempotent)."""
    schema.schema_version.create(conn, checkfirst=True)
    done = set(conn.execute(select(schema.schema_version.c.version)).scalars())
    applied = []
    for version, _name, step in sorted(MIGRATIONS, key=lambda m: m[0]):
        if version not in done:
            step(conn)
            conn.execute(insert(schema.schema_version).values(version=version, applied_at=clock.now()))
            applied.append(version)
    return applied
