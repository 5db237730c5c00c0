"""The app factory: :func:`create_app` wires the API routers, the Atom feeds and the dashboard to
one store, with JSON errors (never a stack trace), a request-size limit, security headers (a
Content-Security-Policy without inline scripts), CORS only when configured, and OpenAPI docs whose
Swagger UI is served from the package (no CDN: no request leaves the machine)."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Sequence
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from countersight import __version__
from countersight.config import Settings
from countersight.errors import CountersightError, InputError, NotFoundError, ReviewError, UsageError
from countersight.publish.api import countries, deployments, documents, feeds, financing, meta, review, vendors
from countersight.publish.api.deps import ERROR_RESPONSES, ApiConfig, ApiError, FailureThrottle, VersionedCache
from countersight.store import Store, open_store

log = logging.getLogger(__name__)

STATIC_DIR = Path(str(resources.files("countersight").joinpath("publish", "web", "static")))
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
# Swagger UI sets style attributes from its scripts; scripts stay 'self' only.
DOCS_CSP = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")

DOCS_HTML = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>countersight API</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,">
<link rel="stylesheet" href="/static/vendor/swagger-ui/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/static/vendor/swagger-ui/swagger-ui-bundle.js"></script>
<script src="/static/js/docs.js"></script></body></html>
"""


def _error(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status, headers=headers)


_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "too_many_requests",
}


# Paths that answer JSON (or XML) whatever happens; every other path is a dashboard page.
MACHINE_PATHS = ("/api", "/feeds", "/static", "/openapi.json", "/docs")
HtmlErrorPage = Callable[[Request, int, str], Response]


def _respond(request: Request, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> Response:
    """An error as JSON for the API, or as an HTML page for the dashboard's routes (when the
    app serves a dashboard): a reader of ``/?year=abc`` gets a page, not raw JSON."""
    html_page: HtmlErrorPage | None = getattr(request.app.state, "html_error_page", None)
    if html_page is not None and not request.url.path.startswith(MACHINE_PATHS):
        page = html_page(request, status, message)
        page.headers.update(headers or {})
        return page
    return _error(status, code, message, headers)


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> Response:
        return _respond(request, exc.status, exc.code, exc.message, exc.headers)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = exc.detail if isinstance(exc.detail, str) else "request failed"
        return _respond(
            request, exc.status_code, _HTTP_CODES.get(exc.status_code, "error"), message, dict(exc.headers or {})
        )

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        parts = []
        for err in exc.errors()[:5]:
            where = ".".join(str(p) for p in err.get("loc", ()) if p not in ("query", "body", "path"))
            parts.append(f"{where or 'request'}: {err.get('msg', 'invalid')}")
        return _respond(request, 422, "invalid", "; ".join(parts) or "invalid request")

    @app.exception_handler(CountersightError)
    async def domain_error(request: Request, exc: CountersightError) -> Response:
        if isinstance(exc, NotFoundError):
            return _respond(request, 404, "not_found", exc.message)
        if isinstance(exc, InputError | ReviewError):
            return _respond(request, 400 if isinstance(exc, InputError) else 422, "invalid", exc.message)
        log.warning("request failed: %s", exc)
        return _respond(request, 400, "error", exc.message)

    @app.exception_handler(Exception)
    async def internal(request: Request, exc: Exception) -> Response:
        log.exception("internal error", exc_info=exc)
        return _respond(request, 500, "internal", "internal server error (logged on the server)")


class BodyLimit:
    """Refuse request bodies over ``limit`` bytes (413), by Content-Length or while streaming."""

    def __init__(self, app: ASGIApp, limit: int):
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope.get("headers") or ()).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.limit):
            await _error(413, "too_large", f"request body over {self.limit} bytes")(scope, receive, send)
            return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise ApiError(413, "too_large", f"request body over {self.limit} bytes")
            return message

        await self.app(scope, limited, send)


# Responses no cache may keep: who is signed in, the review queue, and any request with a token.
PRIVATE_PATHS = ("/api/me", "/api/logout", "/api/review/queue", "/review", "/login")


def _relative_location(value: bytes, public_base_url: str | None) -> bytes:
    """A redirect's Location without the request's Host: its path (and query), under the
    configured public base URL when there is one."""
    parts = urlsplit(value.decode("latin-1"))
    if not parts.scheme and not parts.netloc:
        return value
    path = urlunsplit(("", "", parts.path or "/", parts.query, parts.fragment))
    return ((public_base_url or "") + path).encode("latin-1")


class SecurityHeaders:
    """A Content-Security-Policy without inline scripts, no sniffing, no referrer, no framing;
    ``Cache-Control: no-store`` on private responses; redirects that never carry the Host header."""

    def __init__(self, app: ASGIApp, public_base_url: str | None = None):
        self.app = app
        self.public_base_url = public_base_url

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path") or ""
        csp = DOCS_CSP if path == "/docs" else CSP
        private = path.startswith(PRIVATE_PATHS) or any(
            name == b"authorization" for name, _ in scope.get("headers") or ()
        )

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (k, _relative_location(v, self.public_base_url) if k.lower() == b"location" else v)
                    for k, v in message.get("headers") or []
                ]
                if private:
                    headers = [(k, v) for k, v in headers if k.lower() != b"cache-control"]
                    headers.append((b"cache-control", b"no-store"))
                headers += [
                    (b"content-security-policy", csp.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"x-frame-options", b"DENY"),
                ]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


def create_app(
    store: Store | str | None = None,
    *,
    cors_origins: Sequence[str] = (),
    max_body_bytes: int = 1_000_000,
    cache_entries: int | None = None,
    dashboard: bool = True,
    settings: Settings | None = None,
) -> FastAPI:
    """The API and dashboard over ``store`` (a Store, a database URL, or None for the configured one).

    ``cors_origins`` lists the origins allowed to call the API from a browser (none by default);
    request bodies over ``max_body_bytes`` get 413; ``cache_entries`` (the settings' when None)
    bounds the index cache (and an eighth of it the whole-store downloads). ``settings`` (the
    environment's when None) give the public base URL, the trusted hosts and what anonymous readers
    see (docs/security.md)."""
    if settings is None:
        settings = Settings.from_env()
    if cache_entries is None:
        cache_entries = settings.cache_entries
    if cache_entries < 1:
        raise UsageError(f"the cache needs at least one entry, not {cache_entries}")
    if store is None:
        store = settings.database_url
    opened = open_store(store) if isinstance(store, str) else store
    app = FastAPI(
        title="countersight",
        version=__version__,
        description="Evidence-first monitor of the global trade in AI surveillance technology. Every "
        "deployment carries the evidence behind it; reviews are append-only events.",
        docs_url=None,
        redoc_url=None,
    )
    app.state.store = opened
    if settings.archive_dir is None:
        # follow's archive folder defaults to the one beside the store being served, which may
        # not be the store the settings name (a Store handed in, or a URL given here).
        served = dataclasses.replace(settings, database_url=opened.engine.url.render_as_string(False))
        settings = dataclasses.replace(settings, archive_dir=served.archive_path())
    app.state.settings = settings
    app.state.config = ApiConfig(
        tuple(cors_origins),
        max_body_bytes,
        cache_entries,
        public_base_url=settings.public_base_url,
        publish_full_text=settings.publish_full_text,
        publish_reviewer_names=settings.publish_reviewer_names,
    )
    app.state.auth_throttle = FailureThrottle()
    # Keyed by the store version (a write is visible on the next request), bounded in entries.
    app.state.index_cache = VersionedCache(cache_entries)
    app.state.export_cache = VersionedCache(max(2, cache_entries // 8))
    _install_error_handlers(app)
    for module in (countries, deployments, vendors, documents, financing, review, meta):
        app.include_router(module.router, responses=ERROR_RESPONSES)
    app.include_router(feeds.router)

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(DOCS_HTML)

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    if dashboard:
        from countersight.publish.web.pages import error_page
        from countersight.publish.web.pages import router as web_router

        app.include_router(web_router)
        app.state.html_error_page = error_page
    app.add_middleware(SecurityHeaders, public_base_url=settings.public_base_url)
    if cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type"],
        )
    app.add_middleware(BodyLimit, limit=max_body_bytes)
    if "*" not in settings.trusted_hosts:
        # Outermost: a request for another host is refused before anything reads it.
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(settings.trusted_hosts))
    return app


def app_from_env() -> Any:
    """An app over ``COUNTERSIGHT_DATABASE_URL`` (for ``uvicorn --factory``)."""
    return create_app()
