"""SQL of resolution and the index (:mod:`countersight.store.deployments`), on SQLite and
PostgreSQL: the claim and document rows merging reads, writing only what changed, the typed rows
the index and the API read back."""

from __future__ import annotations

import datetime as dt

from countersight.model import Organization
from countersight.records import DeploymentLink, StoredDeployment
from countersight.resolution import resolve_store
from countersight.store import Store
from countersight.store import deployments as dstore
from store_fixture import resolved_store


def _kenya(store: Store) -> StoredDeployment:
    (dep,) = dstore.deployment_rows(store, country="KEN")
    return dep


def test_stored_deployments_read_back_as_typed_rows(store: Store) -> None:
    docs, claims = resolved_store(store)
    rows = dstore.deployment_rows(store)
    assert [(r.country, r.technology, r.n_claims, r.n_documents, r.n_publishers) for r in rows] == [
        ("KEN", "video_surveillance", 2, 2, 2),
        ("UGA", "facial_recognition", 1, 1, 1),
    ]
    ken = _kenya(store)
    assert (ken.first_seen, ken.last_seen, ken.vendor) == (dt.date(2019, 3, 1), dt.date(2020, 6, 1), "Huawei")
    assert ken.attrs["sources"] == ["test"]
    assert dstore.deployment_rows(store, ids=[ken.id, "dep-missing"]) == [ken]
    assert dstore.deployment_rows(store, vendors=["Nobody"]) == []
    assert [r.country for r in dstore.deployment_rows(store, technology="facial_recognition")] == ["UGA"]
    # The index's read: the same deployments, without the JSON unless asked for its sources.
    tuples = {t.id: t for t in dstore.deployment_tuples(store, with_sources=True)}
    assert tuples[ken.id].sources == ("test",) and tuples[ken.id].n_documents == 2
    assert [t.id for t in dstore.deployment_tuples(store, country="KEN", status="reported")] == [ken.id]
    assert sorted(dstore.deployment_claim_ids(store, ken.id)) == sorted(c.id for c in claims[:2])
    assert dstore.deployment_exists(store, ken.id) and not dstore.deployment_exists(store, "dep-missing")
    assert {d.id for d in dstore.document_rows(store)} == {d.id for d in docs}
    assert [d.publisher for d in dstore.document_rows(store, {docs[1].id})] == ["Weekly Two"]


def test_links_replay_and_document_counts(store: Store) -> None:
    resolved_store(store)
    ken = _kenya(store)
    links = dstore.link_rows(store, deployment_ids=[ken.id])
    assert all(isinstance(lk, DeploymentLink) for lk in links)
    assert sorted(lk.published for lk in links if lk.published) == [dt.date(2019, 3, 1), dt.date(2020, 6, 1)]
    assert len(dstore.link_rows(store)) == 3 and len(dstore.link_rows(store, country="UGA")) == 1
    assert [lk.published for lk in dstore.link_rows(store, as_of=dt.date(2019, 12, 31))] == [dt.date(2019, 3, 1)]
    replay = dstore.replay_rows(store, dt.date(2020, 12, 31))
    assert sorted(published or "" for _, published, *_ in replay) == ["2019-03-01", "2020-06-01"]  # ISO text on both
    assert dstore.country_document_counts(store) == {"KEN": (2, 2), "UGA": (1, 1)}
    assert dstore.country_document_counts(store, as_of=dt.date(2019, 12, 31)) == {"KEN": (1, 1)}
    assert dstore.country_document_counts(store, exclude=[ken.id]) == {"UGA": (1, 1)}
    # A reviewer moved the Kenyan deployment to Tanzania: its documents count there.
    moved = dstore.country_document_counts(store, moved={ken.id: "TZA"})
    assert moved == {"TZA": (2, 2), "UGA": (1, 1)}
    assert dstore.country_document_counts(store, country="UGA") == {"UGA": (1, 1)}


def test_write_resolution_touches_only_what_changed(store: Store) -> None:
    resolved_store(store)
    before = dstore.deployment_rows(store)
    again = resolve_store(store)
    assert again.written == {k: 0 for k in again.written}  # the same claims: nothing to write
    assert dstore.deployment_rows(store) == before
    # Nothing is pending once resolved, and the keys find the deployment they merge into.
    assert dstore.pending_claim_rows(store) == []
    ken = _kenya(store)
    assert len(dstore.claim_rows_of_deployments(store, [ken.id])) == 2
    found = dstore.deployment_ids_for_keys(store, {("KEN", "key", "video_surveillance")}, lambda v, c: "key")
    assert found == {ken.id}
    assert dstore.superseded_ids(store) == {}


def test_governance_rows_for_a_year(store: Store) -> None:
    store.add_governance(
        [("KEN", 2018, 1, "EA"), ("KEN", 2020, 2, "ED"), ("UGA", 2019, 1, "EA")],
        [("KEN", 2019, 1.2), ("KEN", 2021, 1.4)],
        "V-Dem test",
        "SIPRI test",
    )
    regimes = dstore.regimes_for_year(store, 2019)
    assert (regimes["KEN"].label, regimes["KEN"].year, regimes["UGA"].code) == ("EA", 2018, 1)
    assert dstore.regimes_for_year(store, 2020)["KEN"].label == "ED"
    assert dstore.military_for_year(store, 2020)["KEN"].pct_gdp == 1.2
    assert dstore.military_for_year(store, 2018) == {}
    assert dstore.governance_years(store) == (2020, 2021)


def test_upsert_organizations_adds_only_new_ids(store: Store) -> None:
    orgs = [Organization(id="org-a", name="Acme\x07", aliases=("A",)), Organization(id="org-b", name="Beta")]
    with store.transaction() as conn:
        assert dstore.upsert_organizations(store, orgs, conn) == 2
        assert dstore.upsert_organizations(store, orgs, conn) == 0
    assert [o.name for o in store.organizations()] == ["Acme", "Beta"]
