"""Review through the API (publish/api/review.py): who may act, each action recorded and applied,
the queue and the public history."""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from fastapi.testclient import TestClient

from pydantic import ValidationError

from api_fixture import fill_api_store
from countersight.publish.api import review
from countersight.publish.api.app import create_app
from countersight.store import Store
from countersight.store.tokens import list_tokens, revoke_token


@pytest.fixture
def api(store: Store) -> Iterator[tuple[TestClient, dict[str, str]]]:
    secrets = fill_api_store(store)
    with TestClient(create_app(store, dashboard=False), raise_server_exceptions=False) as client:
        yield client, secrets


def _auth(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def test_writes_need_a_token_with_the_right_role(api: tuple[TestClient, dict[str, str]], store: Store) -> None:
    client, secrets = api
    dep_id = client.get("/api/deployments", params={"country": "KEN"}).json()["items"][0]["id"]
    body = {"action": "accept", "reason": "three independent reports"}
    assert client.post(f"/api/review/{dep_id}", json=body).status_code == 401
    assert client.post(f"/api/review/{dep_id}", json=body, headers=_auth("cs_wrong")).status_code == 401
    r = client.post(f"/api/review/{dep_id}", json=body, headers=_auth(secrets["reviewer"]))
    assert r.status_code == 201 and r.json()["event"]["actor"] == "Rita Reviewer"
    detail = client.get(f"/api/deployments/{dep_id}").json()
    assert detail["review"] == "accepted"
    assert [(e["action"], e["actor"]) for e in detail["history"]] == [("accept", None)]  # anonymous
    detail = client.get(f"/api/deployments/{dep_id}", headers=_auth(secrets["admin"])).json()
    assert [(e["action"], e["actor"]) for e in detail["history"]] == [("accept", "Rita Reviewer")]
    assert client.get("/api/deployments", params={"reviewed": "true"}).json()["items"][0]["id"] == dep_id

    edit = {"action": "edit", "reason": "the contract names the city", "fields": {"city": "Mombasa"}}
    assert client.post(f"/api/review/{dep_id}", json=edit, headers=_auth(secrets["reviewer"])).status_code == 201
    assert client.get(f"/api/deployments/{dep_id}").json()["city"] == "Mombasa"
    bad = client.post(
        f"/api/review/{dep_id}",
        json={"action": "edit", "reason": "x", "fields": {"colour": "red"}},
        headers=_auth(secrets["reviewer"]),
    )
    assert bad.status_code == 422 and "colour" in bad.json()["error"]["message"]

    submission = {"text": "Huawei supplied a safe city system to Lusaka, Zambia.", "title": "A test note"}
    assert client.post("/api/documents", json=submission, headers=_auth(secrets["reviewer"])).status_code == 403
    made = client.post("/api/documents", json=submission, headers=_auth(secrets["admin"]))
    assert made.status_code == 201 and made.json()["new"] is True
    assert client.get(f"/api/documents/{made.json()['document_id']}").json()["title"] == "A test note"

    assert client.get("/api/me", headers=_auth(secrets["reviewer"])).json()["role"] == "reviewer"
    revoke_token(store, next(t.id for t in list_tokens(store) if t.role == "reviewer"))
    assert client.get("/api/me", headers=_auth(secrets["reviewer"])).status_code == 401
    queue = client.get("/api/review/queue", headers=_auth(secrets["admin"])).json()["items"]
    assert dep_id not in [i["target_id"] for i in queue] and queue


def test_review_action_bodies_are_checked() -> None:
    assert review.ReviewAction(action="note", reason="seen").fields is None
    for bad in (
        {"action": "approve", "reason": "x"},
        {"action": "note", "reason": ""},
        {"action": "edit", "reason": "x", "fields": {"c" * 40: "v"}},
    ):
        with pytest.raises(ValidationError):
            review.ReviewAction.model_validate(bad)


def test_dispute_and_history_hide_reviewers_from_anonymous_readers(api: tuple[TestClient, dict[str, str]]) -> None:
    client, secrets = api
    dep_id = client.get("/api/deployments", params={"country": "ECU"}).json()["items"][0]["id"]
    body = {"action": "dispute", "reason": "the ministry denies it", "by": "Ministry", "source": "https://x.example"}
    made = client.post(f"/api/review/{dep_id}", json=body, headers=_auth(secrets["reviewer"])).json()
    assert made["state"]["disputes"][0]["actor"] == "Rita Reviewer" and made["event"]["action"] == "dispute"
    public = client.get(f"/api/review/{dep_id}/history").json()
    assert public["target_id"] == dep_id and [e["actor"] for e in public["events"]] == [None]
    assert public["state"]["disputes"][0] | {"at": None, "event_id": None} == {
        "by": "Ministry",
        "source": "https://x.example",
        "reason": "the ministry denies it",
        "actor": None,
        "at": None,
        "event_id": None,
    }
    assert client.get("/api/deployments", params={"country": "ECU"}).json()["items"][0]["disputed"] is True


def test_logout_revokes_the_token(api: tuple[TestClient, dict[str, str]]) -> None:
    client, secrets = api
    me = client.get("/api/me", headers=_auth(secrets["admin"])).json()
    assert me["name"] == "Ada Admin" and me["role"] == "admin"
    assert client.post("/api/logout", headers=_auth(secrets["admin"])).json() == {"revoked": me["token_id"]}
    assert client.get("/api/me", headers=_auth(secrets["admin"])).status_code == 401
