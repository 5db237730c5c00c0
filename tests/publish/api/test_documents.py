"""``/api/documents`` (publish/api/documents.py): a document with its evidence, its text only for
readers who may see it, its archived copy, and submission by admins."""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from fastapi.testclient import TestClient

from pydantic import ValidationError

from api_fixture import fill_api_store
from countersight.publish.api import documents
from countersight.publish.api.app import create_app
from countersight.store import Store


@pytest.fixture
def api(store: Store) -> Iterator[tuple[TestClient, dict[str, str]]]:
    secrets = fill_api_store(store)
    with TestClient(create_app(store, dashboard=False), raise_server_exceptions=False) as client:
        yield client, secrets


def _auth(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def test_a_document_with_its_evidence_and_its_text_withheld(api: tuple[TestClient, dict[str, str]]) -> None:
    client, secrets = api
    doc_id = secrets["hostile_document"]
    public = client.get(f"/api/documents/{doc_id}").json()
    assert public["text"] is None and public["text_withheld"] is True
    assert public["publisher"] == "Example Markup Daily" and public["evidence"][0]["country"] == "SRB"
    assert public["deployments"] == sorted({e["deployment_id"] for e in public["evidence"]})
    signed_in = client.get(f"/api/documents/{doc_id}", headers=_auth(secrets["reviewer"])).json()
    assert signed_in["text_withheld"] is False and "Belgrade" in signed_in["text"]
    assert client.get("/api/documents/no-such-document").status_code == 404


def test_a_document_without_an_archived_copy_is_404(api: tuple[TestClient, dict[str, str]]) -> None:
    client, secrets = api
    got = client.get(f"/api/documents/{secrets['hostile_document']}/archive")
    assert got.status_code == 404 and got.json()["error"]["code"] == "not_found"


def test_an_admin_submits_a_document_and_its_claims_are_resolved(api: tuple[TestClient, dict[str, str]]) -> None:
    client, secrets = api
    text = "Example Vision supplied facial recognition cameras to the police of Quito, Ecuador, in 2021."
    made = client.post("/api/documents", json={"text": text, "title": "Quito note"}, headers=_auth(secrets["admin"]))
    body = made.json()
    assert made.status_code == 201 and body["new"] is True and body["claims"] == len(body["claim_ids"])
    assert set(body["extracted"]) <= {"ECU"}
    again = client.post("/api/documents", json={"text": text}, headers=_auth(secrets["admin"])).json()
    assert again["document_id"] == body["document_id"] and again["new"] is False
    public = client.get(f"/api/documents/{body['document_id']}").json()
    assert "submitted_by" not in public["meta"]  # who submitted it is for signed-in readers
    signed_in = client.get(f"/api/documents/{body['document_id']}", headers=_auth(secrets["admin"])).json()
    assert signed_in["meta"]["submitted_by"] == "Ada Admin"


def test_submissions_are_bounded() -> None:
    with pytest.raises(ValidationError):
        documents.DocumentSubmission(text="")
    with pytest.raises(ValidationError):
        documents.DocumentSubmission(text="x", title="t" * 501)
