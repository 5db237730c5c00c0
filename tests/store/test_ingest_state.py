"""Ingest bookkeeping (:mod:`countersight.store.ingest_state`): progress rows upserted with the batch
they belong to, done inputs and offsets, stored document ids, recorded failures."""

from __future__ import annotations

from sqlalchemy import select

from countersight.records import FailedInput
from countersight.store import Store, schema
from countersight.store import ingest_state as state
from store_fixture import sample_claim, sample_document


def test_progress_rows_are_upserted(store: Store) -> None:
    """Progress rows are upserted: a failed archive record later done is updated, not doubled."""
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
    assert state.done_offsets(store, "in-1", start=15) == {20}
    assert state.done_offsets(store, "in-1", start=0, end=20) == {10}


def test_a_batch_writes_documents_claims_and_progress_together(store: Store) -> None:
    doc = sample_document("Vendor X supplied the city police with a camera network.")
    other = sample_document("A second text that a second input held.")
    inputs = [
        state.input_row("in-a", "a.txt", "done", document_id=doc.id),
        state.input_row("in-b", "b.txt", "failed", "not UTF-8"),
    ]
    records = [state.record_row("in-w", 0, "failed", "truncated record")]
    counts = state.commit_batch(store, [doc, other], [sample_claim(doc)], inputs, records)
    assert counts == {"documents": 2, "claims": 1, "evidence": 1}
    assert state.existing_document_ids(store, [doc.id, "missing", other.id, doc.id]) == {doc.id, other.id}
    assert state.done_inputs(store, ["in-a", "in-b", "in-c"]) == {"in-a"}
    # Failures read back as typed rows: whole inputs first (by path), then archive records.
    assert state.failed_inputs(store) == [
        FailedInput("b.txt", None, "not UTF-8"),
        FailedInput(None, 0, "truncated record"),
    ]
    # The failed input done on a later run is updated in place.
    state.commit_batch(store, [], [], [state.input_row("in-b", "b.txt", "done")], [])
    assert state.done_inputs(store, ["in-b"]) == {"in-b"}
    assert state.failed_inputs(store) == [FailedInput(None, 0, "truncated record")]


def test_lookups_take_more_ids_than_one_query_holds(store: Store) -> None:
    docs = [sample_document(f"text number {i}") for i in range(3)]
    store.add(docs)
    wanted = [f"absent-{i}" for i in range(1200)] + [d.id for d in docs]
    assert state.existing_document_ids(store, wanted) == {d.id for d in docs}
