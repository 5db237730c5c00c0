"""The learned extractor: the shipped model, training, the model file, explanations
(sentences and passages written for the project)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from countersight.errors import CountersightError
from countersight.extract import EXTRACTOR_NAME, ExtractionBudgetError, _homes, claim_to_contract, extract_claims
from countersight.extract.candidates import MAX_CANDIDATES, analyse, candidates
from countersight.extract.explain import describe
from countersight.extract.model import FORMAT, Linear, ModelError, bundled, load
from countersight.extract.orgs import ORG
from countersight.extract.training import read_corpus, train
from countersight.model import Document
from countersight.publish.cli import main
from paths import TEST_DATA

FIXTURE = TEST_DATA / "extract_eval"


def _doc(text: str) -> Document:
    return Document(id="doc-learned", text=text)


def test_bundled_model_loads_and_names_its_version_in_every_claim() -> None:
    model = bundled()
    assert model.version.startswith(f"learned-{FORMAT}.")
    text = "Huawei installed a safe city system with facial recognition cameras in Nairobi, Kenya, in 2019."
    claims = extract_claims(_doc(text))
    assert [(c.vendor, c.country) for c in claims] == [("Huawei", "KEN")]
    (claim,) = claims
    assert claim.extractor == EXTRACTOR_NAME and claim.attrs["model"] == model.version
    assert 0.0 < claim.confidence <= 1.0
    assert claim.evidence[0].quote == text[claim.evidence[0].start : claim.evidence[0].end]
    row = claim_to_contract(claim)
    assert row["model"] == model.version
    assert row["explain"] and all({"feature", "weight", "says"} <= set(r) for r in row["explain"])


def test_unrelated_text_gives_no_claim() -> None:
    assert extract_claims(_doc("The weather in Kenya was mild and Huawei released a phone.")) == []


def test_rules_path_stays_available() -> None:
    text = "Huawei installed CCTV cameras in Kenya in 2018."
    (claim,) = extract_claims(_doc(text), model=None)
    assert claim.extractor == "countersight-rules" and "model" not in claim.attrs


def test_organisations_outside_the_registry_become_candidates() -> None:
    text = "A local integrator called Vexaro Systems installed 300 CCTV cameras for the police in Quito."
    a = analyse(text, _homes())
    orgs = [m for m in a.mentions if m.kind == ORG]
    assert [m.value for m in orgs] == ["Vexaro Systems"]
    assert any(c.supplier.kind == ORG and c.country == "ECU" for c in candidates(a))


def test_a_claim_dense_hostile_text_is_refused_with_its_reason() -> None:
    text = ("Huawei sold CCTV cameras to " + ", ".join(["Kenya", "Uganda", "Zambia", "Ghana"] * 400) + ". ") * 5
    with pytest.raises(ExtractionBudgetError, match=f"over {MAX_CANDIDATES} candidate pairs"):
        candidates(analyse(text, _homes()))
    with pytest.raises(ExtractionBudgetError):
        extract_claims(_doc(text))


class _Spent:
    def exceeded(self) -> bool:
        return True


def test_a_document_over_its_time_budget_is_stopped() -> None:
    text = "Huawei installed CCTV cameras in Kenya. " * 200
    with pytest.raises(ExtractionBudgetError, match="time budget"):
        extract_claims(_doc(text), budget=_Spent())
    assert extract_claims(_doc("Huawei installed CCTV cameras in Kenya."), budget=None) is not None


def test_ingest_records_a_hostile_document_as_a_failure(tmp_path: Path) -> None:
    from countersight.ingest import extract_documents

    (tmp_path / "dense.txt").write_text(
        ("ZTE sold CCTV cameras to " + ", ".join(["Kenya", "Uganda", "Zambia", "Ghana"] * 400) + ". ") * 5,
        encoding="utf-8",
    )
    (tmp_path / "good.txt").write_text(
        "Huawei installed a safe city system with CCTV cameras in Nairobi, Kenya.", encoding="utf-8"
    )
    outcomes = {Path(o.source).name: o for o in extract_documents([str(tmp_path)])}
    assert outcomes["dense.txt"].error is not None and "too claim-dense" in outcomes["dense.txt"].error
    assert outcomes["good.txt"].error is None and outcomes["good.txt"].claims


def test_every_feature_of_the_shipped_model_is_described_in_words() -> None:
    assert [f for f in bundled().pair.weights if describe(f) == f] == []


def test_features_are_described_in_words() -> None:
    assert describe("r_locative") == "the recipient follows 'in', 'to', 'for' ..."
    assert "same sentence" in describe("win=same&sk=company")
    assert describe("tok=3") == "words between supplier and recipient: up to 3"


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    passages = read_corpus([FIXTURE])
    first = train(passages, _homes(), seed=7, folds=3).to_json()
    second = train(passages, _homes(), seed=7, folds=3).to_json()
    return first, second


def test_training_is_deterministic(trained: tuple[str, str], tmp_path: Path) -> None:
    first, second = trained
    assert first == second
    body = json.loads(first)
    assert body["format"] == FORMAT and body["pair"]["weights"] and body["sentence"]["weights"]
    path = tmp_path / "m.json"
    path.write_text(first, encoding="utf-8")
    model = load(path)
    assert model.version == body["version"]
    # The trained model extracts from a passage of its own training set.
    claims = extract_claims(
        _doc("ZTE supplied a surveillance camera network to the police of Caracas, Venezuela."), model=model
    )
    assert all(c.attrs["model"] == model.version for c in claims)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "model file not found"),
        ("{not json", "not valid JSON"),
        ('{"hello": 1}', "not a countersight model file"),
        ('{"format": 999}', "format 999"),
        ('{"format": 1, "version": "x"}', "incomplete or malformed"),
    ],
)
def test_bad_model_files_are_one_line_errors(
    tmp_path: Path, content: str | None, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "model.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(ModelError, match=message):
        load(path)
    doc = tmp_path / "a.txt"
    doc.write_text("Huawei installed CCTV cameras in Kenya.", encoding="utf-8")
    code = main(["extract", "--model", str(path), str(doc)])
    err = capsys.readouterr().err.strip()
    assert code != 0 and message in err and len(err.splitlines()) == 1
    assert issubclass(ModelError, CountersightError)


def test_extract_explain_prints_reasons(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = tmp_path / "a.txt"
    doc.write_text("Huawei installed a safe city system with CCTV cameras in Nairobi, Kenya.", encoding="utf-8")
    assert main(["extract", "--explain", str(doc)]) in (0, None)
    out = capsys.readouterr().out
    assert "Huawei -> KEN" in out and "confidence" in out and "evidence: Huawei installed" in out
    reasons = [line for line in out.splitlines() if line.startswith(("    + ", "    - "))]
    assert reasons and all("=" not in line.split("(")[0] for line in reasons)  # words, not feature names


def test_extract_jsonl_contract_with_model_none(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = tmp_path / "a.txt"
    doc.write_text("Huawei installed CCTV cameras in Kenya in 2018.", encoding="utf-8")
    assert main(["extract", "--model", "none", str(doc)]) in (0, None)
    row = json.loads(capsys.readouterr().out.splitlines()[0])
    assert row["claims"][0]["extractor"] == "countersight-rules/0.2.1" and row["claims"][0]["model"] is None


def test_an_organisation_found_by_extraction_enters_the_review_queue(store) -> None:  # type: ignore[no-untyped-def]
    from countersight.resolution import resolve_store
    from countersight.review import review_queue

    text = (
        "Ecuador's national police signed a contract with a local integrator called Vexaro Systems, which "
        "installed 300 CCTV cameras and a facial recognition system in Quito, Ecuador, in 2021."
    )
    doc = Document(id="doc-vexaro", text=text)
    claims = extract_claims(doc)
    assert [(c.vendor, c.country) for c in claims] == [("Vexaro Systems", "ECU")]
    assert claims[0].attrs.get("new_org") is True
    store.add([doc], claims)
    resolve_store(store)
    queue = review_queue(store)
    assert any(item.vendor == "Vexaro Systems" and "new organization" in item.reasons for item in queue)


def test_the_reasons_reach_the_api_and_the_deployment_page(store) -> None:  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    from countersight.publish.api.app import create_app
    from countersight.resolution import resolve_store

    text = "Huawei installed a safe city system with facial recognition cameras in Nairobi, Kenya, in 2019."
    doc = Document(id="doc-why", text=text)
    store.add([doc], extract_claims(doc))
    resolve_store(store)
    with TestClient(create_app(store)) as client:
        (dep,) = client.get("/api/deployments").json()["items"]
        detail = client.get(f"/api/deployments/{dep['id']}").json()
        (claim,) = detail["claims"]
        assert claim["model"] == bundled().version
        assert claim["explain"] and all(r["says"] and isinstance(r["weight"], float) for r in claim["explain"])
        page = client.get(f"/deployment/{dep['id']}").text
        assert "Why (the model" in page and claim["explain"][0]["says"].split("'")[0] in page


def test_explain_breaks_ties_by_name_whatever_the_order() -> None:
    """Equal weights are listed by name, so a claim's reasons are the same in every process
    (set order changes with the hash seed)."""
    scorer = Linear({"b": 0.5, "a": -0.5, "c": 0.5, "d": 0.1}, 0.0)
    expected = [("a", -0.5), ("b", 0.5), ("c", 0.5)]
    assert scorer.explain(["c", "b", "a", "d"], k=3) == expected
    assert scorer.explain(["a", "d", "b", "c"], k=3) == expected
