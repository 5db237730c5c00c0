"""Resolution through the store (resolution.py): the Nairobi acceptance case, new organizations,
idempotence and incremental runs equal to the full rebuild, on SQLite and PostgreSQL (vendor
names: resolve/test_vendors.py; merging: resolve/test_merge.py)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from countersight.reads import compute_index, deployment_documents, list_deployments
from countersight.resolution import resolve_pending, resolve_store
from countersight.store import Store, schema
from resolve_fixture import nairobi_claims, nairobi_documents, other_records, resolved_nairobi


def _nairobi_store(store: Store) -> Store:
    return resolved_nairobi(store)


def test_nairobi_one_deployment_three_evidence_rows(store: Store) -> None:
    _nairobi_store(store)
    deps = list_deployments(store, country="KEN")
    assert len(deps) == 1
    dep = deps[0]
    assert (dep.vendor, dep.vendor_country, dep.technology) == ("Huawei", "CHN", "safe_city")
    assert dep.city == "Nairobi"
    assert dep.status == "cancelled" and dep.last_seen == dt.date(2019, 5, 20)
    assert dep.first_seen == dt.date(2015, 3, 2)
    assert dep.n_documents == 3 and dep.n_publishers == 3
    assert dep.confidence > 0.9  # three independent publishers at 0.6 each
    e, c = schema.evidence, schema.claims
    with store.engine.connect() as conn:
        q = select(e.c.id).join(c, c.c.id == e.c.claim_id).where(c.c.deployment_id == dep.id)
        rows = conn.execute(q).all()
    assert len(rows) == 3
    # As of a date before the cancellation it was reported, on two documents.
    before = list_deployments(store, country="KEN", as_of=dt.date(2018, 1, 1))
    assert [(d.id, d.status, d.n_documents) for d in before] == [(dep.id, "reported", 2)]
    assert list_deployments(store, country="KEN", as_of=dt.date(2014, 1, 1)) == []
    # The index says the same: safe city present before, cancelled after.
    (row_before,) = compute_index(store, as_of=dt.date(2018, 1, 1), country="KEN")
    (row_after,) = compute_index(store, country="KEN")
    assert row_before.technologies == {"safe_city": 1} and row_before.statuses == {"reported": 1}
    assert row_after.technologies == {} and row_after.statuses == {"cancelled": 1}


def test_many_to_many_and_new_organizations(store: Store) -> None:
    _nairobi_store(store)
    deps = {d.technology: d for d in list_deployments(store, country="ECU")}
    assert set(deps) == {"facial_recognition", "license_plate_recognition"}
    face, plates = deps["facial_recognition"], deps["license_plate_recognition"]
    assert face.vendor == "Hikvision" and face.vendor_group == "CETC" and face.n_documents == 2
    docs_face = {r.document_id for r in deployment_documents(store, face.id)}
    shared = docs_face & {r.document_id for r in deployment_documents(store, plates.id)}
    assert len(shared) == 1  # one document supports both deployments, stored once
    orgs = {o.name: o for o in store.organizations()}
    assert orgs["Acme Sentinel Systems"].needs_review
    assert [d.id for d in list_deployments(store, vendor="CETC", group=True)] == [face.id]


def test_resolution_is_idempotent(store: Store) -> None:
    _nairobi_store(store)
    ids = [d.id for d in list_deployments(store, include_rejected=True)]
    again = resolve_store(store)
    assert again.written["deployments_new"] == 0 and again.written["claims_reassigned"] == 0
    assert again.written["deployments_changed"] == 0 and again.written["links_new"] == 0
    assert [d.id for d in list_deployments(store, include_rejected=True)] == ids


def test_nairobi_through_the_extractor(store: Store) -> None:
    """The same case with all three documents (English, Spanish, the cancellation) read by
    extract_claims."""
    from countersight.extract import extract_claims

    docs = nairobi_documents()
    extracted = [c for d in docs.values() for c in extract_claims(d)]
    assert sorted(c.status for c in extracted) == ["cancelled", "reported", "reported"]
    store.add(docs.values(), extracted)
    resolve_store(store)
    deps = list_deployments(store, country="KEN")
    assert len(deps) == 1 and deps[0].status == "cancelled" and deps[0].n_documents == 3


def _resolved_state(store: Store) -> tuple[list[tuple[object, ...]], ...]:
    with store.engine.connect() as conn:
        return tuple(
            sorted(tuple(r) for r in conn.execute(select(*t.columns)))
            for t in (schema.deployments, schema.deployment_documents)
        ) + (sorted(tuple(r) for r in conn.execute(select(schema.claims.c.id, schema.claims.c.deployment_id))),)


def test_incremental_resolution_equals_the_full_rebuild(store: Store) -> None:
    docs = nairobi_documents()
    claims = nairobi_claims(docs)
    other_docs, other_claims = other_records()
    # Ecuador first, then the Nairobi documents one at a time, each write resolving what it added.
    store.add(other_docs, other_claims)
    first = resolve_pending(store)
    assert first.incremental and first.claims == 3
    ecuador = [r for r in _resolved_state(store)[0] if r[1] == "ECU"]
    for doc, claim in zip(docs.values(), claims, strict=True):
        store.add([doc], [claim])
        report = resolve_pending(store)
        # Only the Nairobi key is re-merged: the Ecuador claims are not read again.
        assert report.incremental and report.claims <= 3 and report.deployments == 1
    assert resolve_pending(store).claims == 0  # nothing pending: nothing done
    incremental = _resolved_state(store)
    assert [r for r in incremental[0] if r[1] == "ECU"] == ecuador
    (dep,) = list_deployments(store, country="KEN")
    assert dep.status == "cancelled" and dep.n_documents == 3
    full = resolve_store(store)
    assert not full.incremental
    assert {k: v for k, v in full.written.items() if v} == {}
    assert _resolved_state(store) == incremental


def test_incremental_resolution_leaves_other_keys_alone(store: Store) -> None:
    """Claims of other keys neither change the resolved ones nor need the full run."""
    docs = nairobi_documents()
    claims = nairobi_claims(docs)
    store.add(docs.values(), claims)
    resolve_pending(store)
    before = _resolved_state(store)
    other_docs, other_claims = other_records()
    store.add(other_docs, other_claims)
    resolve_pending(store)
    resolve_store(store)  # the full rebuild afterwards changes nothing
    after = _resolved_state(store)
    assert [r for r in after[0] if r[1] == "KEN"] == [r for r in before[0] if r[1] == "KEN"]
    assert len(after[0]) == len(before[0]) + 2
