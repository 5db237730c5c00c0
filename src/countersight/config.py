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
    # What a document records of the file it was read from (never the absolute path, which would
    # publish the ingesting machine's folder names): "relative" to the directory named on the
    # command line (a file named directly: its name), "name" (the file name) or "none".
    document_paths: str = "relative"

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        """Build settings from ``COUNTERSIGHT_DATABASE_URL``, ``COUNTERSIGHT_MAX_FILE_BYTES``,
        ``COUNTERSIGHT_QUARANTINE_DIR``, ``COUNTERSIGHT_DEBUG`` and ``COUNTERSIGHT_DOCUMENT_PATHS``."""
        env = os.environ if environ is None else environ
        qdir = env.get("COUNTERSIGHT_QUARANTINE_DIR")
        return cls(
            database_url=env.get("COUNTERSIGHT_DATABASE_URL") or default_database_url(),
            max_file_bytes=int(env.get("COUNTERSIGHT_MAX_FILE_BYTES", 200 * 1024 * 1024)),
            quarantine_dir=Path(qdir) if qdir else None,
            debug=env.get("COUNTERSIGHT_DEBUG", "") not in ("", "0", "false"),
            document_paths=env.get("COUNTERSIGHT_DOCUMENT_PATHS") or "relative",
        )
