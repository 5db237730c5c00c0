"""A polite HTTP fetcher: public addresses only, robots.txt honoured (cached per origin), one request
at a time per host with a minimum delay, conditional GET, bounded retries on 429/5xx honouring
Retry-After, timeouts, a size cap enforced while streaming, bounded redirects and content-type
checks. Every refusal or failure is a :class:`~countersight.errors.FetchError` whose message is
the reason recorded in the run's summary."""

from __future__ import annotations

import asyncio
import datetime as dt
import email.utils
import ipaddress
import logging
import socket
import time
import urllib.robotparser
import zlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import httpx

from countersight.config import Settings
from countersight.errors import FetchError
from countersight.sources.base import unsafe_url_reason
from countersight.version import __version__

log = logging.getLogger(__name__)

Resolver = Callable[[str], Awaitable[list[str]]]
PAGE_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/xml",
    "text/xml",
    "application/x-rss+xml",
    "text/html",
    "text/plain",
)
SITEMAP_TYPES = ("application/xml", "text/xml", "application/x-gzip", "application/gzip", "text/plain")
GKG_TYPES = (
    "text/csv",
    "text/plain",
    "application/zip",
    "application/x-zip-compressed",
    "application/octet-stream",
    "text/tab-separated-values",
)
RETRY_STATUSES = (429, 500, 502, 503, 504)
ROBOTS_MAX_BYTES = 512 * 1024


def user_agent(contact: str) -> str:
    """The descriptive User-Agent: what the crawler is, and whom to contact about it."""
    tail = f"; {contact}" if contact else ""
    return f"countersight/{__version__} (evidence monitor; polite crawler; robots.txt honoured{tail})"


@dataclass
class Fetched:
    """One complete HTTP exchange, as the archive keeps it: the request line and headers sent,
    the status, headers and raw (still content-encoded) body received."""

    url: str
    status: int
    headers: httpx.Headers
    raw_body: bytes
    request_head: bytes
    response_head: bytes
    fetched_at: dt.datetime
    redirects: list[str] = field(default_factory=list)

    @property
    def content_type(self) -> str:
        """The media type without parameters, lower case."""
        header: str = self.headers.get("content-type", "")
        return header.split(";")[0].strip().lower()

    @property
    def charset(self) -> str | None:
        """The charset the Content-Type header declares, if any."""
        header: str = self.headers.get("content-type", "")
        for part in header.split(";")[1:]:
            key, _, value = part.partition("=")
            if key.strip().lower() == "charset" and value.strip():
                return value.strip().strip('"')
        return None

    def body(self, limit: int) -> bytes:
        """The body with its Content-Encoding (gzip, deflate) undone, at most ``limit`` bytes."""
        encoding = self.headers.get("content-encoding", "").strip().lower()
        if encoding in ("", "identity"):
            return self.raw_body
        if encoding not in ("gzip", "x-gzip", "deflate"):
            raise FetchError(f"unsupported content encoding {encoding!r}", path=self.url)
        try:
            # gzip or zlib header, detected; a raw deflate stream (no header) as some servers send it
            inflater = zlib.decompressobj(47 if self.raw_body[:1] in (b"\x1f", b"\x78") else -15)
            out = inflater.decompress(self.raw_body, limit + 1)
        except zlib.error as exc:
            raise FetchError(f"body is not valid {encoding}: {exc}", path=self.url) from exc
        if len(out) > limit:
            raise FetchError(f"body inflates past the size cap of {limit:,} bytes", path=self.url)
        return out


def _loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def address_refusal(url: str, allow_loopback: bool) -> str | None:
    """Why ``url`` must not be fetched (scheme, private or reserved address), else None; loopback
    passes only when ``allow_loopback`` (COUNTERSIGHT_FETCH_ALLOW_LOOPBACK=1, for tests)."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").rstrip(".")
    except ValueError:
        return "malformed URL"
    if parts.scheme.lower() not in ("http", "https"):
        return f"scheme {parts.scheme!r} is not http(s)" if parts.scheme else "not an absolute http(s) URL"
    if allow_loopback and _loopback(host):
        return None
    return unsafe_url_reason(url)


async def system_resolver(host: str) -> list[str]:
    """The host's addresses from the system resolver."""
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    return sorted({str(info[4][0]) for info in infos})


class Fetcher:
    """Fetches URLs politely (see the module docstring). Use as an async context manager."""

    def __init__(
        self, settings: Settings, *, transport: httpx.AsyncBaseTransport | None = None, resolver: Resolver | None = None
    ):
        self.settings = settings
        self.agent = user_agent(settings.fetch_contact)
        self.resolver = resolver or system_resolver
        self.client = httpx.AsyncClient(
            transport=transport,
            follow_redirects=False,
            trust_env=False,
            timeout=httpx.Timeout(settings.fetch_timeout),
            headers={"User-Agent": self.agent, "Accept-Encoding": "gzip, deflate"},
        )
        self._host_locks: dict[str, asyncio.Lock] = {}
        self._host_next: dict[str, float] = {}
        self._robots: dict[str, tuple[float, urllib.robotparser.RobotFileParser | None]] = {}
        self._robots_locks: dict[str, asyncio.Lock] = {}
        self._crawl_delays: dict[str, float] = {}

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.client.aclose()

    async def check_address(self, url: str) -> None:
        """Refuse URLs whose scheme, literal address or resolved addresses are not public."""
        why = address_refusal(url, self.settings.fetch_allow_loopback)
        if why:
            raise FetchError(f"refused: {why}", path=url)
        host = (urlsplit(url).hostname or "").rstrip(".")
        try:
            ipaddress.ip_address(host)
            return  # a literal, checked above
        except ValueError:
            pass
        if self.settings.fetch_allow_loopback and _loopback(host):
            return
        try:
            addresses = await self.resolver(host)
        except OSError as exc:
            raise FetchError(f"cannot resolve host {host!r}: {exc}", path=url) from exc
        for address in addresses:
            literal = f"http://[{address}]/" if ":" in address else f"http://{address}/"
            why = address_refusal(literal, self.settings.fetch_allow_loopback)
            if why:
                raise FetchError(f"refused: {host} resolves to a {why}", path=url)

    # -- robots.txt ------------------------------------------------------------------------

    async def allowed(self, url: str) -> bool:
        """True when the origin's robots.txt lets this crawler fetch ``url`` (cached a day)."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        lock = self._robots_locks.setdefault(origin, asyncio.Lock())
        async with lock:
            cached = self._robots.get(origin)
            if cached is None or cached[0] < time.monotonic():
                self._robots[origin] = (time.monotonic() + 86400, await self._load_robots(origin))
        parser = self._robots[origin][1]
        return True if parser is None else parser.can_fetch("countersight", url)

    async def _load_robots(self, origin: str) -> urllib.robotparser.RobotFileParser | None:
        robots_url = origin + "/robots.txt"
        parser = urllib.robotparser.RobotFileParser(robots_url)
        try:
            fetched = await self.get(robots_url, check_robots=False, retries=0, max_bytes=ROBOTS_MAX_BYTES)
        except FetchError as exc:
            if "HTTP 4" in exc.message:
                return None  # no robots.txt: everything allowed (RFC 9309)
            log.info("%s unreachable (%s): the origin is treated as disallowed", robots_url, exc.message)
            parser.parse(["User-agent: *", "Disallow: /"])
            return parser
        text = fetched.body(ROBOTS_MAX_BYTES).decode("utf-8", "replace")
        parser.parse(text.splitlines())
        delay = parser.crawl_delay("countersight")
        if delay:
            self._crawl_delays[urlsplit(origin).netloc] = min(float(delay), 60.0)
        return parser

    # -- fetching --------------------------------------------------------------------------

    async def get(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: tuple[str, ...] | None = None,
        check_robots: bool = True,
        retries: int | None = None,
        max_bytes: int | None = None,
    ) -> Fetched:
        """GET ``url`` following at most ``fetch_max_redirects`` redirects (each checked like the
        first URL); a 304 is returned as such. Raises :class:`FetchError` with the reason."""
        seen: list[str] = []
        current = url
        for _ in range(self.settings.fetch_max_redirects + 1):
            await self.check_address(current)
            if check_robots and not await self.allowed(current):
                raise RobotsDisallowed(f"disallowed by robots.txt: {current}", path=url)
            fetched = await self._get_retrying(
                current,
                etag if current == url else None,
                last_modified if current == url else None,
                accept,
                retries,
                max_bytes,
            )
            if fetched.status in (301, 302, 303, 307, 308):
                location = fetched.headers.get("location")
                if not location:
                    raise FetchError(f"HTTP {fetched.status} without a Location header", path=url)
                seen.append(current)
                current = urljoin(current, location)
                if current in seen:
                    raise FetchError(f"redirect loop ({len(seen)} redirects back to {current})", path=url)
                continue
            fetched.redirects = seen
            return fetched
        raise FetchError(f"too many redirects (more than {self.settings.fetch_max_redirects})", path=url)

    async def _get_retrying(
        self,
        url: str,
        etag: str | None,
        last_modified: str | None,
        accept: tuple[str, ...] | None,
        retries: int | None,
        max_bytes: int | None,
    ) -> Fetched:
        attempts = 1 + (self.settings.fetch_retries if retries is None else retries)
        for attempt in range(attempts):
            fetched = await self._get_once(url, etag, last_modified, accept, max_bytes)
            if fetched.status not in RETRY_STATUSES:
                if fetched.status >= 400:
                    raise FetchError(f"HTTP {fetched.status}", path=url)
                return fetched
            wait = self._retry_wait(fetched.headers.get("retry-after"), attempt)
            if attempt + 1 < attempts:
                log.info("%s: HTTP %d, retrying in %.1f s", url, fetched.status, wait)
                await asyncio.sleep(wait)
        after = fetched.headers.get("retry-after")
        hint = f", Retry-After {after}" if after else ""
        raise FetchError(f"HTTP {fetched.status}{hint}: gave up after {attempts} attempts", path=url)

    def _retry_wait(self, retry_after: str | None, attempt: int) -> float:
        """Seconds to wait: the server's Retry-After (seconds or a date), else exponential backoff;
        never more than ``fetch_max_retry_after``."""
        wait = max(self.settings.fetch_delay, 1.0) * 2.0**attempt
        if retry_after:
            value = retry_after.strip()
            if value.isdigit():
                wait = float(value)
            else:
                try:
                    when = email.utils.parsedate_to_datetime(value)
                    wait = max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())
                except (TypeError, ValueError):
                    pass
        return min(wait, self.settings.fetch_max_retry_after)

    async def _get_once(
        self,
        url: str,
        etag: str | None,
        last_modified: str | None,
        accept: tuple[str, ...] | None,
        max_bytes: int | None,
    ) -> Fetched:
        host = urlsplit(url).netloc
        cap = max_bytes or self.settings.fetch_max_bytes
        lock = self._host_locks.setdefault(host, asyncio.Lock())
        async with lock:
            delay = self._host_next.get(host, 0.0) - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            try:
                return await asyncio.wait_for(
                    self._exchange(url, etag, last_modified, accept, cap), self.settings.fetch_timeout
                )
            except (TimeoutError, httpx.TimeoutException) as exc:
                raise FetchError(f"timed out after {self.settings.fetch_timeout:g} s", path=url) from exc
            except httpx.TooManyRedirects as exc:  # pragma: no cover - redirects are followed here
                raise FetchError("too many redirects", path=url) from exc
            except (httpx.HTTPError, httpx.InvalidURL) as exc:
                raise FetchError(f"{exc.__class__.__name__}: {exc}", path=url) from exc
            finally:
                pause = max(self.settings.fetch_delay, self._crawl_delays.get(host, 0.0))
                self._host_next[host] = time.monotonic() + pause

    async def _exchange(
        self, url: str, etag: str | None, last_modified: str | None, accept: tuple[str, ...] | None, cap: int
    ) -> Fetched:
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        request = self.client.build_request("GET", url, headers=headers)
        fetched_at = dt.datetime.now(dt.UTC)
        response = await self.client.send(request, stream=True)
        try:
            declared = response.headers.get("content-length", "").strip()
            if declared.isdigit() and int(declared) > cap:
                raise FetchError(
                    f"Content-Length {int(declared):,} bytes is above the size cap of {cap:,} "
                    "(COUNTERSIGHT_FETCH_MAX_BYTES); not downloaded",
                    path=url,
                )
            ctype = response.headers.get("content-type", "").split(";")[0].strip().lower()
            if accept is not None and response.status_code == 200 and ctype not in accept:
                raise FetchError(f"content type {ctype or 'missing'!r} is not one of {', '.join(accept)}", path=url)
            chunks: list[bytes] = []
            size = 0
            async for chunk in response.aiter_raw():
                size += len(chunk)
                if size > cap:
                    raise FetchError(f"body passed the size cap of {cap:,} bytes while streaming", path=url)
                chunks.append(chunk)
        finally:
            await response.aclose()
        return Fetched(
            url=url,
            status=response.status_code,
            headers=response.headers,
            raw_body=b"".join(chunks),
            request_head=_request_head(request),
            response_head=_response_head(response),
            fetched_at=fetched_at,
        )


class RobotsDisallowed(FetchError):
    """robots.txt asks this crawler not to fetch the URL (counted apart from failures)."""


def _request_head(request: httpx.Request) -> bytes:
    target = request.url.raw_path.decode("ascii", "replace")
    lines = [f"GET {target} HTTP/1.1"]
    lines += [f"{k.decode('latin-1')}: {v.decode('latin-1')}" for k, v in request.headers.raw]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def _response_head(response: httpx.Response) -> bytes:
    version = response.http_version or "HTTP/1.1"
    lines = [f"{version} {response.status_code} {response.reason_phrase}"]
    # The archived body is de-chunked: a Transfer-Encoding header would misdescribe it.
    lines += [
        f"{k.decode('latin-1')}: {v.decode('latin-1')}"
        for k, v in response.headers.raw
        if k.lower() != b"transfer-encoding"
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
