"""publish/export/ftm: the FollowTheMoney export of the test store maps each record to the entity
it should be (contract, award, buyer, payment, documentation); the demo store's export is valid
under the followthemoney range the ``ftm`` extra declares (``ftm validate`` and ``ftm aggregate``
return every entity unchanged, topics exist in FtM, every document cited is emitted); evidence
citing a document missing from the export is an error, not a dangling reference."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest

from countersight.demo import build_demo
from countersight.errors import CountersightError
from countersight.export_records import ExportEvidence
from countersight.publish.export import export, ftm
from countersight.publish.export.base import make_context, published_rows
from countersight.store import Store, open_store
from countersight.store.export_queries import Selection, table_rows
from export_fixture import fill
from paths import ROOT

followthemoney = pytest.importorskip("followthemoney")


@pytest.fixture
def filled(tmp_path: Path) -> Store:
    s = open_store(f"sqlite:///{tmp_path / 'src.db'}")
    fill(s)
    return s


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Store:
    store = open_store(f"sqlite:///{tmp_path_factory.mktemp('ftm') / 'demo.db'}")
    build_demo(store)
    return store


def _declared_range(extra: str) -> str:
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    (spec,) = [d for d in extras[extra] if d.startswith("followthemoney")]
    return spec.removeprefix("followthemoney")


def test_installed_followthemoney_is_in_the_declared_range() -> None:
    from packaging.specifiers import SpecifierSet

    declared = _declared_range("ftm")
    assert declared == _declared_range("test")  # the tests install what users install
    assert "<" in declared  # an upper bound: a new major version is untested
    assert metadata.version("followthemoney") in SpecifierSet(declared)


def _ftm(*args: str) -> None:
    ftm = Path(sys.executable).with_name("ftm")
    if not ftm.exists():
        pytest.skip("the ftm command is not installed next to this Python")
    subprocess.run([str(ftm), *args], check=True, capture_output=True, timeout=300)


def _by_id(path: Path) -> dict[str, dict[str, Any]]:
    entities = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    by_id = {e["id"]: e for e in entities}
    assert len(by_id) == len(entities)
    return by_id


def _normalised(entities: dict[str, dict[str, Any]]) -> dict[str, tuple[str, dict[str, list[str]]]]:
    return {k: (e["schema"], {p: sorted(v) for p, v in e["properties"].items()}) for k, e in entities.items()}


@pytest.mark.parametrize("selection", [Selection(), Selection(country="PAK")], ids=["all", "PAK"])
def test_ftm_validate_and_aggregate_pass_on_the_demo_export(demo: Store, selection: Selection, tmp_path: Path) -> None:
    out = tmp_path / "demo.ftm.json"
    export(demo, "ftm", out, selection)
    exported = _by_id(out)
    _ftm("validate", "-i", str(out), "-o", str(tmp_path / "valid.json"))
    _ftm("aggregate", "-i", str(out), "-o", str(tmp_path / "aggregated.json"))
    assert _normalised(_by_id(tmp_path / "valid.json")) == _normalised(exported)
    assert _normalised(_by_id(tmp_path / "aggregated.json")) == _normalised(exported)

    model = followthemoney.model
    from followthemoney.types import registry

    topics = set(registry.topic.names)
    used = {t for e in exported.values() for t in e["properties"].get("topics", [])}
    assert used == {"gov"} and used <= topics
    assert all("gov" in e["properties"]["topics"] for e in exported.values() if e["schema"] == "PublicBody")
    for ent in exported.values():  # every reference resolves to an entity of the right schema
        schema = model.get(ent["schema"])
        for prop_name, values in ent["properties"].items():
            prop = schema.get(prop_name)
            if prop.type.name == "entity":
                for v in values:
                    assert model.get(exported[v]["schema"]).is_a(prop.range), (ent["id"], prop_name)
    documentation = [e for e in exported.values() if e["schema"] == "Documentation"]
    assert len(documentation) == len(list(table_rows(demo, "evidence", selection)))
    payments = [e for e in exported.values() if e["schema"] == "Payment" and "recordId" in e["properties"]]
    assert payments and all(exported[p["properties"]["proof"][0]]["schema"] == "Article" for p in payments)
    assert len(payments) == len(list(table_rows(demo, "financing", selection)))


def test_ftm_entities_validate(filled: Store, tmp_path: Path) -> None:
    model = pytest.importorskip("followthemoney").model
    export(filled, "ftm", tmp_path / "e.ftm.json")
    entities = [json.loads(line) for line in (tmp_path / "e.ftm.json").read_text().splitlines()]
    by_id = {e["id"]: e for e in entities}
    assert len(by_id) == len(entities)
    for ent in entities:
        schema = model.get(ent["schema"])
        assert schema is not None and not schema.abstract, ent["schema"]
        proxy = model.get_proxy(ent, cleaned=False)  # re-cleans every value
        assert proxy.to_dict()["properties"] == ent["properties"], ent["id"]
        for prop_name, values in ent["properties"].items():
            prop = schema.get(prop_name)
            assert prop is not None, f"{ent['schema']} has no property {prop_name}"
            if prop.type.name == "entity":  # every reference resolves to an entity of the right schema
                for v in values:
                    assert v in by_id, f"{ent['id']}.{prop_name} -> {v} missing"
                    assert model.get(by_id[v]["schema"]).is_a(prop.range), (prop_name, by_id[v]["schema"])
    schemata = sorted({e["schema"] for e in entities})
    assert schemata == [
        "Article",
        "Company",
        "Contract",
        "ContractAward",
        "Documentation",
        "Organization",
        "Ownership",
        "Payment",
        "PublicBody",
    ]
    contract = next(e for e in entities if e["schema"] == "Contract" and e["properties"].get("country") == ["ke"])
    assert contract["properties"]["amount"] and contract["properties"]["currency"] == ["USD"]
    assert contract["properties"]["contractDate"] == ["2023"]
    buyer = by_id[contract["properties"]["authority"][0]]
    assert buyer["schema"] == "PublicBody" and buyer["properties"]["name"] == ["Kenya Police Service"]
    award = next(
        e for e in entities if e["schema"] == "ContractAward" and e["properties"]["contract"] == [contract["id"]]
    )
    assert by_id[award["properties"]["supplier"][0]]["properties"]["name"] == ["Northwind Vision"]
    docs = [e for e in entities if e["schema"] == "Documentation" and e["properties"]["entity"] == [contract["id"]]]
    assert docs and by_id[docs[0]["properties"]["document"][0]]["schema"] == "Article"
    pay = next(e for e in entities if e["schema"] == "Payment")
    assert by_id[pay["properties"]["payer"][0]]["properties"]["name"] == ["Example Policy Bank"]
    meta = json.loads((tmp_path / "e.ftm.json.meta.json").read_text())
    assert meta["entities"] == len(entities)


def test_an_unmerged_claim_gets_a_contract_of_its_own(filled: Store, tmp_path: Path) -> None:
    from countersight.store import schema

    with filled.transaction() as conn:
        conn.execute(schema.claims.update().values(deployment_id=None))
    out = tmp_path / "claims.ftm.json"
    export(filled, "ftm", out)
    contracts = [e for e in _by_id(out).values() if e["schema"] == "Contract"]
    unmerged = [c for c in contracts if "not yet merged" in " ".join(c["properties"].get("notes", []))]
    assert len(unmerged) == 2 and all(c["id"].startswith(ftm.PREFIX + "cl-") for c in unmerged)
    ken = next(c for c in unmerged if c["properties"]["country"] == ["ke"])
    assert ken["properties"]["currency"] == ["USD"] and ken["properties"]["contractDate"] == ["2023"]


def test_evidence_citing_a_document_missing_from_the_export_is_an_error(filled: Store, tmp_path: Path) -> None:
    exporter = ftm.FtmExporter(make_context(filled, tmp_path / "broken.ftm.json"))
    exporter.setup()
    for table in exporter.tables:
        rows = list(published_rows(exporter.context, table))
        if table == "documents":
            rows = rows[1:]  # one document lost between the queries
        exporter.feed(table, rows)
    with pytest.raises(CountersightError, match="missing from the export"):
        exporter.finish()
    assert not (tmp_path / "broken.ftm.json").exists()
    assert all(isinstance(e, ExportEvidence) for e in exporter.rows["evidence"])
