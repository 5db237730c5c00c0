"""Database URLs and engines: which file a SQLite URL names, the driver a PostgreSQL URL uses,
and the connection settings every SQLite connection gets."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

from countersight.errors import StoreError


def normalize_url(url: str) -> str:
    """``url`` with the PostgreSQL driver spelled out."""
    # psycopg 3 is the driver we ship; a bare postgresql:// would ask for psycopg2.
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def sqlite_file(url: str) -> Path | None:
    """The file a SQLite URL names (None for other databases and in-memory SQLite)."""
    try:
        parsed = make_url(normalize_url(url))
    except Exception:  # noqa: BLE001 - open_store reports a bad URL; here it just names no file
        return None
    if (
        parsed.get_backend_name() != "sqlite"
        or not parsed.database
        or parsed.database == ":memory:"
        or parsed.database.startswith("file:")
    ):
        return None
    return Path(parsed.database).expanduser()


def create_private(path: Path) -> None:
    """Create an empty SQLite file readable by its owner only (0600): the store holds reviewers'
    names, token hashes and unpublished texts. SQLite gives its -wal and -shm files the same mode."""
    try:
        with contextlib.suppress(FileExistsError):  # an existing store keeps the mode its owner chose
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except OSError as exc:  # a directory we may not write to: one line, as every store error
        raise StoreError(f"cannot create the store: {exc.strerror or exc}", path=str(path)) from exc


def make_engine(url: str) -> Engine:
    """An engine for a normalised SQLite or PostgreSQL URL (SQLite connections in WAL mode, with
    foreign keys checked and a 30 s busy timeout)."""
    if make_url(url).get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)
