"""AIGS import: claims with evidence, repairs, idempotency and the published figures, on
SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from countersight.datasets import import_aigs, import_governance
from countersight.reads import compute_figures
from countersight.sources.aigs import read_aigs_2019, read_aigs_2022, split_vendor_cell
from countersight.store import Store, schema


@pytest.fixture
def aigs_store(store: Store) -> Store:
    import_aigs(store, "2019")
    import_aigs(store, "2022")
    return store


def test_figures_2019(aigs_store: Store) -> None:
    f = compute_figures(aigs_store, "2019").as_dict()
    assert f["countries"] == 75
    assert f["technology"] == {"safe_city": 56, "facial_recognition": 64, "smart_policing": 53}
    assert f["supplier_origin"]["CHN"] == 63 and f["supplier_origin"]["USA"] == 32
    assert f["china_and_bri"] == 36
    assert {k: f["vendors"][k] for k in ("NEC", "Hikvision", "Palantir", "Cisco", "IBM", "Huawei")} == {
        "NEC": 14,
        "Hikvision": 15,
        "Palantir": 9,
        "Cisco": 6,
        "IBM": 10,
        "Huawei": 49,
    }
    assert f["top50_military_spenders_using"] == 40
    notes = " ".join(f["notes"])
    assert "smart_policing: computed 53, published 52" in notes
    assert "vendors.IBM: computed 10, published 11" in notes


def test_figures_2022(aigs_store: Store) -> None:
    f = compute_figures(aigs_store, "2022").as_dict()
    assert f["countries"] == 97
    assert f["technology"] == {
        "safe_city": 64,
        "facial_recognition": 78,
        "smart_policing": 69,
        "social_media_monitoring": 38,
    }
    assert f["by_regime"] == {
        "LD": {"using": 22, "total": 34},
        "ED": {"using": 30, "total": 55},
        "EA": {"using": 32, "total": 60},
        "CA": {"using": 13, "total": 30},
    }
    countries = {c.country for c in aigs_store.claims(source="aigs-2022")}
    assert "USA" in countries


def test_import_twice_changes_nothing(aigs_store: Store) -> None:
    before = aigs_store.stats()
    again = import_aigs(aigs_store, "2022")
    assert again.added == {"documents": 0, "claims": 0, "evidence": 0, "organizations": 0}
    assert aigs_store.stats() == before


def test_every_claim_has_evidence_with_a_document(aigs_store: Store) -> None:
    c, e, d = schema.claims, schema.evidence, schema.documents
    with aigs_store.engine.connect() as conn:
        orphans = conn.execute(select(c.c.id).where(~c.c.id.in_(select(e.c.claim_id)))).all()
        dangling = conn.execute(select(e.c.id).where(~e.c.document_id.in_(select(d.c.id)))).all()
    assert orphans == [] and dangling == []
    assert aigs_store.stats()["claims"] > 800


def test_evidence_points_at_row_and_column(aigs_store: Store) -> None:
    usa = [c for c in aigs_store.claims(source="aigs-2022", country="USA")]
    tech = [c for c in usa if c.technology == "facial_recognition"]
    assert tech and tech[0].evidence[0].column == "Facial Recognition System"
    assert tech[0].evidence[0].row == 97 and tech[0].evidence[0].dataset == "aigs-2022"
    # The US's extra vendors come from the v1 release, not from the misaligned columns.
    v1 = [c for c in usa if c.evidence[0].dataset == "aigs-2022-v1"]
    assert v1, "expected vendors taken from the v1 release for the USA"


def test_repairs_and_misaligned_columns_are_reported() -> None:
    batch = read_aigs_2022()
    text = "\n".join(batch.repairs)
    assert "'United States of America'" in text and "'South Korea, Sweden, Russia'" in text
    assert "ignored misaligned columns Company 6" in text
    kor = next(d for d in batch.documents if d.dataset == "aigs-2022" and d.meta["country"] == "KOR")
    assert kor.meta["other_countries"] == ["KOR", "SWE", "RUS"]
    # Tajikistan must not receive the US vendors that sit on its row in the damaged sheet.
    tjk = {c.vendor for c in batch.claims if c.country == "TJK"}
    usa = {c.vendor for c in batch.claims if c.country == "USA" and c.vendor}
    assert not (tjk & (usa - {"Huawei", "Hikvision", "Dahua", "ZTE"}))


def test_vendor_spellings_resolve() -> None:
    b19 = read_aigs_2019()
    raws = {(c.vendor_raw, c.vendor) for c in b19.claims if c.vendor}
    assert ("IBMN", "IBM") in raws
    raws22 = {(c.vendor_raw, c.vendor) for c in read_aigs_2022().claims if c.vendor}
    assert ("Hikvsion", "Hikvision") in raws22 and ("iOmnicient", "iOmniscient") in raws22
    assert not b19.unresolved
    assert split_vendor_cell("Mult; Amazon") == ["Mult", "Amazon"]
    assert not any(c.vendor and c.vendor.lower() == "mult" for c in b19.claims)
    assert sum(1 for d in b19.documents if d.meta["multiple_vendors"]) == 2


def test_flag_disagreements_are_listed_not_fixed() -> None:
    batch = read_aigs_2022()
    assert any("USA" in d and "kept as coded" in d for d in batch.disagreements)
    usa = next(d for d in batch.documents if d.dataset == "aigs-2022" and d.meta["country"] == "USA")
    assert usa.meta["china_tech"] is False  # as coded, although Chinese vendors are named


def test_governance_import(store: Store) -> None:
    report = import_governance(store)
    assert report.added["regimes"] > 10000 and report.added["military_expenditure"] > 5000
    labels = store.regime_labels(2021)
    assert labels["NOR"] == "LD" and labels["CHN"] == "CA"
    assert import_governance(store).added == {"regimes": 0, "military_expenditure": 0}
