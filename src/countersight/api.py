"""The Python API: open a store and read deployments, claims, evidence and country summaries as
lists of plain records that turn into pandas DataFrames on request.

    >>> import countersight as cs
    >>> db = cs.open("sqlite:///countersight.db")
    >>> db.deployments(country="KEN").to_dataframe()

pandas is optional (``pip install 'countersight[pandas]'``); everything else works without it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from countersight.config import Settings
from countersight.errors import CountersightError
from countersight.store import Store, open_store
from countersight.store import export_queries as q
from countersight.store.export_queries import Selection

# Columns holding dates or date-times: parsed by to_dataframe.
_DATE_COLUMNS = ("published", "first_seen", "last_seen", "start_date", "fetched_at", "created_at", "updated")


# JSON-shaped rows at the edge: analysts get the rows the JSON export writes, as plain dicts for pandas.
class Records(list[dict[str, Any]]):
    """A list of records (dicts) with a :meth:`to_dataframe` method; ``columns`` names the fields
    (so that an empty selection still gives a DataFrame with the right columns)."""

    def __init__(self, rows: Any = (), columns: list[str] | None = None):
        super().__init__(rows)
        self.columns = columns or (list(self[0]) if self else [])

    def to_dataframe(self) -> Any:
        """A pandas DataFrame of the records (dates parsed); needs pandas."""
        try:
            import pandas as pd
        except ImportError as exc:
            raise CountersightError("to_dataframe needs pandas: pip install 'countersight[pandas]'") from exc
        frame = pd.DataFrame.from_records(list(self), columns=self.columns or None)
        for col in _DATE_COLUMNS:
            if col in frame.columns:
                frame[col] = pd.to_datetime(frame[col], errors="coerce", utc=col.endswith(("_at", "updated")))
        return frame


class Countersight:
    """A read-only view of one countersight store for analysts. Create with :func:`open`."""

    def __init__(self, store: Store):
        self.store = store

    def __repr__(self) -> str:
        return f"<countersight {self.store.url}>"

    def deployments(
        self,
        country: str | None = None,
        vendor: str | None = None,
        technology: str | None = None,
        source: str | None = None,
    ) -> Records:
        """Deployments (merged claims), optionally of one country, vendor, technology or source."""
        return Records(
            [r._asdict() for r in q.deployments(self.store, Selection(country, vendor, technology, source))],
            q.exported_columns("deployments"),
        )

    def claims(
        self,
        country: str | None = None,
        vendor: str | None = None,
        technology: str | None = None,
        source: str | None = None,
    ) -> Records:
        """Claims with their financing columns (``fin_*``), optionally filtered."""
        return Records(
            [r._asdict() for r in q.claims(self.store, Selection(country, vendor, technology, source))],
            q.exported_columns("claims"),
        )

    def evidence(
        self,
        country: str | None = None,
        vendor: str | None = None,
        technology: str | None = None,
        source: str | None = None,
    ) -> Records:
        """Evidence rows (quote, document, offsets or dataset cell) of the selected claims."""
        return Records(
            [r._asdict() for r in q.table_rows(self.store, "evidence", Selection(country, vendor, technology, source))],
            q.exported_columns("evidence"),
        )

    def deployment_evidence(self, deployment_id: str) -> Records:
        """Every piece of evidence behind one deployment, with its document's title, URL and publisher."""
        return Records(e._asdict() for e in q.evidence_for_deployments(self.store, [deployment_id]))

    def documents(self, source: str | None = None, with_text: bool = False) -> Records:
        """Documents behind the claims (of one source); texts only when asked."""
        rows = q.table_rows(self.store, "documents", Selection(source=source))
        return Records({k: v for k, v in r._asdict().items() if with_text or k != "text"} for r in rows)

    def organizations(self) -> Records:
        """Vendors, financiers and agencies."""
        return Records(
            (r._asdict() for r in q.table_rows(self.store, "organizations")), q.exported_columns("organizations")
        )

    def table(self, name: str) -> Records:
        """Any exported table by name (e.g. ``regimes``, ``military_expenditure``)."""
        return Records((r._asdict() for r in q.table_rows(self.store, name)), q.exported_columns(name))

    def changes(
        self,
        since: dt.date | str | None = None,
        country: str | None = None,
        vendor: str | None = None,
        technology: str | None = None,
    ) -> Records:
        """Deployments new or changed since a date, newest first (what the watch feed lists)."""
        when = dt.date.fromisoformat(since) if isinstance(since, str) else since
        return Records(
            c.as_dict() for c in q.deployment_changes(self.store, Selection(country, vendor, technology), when)
        )

    def snapshot_id(self) -> str:
        """The content hash of the store's data (recorded in every export)."""
        return q.snapshot_id(self.store)

    def export(self, fmt: str, out: Path | str, **filters: str) -> list[Path]:
        """Export in a format (ftm, csv, json, geojson, parquet, datapackage, sqlite); see the CLI."""
        from countersight.publish.export import export

        return export(self.store, fmt, out, Selection(**filters))

    def close(self) -> None:
        """Release the database connections."""
        self.store.close()

    def __enter__(self) -> Countersight:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open(url: str | Path | None = None) -> Countersight:  # noqa: A001 - the API reads cs.open(url)
    """Open an existing store by SQLAlchemy URL or SQLite file path (default:
    ``COUNTERSIGHT_DATABASE_URL`` or the user's store). A SQLite file that does not exist is a
    :class:`~countersight.errors.StoreError`: reading never creates an empty store."""
    if url is None:
        url = Settings.from_env().database_url
    elif isinstance(url, Path) or "://" not in url:
        url = f"sqlite:///{Path(url).expanduser().resolve()}"
    return Countersight(open_store(url, must_exist=True))
