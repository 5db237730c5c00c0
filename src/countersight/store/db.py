"""The store: open a database by URL, migrate it, and read and write the records of
:mod:`countersight.model` transactionally and idempotently."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import logging
import operator
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Dialect, Engine, Table, create_engine, event, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from countersight import clock
from countersight.errors import StoreError
from countersight.ids import stable_id
from countersight.model import Claim, Document, Evidence, FieldsPickle, Financing, Organization, ReviewEvent
from countersight.store import schema
from countersight.store.migrations import migrate
from countersight.textsafe import clean_document, clean_review_event, clean_text, clean_value

log = logging.getLogger(__name__)


def _normalize_url(url: str) -> str:
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


def _now() -> dt.datetime:
    return clock.now()


def _pysqlite_now() -> Any:
    """The current time as SQLite's DateTime column stores it."""
    (processor,) = _bind_processors(schema.documents, ("ingested_at",), _pysqlite())
    return processor(_now()) if processor else _now()


def bump_version(conn: Connection) -> None:
    """Increment the store version inside the caller's transaction."""
    t = schema.store_version
    conn.execute(update(t).where(t.c.id == 1).values(version=t.c.version + 1))


def read_version(conn: Connection) -> int:
    """The committed store version (0 before the version table exists)."""
    t = schema.store_version
    value = conn.execute(select(t.c.version).where(t.c.id == 1)).scalar()
    return int(value or 0)


def evidence_id(claim_id: str, index: int, ev: Evidence) -> str:
    """Deterministic id of one evidence row of a claim."""
    return stable_id("ev", [claim_id, index, ev.document_id, ev.start, ev.end, ev.row, ev.column])


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

    def insert_ignore(self, conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> int:
        """Insert rows, skipping those whose primary key exists; return how many were new."""
        if not rows:
            return 0
        if self.dialect == "sqlite":
            fast = sqlite_executemany(conn, table, rows)
            if fast is not None:
                return fast
        dialect = postgresql if self.dialect == "postgresql" else sqlite
        # RETURNING counts the rows really inserted on both backends (executemany rowcount
        # is not reliable with psycopg).
        stmt = dialect.insert(table).on_conflict_do_nothing().returning(*table.primary_key.columns)
        total = 0
        for i in range(0, len(rows), 500):
            total += len(conn.execute(stmt, list(rows[i : i + 500])).all())
        return total

    def add(
        self,
        documents: Iterable[Document],
        claims: Iterable[Claim] = (),
        conn: Connection | None = None,
    ) -> dict[str, int]:
        """Store documents and claims (with their evidence) in one transaction.

        Records already present (same id) are left untouched. Returns counts of new rows.
        """
        doc_rows = [document_row(d) for d in documents]
        claim_rows, ev_rows = [], []
        for c in claims:
            if not c.evidence:
                raise StoreError(f"claim {c.id} has no evidence; every claim needs a source")
            claim_rows.append(claim_row(c))
            ev_rows.extend(evidence_rows(c))
        if conn is None:
            with self.transaction() as tx:
                return self._add(tx, doc_rows, claim_rows, ev_rows)
        return self._add(conn, doc_rows, claim_rows, ev_rows)

    def _add(
        self, conn: Connection, docs: list[dict[str, Any]], claims: list[dict[str, Any]], evs: list[dict[str, Any]]
    ) -> dict[str, int]:
        return {
            "documents": self.insert_ignore(conn, schema.documents, docs),
            "claims": self.insert_ignore(conn, schema.claims, claims),
            "evidence": self.insert_ignore(conn, schema.evidence, evs),
        }

    def add_prepared(self, conn: Connection, prepared: Sequence[PreparedRows]) -> dict[str, int]:
        """Store rows made by :func:`prepare_sqlite_rows` (SQLite only), like :meth:`add`."""
        if self.dialect != "sqlite":
            raise StoreError(f"prepared SQLite rows cannot be written to {self.dialect}")
        counts = {"documents": 0, "claims": 0, "evidence": 0}
        if not prepared:
            return counts
        stamp = _pysqlite_now()
        for table, rows in (
            (schema.documents, [p.document + (stamp,) for p in prepared]),
            (schema.claims, [c + (stamp,) for p in prepared for c in p.claims]),
            (schema.evidence, [e for p in prepared for e in p.evidence]),
        ):
            if rows:
                counts[table.name] = _sqlite_execute(conn, table, _prepared_columns(table), rows)
        return counts

    def add_organizations(self, orgs: Iterable[Organization], conn: Connection | None = None) -> int:
        """Store organizations (existing ids untouched); return how many were new."""
        rows = [
            {
                "id": o.id,
                "name": clean_text(o.name),
                "kind": o.kind,
                "home_country": o.home_country,
                "parent": clean_value(o.parent),
                "aliases": clean_value(list(o.aliases)),
                "note": clean_value(o.note),
                "needs_review": o.needs_review,
            }
            for o in orgs
        ]
        if conn is None:
            with self.transaction() as tx:
                return self.insert_ignore(tx, schema.organizations, rows)
        return self.insert_ignore(conn, schema.organizations, rows)

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
            result = conn.execute(
                # Sanitised here: every review path (API, CLI, dashboard) writes through this.
                schema.review_events.insert().values(
                    target_kind=ev.target_kind,
                    target_id=ev.target_id,
                    action=ev.action,
                    actor=ev.actor,
                    reason=ev.reason,
                    changes=ev.changes,
                    source=ev.source,
                    created_at=ev.created_at or _now(),
                )
            )
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
            return [
                Organization(
                    id=r["id"],
                    name=r["name"],
                    kind=r["kind"],
                    home_country=r["home_country"],
                    parent=r["parent"],
                    aliases=tuple(r["aliases"] or ()),
                    note=r["note"],
                    needs_review=bool(r["needs_review"]),
                )
                for r in conn.execute(q).mappings()
            ]

    def review_events(self, target_id: str | None = None) -> list[ReviewEvent]:
        """Review events in the order they were recorded."""
        t = schema.review_events
        q = select(t).order_by(t.c.id)
        if target_id is not None:
            q = q.where(t.c.target_id == target_id)
        with self.engine.connect() as conn:
            return [
                ReviewEvent(
                    id=r["id"],
                    target_kind=r["target_kind"],
                    target_id=r["target_id"],
                    action=r["action"],
                    actor=r["actor"],
                    reason=r["reason"],
                    changes=dict(r["changes"] or {}),
                    source=r["source"],
                    created_at=r["created_at"],
                )
                for r in conn.execute(q).mappings()
            ]

    def count(self, table: Table) -> int:
        """Number of rows in a table."""
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(table)).scalar_one())

    def stats(self) -> dict[str, Any]:
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
        return {
            "database": self.url,
            "documents": self.count(schema.documents),
            "claims": self.count(schema.claims),
            "evidence": self.count(schema.evidence),
            "deployments": self.count(schema.deployments),
            "organizations": self.count(schema.organizations),
            "review_events": self.count(schema.review_events),
            "by_source": by_source,
        }


_BACKENDS = ("sqlite", "postgresql")


def sqlite_file(url: str) -> Path | None:
    """The file a SQLite URL names (None for other databases and in-memory SQLite)."""
    try:
        parsed = make_url(_normalize_url(url))
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


def _create_private(path: Path) -> None:
    """Create an empty SQLite file readable by its owner only (0600): the store holds reviewers'
    names, token hashes and unpublished texts. SQLite gives its -wal and -shm files the same mode."""
    try:
        with contextlib.suppress(FileExistsError):  # an existing store keeps the mode its owner chose
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except OSError as exc:  # a directory we may not write to: one line, as every store error
        raise StoreError(f"cannot create the store: {exc.strerror or exc}", path=str(path)) from exc


def open_store(url: str, create: bool = True, *, must_exist: bool = False) -> Store:
    """Open (and on first use create and migrate) the database at a SQLAlchemy URL.

    ``must_exist`` is for callers that only read: a SQLite file that does not exist is then a
    :class:`StoreError` instead of a new empty store. A missing parent directory is always an error
    (a typo in a path must not create folders). A new SQLite file is created private (0600)."""
    url = _normalize_url(url)
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
        if backend == "sqlite":
            if path is not None:
                _create_private(path)
            engine = create_engine(url, connect_args={"timeout": 30})
            event.listen(engine, "connect", _sqlite_pragmas)
        else:
            engine = create_engine(url, pool_pre_ping=True)
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


# -- bulk writes on SQLite -------------------------------------------------------------------

_Processor = Callable[[Any], Any] | None


@functools.lru_cache(maxsize=64)
def _sqlite_insert_sql(table: Table, columns: tuple[str, ...], conflict: tuple[str, ...], dialect: Dialect) -> str:
    """``INSERT ... ON CONFLICT`` in the driver's paramstyle: skip existing keys, or (``conflict``
    given) update every other column on those key columns, as the SQLAlchemy upsert did."""
    quote = dialect.identifier_preparer.quote
    names = ", ".join(quote(c) for c in columns)
    marks = ", ".join("?" for _ in columns)
    if conflict:
        sets = ", ".join(f"{quote(c.name)} = excluded.{quote(c.name)}" for c in table.columns if c.name not in conflict)
        tail = f"ON CONFLICT ({', '.join(quote(c) for c in conflict)}) DO UPDATE SET {sets}"
    else:
        tail = "ON CONFLICT DO NOTHING"
    return f"INSERT INTO {dialect.identifier_preparer.format_table(table)} ({names}) VALUES ({marks}) {tail}"


@functools.lru_cache(maxsize=64)
def _bind_processors(table: Table, columns: tuple[str, ...], dialect: Dialect) -> tuple[_Processor, ...]:
    """Each column's bind processor (JSON, date and time types), as SQLAlchemy would apply it."""
    return tuple(table.c[c].type.dialect_impl(dialect).bind_processor(dialect) for c in columns)


def _sqlite_values(
    table: Table, columns: tuple[str, ...], rows: Sequence[dict[str, Any]], dialect: Dialect
) -> list[Any] | None:
    """``rows`` as tuples in ``columns`` order with the bind processors applied; None when the
    rows do not all have exactly those columns."""
    n = len(columns)
    get = operator.itemgetter(*columns)
    try:
        values: list[Any] = [get(r) for r in rows if len(r) == n]
    except KeyError:
        return None
    if len(values) != len(rows):
        return None
    if n == 1:  # itemgetter of one key returns the value itself
        values = [(v,) for v in values]
    processors = _bind_processors(table, columns, dialect)
    convert = [(i, p) for i, p in enumerate(processors) if p is not None]
    if not convert:
        return values
    out = []
    for v in values:
        row = list(v)
        for i, p in convert:
            row[i] = p(row[i])
        out.append(tuple(row))
    return out


def _sqlite_execute(
    conn: Connection,
    table: Table,
    columns: tuple[str, ...],
    values: Sequence[Sequence[Any]],
    conflict: Sequence[str] = (),
) -> int:
    sql = _sqlite_insert_sql(table, columns, tuple(conflict), conn.dialect)
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.executemany(sql, values)
        # sqlite3 sums sqlite3_changes() over the rows: a skipped row adds 0, and rows written
        # by triggers (the evidence FTS index) are not counted.
        return int(cursor.rowcount)
    finally:
        cursor.close()


def sqlite_executemany(
    conn: Connection, table: Table, rows: Sequence[dict[str, Any]], conflict: Sequence[str] = ()
) -> int | None:
    """Insert (``conflict`` empty: skip existing keys; else update on those key columns) through
    the driver's ``executemany``, in the connection's transaction; return the rows written, or
    None when the rows do not all have the same columns (the caller then uses SQLAlchemy).

    The ingest writer's own cost is what limits a scaled-out run (docs/scaling.md): SQLAlchemy's
    per-row parameter handling cost as much as SQLite's own work, and this loop runs in C.
    """
    columns = tuple(rows[0])
    values = _sqlite_values(table, columns, rows, conn.dialect)
    if values is None:
        return None
    return _sqlite_execute(conn, table, columns, values, conflict)


# Written at commit, not where the rows were prepared.
_COMMIT_STAMP = {"documents": "ingested_at", "claims": "created_at"}


def _prepared_columns(table: Table) -> tuple[str, ...]:
    """The columns of a prepared row: all of the table's, its commit stamp last."""
    stamp = _COMMIT_STAMP.get(table.name)
    return tuple(c.name for c in table.columns if c.name != stamp) + ((stamp,) if stamp else ())


@functools.cache
def _pysqlite() -> Dialect:
    from sqlalchemy.dialects.sqlite import pysqlite

    return pysqlite.dialect()


@dataclass(frozen=True, slots=True)
class PreparedRows(FieldsPickle):
    """A document with its claims and evidence as SQLite row values (bind processors applied,
    commit stamps left out), made on the Dask worker that extracted it: the single writer then
    only executes them (docs/scaling.md)."""

    document_id: str
    document: tuple[Any, ...]
    claims: tuple[tuple[Any, ...], ...]
    evidence: tuple[tuple[Any, ...], ...]


def prepare_sqlite_rows(document: Document, claims: Sequence[Claim]) -> PreparedRows:
    """The rows :meth:`Store.add` would write for ``document`` and ``claims`` on SQLite."""
    dialect = _pysqlite()

    def values(table: Table, rows: list[dict[str, Any]]) -> tuple[tuple[Any, ...], ...]:
        stamp = _COMMIT_STAMP.get(table.name)
        columns = _prepared_columns(table)
        if stamp:
            columns = columns[:-1]
            for r in rows:
                del r[stamp]
        out = _sqlite_values(table, columns, rows, dialect) if rows else []
        if out is None:  # the row builders below always give every column
            raise StoreError(f"{table.name}: rows without the table's columns")
        return tuple(out)

    for c in claims:
        if not c.evidence:
            raise StoreError(f"claim {c.id} has no evidence; every claim needs a source")
    (doc,) = values(schema.documents, [document_row(document)])
    return PreparedRows(
        document.id,
        doc,
        values(schema.claims, [claim_row(c) for c in claims]),
        values(schema.evidence, [r for c in claims for r in evidence_rows(c)]),
    )


# -- row <-> record conversion -------------------------------------------------------------


def document_row(d: Document) -> dict[str, Any]:
    """The ``documents`` row of a document (text sanitised: a no-op for documents the ingest
    already cleaned before extraction)."""
    d = clean_document(d)
    return {
        "id": d.id,
        "url": d.url,
        "path": d.path,
        "title": d.title,
        "publisher": d.publisher,
        "published": d.published,
        "language": d.language,
        "source_kind": d.source_kind,
        "dataset": d.dataset,
        "fetched_at": d.fetched_at,
        "ingested_at": _now(),
        "text": d.text,
        "meta": d.meta,
    }


def row_document(r: Any) -> Document:
    """A document from a ``documents`` row (text may be absent)."""
    return Document(
        id=r["id"],
        text=r.get("text", "") or "",
        url=r["url"],
        path=r["path"],
        title=r["title"],
        publisher=r["publisher"],
        published=r["published"],
        language=r["language"],
        source_kind=r["source_kind"],
        dataset=r["dataset"],
        fetched_at=r["fetched_at"],
        meta=dict(r["meta"] or {}),
    )


def claim_row(c: Claim) -> dict[str, Any]:
    """The ``claims`` row of a claim (evidence goes to its own table)."""
    f = c.financing or Financing()
    return {
        "id": c.id,
        "document_id": c.evidence[0].document_id,
        "source": c.source,
        "extractor": c.extractor,
        "extractor_version": c.extractor_version,
        "vendor": clean_value(c.vendor),
        "vendor_raw": clean_value(c.vendor_raw),
        "vendor_country": c.vendor_country,
        "country": c.country,
        "city": clean_value(c.city),
        "agency": clean_value(c.agency),
        "technology": c.technology,
        "status": c.status,
        "start_year": c.start_year,
        "end_year": c.end_year,
        "start_date": c.start_date,
        "confidence": c.confidence,
        "fin_lender": f.lender,
        "fin_instrument": f.instrument,
        "fin_amount": f.amount,
        "fin_currency": f.currency,
        "fin_text": f.text,
        "fin_amount_usd_2017": f.amount_usd_2017,
        "fin_concessional": f.concessional,
        "fin_terms": f.terms,
        "attrs": c.attrs,
        "deployment_id": None,
        "created_at": _now(),
    }


def evidence_rows(c: Claim) -> list[dict[str, Any]]:
    """The ``evidence`` rows of a claim."""
    return [
        {
            "id": evidence_id(c.id, i, ev),
            "claim_id": c.id,
            "document_id": ev.document_id,
            "quote": clean_text(ev.quote),
            "start": ev.start,
            "end": ev.end,
            "page": ev.page,
            "dataset": ev.dataset,
            "sheet": ev.sheet,
            "row": ev.row,
            "column": ev.column,
            "position": i,
        }
        for i, ev in enumerate(c.evidence)
    ]


def evidence_order() -> tuple[Any, ...]:
    """ORDER BY terms for evidence within a claim: as the claim listed it (rows written without a
    position, by bulk loaders, last), then id."""
    e = schema.evidence
    return (func.coalesce(e.c.position, 2_147_483_647), e.c.id)


def row_evidence(r: Any) -> Evidence:
    """An evidence record from an ``evidence`` row."""
    return Evidence(
        document_id=r["document_id"],
        quote=r["quote"],
        start=r["start"],
        end=r["end"],
        page=r["page"],
        dataset=r["dataset"],
        sheet=r["sheet"],
        row=r["row"],
        column=r["column"],
    )


def row_claim(r: Any, evidence: tuple[Evidence, ...]) -> Claim:
    """A claim from a ``claims`` row and its evidence."""
    fin_fields = ("lender", "instrument", "amount", "currency", "text", "amount_usd_2017", "concessional", "terms")
    fin = {k: r[f"fin_{k}"] for k in fin_fields}
    return Claim(
        id=r["id"],
        country=r["country"],
        evidence=evidence,
        extractor=r["extractor"],
        extractor_version=r["extractor_version"],
        source=r["source"],
        vendor=r["vendor"],
        vendor_raw=r["vendor_raw"],
        vendor_country=r["vendor_country"],
        city=r["city"],
        agency=r["agency"],
        technology=r["technology"],
        status=r["status"],
        financing=Financing(**fin) if any(v is not None for v in fin.values()) else None,
        start_year=r["start_year"],
        end_year=r["end_year"],
        start_date=r["start_date"],
        confidence=r["confidence"],
        attrs=dict(r["attrs"] or {}),
    )
