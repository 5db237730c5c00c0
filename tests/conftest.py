"""Shared fixtures: a store on SQLite and, when configured, on PostgreSQL.

PostgreSQL tests use ``COUNTERSIGHT_TEST_POSTGRES_URL``; each test gets a fresh database of
its own (created and dropped here) so that parallel runs never see each other's rows. With
``COUNTERSIGHT_REQUIRE_POSTGRES=1`` a missing server fails instead of skipping; the same for
``COUNTERSIGHT_REQUIRE_BROWSER=1`` and Chromium.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from countersight.store import Store, open_store

PG_URL = os.environ.get("COUNTERSIGHT_TEST_POSTGRES_URL", "")
REQUIRE_PG = os.environ.get("COUNTERSIGHT_REQUIRE_POSTGRES", "") == "1"


def _pg_admin_url() -> str:
    url = make_url(PG_URL)
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    return url.render_as_string(hide_password=False)


@pytest.fixture
def pg_database_url() -> Iterator[str]:
    """URL of a brand-new PostgreSQL database, dropped after the test."""
    if not PG_URL:
        if REQUIRE_PG:
            pytest.fail("COUNTERSIGHT_REQUIRE_POSTGRES=1 but COUNTERSIGHT_TEST_POSTGRES_URL is unset")
        pytest.skip("PostgreSQL not configured: set COUNTERSIGHT_TEST_POSTGRES_URL to run these cases")
    admin = create_engine(_pg_admin_url(), isolation_level="AUTOCOMMIT")
    name = f"cs_test_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001 - any connection failure: skip or fail as configured
        admin.dispose()
        if REQUIRE_PG:
            pytest.fail(f"PostgreSQL required but unreachable: {exc}")
        pytest.skip(f"PostgreSQL unreachable: {exc}")
    url = make_url(_pg_admin_url()).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    f"WHERE datname = '{name}' AND pid <> pg_backend_pid()"
                )
            )
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database URL: SQLite in tmp_path, or a new PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    return str(request.getfixturevalue("pg_database_url"))


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    """An opened, migrated, empty store on each backend."""
    s = open_store(database_url)
    try:
        yield s
    finally:
        s.close()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Report how many hostile inputs the robustness tests tried (issue 6 asks for the count) and
    where the browser tests saved their screenshots."""
    from hostile_report import TRIED

    if TRIED:
        terminalreporter.section("hostile inputs tried")
        for kind, n in sorted(TRIED.items()):
            terminalreporter.write_line(f"{n:>6}  {kind}")
        terminalreporter.write_line(f"{sum(TRIED.values()):>6}  in total")
    from run_report import SCREENSHOTS

    if SCREENSHOTS:
        terminalreporter.section("browser screenshots")
        for line in SCREENSHOTS:
            terminalreporter.write_line(line)
