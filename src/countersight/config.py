"""One settings object, read from ``COUNTERSIGHT_*`` environment variables and injected
where needed (never a mutable global)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs


def default_database_url() -> str:
    """SQLite in the user's data directory (created on first use)."""
    folder = Path(platformdirs.user_data_dir("countersight", appauthor=False))
    return f"sqlite:///{folder / 'countersight.db'}"


@dataclass(frozen=True)
class Settings:
    """Runtime settings. ``from_env`` reads them; tests build them directly."""

    database_url: str = field(default_factory=default_database_url)
    max_file_bytes: int = 200 * 1024 * 1024
    quarantine_dir: Path | None = None
    debug: bool = False
    # Public-server settings (docs/security.md). Absolute links use public_base_url, never the
    # request's Host header; requests for other hosts get 400 unless trusted_hosts has "*".
    public_base_url: str | None = None
    trusted_hosts: tuple[str, ...] = ("*",)
    # Source protection: document full text and reviewers' names only for signed-in users.
    publish_full_text: bool = False
    publish_reviewer_names: bool = False
    # New tokens expire after this many days (None: never).
    token_ttl_days: int | None = None
    # follow (issue 16): where WARC files go (default: beside a SQLite store, else the user data
    # directory), who to contact about the crawler, and the politeness bounds.
    archive_dir: Path | None = None
    fetch_contact: str = ""
    fetch_timeout: float = 20.0
    fetch_delay: float = 1.0
    fetch_max_bytes: int = 10 * 1024 * 1024
    fetch_max_redirects: int = 5
    fetch_retries: int = 2
    fetch_max_retry_after: float = 120.0
    fetch_concurrency: int = 16
    fetch_allow_loopback: bool = False
    # What a document records of the file it was read from (never the absolute path, which would
    # publish the ingesting machine's folder names): "relative" to the directory named on the
    # command line (a file named directly: its name), "name" (the file name) or "none".
    document_paths: str = "relative"
    # The server's caches are keyed by the store version; this bounds the index cache in entries
    # (an eighth of it, at least 2, the whole-store downloads).
    cache_entries: int = 64

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        """Build settings from ``COUNTERSIGHT_DATABASE_URL``, ``COUNTERSIGHT_MAX_FILE_BYTES``,
        ``COUNTERSIGHT_QUARANTINE_DIR``, ``COUNTERSIGHT_DEBUG``, ``COUNTERSIGHT_PUBLIC_BASE_URL``,
        ``COUNTERSIGHT_TRUSTED_HOSTS`` (comma-separated), ``COUNTERSIGHT_PUBLISH_FULL_TEXT``,
        ``COUNTERSIGHT_PUBLISH_REVIEWER_NAMES``, ``COUNTERSIGHT_TOKEN_TTL_DAYS`` (docs/security.md),
        ``COUNTERSIGHT_DOCUMENT_PATHS``, ``COUNTERSIGHT_CACHE_ENTRIES``, ``COUNTERSIGHT_ARCHIVE_DIR`` and
        the ``COUNTERSIGHT_FETCH_*`` politeness settings (docs/sources.md)."""
        env = os.environ if environ is None else environ
        qdir = env.get("COUNTERSIGHT_QUARANTINE_DIR")
        adir = env.get("COUNTERSIGHT_ARCHIVE_DIR")
        hosts = tuple(h.strip() for h in env.get("COUNTERSIGHT_TRUSTED_HOSTS", "").split(",") if h.strip())
        ttl = env.get("COUNTERSIGHT_TOKEN_TTL_DAYS", "").strip()
        entries = env.get("COUNTERSIGHT_CACHE_ENTRIES", "").strip()
        return cls(
            database_url=env.get("COUNTERSIGHT_DATABASE_URL") or default_database_url(),
            max_file_bytes=int(env.get("COUNTERSIGHT_MAX_FILE_BYTES", 200 * 1024 * 1024)),
            quarantine_dir=Path(qdir) if qdir else None,
            debug=_flag(env.get("COUNTERSIGHT_DEBUG")),
            public_base_url=(env.get("COUNTERSIGHT_PUBLIC_BASE_URL") or "").rstrip("/") or None,
            trusted_hosts=hosts or ("*",),
            publish_full_text=_flag(env.get("COUNTERSIGHT_PUBLISH_FULL_TEXT")),
            publish_reviewer_names=_flag(env.get("COUNTERSIGHT_PUBLISH_REVIEWER_NAMES")),
            token_ttl_days=int(ttl) if ttl else None,
            archive_dir=Path(adir) if adir else None,
            fetch_contact=env.get("COUNTERSIGHT_FETCH_CONTACT", ""),
            fetch_timeout=float(env.get("COUNTERSIGHT_FETCH_TIMEOUT") or cls.fetch_timeout),
            fetch_delay=float(env.get("COUNTERSIGHT_FETCH_DELAY") or cls.fetch_delay),
            fetch_max_bytes=int(env.get("COUNTERSIGHT_FETCH_MAX_BYTES") or cls.fetch_max_bytes),
            fetch_max_redirects=int(env.get("COUNTERSIGHT_FETCH_MAX_REDIRECTS") or cls.fetch_max_redirects),
            fetch_retries=int(env.get("COUNTERSIGHT_FETCH_RETRIES") or cls.fetch_retries),
            fetch_max_retry_after=float(env.get("COUNTERSIGHT_FETCH_MAX_RETRY_AFTER") or cls.fetch_max_retry_after),
            fetch_concurrency=int(env.get("COUNTERSIGHT_FETCH_CONCURRENCY") or cls.fetch_concurrency),
            # Exactly "1": fetching loopback addresses lifts a guard against server-side request forgery.
            fetch_allow_loopback=env.get("COUNTERSIGHT_FETCH_ALLOW_LOOPBACK", "") == "1",
            document_paths=env.get("COUNTERSIGHT_DOCUMENT_PATHS") or "relative",
            cache_entries=int(entries) if entries else 64,
        )

    def archive_path(self) -> Path:
        """Where follow writes its WARC files: the setting, else ``archive/`` beside a SQLite store,
        else the user data directory."""
        if self.archive_dir is not None:
            return self.archive_dir
        if self.database_url.startswith("sqlite:///") and ":memory:" not in self.database_url:
            return Path(self.database_url.removeprefix("sqlite:///")).expanduser().parent / "archive"
        return Path(platformdirs.user_data_dir("countersight", appauthor=False)) / "archive"


def _flag(value: str | None) -> bool:
    return (value or "") not in ("", "0", "false")
