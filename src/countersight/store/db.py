"""The store: open a database by URL, migrate it, and read and write the records of
:mod:`countersight.model` transactionally and idempotently.

Rows are mapped in :mod:`~countersight.store.rows` and written in bulk by
:mod:`~countersight.store.bulk`; URLs and engines are :mod:`~countersight.store.engine`'s."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager

from sqlalchemy import Connection, Engine, Table, func, select, update
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from countersight.errors import StoreError
from countersight.model import Claim, Document, Evidence, Organization, ReviewEvent
from countersight.records import StoreStats
from countersight.store import schema
from countersight.store.bulk import insert_rows, write_records
from countersight.store.engine import create_private, make_engine, normalize_url, sqlite_file
from countersight.store.migrations import migrate
from countersight.store.rows import (
    SqlRow,
    claim_row,
    document_row,
    evidence_id,
    evidence_order,
    evidence_rows,
    review_event_row,
    row_claim,
    row_document,
    row_evidence,
    row_organization,
    row_review_event,
)
from countersight.textsafe import clean_review_event

# The row mapping and URL helpers were defined here once; their importers keep working.
__all__ = [
    "Store",
    "bump_version",
    "claim_row",
    "document_row",
    "evidence_id",
    "evidence_order",
    "evidence_rows",
    "open_store",
    "read_version",
    "row_claim",
    "row_document",
    "row_evidence",
    "sqlite_file",
]

log = logging.getLogger(__name__)


def bump_version(conn: Connection) -> None:
    """Increment the store version inside the caller's transaction."""
    t = schema.store_version
    conn.execute(update(t).where(t.c.id == 1).values(version=t.c.version + 1))


def read_version(conn: Connection) -> int:
    """The committed store version (0 before the version table exists)."""
    t = schema.store_version
    value = conn.execute(select(t.c.version).where(t.c.id == 1)).scalar()
    return int(value or 0)


class Store:
    """A countersight database. Create with :func:`open_store`."""

    def __init__(self, engine: Engine):
        self.engine = engine

    @property
    def url(self) -> str:
        """The database URL with any password hidden."""
        return self.engine.url.render_as_string(hide_password=True)

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """A connection inside one write transaction: committed on success, rolled back on error.

        The store version is bumped first, so it commits (or rolls back) with the writes and every
        writer takes the same row lock first (no lock-order deadlock on PostgreSQL)."""
        with self.engine.begin() as conn:
            bump_version(conn)
            yield conn

    @contextmanager
    def bookkeeping(self) -> Iterator[Connection]:
        """A write transaction that leaves the store version alone, for rows no published view or
        cache reads (a token's last use): bumping the version there would throw away every cached
        index and download each time a signed-in reader comes back."""
        with self.engine.begin() as conn:
            yield conn

    def version(self) -> int:
        """The store version: increases with every committed write (one primary-key read)."""
        with self.engine.connect() as conn:
            return read_version(conn)

    def close(self) -> None:
        """Release pooled connections."""
        self.engine.dispose()

    # -- writing ---------------------------------------------------------------------------

    def insert_ignore(self, conn: Connection, table: Table, rows: Sequence[SqlRow]) -> int:
        """Insert rows, skipping those whose primary key exists; return how many were new."""
        return insert_rows(conn, table, rows)

    def add(
        self,
        documents: Iterable[Document],
        claims: Iterable[Claim] = (),
        conn: Connection | None = None,
    ) -> dict[str, int]:
        """Store documents and claims (with their evidence) in one transaction.

        Records already present (same id) are left untouched. Returns counts of new rows.
        """
        records: list[Document | Claim] = [*documents, *claims]
        if conn is None:
            with self.transaction() as tx:
                counts = write_records(tx, records)
        else:
            counts = write_records(conn, records)
        return {name: counts.get(name, 0) for name in ("documents", "claims", "evidence")}

    def add_organizations(self, orgs: Iterable[Organization], conn: Connection | None = None) -> int:
        """Store organizations (existing ids untouched); return how many were new."""
        records = list(orgs)
        if conn is None:
            with self.transaction() as tx:
                return write_records(tx, records).get("organizations", 0)
        return write_records(conn, records).get("organizations", 0)

    def add_governance(
        self,
        regimes: Iterable[tuple[str, int, int, str]],
        military: Iterable[tuple[str, int, float]],
        source_regimes: str,
        source_military: str,
    ) -> dict[str, int]:
        """Store V-Dem regime rows (country, year, code, label) and military expenditure rows
        (country, year, pct_gdp) in one transaction; existing (country, year) rows are kept."""
        reg = [
            {"country": c, "year": y, "regime": r, "label": lab, "source": source_regimes} for c, y, r, lab in regimes
        ]
        mil = [{"country": c, "year": y, "pct_gdp": v, "source": source_military} for c, y, v in military]
        with self.transaction() as conn:
            return {
                "regimes": self.insert_ignore(conn, schema.regimes, reg),
                "military_expenditure": self.insert_ignore(conn, schema.military_expenditure, mil),
            }

    def regime_labels(self, year: int) -> dict[str, str]:
        """V-Dem regime label (CA/EA/ED/LD) per country for a year."""
        t = schema.regimes
        with self.engine.connect() as conn:
            return {c: lab for c, lab in conn.execute(select(t.c.country, t.c.label).where(t.c.year == year))}

    def add_review_event(self, ev: ReviewEvent) -> int:
        """Append a review event (text sanitised); return its id. Events are never updated or deleted."""
        ev = clean_review_event(ev)
        with self.transaction() as conn:
            # Sanitised above: every review path (API, CLI, dashboard) writes through this.
            result = conn.execute(schema.review_events.insert().values(**review_event_row(ev)))
            key = result.inserted_primary_key
            assert key is not None
            return int(key[0])

    # -- reading ---------------------------------------------------------------------------

    def has_document(self, document_id: str) -> bool:
        """True when a document with this content hash is stored (primary-key lookup)."""
        with self.engine.connect() as conn:
            q = select(schema.documents.c.id).where(schema.documents.c.id == document_id)
            return conn.execute(q).first() is not None

    def documents(self, dataset: str | None = None, with_text: bool = True) -> Iterator[Document]:
        """Stored documents, optionally of one dataset, in id order."""
        t = schema.documents
        cols = list(t.c) if with_text else [c for c in t.c if c.name != "text"]
        q = select(*cols).order_by(t.c.id)
        if dataset is not None:
            q = q.where(t.c.dataset == dataset)
        with self.engine.connect() as conn:
            for row in conn.execute(q).mappings():
                yield row_document(row)

    def get_document(self, document_id: str) -> Document | None:
        """One document by id, or None."""
        with self.engine.connect() as conn:
            row = conn.execute(select(schema.documents).where(schema.documents.c.id == document_id)).mappings().first()
        return row_document(row) if row else None

    def claims(self, source: str | None = None, country: str | None = None) -> Iterator[Claim]:
        """Stored claims with their evidence (in the order the claim listed it), optionally filtered,
        in id order."""
        c, e = schema.claims, schema.evidence
        q = select(c).order_by(c.c.id)
        if source is not None:
            q = q.where(c.c.source == source)
        if country is not None:
            q = q.where(c.c.country == country)
        with self.engine.connect() as conn:
            rows = list(conn.execute(q).mappings())
            evq = select(e).order_by(e.c.claim_id, *evidence_order())
            if source is not None or country is not None:
                evq = evq.where(e.c.claim_id.in_(q.with_only_columns(c.c.id).order_by(None)))
            by_claim: dict[str, list[Evidence]] = {}
            for er in conn.execute(evq).mappings():
                by_claim.setdefault(er["claim_id"], []).append(row_evidence(er))
        for row in rows:
            yield row_claim(row, tuple(by_claim.get(row["id"], ())))

    def organizations(self, kind: str | None = None) -> list[Organization]:
        """Stored organizations, by name."""
        t = schema.organizations
        q = select(t).order_by(t.c.name, t.c.id)
        if kind:
            q = q.where(t.c.kind == kind)
        with self.engine.connect() as conn:
            return [row_organization(r) for r in conn.execute(q).mappings()]

    def review_events(self, target_id: str | None = None) -> list[ReviewEvent]:
        """Review events in the order they were recorded."""
        t = schema.review_events
        q = select(t).order_by(t.c.id)
        if target_id is not None:
            q = q.where(t.c.target_id == target_id)
        with self.engine.connect() as conn:
            return [row_review_event(r) for r in conn.execute(q).mappings()]

    def count(self, table: Table) -> int:
        """Number of rows in a table."""
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(table)).scalar_one())

    def stats(self) -> StoreStats:
        """What the store holds: counts per table and claims per source."""
        with self.engine.connect() as conn:
            by_source = {
                src: int(n)
                for src, n in conn.execute(
                    select(schema.claims.c.source, func.count())
                    .group_by(schema.claims.c.source)
                    .order_by(schema.claims.c.source)
                )
            }
        return StoreStats(
            database=self.url,
            documents=self.count(schema.documents),
            claims=self.count(schema.claims),
            evidence=self.count(schema.evidence),
            deployments=self.count(schema.deployments),
            organizations=self.count(schema.organizations),
            review_events=self.count(schema.review_events),
            by_source=by_source,
        )


_BACKENDS = ("sqlite", "postgresql")


def open_store(url: str, create: bool = True, *, must_exist: bool = False) -> Store:
    """Open (and on first use create and migrate) the database at a SQLAlchemy URL.

    ``must_exist`` is for callers that only read: a SQLite file that does not exist is then a
    :class:`StoreError` instead of a new empty store. A missing parent directory is always an error
    (a typo in a path must not create folders). A new SQLite file is created private (0600)."""
    url = normalize_url(url)
    try:
        parsed = make_url(url)
    except Exception as exc:  # SQLAlchemy raises ArgumentError subclasses of several kinds
        raise StoreError(f"not a database URL: {url!r} ({exc})") from exc
    backend = parsed.get_backend_name()
    if backend not in _BACKENDS:
        raise StoreError(
            f"unsupported database {backend!r} in {parsed.render_as_string(True)}: "
            "use SQLite (sqlite:///PATH) or PostgreSQL (postgresql://HOST/NAME)"
        )
    path = sqlite_file(url)
    if path is not None:
        if not path.parent.is_dir():
            raise StoreError("directory does not exist", path=str(path.parent))
        if must_exist and not path.exists():
            raise StoreError(
                "no store here (commands that only read never create one; "
                "run `countersight import` or `countersight ingest` first)",
                path=str(path),
            )
    try:
        if path is not None:
            create_private(path)
        engine = make_engine(url)
        if create:
            with engine.begin() as conn:
                applied = migrate(conn)
            if applied:
                log.info("migrated %s to schema version %s", parsed.render_as_string(True), applied[-1])
    except SQLAlchemyError as exc:
        raise StoreError(
            f"cannot open database {parsed.render_as_string(True)}: {exc.__class__.__name__}: "
            f"{str(exc).splitlines()[0]}"
        ) from exc
    except ImportError as exc:  # a driver the URL names that is not installed
        raise StoreError(f"cannot open database {parsed.render_as_string(True)}: {exc}") from exc
    return Store(engine)
