"""AidData readers: the values a row's claim and finance record carry, checked against the CSV
cells (the classifier: test_aiddata_classify.py)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from countersight.errors import InputError
from countersight.sources.aiddata import read_aiddata
from countersight.sources.aigs import bundled

SUBSETS = (
    "finance/aiddata_huawei_finance_gcdf2_surveillance.csv",
    "finance/aiddata_gcdf2_geocoded_surveillance.csv",
    "finance/aiddata_military_finance_gcdf2_surveillance.csv",
)


def _rows(name: str) -> list[dict[str, str]]:
    with bundled(name).open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_gcdf_claims_carry_the_loans() -> None:
    batch = read_aiddata("aiddata-gcdf")
    csv_rows = {r["AidData TUFF Project ID"]: r for r in _rows(SUBSETS[1])}
    claims = {c.attrs["project_id"]: c for c in batch.claims}
    assert sorted(claims) == sorted(p for p, r in csv_rows.items() if r["surveillance_tier"].startswith("1"))
    isb = claims["37016"]
    assert (isb.country, isb.vendor, isb.technology, isb.city) == ("PAK", "Huawei", "safe_city", "Islamabad")
    f = isb.financing
    assert f is not None
    assert (f.lender, f.instrument, f.amount, f.currency, f.concessional) == (
        "Export-Import Bank of China",
        "concessional loan",
        850_000_000.0,
        "CNY",
        True,
    )
    assert f.amount_usd_2017 == float(csv_rows["37016"]["Amount (Constant USD2017)"])
    tjk = sorted((c.financing.instrument, c.agency) for c in claims.values() if c.country == "TJK" and c.financing)
    assert tjk == [
        ("concessional loan", "Tajik Ministry of Internal Affairs"),
        ("preferential buyer's credit", "Tajik Ministry of Internal Affairs"),
    ]
    # Every row is a document and a finance record, surveillance or not.
    assert batch.rows == 14 and len(batch.financing) == 14 and sum(r.surveillance for r in batch.financing) == 5


def test_huawei_rows_keep_every_cited_source() -> None:
    batch = read_aiddata("aiddata-huawei")
    rows = _rows("finance/aiddata_huawei_finance_gcdf2.csv")
    cited = {
        (t.strip() or u.strip(), u.strip())
        for r in rows
        for u, t in zip(r["Source URLs"].split("|"), r["Source Titles"].split("|") + [""] * 99, strict=False)
        if u.strip()
    }
    kinds = [d.source_kind for d in batch.documents]
    assert kinds.count("dataset") == 165 and kinds.count("citation") == len(cited)
    kampala = next(c for c in batch.claims if c.attrs["project_id"] == "59946")
    row = next(r for r in rows if r["AidData TUFF Project ID"] == "59946")
    assert kampala.financing is not None and kampala.financing.instrument == "grant"
    assert kampala.financing.amount == float(row["Amount (Original Currency)"])
    # Evidence: the dataset row's title, then each of the row's cited sources.
    assert kampala.evidence[0].column == "Title" and kampala.evidence[0].quote == row["Title"].strip()
    assert len(kampala.evidence) == 1 + len(row["Source URLs"].split("|"))
    assert {o.kind for o in batch.organizations} == {"financier"}


def test_bad_file_is_an_input_error(tmp_path: Path) -> None:
    bad = tmp_path / "x.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(InputError, match="missing column"):
        read_aiddata("aiddata-huawei", bad)
