"""countersight.api: the Python facade (cs.open(url).deployments(...).to_dataframe())."""

from __future__ import annotations

from pathlib import Path

import pytest

import countersight as cs
from countersight.store import open_store
from export_fixture import fill


def test_open_and_read_as_dataframes(tmp_path: Path) -> None:
    pd = pytest.importorskip("pandas")
    url = f"sqlite:///{tmp_path / 'api.db'}"
    filled = open_store(url)
    fill(filled)
    filled.close()
    with cs.open(url) as db:
        frame = db.deployments(country="KEN").to_dataframe()
        assert list(frame["vendor"]) == ["Northwind Vision"]
        assert frame["first_seen"].iloc[0] == pd.Timestamp("2024-03-04")
        claims = db.claims(vendor="Northwind Vision").to_dataframe()
        assert sorted(claims["country"]) == ["KEN", "SRB"]
        assert claims.set_index("country").loc["KEN", "fin_currency"] == "USD"
        assert len(db.evidence(country="SRB")) == 1 and db.evidence(country="SRB")[0]["row"] == 2
        assert "text" not in db.documents()[0]
        dep_id = db.deployments(country="KEN")[0]["id"]
        assert [e["publisher"] for e in db.deployment_evidence(dep_id)] == ["Example News"]
        empty = db.deployments(country="FRA").to_dataframe()
        assert empty.empty and "vendor" in empty.columns
        assert [r["country"] for r in db.changes(since="2024-06-01")] == ["SRB"]
        assert db.snapshot_id().startswith("snap-")
        files = db.export("csv", tmp_path / "csv", country="SRB")
        assert any(p.name == "claims.csv" for p in files)


def test_records_without_pandas_message(monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    real_import = builtins.__import__

    def no_pandas(name: str, *args: object, **kwargs: object) -> object:
        if name == "pandas":
            raise ImportError("no pandas")
        return real_import(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(builtins, "__import__", no_pandas)
    with pytest.raises(cs.errors.CountersightError, match="countersight\\[pandas\\]"):
        cs.Records([{"a": 1}]).to_dataframe()
