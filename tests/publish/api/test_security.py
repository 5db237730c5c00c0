"""The API as a public server meets hostile clients and hostile data (issue 18): what anonymous
readers see, crafted cursors, Host headers, CSV formulas, control characters in feeds, private
caching, token expiry, sign-out, throttled sign-ins, literal search and length limits."""

from __future__ import annotations

import base64
import csv
import datetime as dt
import io
import json
import warnings
from collections.abc import Iterator
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from sqlalchemy import update

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from fastapi.testclient import TestClient

from api_fixture import fill_api_store
from countersight.config import Settings
from countersight.publish.api.app import create_app
from countersight.publish.api.paging import encode_cursor
from countersight.store import Store, schema
from countersight.store.tokens import create_token, list_tokens

FORMULA = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture
def api(store: Store) -> Iterator[tuple[TestClient, dict[str, str], Store]]:
    secrets = fill_api_store(store)
    with TestClient(create_app(store, settings=Settings()), raise_server_exceptions=False) as client:
        yield client, secrets, store


def _auth(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def _ken(client: TestClient) -> str:
    return str(client.get("/api/deployments", params={"country": "KEN"}).json()["items"][0]["id"])


# -- source protection (items 6 and 7) ----------------------------------------------------------


def test_anonymous_readers_get_quotes_but_no_full_text_and_no_reviewer_names(
    api: tuple[TestClient, dict[str, str], Store],
) -> None:
    client, secrets, _ = api
    dep_id = _ken(client)
    note = {"action": "note", "reason": "checked the contract", "by": None}
    assert client.post(f"/api/review/{dep_id}", json=note, headers=_auth(secrets["reviewer"])).status_code == 201
    made = client.post(
        "/api/documents",
        json={
            "text": "Huawei supplied a safe city system to Lusaka, Zambia.\n\nOur source, Jane Whistle, "
            "works at the ministry.",
            "title": "Leak",
        },
        headers=_auth(secrets["admin"]),
    ).json()
    for doc_id in (made["document_id"], secrets["hostile_document"]):
        anon = client.get(f"/api/documents/{doc_id}").json()
        assert anon["text"] is None and anon["text_withheld"] is True
        assert "submitted_by" not in anon["meta"]
        signed = client.get(f"/api/documents/{doc_id}", headers=_auth(secrets["reviewer"])).json()
        assert signed["text"] and signed["text_withheld"] is False
    signed = client.get(f"/api/documents/{made['document_id']}", headers=_auth(secrets["reviewer"])).json()
    assert signed["meta"]["submitted_by"] == "Ada Admin"
    # The evidence quote (the point of the product) stays public.
    anon_dep = client.get(f"/api/deployments/{dep_id}").json()
    assert anon_dep["evidence"] and all(e["quote"] for e in anon_dep["evidence"])
    for body in (
        client.get(f"/api/deployments/{dep_id}").text,
        client.get(f"/api/review/{dep_id}/history").text,
        client.get(f"/deployment/{dep_id}").text,
        client.get("/feeds/deployments.atom").text,
        client.get(f"/document/{made['document_id']}").text,
    ):
        assert "Rita Reviewer" not in body and "Ada Admin" not in body
        assert "Jane Whistle" not in body
    assert "Lusaka" in client.get(f"/document/{made['document_id']}").text  # the quote is public
    assert "checked the contract" in client.get(f"/deployment/{dep_id}").text  # and so is the reason
    history = client.get(f"/api/review/{dep_id}/history", headers=_auth(secrets["admin"])).json()
    assert [e["actor"] for e in history["events"]] == ["Rita Reviewer"]
    snapshot = client.get("/api/export/snapshot.zip")
    unzipped = _unzipped(snapshot.content)
    assert snapshot.status_code == 200 and b"Rita Reviewer" not in unzipped and b"Ada Admin" not in unzipped
    assert b"Jane Whistle" not in unzipped and b"to the police of Belgrade" not in unzipped  # no full texts


def _unzipped(data: bytes) -> bytes:
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return b"".join(zf.read(n) for n in zf.namelist())


def test_cached_feed_and_snapshot_are_the_public_view_whoever_asks_first(
    api: tuple[TestClient, dict[str, str], Store],
) -> None:
    """The feed and snapshot.zip are built once per store version and served to everyone: a
    signed-in request with a forged Host header that fills the cache first must leave in it what
    an anonymous reader may see, and the anonymous copy is what the signed-in reader gets."""
    client, secrets, _ = api
    dep_id = _ken(client)
    note = {"action": "note", "reason": "checked the contract"}
    assert client.post(f"/api/review/{dep_id}", json=note, headers=_auth(secrets["reviewer"])).status_code == 201
    signed = {**_auth(secrets["reviewer"]), "Host": "evil.example"}
    signed_feed = client.get("/feeds/deployments.atom", headers=signed)
    signed_zip = client.get("/api/export/snapshot.zip", headers=signed)
    anon_feed = client.get("/feeds/deployments.atom")
    anon_zip = client.get("/api/export/snapshot.zip")
    assert signed_feed.status_code == anon_feed.status_code == 200
    assert signed_feed.content == anon_feed.content and signed_feed.headers["etag"] == anon_feed.headers["etag"]
    assert signed_zip.content == anon_zip.content and signed_zip.headers["etag"] == anon_zip.headers["etag"]
    for body in (anon_feed.content, _unzipped(anon_zip.content)):
        assert b"Rita Reviewer" not in body and b"evil.example" not in body and b"testserver" not in body
    assert b"to the police of Belgrade" not in _unzipped(anon_zip.content)  # no full text
    # Private responses stay out of shared caches; public ones are revalidated with the ETag.
    assert signed_feed.headers["cache-control"] == signed_zip.headers["cache-control"] == "no-store"
    assert anon_feed.headers["cache-control"] == anon_zip.headers["cache-control"] == "no-cache"
    again = client.get("/feeds/deployments.atom", headers={"If-None-Match": anon_feed.headers["etag"]})
    assert again.status_code == 304 and again.content == b""


def test_a_signed_in_reader_leaves_the_store_version_and_the_caches_alone(
    api: tuple[TestClient, dict[str, str], Store],
) -> None:
    client, secrets, store = api
    before = store.version()
    assert client.get("/api/me", headers=_auth(secrets["admin"])).status_code == 200
    assert {t.name: t.last_used_at for t in list_tokens(store)}["Ada Admin"] is not None  # use recorded
    assert store.version() == before  # ... without invalidating every cached index and download


def test_settings_can_publish_texts_and_names(store: Store) -> None:
    secrets = fill_api_store(store)
    settings = Settings(publish_full_text=True, publish_reviewer_names=True)
    with TestClient(create_app(store, settings=settings), raise_server_exceptions=False) as client:
        dep_id = _ken(client)
        client.post(f"/api/review/{dep_id}", json={"action": "note", "reason": "x"}, headers=_auth(secrets["admin"]))
        assert client.get(f"/api/documents/{secrets['hostile_document']}").json()["text"]
        assert client.get(f"/api/deployments/{dep_id}").json()["history"][0]["actor"] == "Ada Admin"
        assert "Ada Admin" in client.get(f"/deployment/{dep_id}").text


# -- crafted cursors (item 10) ------------------------------------------------------------------


def _b64(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


CRAFTED = {
    "garbage base64": "!!!not-base64!!!",
    "not json": _b64("{{{"),
    "deep nesting": _b64("[" * 5000 + "]" * 5000),
    "a dict": _b64(json.dumps({"a": 1})),
    "wrong length": _b64(json.dumps(["id", False, "x"])),
    "wrong types": _b64(json.dumps([1, 2, 3, 4])),
    "nested value": encode_cursor(["id", False, {"$gt": ""}, "x"]),
    "list value": encode_cursor(["id", False, [1, [2]], "x"]),
    "huge": _b64(json.dumps(["id", False, "x" * 5000, "x"])),
}


@pytest.mark.parametrize(
    "path, params",
    [
        ("/api/deployments", {"sort": "id"}),
        ("/api/deployments", {"sort": "-confidence"}),
        ("/api/deployments", {"sort": "first_seen"}),
        ("/api/deployments", {"sort": "id", "as_of": "2030-01-01"}),
        ("/api/countries", {}),
        ("/api/vendors", {}),
        ("/api/vendors", {"sort": "-deployments"}),
        ("/api/search", {"q": "nairobi"}),
    ],
)
def test_crafted_cursors_get_400_on_every_list_endpoint(
    api: tuple[TestClient, dict[str, str], Store], path: str, params: dict[str, str]
) -> None:
    client, _, _ = api
    sort = params.get("sort", "id").lstrip("-")
    typed = {
        "string for a number": encode_cursor([sort, params.get("sort", "").startswith("-"), "abc", "x"]),
        "number for a string": encode_cursor([sort, params.get("sort", "").startswith("-"), 1.5, "x"]),
        "not a date": encode_cursor([sort, False, "2020-99-99", "x"]),
        "search position": encode_cursor(["evidence", False, "abc" if True else 1, ""]),
    }
    for name, cursor in {**CRAFTED, **typed}.items():
        resp = client.get(path, params={**params, "cursor": cursor})
        assert resp.status_code in (200, 400), (name, resp.status_code, resp.text)
        if name in CRAFTED:
            assert resp.status_code == 400, (name, resp.text)
        assert resp.json()["error"]["code"] == "invalid" if resp.status_code == 400 else True


def test_typed_cursor_values_are_checked(api: tuple[TestClient, dict[str, str], Store]) -> None:
    client, _, store = api
    cases = [
        ("/api/deployments", {"sort": "-confidence"}, ["confidence", True, "abc", "x"]),
        ("/api/deployments", {"sort": "first_seen"}, ["first_seen", False, "2020-99-99", "x"]),
        ("/api/deployments", {"sort": "first_seen"}, ["first_seen", False, 3, "x"]),
        ("/api/vendors", {"sort": "-deployments"}, ["deployments", True, "abc", "x"]),
        ("/api/vendors", {"sort": "name"}, ["name", False, 2.5, "x"]),
        ("/api/search", {"q": "nairobi"}, ["evidence", False, "abc" if store.dialect == "sqlite" else 7, ""]),
        ("/deployments", {"sort": "-confidence"}, ["confidence", True, "abc", "x"]),
    ]
    for path, params, parts in cases:
        resp = client.get(path, params={**params, "cursor": encode_cursor(parts)})
        assert resp.status_code == 400, (path, parts, resp.status_code)


# -- Host header (item 11) ----------------------------------------------------------------------


def test_host_header_never_reaches_a_response(api: tuple[TestClient, dict[str, str], Store]) -> None:
    client, _, _ = api
    evil = {"Host": "evil.example"}
    for path in ("/feeds/deployments.atom", "/docs/", "/api/deployments/", "/", "/api/health", "/deployments"):
        resp = client.get(path, headers=evil, follow_redirects=False)
        assert "evil.example" not in resp.text, path
        assert "evil.example" not in resp.headers.get("location", ""), path
    for path in ("/docs/", "/api/deployments/"):  # trailing-slash redirects used the Host header
        redirect = client.get(path, headers=evil, follow_redirects=False)
        assert redirect.status_code == 307 and redirect.headers["location"] == path.rstrip("/")


def test_public_base_url_and_trusted_hosts(store: Store) -> None:
    fill_api_store(store)
    settings = Settings(public_base_url="https://cs.example.org", trusted_hosts=("cs.example.org", "testserver"))
    with TestClient(create_app(store, settings=settings), raise_server_exceptions=False) as client:
        feed = client.get("/feeds/deployments.atom").text
        assert 'href="https://cs.example.org/feeds/deployments.atom"' in feed
        assert "testserver" not in feed
        moved = client.get("/docs/", follow_redirects=False)
        assert moved.status_code == 307 and moved.headers["location"] == "https://cs.example.org/docs"
        refused = client.get("/api/health", headers={"Host": "evil.example"})
        assert refused.status_code == 400 and "evil.example" not in refused.text


# -- CSV formulas (item 8) and control characters in feeds (item 4) ------------------------------


def _poison(store: Store) -> None:
    """Hostile values written straight into the tables, as rows stored before the sanitiser."""
    with store.transaction() as conn:
        conn.execute(
            update(schema.deployments)
            .where(schema.deployments.c.country == "KEN")
            .values(city='=HYPERLINK("http://x.example","x")', agency="@SUM(1+1)\x01", vendor="-2+3\x01")
        )
        conn.execute(update(schema.review_events).values(reason="note\x01with a control character"))


def test_csv_cells_never_start_with_a_formula(api: tuple[TestClient, dict[str, str], Store]) -> None:
    client, secrets, store = api
    client.post(f"/api/review/{_ken(client)}", json={"action": "note", "reason": "x"}, headers=_auth(secrets["admin"]))
    _poison(store)
    for path, params in (
        ("/api/deployments", {"format": "csv"}),
        ("/api/export/deployments.csv", {}),
        ("/api/flows", {"format": "csv"}),
        ("/api/countries", {"format": "csv"}),
        ("/api/vendors", {"format": "csv"}),
        ("/api/financing", {"format": "csv"}),
    ):
        resp = client.get(path, params=params)
        assert resp.status_code == 200, (path, resp.text)
        rows = list(csv.reader(io.StringIO(resp.text)))
        cells = [c for r in rows[1:] for c in r]
        bad = [c for c in cells if c.startswith(FORMULA) and not _is_number(c)]
        assert not bad, (path, bad)
    text = client.get("/api/deployments", params={"format": "csv", "country": "KEN"}).text
    assert "'=HYPERLINK" in text and "'@SUM" in text and "'-2+3" in text


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def test_feed_stays_valid_xml_with_control_characters_anywhere(
    api: tuple[TestClient, dict[str, str], Store],
) -> None:
    client, secrets, store = api
    dep_id = _ken(client)
    note = {"action": "note", "reason": "a note\x01 with U+0001"}
    assert client.post(f"/api/review/{dep_id}", json=note, headers=_auth(secrets["admin"])).status_code == 201
    doc = {"text": "Huawei\x01 supplied a safe city system to Lusaka, Zambia.\x02", "title": "T\x01"}
    made = client.post("/api/documents", json=doc, headers=_auth(secrets["admin"])).json()
    stored = client.get(f"/api/documents/{made['document_id']}", headers=_auth(secrets["admin"])).json()
    assert "\x01" not in stored["text"] and "\x02" not in stored["text"] and stored["title"] == "T"
    history = client.get(f"/api/review/{dep_id}/history").json()["events"]
    assert history[-1]["reason"] == "a note with U+0001"  # sanitised on the way in
    _poison(store)  # and rows stored before the sanitiser existed
    feed = client.get("/feeds/deployments.atom")
    assert feed.status_code == 200
    root = ET.fromstring(feed.content)  # raises on invalid XML
    assert root.tag.endswith("feed") and "\x01" not in feed.text


# -- private responses, tokens, throttling (items 16 and 17) -------------------------------------


def test_private_responses_are_not_cached(api: tuple[TestClient, dict[str, str], Store]) -> None:
    client, secrets, _ = api
    for path in ("/api/me", "/api/review/queue"):
        resp = client.get(path, headers=_auth(secrets["reviewer"]))
        assert resp.status_code == 200 and resp.headers["cache-control"] == "no-store", path
    assert client.get("/api/health", headers=_auth(secrets["reviewer"])).headers["cache-control"] == "no-store"
    assert "no-store" not in client.get("/api/health").headers.get("cache-control", "")


def test_tokens_expire_record_use_and_sign_out_revokes(api: tuple[TestClient, dict[str, str], Store]) -> None:
    client, secrets, store = api
    _, short = create_token(store, "Short Lived", "reviewer", dt.timedelta(seconds=-1))
    assert client.get("/api/me", headers=_auth(short)).status_code == 401
    assert client.get("/api/me", headers=_auth(secrets["reviewer"])).status_code == 200
    used = {t.name: t.last_used_at for t in list_tokens(store)}
    assert used["Rita Reviewer"] is not None and used["Ada Admin"] is None
    out = client.post("/api/logout", headers=_auth(secrets["reviewer"]))
    assert out.status_code == 200
    assert client.get("/api/me", headers=_auth(secrets["reviewer"])).status_code == 401
    assert {t.name: t.revoked_at for t in list_tokens(store)}["Rita Reviewer"] is not None


def test_failed_sign_ins_are_throttled_per_client(api: tuple[TestClient, dict[str, str], Store]) -> None:
    client, secrets, _ = api
    codes = [client.get("/api/me", headers=_auth(f"cs_guess{i}")).status_code for i in range(15)]
    assert codes[:10] == [401] * 10 and codes[-1] == 429
    # Even the right token waits: the client is throttled, not the guess.
    blocked = client.get("/api/me", headers=_auth(secrets["reviewer"]))
    assert blocked.status_code == 429 and int(blocked.headers["retry-after"]) >= 1
    assert client.get("/api/health").status_code == 200  # anonymous reading goes on


# -- literal search, known filters, length limits (items 14, 15, 17) ----------------------------


def test_like_wildcards_match_literally(api: tuple[TestClient, dict[str, str], Store]) -> None:
    client, _, _ = api
    assert client.get("/api/deployments", params={"limit": 500}).json()["items"]
    for q in ("%", "%%", "\\", "facial%recognition", "facial_recogn_tion"):
        assert client.get("/api/deployments", params={"q": q}).json()["items"] == [], q
    assert client.get("/api/deployments", params={"q": "facial_recognition"}).json()["items"]


def test_deployments_page_echoes_only_known_filters(api: tuple[TestClient, dict[str, str], Store]) -> None:
    client, _, _ = api
    page = client.get("/deployments", params={"country": "KEN", "utm_evil": "INJECTED-TEXT", "x<y": "ECHO-ME"})
    assert page.status_code == 200
    assert "INJECTED-TEXT" not in page.text and "utm_evil" not in page.text and "ECHO-ME" not in page.text
    assert "country = KEN" in page.text


def test_write_fields_have_length_limits(api: tuple[TestClient, dict[str, str], Store]) -> None:
    client, secrets, _ = api
    dep_id = _ken(client)
    huge = "x" * 900_000
    bodies: list[dict[str, Any]] = [
        {"action": "edit", "reason": "r", "fields": {"agency": huge}},
        {"action": "edit", "reason": "r", "fields": {"a" * 100: "x"}},
        {"action": "dispute", "reason": "r", "by": "x" * 301, "source": "s"},
        {"action": "note", "reason": "x" * 4001},
    ]
    settings = Settings()
    big = create_app(store=api[2], settings=settings, max_body_bytes=2_000_000)
    with TestClient(big, raise_server_exceptions=False) as roomy:
        for body in bodies:
            resp = roomy.post(f"/api/review/{dep_id}", json=body, headers=_auth(secrets["reviewer"]))
            assert resp.status_code == 422, (list(body), resp.status_code)
    history = client.get(f"/api/review/{dep_id}/history").json()["events"]
    assert history == []
