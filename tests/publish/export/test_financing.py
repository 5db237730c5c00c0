"""Exports of the ``financing`` table from the real AidData imports of the bundled files: the CSV and
JSON rows equal the store's table (amounts unconverted), the data package validates with frictionless
and carries AidData's ODC-By attribution, FtM Payments validate and link to the deployment's Contract,
and every format is byte-identical when repeated."""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import select

from countersight.datasets import import_aiddata_gcdf_surveillance, import_aiddata_huawei
from countersight.publish.export import FORMATS, export
from countersight.resolution import resolve_store
from countersight.store import Store, open_store, schema
from countersight.store.export_queries import Selection, exported_columns
from export_fixture import export_twice, file_digests


@pytest.fixture(scope="module")
def financed(tmp_path_factory: pytest.TempPathFactory) -> Store:
    s = open_store(f"sqlite:///{tmp_path_factory.mktemp('fin') / 'src.db'}")
    import_aiddata_huawei(s)
    import_aiddata_gcdf_surveillance(s)
    resolve_store(s)
    return s


def _stored(store: Store) -> list[dict[str, object]]:
    t = schema.financing
    with store.engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(t).order_by(t.c.id)).mappings()]


def _csv_value(v: str, kind: str) -> object:
    if v == "":
        return None
    return {"Float": float, "Integer": int, "Boolean": lambda x: x == "true", "JSON": json.loads}.get(kind, str)(v)


def test_csv_and_json_financing_rows_equal_the_store(financed: Store, tmp_path: Path) -> None:
    stored = _stored(financed)
    assert len(stored) == 165 + 14 + 30
    assert any(r["amount_usd_2017"] is not None and r["currency"] not in (None, "USD") for r in stored)
    export(financed, "csv", tmp_path / "csv")
    kinds = {c.name: type(c.type).__name__ for c in schema.financing.columns}
    with (tmp_path / "csv" / "financing.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == exported_columns("financing")
    assert [{k: _csv_value(v, kinds[k]) for k, v in r.items()} for r in rows] == stored
    export(financed, "json", tmp_path / "all.json")
    data = json.loads((tmp_path / "all.json").read_text())
    assert data["financing"] == stored
    # A selection keeps only the records behind the selected claims.
    export(financed, "json", tmp_path / "blr.json", Selection(country="BLR"))
    sel = json.loads((tmp_path / "blr.json").read_text())
    blr, claimed = sel["financing"], {c["id"] for c in sel["claims"]}
    assert blr and all(r["country"] == "BLR" and r["claim_id"] in claimed for r in blr)


def test_datapackage_financing_resource_validates(financed: Store, tmp_path: Path) -> None:
    frictionless = pytest.importorskip("frictionless")
    export(financed, "datapackage", tmp_path / "pkg")
    descriptor = json.loads((tmp_path / "pkg" / "datapackage.json").read_text())
    res = next(r for r in descriptor["resources"] if r["name"] == "financing")
    fields = {f["name"]: f["type"] for f in res["schema"]["fields"]}
    assert fields["amount"] == fields["amount_usd_2017"] == "number" and fields["concessional"] == "boolean"
    assert {"fields": ["document_id"], "reference": {"resource": "documents", "fields": ["id"]}} in res["schema"][
        "foreignKeys"
    ]
    assert [x["name"] for x in res["licenses"]] == ["CC-BY-4.0", "ODC-By-1.0"]
    assert any("AidData" in s["title"] for s in res["sources"])
    report = frictionless.validate(str(tmp_path / "pkg" / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]


def test_ftm_payments_validate_and_link_contracts(financed: Store, tmp_path: Path) -> None:
    model = pytest.importorskip("followthemoney").model
    export(financed, "ftm", tmp_path / "e.ftm.json")
    entities = [json.loads(line) for line in (tmp_path / "e.ftm.json").read_text().splitlines()]
    by_id = {e["id"]: e for e in entities}
    assert len(by_id) == len(entities)
    for ent in entities:
        sch = model.get(ent["schema"])
        assert sch is not None and not sch.abstract
        assert model.get_proxy(ent, cleaned=False).to_dict()["properties"] == ent["properties"], ent["id"]
        for name, values in ent["properties"].items():
            prop = sch.get(name)
            assert prop is not None, f"{ent['schema']} has no property {name}"
            if prop.type.name == "entity":
                for v in values:
                    assert v in by_id and model.get(by_id[v]["schema"]).is_a(prop.range), (ent["id"], name, v)
    stored = {r["id"]: r for r in _stored(financed)}
    payments = {e["id"].removeprefix("cs-"): e for e in entities if e["schema"] == "Payment"}
    # One Payment per finance record; claims imported with a record carry no second one.
    assert set(payments) == set(stored)
    for fid, pay in payments.items():
        rec, props = stored[fid], pay["properties"]
        assert props["recordId"] == [f"{rec['dataset']}:{rec['project_id']}"]
        assert props["programme"] == [rec["title"]] and props["payer"] and props["beneficiary"]
        if rec["amount"] is not None:
            assert float(props["amount"][0]) == rec["amount"] and props["currency"] == [rec["currency"]]
        if rec["claim_id"]:
            contract = by_id[props["contract"][0]]
            assert contract["schema"] == "Contract" and contract["properties"]["country"]
    pay = payments["fin-d84ddbdd4692198a"]["properties"]  # AidData 66867: Huawei's grant, Brest (Belarus)
    assert by_id[pay["payer"][0]]["properties"]["name"] == ["Huawei"]
    assert by_id[pay["payer"][0]]["schema"] == "Company"  # the vendor paying is still the vendor's entity
    assert by_id[pay["beneficiary"][0]]["properties"]["name"] == ["Government of Belarus"]
    assert float(pay["amount"][0]) == 400000 and pay["currency"] == ["USD"] and pay["date"] == ["2012"]
    assert "407402 in constant 2017 USD" in pay["description"][0]


@pytest.mark.parametrize("fmt", FORMATS)
def test_financing_exports_are_byte_identical(financed: Store, tmp_path: Path, fmt: str) -> None:
    a, b = export_twice(financed, fmt, tmp_path)
    assert file_digests(a, tmp_path / "a") == file_digests(b, tmp_path / "b")
    if fmt in ("csv", "parquet", "datapackage"):
        assert any(p.stem == "financing" for p in a)
    if fmt == "sqlite":
        with sqlite3.connect(a[0]) as conn:
            assert conn.execute("SELECT count(*) FROM financing").fetchone() == (len(_stored(financed)),)
