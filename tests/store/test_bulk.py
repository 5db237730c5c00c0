"""The bulk writer (:mod:`countersight.store.bulk`): executemany on SQLite and COPY on PostgreSQL
store the rows SQLAlchemy would, count only new rows, skip existing keys or upsert on a key."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from countersight.errors import StoreError
from countersight.ids import content_hash
from countersight.model import Claim, Document, Organization
from countersight.store import Store, bulk, open_store, schema
from store_fixture import sample_claim, sample_document


def _table_rows(store: Store, table: Any, skip: tuple[str, ...] = ()) -> list[tuple[Any, ...]]:
    """Every row as SQLite stored it (datetimes and JSON as their stored text), without ``skip``."""
    cols = [c.name for c in table.columns if c.name not in skip]
    with store.engine.connect() as conn:
        quoted = ", ".join(f'"{c}"' for c in cols)
        return sorted(tuple(r) for r in conn.exec_driver_sql(f"SELECT {quoted} FROM {table.name}"))


def _bulk_examples() -> tuple[list[Document], list[Claim]]:
    docs = [
        sample_document(),
        Document(
            id=content_hash("b"),
            text="Ünïcode — text",
            published=None,
            language="pt",
            source_kind="warc",
            fetched_at=dt.datetime(2021, 5, 6, 7, 8, 9, 123456, tzinfo=dt.UTC),
            meta={"nested": {"a": [1, 2.5, None]}, "ç": "ü"},
        ),
    ]
    return docs, [sample_claim(docs[0]), sample_claim(docs[1], "facial_recognition")]


def test_sqlite_bulk_path_stores_what_sqlalchemy_stores(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The writer's executemany path applies SQLAlchemy's own bind processors: the bytes stored
    (dates, aware datetimes, JSON, floats, NULLs) are those of the SQLAlchemy statement."""
    docs, claims = _bulk_examples()
    fast = open_store(f"sqlite:///{tmp_path / 'fast.db'}")
    fast.add(docs, claims)
    monkeypatch.setattr(bulk, "bound_values", lambda *a, **k: None)  # every row through SQLAlchemy
    slow = open_store(f"sqlite:///{tmp_path / 'slow.db'}")
    slow.add(docs, claims)
    monkeypatch.undo()
    for table, stamp in ((schema.documents, ("ingested_at",)), (schema.claims, ("created_at",)), (schema.evidence, ())):
        got, want = _table_rows(fast, table, stamp), _table_rows(slow, table, stamp)
        assert got == want and len(got) == 2, table.name
    # The commit stamps are stored in the same format on both paths.
    stamps = {}
    for name, st in (("fast", fast), ("slow", slow)):
        with st.engine.connect() as conn:
            stamps[name] = [r[0] for r in conn.exec_driver_sql("SELECT ingested_at FROM documents")]
    assert [re.sub(r"\d", "9", x) for x in stamps["fast"]] == [re.sub(r"\d", "9", x) for x in stamps["slow"]]
    back = fast.get_document(docs[1].id)
    # SQLite keeps datetimes without their zone (UTC here), on either path.
    assert back is not None and back.meta == docs[1].meta
    assert back.fetched_at is not None and back.fetched_at.replace(tzinfo=dt.UTC) == docs[1].fetched_at
    fast.close()
    slow.close()


def _comparable(value: Any) -> Any:
    """A stored value as both databases give it back: SQLite drops a datetime's zone (UTC)."""
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    return value


@pytest.mark.postgres
def test_bulk_write_stores_the_same_rows_on_sqlite_and_postgresql(tmp_path: Path, pg_database_url: str) -> None:
    """The one bulk path (executemany on SQLite, COPY on PostgreSQL) stores the same rows, counts
    only new ones, and a re-run (or a duplicate in the batch) inserts nothing."""
    docs, claims = _bulk_examples()
    org = Organization(id="org-acme", name="Acme\u202e", kind="vendor", aliases=("A", "B"), needs_review=True)
    tables = {}
    for url in (f"sqlite:///{tmp_path / 's.db'}", pg_database_url):
        st = open_store(url)
        assert st.add([*docs, docs[0]], claims) == {"documents": 2, "claims": 2, "evidence": 2}
        assert st.add(docs, claims) == {"documents": 0, "claims": 0, "evidence": 0}
        assert st.add_organizations([org, org]) == 1
        assert st.add_organizations([org]) == 0
        with st.engine.connect() as conn:
            tables[st.dialect] = {
                t.name: sorted(
                    (tuple(_comparable(r[c.name]) for c in t.columns if c.name not in ("ingested_at", "created_at")))
                    for r in conn.execute(select(t)).mappings()
                )
                for t in (schema.documents, schema.claims, schema.evidence, schema.organizations)
            }
        assert [c.evidence for c in st.claims()] == [c.evidence for c in sorted(claims, key=lambda c: c.id)]
        back = st.get_document(docs[1].id)
        assert back is not None and (back.text, back.meta) == (docs[1].text, docs[1].meta)
        st.close()
    assert tables["sqlite"] == tables["postgresql"]
    assert [len(rows) for rows in tables["sqlite"].values()] == [2, 2, 2, 1]


def test_sqlite_bulk_counts_only_new_rows(tmp_path: Path) -> None:
    """Duplicates within a batch and rows already stored are not counted; the evidence FTS
    trigger's own inserts are not counted either."""
    store = open_store(f"sqlite:///{tmp_path / 's.db'}")
    a, b, c = sample_document("one text"), sample_document("two text"), sample_document("three text")
    assert store.add([a]) == {"documents": 1, "claims": 0, "evidence": 0}
    assert store.add([a, b, b, c], [sample_claim(b), sample_claim(c)]) == {"documents": 2, "claims": 2, "evidence": 2}
    assert store.stats()["documents"] == 3
    # Rows that do not all have the same columns take the SQLAlchemy path, with the same result.
    with store.transaction() as conn:
        base = {"kind": "vendor", "aliases": [], "needs_review": False}
        rows = [{"id": "org-x", "name": "X", **base}, {"id": "org-y", "name": "Y", **base, "home_country": "CHN"}]
        assert bulk.bound_values(schema.organizations, tuple(rows[0]), rows, conn.dialect) is None
        assert store.insert_ignore(conn, schema.organizations, rows) == 2
        assert store.insert_ignore(conn, schema.organizations, rows) == 0
    store.close()


def test_write_records_refuses_what_it_does_not_map(store: Store) -> None:
    doc = sample_document()
    bad = Claim(id="cl-x", country="KEN", evidence=(), extractor="t", extractor_version="1", source="t")
    with store.transaction() as conn:
        with pytest.raises(StoreError, match="no evidence"):
            bulk.write_records(conn, [doc, bad])
        with pytest.raises(TypeError, match="str"):
            bulk.write_records(conn, [doc, "not a record"])  # type: ignore[list-item]
        # Parents go in first whatever the order given: the claim before its document is fine.
        counts = bulk.write_records(conn, [sample_claim(doc), doc])
    assert counts == {"documents": 1, "claims": 1, "evidence": 1}


def test_insert_rows_upserts_on_a_key_and_the_last_row_of_a_key_wins(store: Store) -> None:
    t = schema.ingest_inputs
    stamp = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    row = {"id": "in-1", "path": "a.txt", "record": None, "error": "x", "document_id": None, "updated_at": stamp}
    with store.transaction() as conn:
        assert bulk.insert_rows(conn, t, []) == 0
        assert bulk.insert_rows(conn, t, [{**row, "status": "failed"}]) == 1
        assert bulk.insert_rows(conn, t, [{**row, "status": "failed"}]) == 0  # key exists: skipped
        later = [{**row, "status": "failed", "error": "y"}, {**row, "status": "done", "error": None}]
        bulk.insert_rows(conn, t, later, ["id"])
        stored = conn.execute(select(t.c.status, t.c.error)).all()
    assert [tuple(r) for r in stored] == [("done", None)]


def test_bound_values_orders_columns_and_applies_the_dialects_conversions(store: Store) -> None:
    rows = [
        {"id": "a", "name": "A", "aliases": ["x"]},
        {"name": "B", "aliases": [], "id": "b"},  # another key order, the same columns
    ]
    with store.engine.connect() as conn:
        values = bulk.bound_values(schema.organizations, ("id", "name", "aliases"), rows, conn.dialect)
        assert values is not None and [v[:2] for v in values] == [("a", "A"), ("b", "B")]
        # JSON as SQLite stores it (text), or wrapped for psycopg to send as jsonb.
        assert [json.loads(v[2]) if isinstance(v[2], str) else v[2].obj for v in values] == [["x"], []]
        single = bulk.bound_values(schema.organizations, ("id",), [{"id": "a"}], conn.dialect)
        assert single == [("a",)]
        assert bulk.bound_values(schema.organizations, ("id", "name"), [{"id": "a"}], conn.dialect) is None
