"""Review: append-only events, derived state, survival across re-import and re-ingest, re-queueing
on new evidence, right of reply, and the index reflecting decisions (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import pytest

from countersight import review as rv
from countersight.datasets import import_aigs
from countersight.errors import NotFoundError, ReviewError
from countersight.model import ReviewEvent
from countersight.reads import compute_index, list_deployments
from countersight.resolution import resolve_store
from countersight.resolve.vendors import VendorResolver
from countersight.store import Store
from resolve_fixture import claim, document, nairobi_claims, nairobi_documents, other_records, resolved_nairobi


@pytest.fixture
def rstore(store: Store) -> Store:
    return resolved_nairobi(store)


def _dep(store: Store, country: str, technology: str | None = None) -> str:
    deps = [
        d
        for d in list_deployments(store, country=country, include_rejected=True)
        if technology is None or d.technology == technology
    ]
    assert len(deps) == 1
    return deps[0].id


def test_events_are_validated(rstore: Store) -> None:
    dep = _dep(rstore, "KEN")
    with pytest.raises(ReviewError):
        rv.reject(rstore, dep, reason="  ")
    with pytest.raises(NotFoundError):
        rv.accept(rstore, "dep-0000000000000000", reason="x")
    with pytest.raises(ReviewError):
        rv.edit(rstore, dep, reason="x", fields={"colour": "red"})
    with pytest.raises(ReviewError):
        rv.edit(rstore, dep, reason="x", fields={"technology": "mind_reading"})
    with pytest.raises(ReviewError):
        rv.record(rstore, ReviewEvent(dep, "dispute", "someone", "we never sold it", {"by": "Huawei"}))
    assert rstore.review_events() == []


def test_reject_then_accept_is_audited_and_reflected_in_the_index(rstore: Store) -> None:
    dep = _dep(rstore, "ECU", "license_plate_recognition")
    assert compute_index(rstore, country="ECU")[0].technologies == {
        "facial_recognition": 1,
        "license_plate_recognition": 1,
    }
    rv.reject(rstore, dep, reason="the customs agency bought from another firm", actor="ana")
    assert rv.current_state(rstore, dep).decision == "rejected"
    assert compute_index(rstore, country="ECU")[0].technologies == {"facial_recognition": 1}
    assert dep not in {d.id for d in list_deployments(rstore, country="ECU")}
    rv.accept(rstore, dep, reason="second source confirms the sale", actor="ben")
    assert compute_index(rstore, country="ECU")[0].technologies["license_plate_recognition"] == 1
    trail = rv.history(rstore, dep)
    assert [(e.action, e.actor) for e in trail] == [("reject", "ana"), ("accept", "ben")]
    assert trail[0].changes["claim_ids"]  # what the reviewer saw


def test_edit_records_old_and_new_values_and_can_be_undone(rstore: Store) -> None:
    dep = _dep(rstore, "KEN")
    fields = {"technology": "facial_recognition", "agency": "National Police Service"}
    ev = rv.edit(rstore, dep, reason="mainly cameras with face matching", fields=fields, actor="ana")
    assert ev.changes["fields"]["technology"] == {"from": "safe_city", "to": "facial_recognition"}
    row = compute_index(rstore, country="KEN", as_of=dt.date(2018, 1, 1))[0]
    assert row.technologies == {"facial_recognition": 1}
    (view,) = list_deployments(rstore, country="KEN")
    assert view.agency == "National Police Service" and view.review == "unreviewed"
    rv.edit(rstore, dep, reason="back to the reported technology", fields={"technology": None}, actor="ana")
    assert list_deployments(rstore, country="KEN")[0].technology == "safe_city"


def test_dispute_is_shown_next_to_the_deployment_never_deleting_it(rstore: Store) -> None:
    dep = _dep(rstore, "KEN")
    rv.dispute(
        rstore,
        dep,
        reason="The company says it only supplied network equipment.",
        by="Huawei",
        source="https://example.com/statement",
        actor="desk",
    )
    state = rv.current_state(rstore, dep)
    assert [(d.by, d.source) for d in state.disputes] == [("Huawei", "https://example.com/statement")]
    assert state.decision == "unreviewed"
    (row,) = compute_index(rstore, country="KEN", as_of=dt.date(2018, 1, 1))
    assert row.disputed == 1 and row.technologies == {"safe_city": 1}
    assert rv.review_queue(rstore, country="KEN")[0].target_id == dep


def test_new_evidence_requeues_a_rejected_deployment(rstore: Store) -> None:
    dep = _dep(rstore, "KEN")
    rv.reject(rstore, dep, reason="single-sourced rumour", actor="ana")
    assert dep not in {i.target_id for i in rv.review_queue(rstore)}
    text = "Huawei engineers were again seen servicing the Nairobi safe city cameras in Kenya."
    doc = document("nairobi-again", text, dt.date(2020, 6, 1), "Third Example Daily")
    rstore.add([doc], [claim(doc, text, "KEN", "Huawei", "safe_city", city="Nairobi")])
    report = resolve_store(rstore)
    assert report.requeued == [dep]
    state = rv.current_state(rstore, dep)
    assert state.decision == "rejected" and state.requeued and "new evidence" in (state.requeue_note or "")
    assert rv.review_queue(rstore)[0].target_id == dep  # first in line
    assert compute_index(rstore, country="KEN") == []  # the rejection still applies
    assert resolve_store(rstore).requeued == []  # once per rejection
    assert [e.action for e in rv.history(rstore, dep)] == ["reject", "requeue"]


def test_review_survives_reingest_and_rekeyed_deployments(rstore: Store) -> None:
    dep = _dep(rstore, "ECU", "license_plate_recognition")
    rv.reject(rstore, dep, reason="not surveillance", actor="ana")
    # Re-ingest: the same documents and claims again, then resolve again.
    docs = nairobi_documents()
    other_docs, other_claims = other_records()
    rstore.add([*docs.values(), *other_docs], [*nairobi_claims(docs), *other_claims])
    resolve_store(rstore)
    assert rv.current_state(rstore, dep).decision == "rejected"
    # New evidence naming a city re-keys the deployment; its trail follows it.
    text = "Acme Sentinel Systems installed licence plate readers in Guayaquil, Ecuador."
    doc = document("guayaquil", text, dt.date(2021, 1, 5), "Example Port News")
    rstore.add(
        [doc],
        [claim(doc, text, "ECU", "Acme Sentinel Systems", "license_plate_recognition", city="Guayaquil")],
    )
    report = resolve_store(rstore)
    new_id = _dep(rstore, "ECU", "license_plate_recognition")
    assert new_id != dep and report.carried_over[new_id] == [dep]
    state = rv.current_state(rstore, new_id)
    assert state.decision == "rejected" and state.requeued
    assert [e.action for e in rv.history(rstore, new_id)] == ["reject", "requeue"]


def test_review_survives_reimport_of_an_aigs_edition(store: Store) -> None:
    import_aigs(store, "2019")
    resolve_store(store)
    dep = _dep(store, "KEN", "safe_city")
    rv.reject(store, dep, reason="test decision", actor="ana")
    before = compute_index(store, country="KEN")[0].technologies
    assert "safe_city" not in before
    import_aigs(store, "2019")
    import_aigs(store, "2022")
    resolve_store(store)
    assert rv.current_state(store, dep).decision == "rejected"
    assert [e.action for e in rv.history(store, dep)][0] == "reject"
    # 2022 adds evidence to the same deployment: re-queued, still excluded from the live index.
    assert rv.current_state(store, dep).requeued
    assert "safe_city" not in compute_index(store, country="KEN")[0].technologies
    # The edition index is the source's coding and ignores review.
    assert compute_index(store, edition="2019", country="KEN")[0].technologies["safe_city"] == 1


def test_new_organization_review_and_merge(rstore: Store) -> None:
    items = {i.target_id: i for i in rv.review_queue(rstore)}
    org = next(o for o in rstore.organizations() if o.name == "Acme Sentinel Systems")
    assert org.id in items and items[org.id].target_kind == "organization"
    rv.edit(rstore, org.id, reason="a trading name of Hikvision (test only)", fields={"merge_into": "Hikvision"})
    assert rv.organization_merges(rstore) == {"Acme Sentinel Systems": "Hikvision"}
    # The merge re-resolves by itself: no separate `resolve`.
    plates = list_deployments(rstore, country="ECU", technology="license_plate_recognition")
    assert [d.vendor for d in plates] == ["Hikvision"]
    assert org.id not in {i.target_id for i in rv.review_queue(rstore)}
    resolver = VendorResolver.build(merges=rv.organization_merges(rstore))
    assert resolver.resolve("Acme Sentinel Systems").method == "review"
