"""The polite fetcher (follow/fetch.py) on an in-memory transport: addresses refused before any
request, redirects checked hop by hop, retries honouring Retry-After, the size cap while streaming,
content types, conditional GET and robots.txt."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest

from countersight.config import Settings
from countersight.errors import FetchError
from countersight.follow.fetch import PAGE_TYPES, Fetcher, RobotsDisallowed, address_refusal, user_agent

Handler = Callable[[httpx.Request], httpx.Response]


def _settings(**kw: Any) -> Settings:
    base: dict[str, Any] = {
        "fetch_delay": 0.0,
        "fetch_timeout": 2.0,
        "fetch_retries": 2,
        "fetch_max_retry_after": 0.05,
        "fetch_max_bytes": 1000,
    }
    return Settings(database_url="sqlite://", **{**base, **kw})


async def _public(host: str) -> list[str]:
    return ["93.184.216.34"]  # a public address; nothing is resolved for real


class _Transport(httpx.AsyncBaseTransport):
    """httpx's MockTransport answers with bodies already read; a real transport streams them, which
    is what the fetcher's size cap reads."""

    def __init__(self, handler: Handler):
        self.handler = handler

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = self.handler(request)
        if not response.is_stream_consumed:
            return response
        body = response.content

        async def stream() -> AsyncIterator[bytes]:
            yield body

        return httpx.Response(response.status_code, headers=response.headers, content=stream())


def _get(
    handler: Handler, url: str, settings: Settings | None = None, resolver: Any = _public, **kw: Any
) -> tuple[Any, list[httpx.Request]]:
    seen: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        return handler(request)

    async def run() -> Any:
        async with Fetcher(settings or _settings(), transport=_Transport(record), resolver=resolver) as f:
            try:
                return await f.get(url, **kw)
            except FetchError as exc:
                return exc

    return asyncio.run(run()), [r for r in seen if r.url.path != "/robots.txt"]


def test_address_refusal() -> None:
    assert address_refusal("http://127.0.0.1/x", allow_loopback=False) == "non-public address 127.0.0.1"
    assert address_refusal("http://127.0.0.1/x", allow_loopback=True) is None
    assert address_refusal("http://localhost:8000/", allow_loopback=True) is None
    assert address_refusal("http://10.0.0.7/", allow_loopback=True) == "non-public address 10.0.0.7"
    assert address_refusal("http://169.254.169.254/latest/meta-data", allow_loopback=True) is not None
    assert address_refusal("file:///etc/passwd", allow_loopback=True) == "scheme 'file' is not http(s)"
    assert address_refusal("https://example.org/a", allow_loopback=False) is None


def test_loopback_refused_without_the_setting_and_names_resolving_to_private_addresses() -> None:
    ok: Handler = lambda r: httpx.Response(200, text="hi", headers={"content-type": "text/plain"})  # noqa: E731
    result, seen = _get(ok, "http://127.0.0.1:9/a")
    assert isinstance(result, FetchError) and "non-public address 127.0.0.1" in result.message and not seen

    async def private(host: str) -> list[str]:
        return ["192.168.1.20"]

    result, seen = _get(ok, "http://intranet.example/a", resolver=private)
    assert isinstance(result, FetchError) and "resolves to a non-public address 192.168.1.20" in result.message
    assert not seen


def test_redirects_checked_at_each_hop_and_bounded() -> None:
    to_private: Handler = lambda r: httpx.Response(302, headers={"location": "http://10.1.1.1/secret"})  # noqa: E731
    result, seen = _get(to_private, "https://news.example/a")
    assert isinstance(result, FetchError) and "10.1.1.1" in result.message and len(seen) == 1

    def chain(request: httpx.Request) -> httpx.Response:
        n = int(request.url.path.strip("/") or 0)
        return httpx.Response(301, headers={"location": f"/{n + 1}"})

    result, seen = _get(chain, "https://news.example/0", _settings(fetch_max_redirects=3))
    assert isinstance(result, FetchError) and "too many redirects" in result.message and len(seen) == 4


def test_retry_after_then_success_and_backoff_bounded() -> None:
    calls: list[int] = []

    def busy_once(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        if len(calls) == 1:
            return httpx.Response(429, headers={"retry-after": "3600"})
        return httpx.Response(200, text="ok", headers={"content-type": "text/plain"})

    result, seen = _get(busy_once, "https://news.example/a")
    assert not isinstance(result, FetchError) and result.status == 200 and len(seen) == 2

    down: Handler = lambda r: httpx.Response(503)  # noqa: E731
    result, seen = _get(down, "https://news.example/a")
    assert isinstance(result, FetchError) and "HTTP 503" in result.message and len(seen) == 3


def test_size_cap_while_streaming_without_content_length() -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(100):
            yield b"x" * 100

    def stream(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"content-type": "text/html"}, content=chunks())

    result, _ = _get(stream, "https://news.example/a")
    assert isinstance(result, FetchError) and "while streaming" in result.message


def test_content_type_and_conditional_get() -> None:
    pdf: Handler = lambda r: httpx.Response(200, content=b"%PDF", headers={"content-type": "application/pdf"})  # noqa: E731
    result, _ = _get(pdf, "https://news.example/a.pdf", accept=PAGE_TYPES)
    assert isinstance(result, FetchError) and "content type 'application/pdf'" in result.message

    def conditional(request: httpx.Request) -> httpx.Response:
        if request.headers.get("if-none-match") == '"v1"':
            return httpx.Response(304)
        return httpx.Response(200, text="new")

    result, seen = _get(conditional, "https://news.example/a", etag='"v1"', last_modified="Tue, 02 Jan 2024")
    assert result.status == 304
    assert seen[0].headers["if-modified-since"] == "Tue, 02 Jan 2024"
    assert seen[0].headers["user-agent"] == user_agent("")


def test_robots_disallow_and_5xx_robots_means_disallow() -> None:
    def site(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            if request.url.host == "down.example":
                return httpx.Response(503)
            return httpx.Response(200, text="User-agent: countersight\nDisallow: /drafts/\n")
        return httpx.Response(200, text="ok", headers={"content-type": "text/plain"})

    async def run() -> list[Any]:
        async with Fetcher(_settings(fetch_retries=0), transport=_Transport(site), resolver=_public) as f:
            out = []
            for url in ("https://news.example/drafts/1", "https://news.example/story", "https://down.example/a"):
                try:
                    out.append((await f.get(url)).status)
                except RobotsDisallowed as exc:
                    out.append(exc.message)
            return out

    drafts, story, down = asyncio.run(run())
    assert drafts.startswith("disallowed by robots.txt") and story == 200 and down.startswith("disallowed")


@pytest.mark.parametrize("value,expected", [("2", 2.0), ("999", 5.0), ("nonsense", 1.0)])
def test_retry_wait(value: str, expected: float) -> None:
    fetcher = Fetcher(_settings(fetch_max_retry_after=5.0))
    assert fetcher._retry_wait(value, 0) == expected
    asyncio.run(fetcher.client.aclose())


def test_malformed_and_encoded_bodies() -> None:
    import gzip
    import zlib

    from countersight.follow.fetch import Fetched

    assert address_refusal("http://[::1", allow_loopback=True) == "malformed URL"

    def fetched(body: bytes, encoding: str) -> Fetched:
        return Fetched("https://a.example/", 200, httpx.Headers({"content-encoding": encoding}), body, b"", b"", None)  # type: ignore[arg-type]

    assert fetched(gzip.compress(b"hello"), "gzip").body(100) == b"hello"
    assert fetched(zlib.compress(b"hello"), "deflate").body(100) == b"hello"
    raw = zlib.compressobj(wbits=-15)
    assert fetched(raw.compress(b"hello") + raw.flush(), "deflate").body(100) == b"hello"
    with pytest.raises(FetchError, match="size cap"):
        fetched(gzip.compress(b"x" * 10_000), "gzip").body(100)
    with pytest.raises(FetchError, match="not valid gzip"):
        fetched(b"\x1f\x8bnot gzip", "gzip").body(100)
    with pytest.raises(FetchError, match="unsupported content encoding"):
        fetched(b"", "br").body(100)
