"""What the routers share: the store and settings on ``app.state``, typed API errors, bearer-token
authentication with roles, the index cache and CSV responses."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from fastapi import Depends, Request
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel

from countersight.config import Settings
from countersight.publish.api import views
from countersight.store import Store
from countersight.store import api_queries as aq
from countersight.store.tokens import ApiToken, verify_token


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
    """How the app behaves: CORS origins (none by default), body size limit, index cache time."""

    cors_origins: tuple[str, ...] = ()
    max_body_bytes: int = 1_000_000
    index_cache_seconds: float = 120.0


@dataclass
class IndexCache:
    """Country index rows per (as_of, edition), kept ``seconds`` (cleared by every API write):
    the live index replays every deployment, and the map asks for it on each slider move."""

    seconds: float
    _rows: dict[tuple[Any, str], tuple[float, list[dict[str, Any]]]] = field(default_factory=dict)
    _counts: tuple[float, dict[str, tuple[int, int]]] | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def get(self, store: Store, as_of: dt.date | None, edition: str) -> list[dict[str, Any]]:
        """The cached rows, computed when missing or stale."""
        key = (as_of, edition)
        now = time.monotonic()
        with self._lock:
            hit = self._rows.get(key)
        if hit and now - hit[0] < self.seconds:
            return hit[1]
        rows = views.index_rows(store, as_of, edition)
        with self._lock:
            self._rows[key] = (now, rows)
        return rows

    def vendor_counts(self, store: Store) -> dict[str, tuple[int, int]]:
        """Per vendor: (deployments, countries), cached like the index (a GROUP BY over every deployment)."""
        now = time.monotonic()
        with self._lock:
            hit = self._counts
        if hit and now - hit[0] < self.seconds:
            return hit[1]
        counts = aq.vendor_deployment_counts(store)
        with self._lock:
            self._counts = (now, counts)
        return counts

    def clear(self) -> None:
        """Forget every cached index (after a write)."""
        with self._lock:
            self._rows.clear()
            self._counts = None


def get_store(request: Request) -> Store:
    """The app's store."""
    store: Store = request.app.state.store
    return store


def get_settings(request: Request) -> Settings:
    """The settings the app was built with (the archive folder of follow's WARC files)."""
    settings: Settings = request.app.state.settings
    return settings


def get_cache(request: Request) -> IndexCache:
    """The app's index cache."""
    cache: IndexCache = request.app.state.index_cache
    return cache


_bearer = HTTPBearer(auto_error=False, description="A token from `countersight token create`.")


def require_role(*roles: str) -> Callable[..., ApiToken]:
    """A dependency that admits a live bearer token with one of ``roles`` (401 without a valid
    token, 403 with the wrong role)."""

    def dependency(
        request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(_bearer)
    ) -> ApiToken:
        challenge = {"WWW-Authenticate": "Bearer"}
        if credentials is None or not credentials.credentials:
            raise ApiError(
                401, "unauthorized", "this action needs a bearer token (Authorization: Bearer …)", challenge
            )
        token = verify_token(get_store(request), credentials.credentials)
        if token is None:
            raise ApiError(401, "unauthorized", "unknown or revoked token", challenge)
        if token.role not in roles:
            raise ApiError(
                403, "forbidden", f"role {token.role!r} cannot do this; needs {' or '.join(roles)}"
            )
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


def _cell(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return ";".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if value is None:
        return ""
    return value


class ErrorDetail(BaseModel):
    """What went wrong: a stable code (``not_found``, ``invalid``, ...) and a message for people."""

    code: str
    message: str


class ErrorBody(BaseModel):
    """Every error the API returns, documented in ``/openapi.json``."""

    error: ErrorDetail


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": text}
    for status, text in (
        (400, "Bad request (e.g. a cursor not passed back unchanged)"),
        (401, "No token, or an unknown or revoked one"),
        (403, "The token's role may not do this"),
        (404, "No such record"),
        (413, "Request body too large"),
    )
}
# For the operations that answer ``format=csv`` (or ``.csv``) with CSV instead of JSON.
CSV_RESPONSES: dict[int | str, dict[str, Any]] = {200: {"content": {"text/csv": {"schema": {"type": "string"}}}}}


def csv_response(rows: Iterable[dict[str, Any]], columns: Sequence[str], filename: str) -> Response:
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
