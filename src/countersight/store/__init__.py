"""The only layer that speaks SQL: SQLite by default, PostgreSQL for a shared server."""

from countersight.store.db import Store, open_store

__all__ = ["Store", "open_store"]
