"""The learned extractor (``extract/learned.py``): documents it skips, one claim per supplier and
recipient country, the model's threshold, the reasons it gives, and the pipelines and edges that
carry its claims (sentences and passages written for the project)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from countersight.extract import (
    EXTRACTOR_NAME,
    ExtractionBudgetError,
    _homes,
    claim_to_contract,
    extract_claims,
    learned,
)
from countersight.extract.model import FORMAT, bundled
from countersight.model import Document
from countersight.publish.cli import main
from countersight.store import Store


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


def test_documents_without_technology_or_place_are_not_read_further() -> None:
    sentence = bundled().sentence
    assert learned.prepare("The weather in Kenya was mild.", None, _homes(), sentence) is None
    assert learned.prepare("Facial recognition is spreading fast.", None, _homes(), sentence) is None
    prep = learned.prepare("Huawei installed CCTV cameras in Nairobi, Kenya.", None, _homes(), sentence)
    assert prep is not None
    assert len(prep.candidates) == len(prep.features) == 2  # Huawei with Nairobi, and with Kenya


def test_one_draft_per_supplier_and_country_with_its_details_and_reasons() -> None:
    text = (
        "Huawei installed a safe city system in Nairobi, Kenya, in 2019, financed by a $50 million "
        "concessional loan from China Exim Bank."
    )
    (draft,) = learned.draft_claims(text, None, _homes(), bundled())
    assert (draft.vendor, draft.vendor_country, draft.country, draft.city) == ("Huawei", "CHN", "KEN", "Nairobi")
    assert (draft.technology, draft.year, draft.how) == ("safe_city", 2019, "model:same")
    assert draft.financing is not None and draft.financing.lender == "Export-Import Bank of China"
    assert draft.confidence >= bundled().threshold and draft.extra["new_org"] is False
    explain = draft.extra["explain"]
    assert isinstance(explain, list) and len(explain) == learned.EXPLAIN_FEATURES
    assert all(r["says"] != r["feature"] for r in explain)  # words, not feature names


def test_the_threshold_decides_which_pairs_become_claims() -> None:
    text = "Huawei installed a safe city system in Nairobi, Kenya, in 2019."
    model = bundled()
    assert len(learned.draft_claims(text, None, _homes(), model)) == 1
    assert learned.draft_claims(text, None, _homes(), dataclasses.replace(model, threshold=1.01)) == []


def test_an_organisation_outside_the_registry_is_marked_new() -> None:
    text = (
        "A local integrator called Vexaro Systems installed 300 CCTV cameras and a facial recognition "
        "system in Quito, Ecuador, in 2021."
    )
    # Every candidate accepted: the marking is under test, not this sentence's score (which moves
    # from one trained model to the next: docs/extraction.md).
    every = dataclasses.replace(bundled(), threshold=0.0)
    (draft,) = learned.draft_claims(text, None, _homes(), every)
    assert (draft.vendor, draft.vendor_country, draft.country) == ("Vexaro Systems", None, "ECU")
    assert draft.extra["new_org"] is True
    (known,) = learned.draft_claims(text.replace("Vexaro Systems", "Hikvision"), None, _homes(), every)
    assert (known.vendor, known.extra["new_org"]) == ("Hikvision", False)


def test_explain_words_pair_each_feature_with_its_reading() -> None:
    assert learned.explain_words([("r_locative", 0.5)]) == [
        {"feature": "r_locative", "weight": 0.5, "says": "the recipient follows 'in', 'to', 'for' ..."}
    ]


def test_a_claim_dense_hostile_text_is_refused() -> None:
    text = ("Huawei sold CCTV cameras to " + ", ".join(["Kenya", "Uganda", "Zambia", "Ghana"] * 400) + ". ") * 5
    with pytest.raises(ExtractionBudgetError, match="too claim-dense"):
        learned.draft_claims(text, None, _homes(), bundled())


class _Spent:
    def exceeded(self) -> bool:
        return True


def test_a_document_over_its_time_budget_is_stopped() -> None:
    text = "Huawei installed CCTV cameras in Kenya. " * 200
    with pytest.raises(ExtractionBudgetError, match="time budget"):
        learned.draft_claims(text, None, _homes(), bundled(), _Spent())
    with pytest.raises(ExtractionBudgetError, match="time budget"):
        extract_claims(_doc(text), budget=_Spent())


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


def test_an_organisation_found_by_extraction_enters_the_review_queue(store: Store) -> None:
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


def test_the_reasons_reach_the_api_and_the_deployment_page(store: Store) -> None:
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
