"""Dataset imports (:mod:`countersight.datasets`): each import writes in one transaction, resolves
what it added, reports it as JSON, and a re-import adds nothing."""

from __future__ import annotations

import json

import pytest

from countersight import datasets
from countersight.sources.aigs import DatasetBatch
from countersight.store import Store
from countersight.store import deployments as dstore
from store_fixture import sample_claim, sample_document


def test_a_dataset_batch_is_stored_resolved_and_reported(store: Store) -> None:
    doc = sample_document("Row 7 of an invented sheet: Huawei, Kenya, city cameras.")
    batch = DatasetBatch(
        dataset="test-sheet",
        path="sheet.csv",
        documents=[doc],
        claims=[sample_claim(doc)],
        repairs=["row 3: country name repaired"],
        rows=1,
    )
    report = datasets.store_batch(store, batch)
    assert report.added["documents"] == 1 and report.added["claims"] == 1 and report.added["organizations"] > 0
    assert report.resolved["deployments"] == 1 and len(dstore.deployment_rows(store)) == 1
    as_json = json.loads(json.dumps(report.as_dict()))
    assert as_json["repairs"] == ["row 3: country name repaired"] and as_json["dataset"] == "test-sheet"
    again = datasets.store_batch(store, batch)
    assert again.added == {"documents": 0, "claims": 0, "evidence": 0, "organizations": 0}


def test_governance_and_finance_imports_are_idempotent(store: Store) -> None:
    first = datasets.import_governance(store)
    assert first.added["regimes"] > 0 and first.added["military_expenditure"] > 0
    assert first.rows == first.added["regimes"] + first.added["military_expenditure"]
    assert datasets.import_governance(store).added == {"regimes": 0, "military_expenditure": 0}
    finance = datasets.import_aiddata_huawei(store)
    assert finance.added["financing"] == finance.rows > 0 and finance.resolved["deployments"] > 0
    again = datasets.import_aiddata_huawei(store)
    assert again.added["financing"] == 0 and again.added["documents"] == 0


def test_an_unknown_aigs_edition_is_refused(store: Store) -> None:
    with pytest.raises(ValueError, match="unknown AIGS edition"):
        datasets.import_aigs(store, "2031")
