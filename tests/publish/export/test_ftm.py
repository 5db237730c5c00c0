"""publish/export/ftm: the demo store's FollowTheMoney export is valid under the followthemoney
range the ``ftm`` extra declares: ``ftm validate`` and ``ftm aggregate`` return every entity
unchanged, topics exist in FtM, and every document the evidence and payments cite is emitted."""

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
from countersight.publish.export import export
from countersight.store import Store, open_store
from countersight.store.export_queries import Selection, table_rows
from paths import ROOT

followthemoney = pytest.importorskip("followthemoney")


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
