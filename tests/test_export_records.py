"""export_records: the exports' typed rows: one record per exported table, rows narrowed to their
table's record, a claim's financing, and the JSON form of a watch-feed change."""

from __future__ import annotations

import pytest

from countersight.export_records import (
    TABLE_RECORDS,
    ChangeEvent,
    DeploymentChange,
    ExportClaim,
    ExportDeployment,
    ExportRegime,
    rows_of,
)


def _deployment(**values: object) -> ExportDeployment:
    """A deployment record, every field not given None."""
    return ExportDeployment(**{**dict.fromkeys(ExportDeployment._fields), **values})


def _claim(**values: object) -> ExportClaim:
    """A claim record, every field not given None."""
    return ExportClaim(**{**dict.fromkeys(ExportClaim._fields), **values})


def test_tables_are_listed_in_the_order_exports_write_them() -> None:
    assert list(TABLE_RECORDS)[:5] == ["documents", "claims", "evidence", "organizations", "deployments"]
    assert TABLE_RECORDS["regimes"] is ExportRegime and len(set(TABLE_RECORDS.values())) == len(TABLE_RECORDS)


def test_rows_of_narrows_to_a_tables_record_and_rejects_others() -> None:
    regimes = [ExportRegime("KEN", 2019, 1, "EA", "V-Dem"), ExportRegime("SRB", 2019, 2, "ED", "V-Dem")]
    assert rows_of(iter(regimes), ExportRegime) == regimes
    assert rows_of([], ExportClaim) == []
    with pytest.raises(TypeError, match="expected ExportClaim rows, got ExportRegime"):
        rows_of(regimes, ExportClaim)


def test_a_claim_is_financed_when_it_names_a_lender_or_an_amount() -> None:
    assert _claim(fin_lender="Example Policy Bank").financed
    assert _claim(fin_amount=12.5).financed
    assert not _claim(fin_currency="USD", fin_text="a loan").financed


def test_a_change_as_json_is_the_deployment_plus_updated_and_events() -> None:
    dep = _deployment(id="dep-1", country="KEN", status="reported", attrs={})
    event = ChangeEvent("dep-1", "dispute", None, "cancelled", "2025-01-15T09:30:00Z")
    row = DeploymentChange(dep, "2025-01-15T09:30:00Z", (event,)).as_dict()
    assert list(row) == [*ExportDeployment._fields, "updated", "events"]
    assert row["country"] == "KEN" and row["updated"] == "2025-01-15T09:30:00Z"
    assert row["events"] == [
        {
            "target_id": "dep-1",
            "action": "dispute",
            "actor": None,
            "reason": "cancelled",
            "created_at": "2025-01-15T09:30:00Z",
        }
    ]
    assert DeploymentChange(dep, None).as_dict()["events"] == []
