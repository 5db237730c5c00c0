"""What the routers share (publish/api/deps.py): the versioned caches, the sign-in throttle, the
JSON and CSV responses and the role check."""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from fastapi.testclient import TestClient

import datetime as dt
import json

from api_fixture import fill_api_store
from countersight.publish.api.app import create_app
from countersight.publish.api.deps import DataResponse, FailureThrottle, VersionedCache, csv_response
from countersight.store import Store


@pytest.fixture
def api(store: Store) -> Iterator[tuple[TestClient, dict[str, str]]]:
    secrets = fill_api_store(store)
    with TestClient(create_app(store, dashboard=False), raise_server_exceptions=False) as client:
        yield client, secrets


def _auth(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def test_index_cache_is_bounded_and_keyed_by_version(store: Store) -> None:
    import datetime as dt

    from countersight.publish.api.deps import IndexCache, VersionedCache

    fill_api_store(store)
    shared = VersionedCache(max_entries=5)
    for day in range(30):
        IndexCache(shared).get_index(store, dt.date(2019, 1, 1) + dt.timedelta(days=day), "live")
    assert len(shared) == 5
    rows = IndexCache(shared).get_index(store, None, "live")
    assert IndexCache(shared).get_index(store, None, "live") is rows  # same version: served from the cache
    with store.transaction():
        pass  # any write moves the version
    assert IndexCache(shared).get_index(store, None, "live") is not rows and len(shared) == 1
    # One request reads the version once, however many variants it asks for.
    reads = []
    original = store.version

    def counted() -> int:
        reads.append(1)
        return original()

    store.version = counted  # type: ignore[method-assign]
    request_view = IndexCache(shared)
    for edition in ("live", "2019", "2022"):
        request_view.get_index(store, None, edition)
    request_view.vendor_counts(store)
    assert len(reads) == 1


def test_throttle_memory_is_bounded() -> None:
    throttle = FailureThrottle(burst=2, rate=0.0001, max_clients=100)
    for i in range(5000):
        throttle.fail(f"10.0.{i // 256}.{i % 256}")
    assert len(throttle._buckets) == 100
    throttle.fail("a")
    throttle.fail("a")
    assert throttle.blocked("a") > 0 and throttle.blocked("b") == 0


def test_versioned_cache_computes_once_per_version(store: Store) -> None:
    cache = VersionedCache(max_entries=2)
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    assert cache.get(store, "k", compute) == cache.get(store, "k", compute) == 1
    with store.transaction():
        pass
    assert cache.get(store, "k", compute) == 2
    cache.clear()
    assert len(cache) == 0


def test_data_response_writes_dates_and_sets_as_json() -> None:
    body = DataResponse({"day": dt.date(2024, 2, 29), "names": {"b", "a"}, "pair": ("x", 1), "text": "ñ"}).body
    assert json.loads(body) == {"day": "2024-02-29", "names": ["a", "b"], "pair": ["x", 1], "text": "ñ"}
    assert "ñ".encode() in body  # UTF-8, not escaped


def test_csv_cells_are_safe_and_flat() -> None:
    rows = [{"name": "=HYPERLINK(1)", "lenders": ["A", "B"], "coded": {"b": 1, "a": None}, "n": 3, "gone": None}]
    text = csv_response(rows, ("name", "lenders", "coded", "n", "gone"), "x.csv").body.decode()
    header, line = text.splitlines()
    assert header == "name,lenders,coded,n,gone"
    assert line.startswith("'=HYPERLINK(1),A;B,") and line.endswith(",3,")
    assert '"{""a"": null, ""b"": 1}"' in line


def test_roles_are_checked(api: tuple[TestClient, dict[str, str]]) -> None:
    client, secrets = api
    assert client.get("/api/review/queue").status_code == 401
    assert client.get("/api/review/queue", headers=_auth(secrets["reviewer"])).status_code == 200
    body = {"text": "A short note about nothing in particular."}
    denied = client.post("/api/documents", json=body, headers=_auth(secrets["reviewer"]))
    assert denied.status_code == 403 and denied.json()["error"]["code"] == "forbidden"
