"""The store on SQLite and PostgreSQL: migrations, idempotent writes, evidence integrity."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import inspect, select

from countersight.errors import StoreError
from countersight.ids import content_hash, stable_id
from countersight.model import Claim, Document, Evidence, Financing, Organization, ReviewEvent
from countersight.store import Store, open_store, schema
from countersight.store.db import evidence_rows
from countersight.store.migrations import current_version


def _doc(text: str = "Acme installed cameras in Freedonia.") -> Document:
    return Document(id=content_hash(text), text=text, url="https://example.org/a",
                    title="A", published=dt.date(2020, 1, 2), meta={"k": 1})


def _claim(doc: Document, tech: str = "video_surveillance") -> Claim:
    ev = Evidence(document_id=doc.id, quote=doc.text[0:20], start=0, end=20)
    return Claim(
        id=stable_id("cl", [doc.id, tech]), country="KEN", evidence=(ev,), extractor="test",
        extractor_version="1", source="test", vendor="Huawei", vendor_country="CHN",
        technology=tech, confidence=0.8, start_year=2019,
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
