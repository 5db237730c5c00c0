"""Full-text search over evidence quotes: an FTS5 table kept in step by triggers on SQLite, a GIN
expression index over ``to_tsvector('simple', quote)`` on PostgreSQL (nothing to keep in step).

Queries are plain words (every word must occur; the last one also matches as a prefix), never the
engine's query syntax: user input cannot inject FTS operators. Results come in evidence-row
order (stable across pages), without ranking: ranking every match of a common word over a
million rows would cost more than it is worth for a list that readers then filter.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Connection, func, literal_column, select, text

from countersight.records import EvidenceHit
from countersight.store import schema

_WORD = re.compile(r"\w+", re.UNICODE)
MAX_WORDS = 8

_SQLITE_DDL = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS evidence_fts USING fts5("
    "quote, content='evidence', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER IF NOT EXISTS evidence_fts_ai AFTER INSERT ON evidence BEGIN "
    "INSERT INTO evidence_fts(rowid, quote) VALUES (new.rowid, new.quote); END",
    "CREATE TRIGGER IF NOT EXISTS evidence_fts_ad AFTER DELETE ON evidence BEGIN "
    "INSERT INTO evidence_fts(evidence_fts, rowid, quote) VALUES ('delete', old.rowid, old.quote); END",
    "CREATE TRIGGER IF NOT EXISTS evidence_fts_au AFTER UPDATE OF quote ON evidence BEGIN "
    "INSERT INTO evidence_fts(evidence_fts, rowid, quote) VALUES ('delete', old.rowid, old.quote); "
    "INSERT INTO evidence_fts(rowid, quote) VALUES (new.rowid, new.quote); END",
    "INSERT INTO evidence_fts(evidence_fts) VALUES ('rebuild')",
)
_PG_DDL = ("CREATE INDEX IF NOT EXISTS ix_evidence_quote_fts ON evidence USING gin (to_tsvector('simple', quote))",)


def create_search_index(conn: Connection) -> None:
    """Create (and fill from existing rows) the full-text index of evidence quotes."""
    ddl = _SQLITE_DDL if conn.dialect.name == "sqlite" else _PG_DDL
    for statement in ddl:
        conn.exec_driver_sql(statement)


def query_words(q: str) -> list[str]:
    """The words of a user's query (at most :data:`MAX_WORDS`), lower-cased."""
    return [w.casefold() for w in _WORD.findall(q)][:MAX_WORDS]


def _fts5_match(words: list[str]) -> str:
    # Each word quoted (FTS5 string syntax), the last as a prefix: "kenya" "huaw"*
    quoted = ['"' + w.replace('"', '""') + '"' for w in words]
    quoted[-1] += "*"
    return " ".join(quoted)


def _pg_tsquery(words: list[str]) -> str:
    parts = [re.sub(r"[^\w]", "", w) for w in words]
    parts = [p for p in parts if p]
    return " & ".join(parts[:-1] + [parts[-1] + ":*"]) if parts else ""


def search_evidence(conn: Connection, q: str, limit: int = 20, after: Any = None) -> list[EvidenceHit]:
    """Evidence rows whose quote contains every word of ``q``: evidence id, quote, claim id,
    document id and the claim's deployment, country, vendor and technology, plus ``position`` (the
    keyset to pass back as ``after`` for the next page). Ordered by position: the FTS5 rowid on
    SQLite (read in index order, so a common word stops after ``limit`` rows), the id on PostgreSQL."""
    words = query_words(q)
    if not words:
        return []
    e, c = schema.evidence, schema.claims
    cols = [
        e.c.id,
        e.c.quote,
        e.c.claim_id,
        e.c.document_id,
        c.c.deployment_id,
        c.c.country,
        c.c.vendor,
        c.c.technology,
    ]
    if conn.dialect.name == "sqlite":
        sql = "SELECT rowid FROM evidence_fts WHERE evidence_fts MATCH :match"
        params: dict[str, str | int] = {"match": _fts5_match(words), "n": limit}
        if after is not None:
            sql += " AND rowid > :after"
            params["after"] = int(after)
        hits = [r[0] for r in conn.execute(text(sql + " ORDER BY rowid LIMIT :n"), params)]
        if not hits:
            return []
        position: Any = literal_column("evidence.rowid")
        stmt = select(*cols, position.label("position")).join(c, c.c.id == e.c.claim_id).where(position.in_(hits))
        return [EvidenceHit._make(r) for r in conn.execute(stmt.order_by(position))]
    tsq = _pg_tsquery(words)
    if not tsq:
        return []
    cond = func.to_tsvector(literal_column("'simple'"), e.c.quote).op("@@")(
        func.to_tsquery(literal_column("'simple'"), tsq)
    )
    stmt = select(*cols, e.c.id.label("position")).join(c, c.c.id == e.c.claim_id).where(cond)
    if after is not None:
        stmt = stmt.where(e.c.id > str(after))
    return [EvidenceHit._make(r) for r in conn.execute(stmt.order_by(e.c.id).limit(limit))]
