"""What the routers share: the store and settings on ``app.state``, typed API errors, bearer-token
authentication with roles, the index cache and CSV responses."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from fastapi import Depends, Request
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel

from countersight.config import Settings
from countersight.index.compute import IndexRow
from countersight.publish.api import views
from countersight.publish.api.models import IndexRowJson
from countersight.store import Store
from countersight.store import api_queries as aq
from countersight.store.tokens import ApiToken, verify_token
from countersight.textsafe import formula_safe


class ApiError(Exception):
    """An error the API reports as ``{"error": {"code", "message"}}`` with an HTTP status."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}


@dataclass
class ApiConfig:
    """How the app behaves: CORS origins (none by default), body size limit, cache bound,
    the public base URL of absolute links, and what anonymous readers see (docs/security.md)."""

    cors_origins: tuple[str, ...] = ()
    max_body_bytes: int = 1_000_000
    cache_entries: int = 64
    public_base_url: str | None = None
    publish_full_text: bool = False
    publish_reviewer_names: bool = False


class FailureThrottle:
    """Per-client token buckets for failed sign-ins: each failure takes a token, ``rate`` tokens
    come back per second up to ``burst``; an empty bucket means 429. At most ``max_clients``
    buckets are kept (least recently seen dropped), so a flood of addresses cannot grow memory."""

    def __init__(self, burst: int = 10, rate: float = 0.2, max_clients: int = 10_000):
        self.burst, self.rate, self.max_clients = burst, rate, max_clients
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def _level(self, client: str, now: float) -> float:
        tokens, stamp = self._buckets.get(client, (float(self.burst), now))
        return min(float(self.burst), tokens + (now - stamp) * self.rate)

    def blocked(self, client: str) -> float:
        """Seconds until ``client`` may try again (0 when it may now)."""
        with self._lock:
            level = self._level(client, time.monotonic())
        return 0.0 if level >= 1 else (1 - level) / self.rate

    def fail(self, client: str) -> None:
        """Record one failed attempt by ``client``."""
        now = time.monotonic()
        with self._lock:
            level = self._level(client, now)
            self._buckets[client] = (max(0.0, level - 1), now)
            self._buckets.move_to_end(client)
            while len(self._buckets) > self.max_clients:
                self._buckets.popitem(last=False)


class VersionedCache:
    """Values computed from the store, kept while the store version is unchanged: every write
    bumps the version, so one primary-key read per lookup tells whether a value is still current
    (no time-based staleness). At most ``max_entries`` values, least recently used dropped first;
    all are dropped when the version moves (old keys are never asked for again)."""

    def __init__(self, max_entries: int = 64):
        self.max_entries = max_entries
        self._version: int | None = None
        self._values: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._values)

    def version(self, store: Store) -> int:
        """The store's current version, read once (dropping every value when it moved)."""
        current = store.version()
        self._at(current)
        return current

    def _at(self, version: int) -> None:
        with self._lock:
            if version != self._version:
                self._values.clear()
                self._version = version

    def get(self, store: Store, key: Hashable, compute: Callable[[], Any], version: int | None = None) -> Any:
        """The value for ``key`` at the store's current version (or at ``version``, read by the
        caller earlier in the same request), computed when missing."""
        if version is None:
            version = self.version(store)
        else:
            self._at(version)
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
        value = compute()
        with self._lock:
            if self._version == version:
                self._values[key] = value
                while len(self._values) > self.max_entries:
                    self._values.popitem(last=False)
        return value

    def clear(self) -> None:
        """Forget every value."""
        with self._lock:
            self._values.clear()
            self._version = None


class IndexCache:
    """The index cache as one request sees it: country index rows per (as_of, edition) and vendor
    counts, from the app's :class:`VersionedCache`, with the store version read once per request
    (a page asking for three editions costs one version read). The live index replays every
    deployment, and the map asks for it on each slider move."""

    def __init__(self, shared: VersionedCache):
        self.shared = shared
        self._version: int | None = None

    def __len__(self) -> int:
        return len(self.shared)

    def _pinned(self, store: Store) -> int:
        if self._version is None:
            self._version = self.shared.version(store)
        return self._version

    def _index(self, store: Store, as_of: dt.date | None, edition: str) -> tuple[list[IndexRow], list[IndexRowJson]]:
        """The index rows and their JSON, computed once (``as_of`` is a day: the finest grain
        evidence is dated by)."""

        def compute() -> tuple[list[IndexRow], list[IndexRowJson]]:
            rows = views.index_records(store, as_of, edition)
            return rows, [r.as_dict() for r in rows]

        both: tuple[list[IndexRow], list[IndexRowJson]] = self.shared.get(
            store, ("index", as_of, edition), compute, self._pinned(store)
        )
        return both

    def get_index(self, store: Store, as_of: dt.date | None, edition: str) -> list[IndexRowJson]:
        """The index rows as JSON (what ``/api/countries`` lists and the pages show)."""
        return self._index(store, as_of, edition)[1]

    def get_index_records(self, store: Store, as_of: dt.date | None, edition: str) -> list[IndexRow]:
        """The index rows as records (the CSV's flat rows are made from them)."""
        return self._index(store, as_of, edition)[0]

    def vendor_counts(self, store: Store) -> dict[str, tuple[int, int]]:
        """Per vendor: (deployments, countries), cached like the index (a GROUP BY over every deployment)."""
        counts: dict[str, tuple[int, int]] = self.shared.get(
            store, ("vendor_counts",), lambda: aq.vendor_deployment_counts(store), self._pinned(store)
        )
        return counts

    def clear(self) -> None:
        """Forget every cached value (after a write made through this request)."""
        self.shared.clear()
        self._version = None


def get_exports(request: Request) -> VersionedCache:
    """The app's cache of whole-store downloads (snapshot, feeds)."""
    cache: VersionedCache = request.app.state.export_cache
    return cache


def versioned_download(
    request: Request,
    store: Store,
    key: Hashable,
    build: Callable[[], bytes],
    media_type: str,
    headers: dict[str, str] | None = None,
) -> Response:
    """A whole-store download built once per store version (then served from memory) with a
    content ETag; a request whose ``If-None-Match`` names it gets 304 and no body."""
    cache = get_exports(request)

    def make() -> tuple[str, bytes]:
        body = build()
        return '"' + hashlib.sha256(body).hexdigest()[:32] + '"', body

    etag, body = cache.get(store, key, make)
    common = {"ETag": etag, "Cache-Control": "no-cache", **(headers or {})}
    wanted = {t.strip() for t in request.headers.get("if-none-match", "").split(",")}
    if etag in wanted or "*" in wanted:
        return Response(status_code=304, headers={"ETag": etag, "Cache-Control": "no-cache"})
    return Response(body, media_type=media_type, headers=common)


def get_store(request: Request) -> Store:
    """The app's store."""
    store: Store = request.app.state.store
    return store


def get_settings(request: Request) -> Settings:
    """The settings the app was built with (the archive folder of follow's WARC files)."""
    settings: Settings = request.app.state.settings
    return settings


def get_cache(request: Request) -> IndexCache:
    """The app's index cache as this request sees it (one store-version read per request)."""
    shared: VersionedCache = request.app.state.index_cache
    return IndexCache(shared)


def get_config(request: Request) -> ApiConfig:
    """The app's configuration."""
    config: ApiConfig = request.app.state.config
    return config


_bearer = HTTPBearer(auto_error=False, description="A token from `countersight token create`.")
_CHALLENGE = {"WWW-Authenticate": "Bearer"}


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _verified(request: Request, secret: str) -> ApiToken:
    """The live token with ``secret``; 401 when there is none, 429 after too many failures."""
    throttle: FailureThrottle = request.app.state.auth_throttle
    client = _client(request)
    wait = throttle.blocked(client)
    if wait:
        raise ApiError(
            429,
            "too_many_requests",
            "too many failed sign-ins; try again later",
            {"Retry-After": str(int(wait) + 1)},
        )
    token = verify_token(get_store(request), secret)
    if token is None:
        throttle.fail(client)
        raise ApiError(401, "unauthorized", "unknown, expired or revoked token", _CHALLENGE)
    return token


def optional_token(
    request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(_bearer)
) -> ApiToken | None:
    """The signed-in token when the request carries one (401 when it carries a bad one)."""
    if credentials is None or not credentials.credentials:
        return None
    return _verified(request, credentials.credentials)


@dataclass(frozen=True)
class Audience:
    """What this request may see beyond the public record: full document texts and the names of
    reviewers and admins (signed-in users, or everyone when the settings publish them)."""

    full_text: bool
    reviewer_names: bool


def get_audience(config: ApiConfig = Depends(get_config), token: ApiToken | None = Depends(optional_token)) -> Audience:
    """The request's :class:`Audience`."""
    signed_in = token is not None
    return Audience(signed_in or config.publish_full_text, signed_in or config.publish_reviewer_names)


def require_role(*roles: str) -> Callable[..., ApiToken]:
    """A dependency that admits a live bearer token with one of ``roles`` (401 without a valid
    token, 403 with the wrong role, 429 after repeated failures from one client)."""

    def dependency(request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(_bearer)) -> ApiToken:
        if credentials is None or not credentials.credentials:
            raise ApiError(
                401, "unauthorized", "this action needs a bearer token (Authorization: Bearer …)", _CHALLENGE
            )
        token = _verified(request, credentials.credentials)
        if token.role not in roles:
            raise ApiError(403, "forbidden", f"role {token.role!r} cannot do this; needs {' or '.join(roles)}")
        return token

    return dependency


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, set | frozenset | tuple):
        return sorted(value) if isinstance(value, set | frozenset) else list(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


class DataResponse(JSONResponse):
    """JSON straight from plain dicts (dates as ISO strings), skipping FastAPI's recursive encoder:
    the list endpoints return thousands of nested values and the encoder dominated their latency."""

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, separators=(",", ":"), default=_json_default).encode()


def _cell(value: object) -> object:
    # Text cells never start with a formula character (CSV injection); numbers stay numbers.
    if isinstance(value, list | tuple):
        return formula_safe(";".join(str(v) for v in value))
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if value is None:
        return ""
    if isinstance(value, str):
        return formula_safe(value)
    return value


class ErrorDetail(BaseModel):
    """What went wrong: a stable code (``not_found``, ``invalid``, ...) and a message for people."""

    code: str
    message: str


class ErrorBody(BaseModel):
    """Every error the API returns, documented in ``/openapi.json``."""

    error: ErrorDetail


# JSON: OpenAPI response objects, by status
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": text}
    for status, text in (
        (400, "Bad request (e.g. a cursor not passed back unchanged)"),
        (401, "No token, or an unknown or revoked one"),
        (403, "The token's role may not do this"),
        (404, "No such record"),
        (413, "Request body too large"),
        (429, "Too many failed sign-ins from this client (see Retry-After)"),
    )
}
# For the operations that answer ``format=csv`` (or ``.csv``) with CSV instead of JSON.
# JSON: an OpenAPI response object
CSV_RESPONSES: dict[int | str, dict[str, Any]] = {200: {"content": {"text/csv": {"schema": {"type": "string"}}}}}


def csv_response(rows: Iterable[Mapping[str, object]], columns: Sequence[str], filename: str) -> Response:
    """Rows as a CSV download (lists joined with ``;``, mappings as JSON)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in columns])
    return Response(
        buf.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
