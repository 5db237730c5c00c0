"""The store on SQLite and PostgreSQL: migrations, idempotent writes, evidence integrity."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, inspect, select

from countersight.errors import StoreError
from countersight.ids import content_hash, stable_id
from countersight.model import Claim, Document, Evidence, Financing, Organization, ReviewEvent
from countersight.store import Store, bulk, migrations, open_store, schema
from countersight.store.db import evidence_rows
from countersight.store.migrations import current_version


def _doc(text: str = "Acme installed cameras in Freedonia.") -> Document:
    return Document(
        id=content_hash(text),
        text=text,
        url="https://example.org/a",
        title="A",
        published=dt.date(2020, 1, 2),
        meta={"k": 1},
    )


def _claim(doc: Document, tech: str = "video_surveillance") -> Claim:
    ev = Evidence(document_id=doc.id, quote=doc.text[0:20], start=0, end=20)
    return Claim(
        id=stable_id("cl", [doc.id, tech]),
        country="KEN",
        evidence=(ev,),
        extractor="test",
        extractor_version="1",
        source="test",
        vendor="Huawei",
        vendor_country="CHN",
        technology=tech,
        confidence=0.8,
        start_year=2019,
        financing=Financing(lender="China Eximbank", amount=1.5e6, currency="USD"),
    )


def test_migrate_is_recorded_and_repeatable(database_url: str) -> None:
    s1 = open_store(database_url)
    with s1.engine.connect() as conn:
        assert current_version(conn) >= 1
    s1.close()
    s2 = open_store(database_url)  # second open applies nothing and keeps data
    with s2.engine.connect() as conn:
        versions = conn.execute(select(schema.schema_version.c.version)).scalars().all()
    assert versions == sorted(set(versions))
    s2.close()


def test_add_is_idempotent(store: Store) -> None:
    doc = _doc()
    claims = [_claim(doc), _claim(doc, "facial_recognition")]
    first = store.add([doc], claims)
    assert first == {"documents": 1, "claims": 2, "evidence": 2}
    again = store.add([doc], claims)
    assert again == {"documents": 0, "claims": 0, "evidence": 0}
    stats = store.stats()
    assert (stats["documents"], stats["claims"], stats["evidence"]) == (1, 2, 2)
    assert stats["by_source"] == {"test": 2}


def test_round_trip_keeps_fields(store: Store) -> None:
    doc = _doc()
    claim = _claim(doc)
    store.add([doc], [claim])
    got = store.get_document(doc.id)
    assert got is not None and got.text == doc.text and got.published == dt.date(2020, 1, 2)
    assert got.meta == {"k": 1}
    (back,) = list(store.claims(source="test"))
    assert back.vendor == "Huawei" and back.technology == "video_surveillance"
    assert back.financing is not None and back.financing.lender == "China Eximbank"
    assert back.evidence[0].quote == doc.text[0:20]
    assert store.has_document(doc.id) and not store.has_document("nope")


def test_claim_without_evidence_is_refused(store: Store) -> None:
    doc = _doc()
    bad = Claim(id="cl-x", country="KEN", evidence=(), extractor="t", extractor_version="1", source="t")
    with pytest.raises(StoreError):
        store.add([doc], [bad])
    assert store.stats()["documents"] == 0  # the whole batch was refused


def test_failed_transaction_leaves_store_unchanged(store: Store) -> None:
    doc = _doc()
    with pytest.raises(RuntimeError), store.transaction() as conn:
        store.add([doc], [_claim(doc)], conn=conn)
        raise RuntimeError("boom")
    assert store.stats()["documents"] == 0 and store.stats()["claims"] == 0


def test_organizations_and_review_events(store: Store) -> None:
    org = Organization(id="org-1", name="Huawei", home_country="CHN", aliases=("Huawei Technologies",))
    assert store.add_organizations([org]) == 1
    assert store.add_organizations([org]) == 0
    assert store.organizations()[0].aliases == ("Huawei Technologies",)
    eid = store.add_review_event(ReviewEvent(target_id="dep-1", action="accept", actor="ana", reason="ok"))
    store.add_review_event(ReviewEvent(target_id="dep-1", action="reject", actor="bo", reason="dup"))
    events = store.review_events("dep-1")
    assert [e.action for e in events] == ["accept", "reject"] and events[0].id == eid


def test_bad_url_is_a_store_error() -> None:
    with pytest.raises(StoreError):
        open_store("nonsense://")


def _many_evidence_claim() -> tuple[Document, Claim]:
    text = "Acme installed cameras in Freedonia. The police confirmed it. A minister denied it. Later, more."
    doc = _doc(text)
    spans = [(0, 36), (37, 61), (62, 82), (83, 95), (0, 4), (27, 36)]
    evidence = tuple(Evidence(document_id=doc.id, quote=text[a:b], start=a, end=b) for a, b in spans)
    claim = Claim(
        id=stable_id("cl", [doc.id, "order"]),
        country="KEN",
        evidence=evidence,
        extractor="test",
        extractor_version="1",
        source="test",
        vendor="Acme",
    )
    return doc, claim


def test_claims_keep_their_evidence_order(store: Store) -> None:
    doc, claim = _many_evidence_claim()
    # The ids are hashes: ordered by id, the claim's first evidence would not come first.
    ids = [r["id"] for r in evidence_rows(claim)]
    assert sorted(ids) != ids
    store.add([doc], [claim])
    (back,) = store.claims()
    assert back.evidence == claim.evidence


def test_migration_v6_recovers_positions_of_older_rows(database_url: str) -> None:
    s = open_store(database_url)
    doc, claim = _many_evidence_claim()
    s.add([doc], [claim])
    # As a store written before schema v6: no positions, v6 not recorded.
    with s.transaction() as conn:
        conn.execute(schema.evidence.update().values(position=None))
        conn.execute(schema.schema_version.delete().where(schema.schema_version.c.version == 6))
    s.close()
    s = open_store(database_url)
    with s.engine.connect() as conn:
        positions = dict(conn.execute(select(schema.evidence.c.id, schema.evidence.c.position)).all())
    assert positions == {r["id"]: r["position"] for r in evidence_rows(claim)}
    assert next(s.claims()).evidence == claim.evidence
    with s.engine.connect() as conn:
        assert "ix_claims_financing" in {ix["name"] for ix in inspect(conn).get_indexes("claims")}
    s.close()


def _table_rows(store: Store, table: Any, skip: tuple[str, ...] = ()) -> list[tuple[Any, ...]]:
    """Every row as SQLite stored it (datetimes and JSON as their stored text), without ``skip``."""
    cols = [c.name for c in table.columns if c.name not in skip]
    with store.engine.connect() as conn:
        quoted = ", ".join(f'"{c}"' for c in cols)
        return sorted(tuple(r) for r in conn.exec_driver_sql(f"SELECT {quoted} FROM {table.name}"))


def _bulk_examples() -> tuple[list[Document], list[Claim]]:
    docs = [
        _doc(),
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
    return docs, [_claim(docs[0]), _claim(docs[1], "facial_recognition")]


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
    a, b, c = _doc("one text"), _doc("two text"), _doc("three text")
    assert store.add([a]) == {"documents": 1, "claims": 0, "evidence": 0}
    assert store.add([a, b, b, c], [_claim(b), _claim(c)]) == {"documents": 2, "claims": 2, "evidence": 2}
    assert store.stats()["documents"] == 3
    # Rows that do not all have the same columns take the SQLAlchemy path, with the same result.
    with store.transaction() as conn:
        base = {"kind": "vendor", "aliases": [], "needs_review": False}
        rows = [{"id": "org-x", "name": "X", **base}, {"id": "org-y", "name": "Y", **base, "home_country": "CHN"}]
        assert bulk.bound_values(schema.organizations, tuple(rows[0]), rows, conn.dialect) is None
        assert store.insert_ignore(conn, schema.organizations, rows) == 2
        assert store.insert_ignore(conn, schema.organizations, rows) == 0
    store.close()


def test_sqlite_bulk_upsert_updates_progress(tmp_path: Path) -> None:
    """Progress rows are upserted: a failed archive record later done is updated, not doubled."""
    from countersight.store import ingest_state as state

    store = open_store(f"sqlite:///{tmp_path / 's.db'}")
    failed = state.record_row("in-1", 10, "failed", "bad gzip")
    state.commit_batch(store, [], [], [], [failed, state.record_row("in-1", 20, "done", document_id="d2")])
    state.commit_batch(store, [], [], [], [state.record_row("in-1", 10, "done", document_id="d1")])
    with store.engine.connect() as conn:
        rows = conn.execute(select(schema.ingest_records).order_by(schema.ingest_records.c.offset)).all()
    assert [(r.offset, r.status, r.error, r.document_id) for r in rows] == [
        (10, "done", None, "d1"),
        (20, "done", None, "d2"),
    ]
    assert state.done_offsets(store, "in-1") == {10, 20}
    store.close()


def test_sqlite_store_file_is_private(tmp_path: Path) -> None:
    path = tmp_path / "private" / "store.db"
    path.parent.mkdir()  # open_store never creates a missing directory (a typo must not make folders)
    open_store(f"sqlite:///{path}").close()
    assert path.stat().st_mode & 0o777 == 0o600
    for extra in path.parent.glob("store.db-*"):  # WAL and shared-memory files take the same mode
        assert extra.stat().st_mode & 0o077 == 0, extra


def test_a_store_file_that_cannot_be_created_is_a_store_error(tmp_path: Path) -> None:
    path = tmp_path / ("x" * 300 + ".db")  # longer than any file system allows a name to be
    with pytest.raises(StoreError) as caught:
        open_store(f"sqlite:///{path}")
    assert caught.value.path == str(path) and caught.value.message.startswith("cannot create the store: ")


def test_text_is_sanitised_on_the_way_in(store: Store) -> None:
    text = "Huawei\x01 sold \u202ecameras\u202c to Kenya. Cafe\u0301."
    doc = Document(id="doc-dirty", text=text, title="Title\x1b[2J", publisher="Pub\u200b")
    ev = Evidence(document_id=doc.id, quote="Huawei\x01 sold", start=0, end=12)
    claim = Claim(
        id="c-dirty",
        country="KEN",
        evidence=(ev,),
        extractor="t",
        extractor_version="1",
        source="news",
        vendor="Hua\x02wei",
        city="Nai\u2066robi",
    )
    store.add([doc], [claim])
    stored = store.get_document(doc.id)
    assert stored is not None
    assert (stored.text, stored.title, stored.publisher) == ("Huawei sold cameras to Kenya. Café.", "Title[2J", "Pub")
    (back,) = list(store.claims())
    assert (back.vendor, back.city, back.evidence[0].quote) == ("Huawei", "Nairobi", "Huawei sold")
    store.add_review_event(ReviewEvent(target_id="x", action="note", actor="R\x01", reason="why\u202e?"))
    (event,) = list(store.review_events())
    assert (event.actor, event.reason) == ("R", "why?")


def test_migration_v8_adds_token_expiry_to_older_stores(database_url: str) -> None:
    s = open_store(database_url)
    with s.transaction() as conn:
        for column in ("expires_at", "last_used_at"):
            conn.exec_driver_sql(f"ALTER TABLE api_tokens DROP COLUMN {column}")
        conn.execute(schema.schema_version.delete().where(schema.schema_version.c.version == 8))
    s.close()
    s = open_store(database_url)
    with s.engine.connect() as conn:
        columns = {c["name"] for c in inspect(conn).get_columns("api_tokens")}
        assert {"expires_at", "last_used_at"} <= columns and 8 in set(
            conn.execute(select(schema.schema_version.c.version)).scalars()
        )
    s.close()


def test_migration_versions_leave_room_for_parallel_work() -> None:
    from countersight.store.migrations import MIGRATIONS

    # 7 is never assigned (the issue15 branch used it for the store version, now 10); 8 is token
    # expiry, 9 is follow.
    assert [v for v, _, _ in MIGRATIONS] == [1, 2, 3, 4, 5, 6, 8, 9, 10]
    assert "store_version" in MIGRATIONS[-1][1] and "follow" in MIGRATIONS[-2][1] and "api_tokens" in MIGRATIONS[-3][1]


def test_migration_v9_adds_the_follow_tables_to_older_stores(database_url: str) -> None:
    follow_tables = ("feed_sources", "fetched_urls", "warc_files", "document_stories", "story_bands")
    s = open_store(database_url)
    with s.transaction() as conn:
        for name in reversed(follow_tables):
            conn.exec_driver_sql(f"DROP TABLE {name}")
        conn.execute(schema.schema_version.delete().where(schema.schema_version.c.version == 9))
    s.close()
    s = open_store(database_url)
    with s.engine.connect() as conn:
        assert set(follow_tables) <= set(inspect(conn).get_table_names())
        versions = set(conn.execute(select(schema.schema_version.c.version)).scalars())
        assert {8, 9, 10} <= versions


def test_every_write_bumps_the_store_version(store: Store) -> None:
    v0 = store.version()
    assert v0 >= 1
    doc = _doc()
    store.add([doc], [_claim(doc)])
    v1 = store.version()
    assert v1 > v0
    store.add_review_event(ReviewEvent(target_id="dep-x", action="note", actor="t", reason="r"))
    assert store.version() > v1
    v2 = store.version()
    with pytest.raises(RuntimeError), store.transaction():
        raise RuntimeError("rolled back")
    assert store.version() == v2  # a rolled-back write changes nothing, the version included
    assert store.version() == v2  # reading does not bump it


def test_migration_v10_adds_the_version_to_an_older_store(database_url: str) -> None:
    s = open_store(database_url)
    with s.engine.begin() as conn:
        schema.store_version.drop(conn)
        conn.execute(schema.schema_version.delete().where(schema.schema_version.c.version == 10))
    s.close()
    s = open_store(database_url)
    assert s.version() == 1
    doc = _doc()
    s.add([doc], [_claim(doc)])
    assert s.version() == 2
    s.close()


def test_migrate_applies_every_unrecorded_step_in_ascending_order_across_gaps(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    s = open_store(database_url)
    ran: list[int] = []

    def step(version: int) -> Callable[[Connection], None]:
        return lambda conn: ran.append(version)

    # listed out of order, numbers with gaps (7 and 11 never assigned), 9 arriving after 10
    steps = [
        (12, "later", step(12)),
        (9, "parallel line", step(9)),
        (1, "initial", step(1)),
        (10, "store version", step(10)),
    ]
    monkeypatch.setattr(migrations, "MIGRATIONS", steps)
    with s.transaction() as conn:
        conn.execute(schema.schema_version.delete().where(schema.schema_version.c.version.in_([9, 10])))
        assert not {9, 10} & set(conn.execute(select(schema.schema_version.c.version)).scalars())
        assert migrations.migrate(conn) == [9, 10, 12]
        assert migrations.migrate(conn) == []  # recorded: nothing runs twice
        assert current_version(conn) == 12
    assert ran == [9, 10, 12]
    s.close()


def test_a_store_from_the_issue15_branch_keeps_its_version_and_gains_token_expiry(database_url: str) -> None:
    s = open_store(database_url)  # that branch numbered the store version 7 and had no 8
    doc = _doc()
    s.add([doc], [_claim(doc)])
    before = s.version()
    with s.engine.begin() as conn:
        for column in ("expires_at", "last_used_at"):
            conn.exec_driver_sql(f"ALTER TABLE api_tokens DROP COLUMN {column}")
        conn.execute(schema.schema_version.delete().where(schema.schema_version.c.version.in_([8, 10])))
        conn.execute(schema.schema_version.insert().values(version=7, applied_at=dt.datetime.now(dt.UTC)))
    s.close()
    s = open_store(database_url)
    with s.engine.connect() as conn:
        versions = set(conn.execute(select(schema.schema_version.c.version)).scalars())
        columns = {c["name"] for c in inspect(conn).get_columns("api_tokens")}
    assert {7, 8, 10} <= versions and {"expires_at", "last_used_at"} <= columns
    assert s.version() == before  # the counter survives: caches keyed on it stay valid
    s.close()
