"""The store (:mod:`countersight.store.db`) on SQLite and PostgreSQL: opening by URL, idempotent
transactional writes, the records read back, the store version."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from countersight.errors import StoreError
from countersight.model import Claim, Organization, ReviewEvent
from countersight.store.db import Store, open_store
from store_fixture import sample_claim, sample_document


def test_add_is_idempotent(store: Store) -> None:
    doc = sample_document()
    claims = [sample_claim(doc), sample_claim(doc, "facial_recognition")]
    first = store.add([doc], claims)
    assert first == {"documents": 1, "claims": 2, "evidence": 2}
    again = store.add([doc], claims)
    assert again == {"documents": 0, "claims": 0, "evidence": 0}
    stats = store.stats()
    assert (stats["documents"], stats["claims"], stats["evidence"]) == (1, 2, 2)
    assert stats["by_source"] == {"test": 2}


def test_round_trip_keeps_fields(store: Store) -> None:
    doc = sample_document()
    claim = sample_claim(doc)
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
    doc = sample_document()
    bad = Claim(id="cl-x", country="KEN", evidence=(), extractor="t", extractor_version="1", source="t")
    with pytest.raises(StoreError):
        store.add([doc], [bad])
    assert store.stats()["documents"] == 0  # the whole batch was refused


def test_failed_transaction_leaves_store_unchanged(store: Store) -> None:
    doc = sample_document()
    with pytest.raises(RuntimeError), store.transaction() as conn:
        store.add([doc], [sample_claim(doc)], conn=conn)
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


def test_a_store_file_that_cannot_be_created_is_a_store_error(tmp_path: Path) -> None:
    path = tmp_path / ("x" * 300 + ".db")  # longer than any file system allows a name to be
    with pytest.raises(StoreError) as caught:
        open_store(f"sqlite:///{path}")
    assert caught.value.path == str(path) and caught.value.message.startswith("cannot create the store: ")


def test_every_write_bumps_the_store_version(store: Store) -> None:
    v0 = store.version()
    assert v0 >= 1
    doc = sample_document()
    store.add([doc], [sample_claim(doc)])
    v1 = store.version()
    assert v1 > v0
    store.add_review_event(ReviewEvent(target_id="dep-x", action="note", actor="t", reason="r"))
    assert store.version() > v1
    v2 = store.version()
    with pytest.raises(RuntimeError), store.transaction():
        raise RuntimeError("rolled back")
    assert store.version() == v2  # a rolled-back write changes nothing, the version included
    assert store.version() == v2  # reading does not bump it
