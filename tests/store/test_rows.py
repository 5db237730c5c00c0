"""Records to rows and back (:mod:`countersight.store.rows`): evidence keeps the claim's order,
text is sanitised on the way in, and every field survives the round trip on both databases."""

from __future__ import annotations

import datetime as dt

from countersight.model import Claim, Document, Evidence, Organization, ReviewEvent
from countersight.store import Store
from countersight.store.rows import (
    claim_row,
    document_row,
    evidence_id,
    evidence_rows,
    organization_row,
    review_event_row,
    row_claim,
    row_document,
    row_evidence,
    row_organization,
    row_review_event,
)
from store_fixture import many_evidence_claim, sample_claim, sample_document

NOW = dt.datetime(2024, 5, 6, 7, 8, tzinfo=dt.UTC)


def test_claims_keep_their_evidence_order(store: Store) -> None:
    doc, claim = many_evidence_claim()
    # The ids are hashes: ordered by id, the claim's first evidence would not come first.
    ids = [r["id"] for r in evidence_rows(claim)]
    assert sorted(ids) != ids
    store.add([doc], [claim])
    (back,) = store.claims()
    assert back.evidence == claim.evidence


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


def test_a_document_row_and_back() -> None:
    doc = sample_document("Plain text about a city camera contract.")
    row = document_row(doc, NOW)
    assert row["ingested_at"] == NOW and row["meta"] == {"k": 1} and row["published"] == dt.date(2020, 1, 2)
    assert row_document(row) == doc and row_document(row).meta == doc.meta
    # A row read without its text (list views) gives an empty text.
    assert row_document({k: v for k, v in row.items() if k != "text"}).text == ""


def test_a_claim_row_flattens_its_financing_and_comes_back_whole() -> None:
    doc = sample_document()
    claim = sample_claim(doc)
    row = claim_row(claim, NOW)
    assert (row["fin_lender"], row["fin_amount"], row["fin_currency"]) == ("China Eximbank", 1.5e6, "USD")
    assert row["document_id"] == doc.id and row["deployment_id"] is None and row["created_at"] == NOW
    evidence = tuple(row_evidence(r) for r in evidence_rows(claim))
    assert evidence == claim.evidence
    back = row_claim(row, evidence)
    assert back == claim and back.financing == claim.financing
    # No financing column set: no financing record.
    bare = {**row, **{k: None for k in row if k.startswith("fin_")}}
    assert row_claim(bare, evidence).financing is None


def test_evidence_ids_are_deterministic_and_positions_follow_the_claim() -> None:
    _, claim = many_evidence_claim()
    rows = evidence_rows(claim)
    assert [r["position"] for r in rows] == list(range(len(claim.evidence)))
    assert [r["id"] for r in rows] == [evidence_id(claim.id, i, ev) for i, ev in enumerate(claim.evidence)]
    assert len({r["id"] for r in rows}) == len(rows)
    assert evidence_rows(claim) == rows


def test_organization_and_review_event_rows() -> None:
    org = Organization(id="org-1", name="Acme\u202e", aliases=("Acme Ltd",), parent="Acme Group", needs_review=True)
    row = organization_row(org)
    assert row["name"] == "Acme" and row["aliases"] == ["Acme Ltd"]  # sanitised; a JSON list
    assert row_organization(row) == Organization(
        id="org-1", name="Acme", aliases=("Acme Ltd",), parent="Acme Group", needs_review=True
    )
    ev = ReviewEvent(target_id="dep-1", action="edit", actor="ana", reason="typo", changes={"city": "Nairobi"})
    values = review_event_row(ev)
    assert "id" not in values and values["created_at"] is not None  # stamped now when not given
    back = row_review_event({**values, "id": 7})
    assert (back.id, back.changes, back.action) == (7, {"city": "Nairobi"}, "edit")
