"""config: the settings are read from the environment and documented, and the app uses them."""

from __future__ import annotations

from pathlib import Path

import pytest

from countersight.config import Settings
from countersight.errors import UsageError
from countersight.publish.api.app import create_app
from countersight.store import open_store
from paths import ROOT

SECURITY_DOC = ROOT / "docs" / "security.md"
SECURITY_VARIABLES = (
    "COUNTERSIGHT_PUBLIC_BASE_URL",
    "COUNTERSIGHT_TRUSTED_HOSTS",
    "COUNTERSIGHT_PUBLISH_FULL_TEXT",
    "COUNTERSIGHT_PUBLISH_REVIEWER_NAMES",
    "COUNTERSIGHT_TOKEN_TTL_DAYS",
)


def test_security_settings_default_to_private_and_read_the_environment() -> None:
    default = Settings.from_env({})
    assert (default.publish_full_text, default.publish_reviewer_names) == (False, False)
    assert default.public_base_url is None and default.trusted_hosts == ("*",) and default.token_ttl_days is None
    env = {
        "COUNTERSIGHT_PUBLIC_BASE_URL": "https://monitor.example.org/",
        "COUNTERSIGHT_TRUSTED_HOSTS": "monitor.example.org, www.monitor.example.org",
        "COUNTERSIGHT_PUBLISH_FULL_TEXT": "1",
        "COUNTERSIGHT_PUBLISH_REVIEWER_NAMES": "false",
        "COUNTERSIGHT_TOKEN_TTL_DAYS": "30",
    }
    s = Settings.from_env(env)
    assert s.public_base_url == "https://monitor.example.org"
    assert s.trusted_hosts == ("monitor.example.org", "www.monitor.example.org")
    assert (s.publish_full_text, s.publish_reviewer_names, s.token_ttl_days) == (True, False, 30)


def test_security_settings_are_documented() -> None:
    text = SECURITY_DOC.read_text(encoding="utf-8")
    doc = Settings.from_env.__doc__ or ""
    for name in SECURITY_VARIABLES:
        assert name in text, name
        assert name in doc, name


SOURCES_DOC = ROOT / "docs" / "sources.md"
FOLLOW_VARIABLES = (
    "COUNTERSIGHT_ARCHIVE_DIR",
    "COUNTERSIGHT_FETCH_CONTACT",
    "COUNTERSIGHT_FETCH_TIMEOUT",
    "COUNTERSIGHT_FETCH_DELAY",
    "COUNTERSIGHT_FETCH_MAX_BYTES",
    "COUNTERSIGHT_FETCH_MAX_REDIRECTS",
    "COUNTERSIGHT_FETCH_RETRIES",
    "COUNTERSIGHT_FETCH_MAX_RETRY_AFTER",
    "COUNTERSIGHT_FETCH_CONCURRENCY",
    "COUNTERSIGHT_FETCH_ALLOW_LOOPBACK",
)


def test_follow_settings_read_beside_the_security_settings() -> None:
    default = Settings.from_env({})
    assert (default.fetch_allow_loopback, default.fetch_contact, default.archive_dir) == (False, "", None)
    env = {
        "COUNTERSIGHT_PUBLISH_FULL_TEXT": "1",
        "COUNTERSIGHT_ARCHIVE_DIR": "/srv/archive",
        "COUNTERSIGHT_FETCH_CONTACT": "mailto:desk@example.org",
        "COUNTERSIGHT_FETCH_TIMEOUT": "5",
        "COUNTERSIGHT_FETCH_DELAY": "2.5",
        "COUNTERSIGHT_FETCH_MAX_BYTES": "1000",
        "COUNTERSIGHT_FETCH_MAX_REDIRECTS": "3",
        "COUNTERSIGHT_FETCH_RETRIES": "0",
        "COUNTERSIGHT_FETCH_MAX_RETRY_AFTER": "9",
        "COUNTERSIGHT_FETCH_CONCURRENCY": "4",
        "COUNTERSIGHT_FETCH_ALLOW_LOOPBACK": "1",
    }
    s = Settings.from_env(env)
    assert s.publish_full_text and s.archive_dir == Path("/srv/archive") and s.archive_path() == Path("/srv/archive")
    assert (s.fetch_contact, s.fetch_timeout, s.fetch_delay, s.fetch_max_bytes) == (
        "mailto:desk@example.org",
        5.0,
        2.5,
        1000,
    )
    assert (s.fetch_max_redirects, s.fetch_retries, s.fetch_max_retry_after, s.fetch_concurrency) == (3, 0, 9.0, 4)
    assert s.fetch_allow_loopback
    # Lifting the guard against fetching loopback addresses takes exactly "1".
    assert not Settings.from_env({"COUNTERSIGHT_FETCH_ALLOW_LOOPBACK": "yes"}).fetch_allow_loopback


def test_follow_settings_are_documented() -> None:
    text = SOURCES_DOC.read_text(encoding="utf-8")
    for name in FOLLOW_VARIABLES:
        assert name in text, name


def test_server_and_ingest_settings_read_the_environment() -> None:
    default = Settings.from_env({})
    assert (default.cache_entries, default.document_paths) == (64, "relative")
    s = Settings.from_env({"COUNTERSIGHT_CACHE_ENTRIES": "8", "COUNTERSIGHT_DOCUMENT_PATHS": "name"})
    assert (s.cache_entries, s.document_paths) == (8, "name")
    doc = Settings.from_env.__doc__ or ""
    assert "COUNTERSIGHT_CACHE_ENTRIES" in doc and "COUNTERSIGHT_DOCUMENT_PATHS" in doc


def test_the_app_bounds_its_caches_from_the_settings(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'c.db'}")
    try:
        app = create_app(store, settings=Settings(cache_entries=24), dashboard=False)
        assert (app.state.index_cache.max_entries, app.state.export_cache.max_entries) == (24, 3)
        app = create_app(store, settings=Settings(cache_entries=24), cache_entries=5, dashboard=False)
        assert (app.state.index_cache.max_entries, app.state.export_cache.max_entries) == (5, 2)
        with pytest.raises(UsageError):
            create_app(store, settings=Settings(cache_entries=0), dashboard=False)
    finally:
        store.close()
