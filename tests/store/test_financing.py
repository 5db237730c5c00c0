"""SQL for finance records (:mod:`countersight.store.financing`), on SQLite and PostgreSQL: records
written once and read back whole, and the financing claims state, per claim and per deployment."""

from __future__ import annotations

from countersight.model import Financing, FinancingRecord
from countersight.store import Store
from countersight.store import financing as fstore
from store_fixture import resolved_store, sample_document

AID_DOCUMENT = sample_document("Row 1 of an invented finance dataset: a loan for city cameras.")


def _record(project: str, country: str, surveillance: bool, claim_id: str | None = None) -> FinancingRecord:
    return FinancingRecord(
        id=f"fin-{project}",
        dataset="aiddata-test",
        project_id=project,
        document_id=AID_DOCUMENT.id,
        country=country,
        title=f"Project {project}",
        status="agreed",
        financing=Financing(lender="Export Bank", instrument="loan", amount=2.5e7, currency="CNY", concessional=True),
        commitment_year=2018,
        vendor="Huawei",
        technology="video_surveillance",
        tier=1,
        surveillance=surveillance,
        claim_id=claim_id,
        amount_nominal_usd=3.6e6,
        recommended=False,
        attrs={"sector": "ICT"},
    )


def test_records_are_written_once_and_read_back_whole(store: Store) -> None:
    records = [_record("1", "KEN", True, claim_id="cl-1"), _record("2", "UGA", False)]
    row = fstore.financing_row(records[0])
    assert (row["lender"], row["amount"], row["attrs"]) == ("Export Bank", 2.5e7, {"sector": "ICT"})
    with store.transaction() as conn:
        store.add([AID_DOCUMENT], conn=conn)  # every record cites its dataset row's document
        assert fstore.add_financing(store, records, conn) == 2
        assert fstore.add_financing(store, records, conn) == 0
    assert list(fstore.financing_records(store)) == records
    back = next(fstore.financing_records(store, country="KEN"))
    assert back.financing == records[0].financing and back.attrs == {"sector": "ICT"} and not back.recommended
    assert [r.project_id for r in fstore.financing_records(store, surveillance=False)] == ["2"]
    assert [r.project_id for r in fstore.financing_records(store, claim_ids=["cl-1"])] == ["1"]
    assert list(fstore.financing_records(store, claim_ids=[])) == []
    assert list(fstore.financing_records(store, dataset="other")) == []


def test_the_financing_claims_state(store: Store) -> None:
    _, claims = resolved_store(store)  # every sample claim names China Eximbank as lender
    deployments = fstore.claim_deployments(store, [c.id for c in claims])
    assert set(deployments) == {c.id for c in claims} and all(deployments.values())
    assert fstore.claim_deployments(store, []) == {}
    kenya = deployments[claims[0].id]
    assert kenya is not None and fstore.deployment_claim_ids(store, kenya) == sorted(c.id for c in claims[:2])
    stated = fstore.claim_financing(store, [claims[0].id, "cl-missing"])
    assert [(cid, f.lender, f.amount) for cid, _, _, f in stated] == [(claims[0].id, "China Eximbank", 1.5e6)]
    assert fstore.stored_lenders(store) == ["China Eximbank"]
    lenders = fstore.deployment_lenders(store)
    assert set(lenders) == set(deployments.values()) and lenders[kenya] == ["China Eximbank"]
    assert fstore.deployment_lenders(store, [kenya]) == {kenya: ["China Eximbank"]}
    with store.engine.connect() as conn:
        financed = set(conn.execute(fstore.financed_deployment_ids(["China Eximbank"])).scalars())
        assert financed == set(deployments.values())
        assert list(conn.execute(fstore.financed_deployment_ids(["Nobody"]))) == []
