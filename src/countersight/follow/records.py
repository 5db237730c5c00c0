"""The typed records of a follow run: its counts (:class:`FollowStats`), the summary the CLI
prints, and one URL's fetch outcome as it is committed (:class:`UrlOutcome`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TypedDict

MAX_LISTED_FAILURES = 10_000
SUMMARY_KEYS = (
    "sources",
    "items",
    "fetched",
    "not_modified",
    "robots_skipped",
    "duplicates",
    "failed",
    "claims",
    "deployments",
)


class FailedUrl(TypedDict):
    """A URL a run could not fetch or read, with the reason."""

    url: str
    error: str


class FollowSummary(TypedDict):
    """The summary of a run as the CLI prints it (JSON): exactly :data:`SUMMARY_KEYS`."""

    sources: int
    items: int
    fetched: int
    not_modified: int
    robots_skipped: int
    duplicates: int
    failed: list[FailedUrl]
    claims: int
    deployments: int


@dataclass
class FollowStats:
    """Counts of a follow run; :meth:`summary` is the JSON the CLI prints."""

    sources: int = 0
    items: int = 0
    fetched: int = 0
    not_modified: int = 0
    robots_skipped: int = 0
    duplicates: int = 0
    failed: list[FailedUrl] = field(default_factory=list)
    claims: int = 0
    deployments: int = 0
    interrupted: bool = False
    claim_ids: list[str] = field(default_factory=list)

    def fail(self, url: str, error: str) -> None:
        """Record one failed URL with its reason (the first :data:`MAX_LISTED_FAILURES`)."""
        if len(self.failed) < MAX_LISTED_FAILURES:
            self.failed.append(FailedUrl(url=url, error=error))

    def summary(self) -> FollowSummary:
        """The run summary: sources polled, items seen, fetched, not modified, skipped by robots,
        duplicates, failures ``[{url, error}]``, new claims, new deployments."""
        return FollowSummary(
            sources=self.sources,
            items=self.items,
            fetched=self.fetched,
            not_modified=self.not_modified,
            robots_skipped=self.robots_skipped,
            duplicates=self.duplicates,
            failed=list(self.failed),
            claims=self.claims,
            deployments=self.deployments,
        )


@dataclass(frozen=True, slots=True)
class UrlOutcome:
    """What follow records of one URL it fetched (or failed to): its status (``done`` or
    ``failed``), the response's validators, where the response is archived, the document it
    became and the error; committed as the URL's fetch state."""

    url: str
    source_id: str | None
    status: str
    http_status: int | None = None
    etag: str | None = None
    last_modified: str | None = None
    lastmod: str | None = None
    document_id: str | None = None
    warc_file: str | None = None
    warc_offset: int | None = None
    fetched_at: dt.datetime | None = None
    error: str | None = None
