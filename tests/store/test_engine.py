"""URLs and engines (:mod:`countersight.store.engine`): the driver a PostgreSQL URL gets, the file a
SQLite URL names, private store files, and the pragmas every SQLite connection runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from countersight.errors import StoreError
from countersight.store import open_store
from countersight.store.engine import create_private, make_engine, normalize_url, sqlite_file


def test_sqlite_store_file_is_private(tmp_path: Path) -> None:
    path = tmp_path / "private" / "store.db"
    path.parent.mkdir()  # open_store never creates a missing directory (a typo must not make folders)
    open_store(f"sqlite:///{path}").close()
    assert path.stat().st_mode & 0o777 == 0o600
    for extra in path.parent.glob("store.db-*"):  # WAL and shared-memory files take the same mode
        assert extra.stat().st_mode & 0o077 == 0, extra


def test_a_postgresql_url_gets_the_psycopg_driver() -> None:
    assert normalize_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalize_url("postgres://h/db") == "postgresql+psycopg://h/db"
    assert normalize_url("postgresql+psycopg://h/db") == "postgresql+psycopg://h/db"
    assert normalize_url("sqlite:///x.db") == "sqlite:///x.db"


def test_the_file_a_sqlite_url_names(tmp_path: Path) -> None:
    assert sqlite_file(f"sqlite:///{tmp_path / 'a.db'}") == tmp_path / "a.db"
    assert sqlite_file("sqlite:///~/a.db") == Path("~/a.db").expanduser()
    for no_file in ("sqlite://", "sqlite:///:memory:", "postgresql://h/db", "not a url at all ::"):
        assert sqlite_file(no_file) is None, no_file


def test_create_private_keeps_an_existing_file_and_reports_one_it_cannot_make(tmp_path: Path) -> None:
    existing = tmp_path / "shared.db"
    existing.write_bytes(b"")
    existing.chmod(0o640)
    create_private(existing)
    assert existing.stat().st_mode & 0o777 == 0o640  # its owner chose that mode
    not_a_dir = tmp_path / "plain-file"
    not_a_dir.write_text("x")
    with pytest.raises(StoreError) as caught:
        create_private(not_a_dir / "s.db")
    assert caught.value.path == str(not_a_dir / "s.db")
    assert caught.value.message.startswith("cannot create the store: ")


def test_sqlite_connections_check_foreign_keys_in_wal_mode(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'e.db'}")
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
    finally:
        engine.dispose()
