"""Read-only queries the exporters, feeds and the Python API need: whole tables as typed rows in
a stable order, filtered selections, deployment changes since a date, and the data snapshot id.

Everything here returns records of ``countersight.export_records`` holding JSON-ready values
(dates as ISO strings) in primary-key order, so that two exports of the same store are
byte-identical.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any, TypeVar

from sqlalchemy import Table, or_, select

from countersight.export_records import (
    TABLE_RECORDS,
    ChangeEvent,
    DeploymentChange,
    DeploymentEvidence,
    ExportClaim,
    ExportDeployment,
    ExportDocument,
    ExportEvidence,
    ExportFinancing,
    ExportMilitaryExpenditure,
    ExportOrganization,
    ExportRegime,
    ExportReviewEvent,
    ExportRow,
)
from countersight.store import schema
from countersight.store.db import Store, evidence_order

# Housekeeping timestamps say when this copy was built, not what the data are: they would make
# two stores holding the same data look different, so exports and the snapshot id leave them out.
HOUSEKEEPING = {"documents": ("ingested_at",), "claims": ("created_at",)}

# Tables an export carries, in the order they are written.
EXPORT_TABLES: tuple[str, ...] = tuple(TABLE_RECORDS)

R = TypeVar(
    "R",
    ExportDocument,
    ExportClaim,
    ExportEvidence,
    ExportOrganization,
    ExportDeployment,
    ExportReviewEvent,
    ExportRegime,
    ExportMilitaryExpenditure,
    ExportFinancing,
)
T = TypeVar("T")


@dataclass(frozen=True)
class Selection:
    """Which deployments and claims to export: each field narrows the selection (None = all)."""

    country: str | None = None
    vendor: str | None = None
    technology: str | None = None
    source: str | None = None

    @property
    def empty(self) -> bool:
        """True when nothing is filtered."""
        return not any((self.country, self.vendor, self.technology, self.source))

    @classmethod
    def parse(cls, items: Sequence[str]) -> Selection:
        """Build from ``key=value`` strings (country, vendor, technology, source)."""
        values: dict[str, str] = {}
        for item in items:
            key, sep, value = item.partition("=")
            key = key.strip()
            if not sep or key not in cls.__dataclass_fields__ or not value.strip():
                raise ValueError(f"bad filter {item!r}: use country=, vendor=, technology= or source=")
            values[key] = value.strip()
        return cls(**values)


def table(name: str) -> Table:
    """The table object of an exportable table name."""
    if name not in EXPORT_TABLES:
        raise KeyError(f"not an exported table: {name}")
    return schema.metadata.tables[name]


def exported_columns(name: str) -> list[str]:
    """The columns of a table that exports carry (housekeeping timestamps left out)."""
    skip = HOUSEKEEPING.get(name, ())
    return [c.name for c in table(name).columns if c.name not in skip]


def _jsonable(value: Any) -> Any:
    """A stored value as exports write it: dates as ISO text, times as ISO UTC text with a ``Z``."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value.isoformat() + "Z"
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _order(t: Table) -> list[Any]:
    """A table's primary-key columns: the order every export writes its rows in."""
    return list(t.primary_key.columns)


def _sel_claims(sel: Selection) -> Any:
    """The SELECT of the ids of the claims a selection keeps."""
    c = schema.claims
    q = select(c.c.id)
    if sel.country:
        q = q.where(c.c.country == sel.country)
    if sel.vendor:
        q = q.where(c.c.vendor == sel.vendor)
    if sel.technology:
        q = q.where(c.c.technology == sel.technology)
    if sel.source:
        q = q.where(c.c.source == sel.source)
    return q


def _sel_deployments(sel: Selection) -> Any:
    """The SELECT of the ids of the deployments a selection keeps."""
    d = schema.deployments
    q = select(d.c.id)
    if sel.country:
        q = q.where(d.c.country == sel.country)
    if sel.vendor:
        q = q.where(d.c.vendor == sel.vendor)
    if sel.technology:
        q = q.where(d.c.technology == sel.technology)
    if sel.source:
        q = q.where(d.c.id.in_(select(schema.claims.c.deployment_id).where(schema.claims.c.source == sel.source)))
    return q


def _filtered(name: str, sel: Selection) -> Any:
    """The SELECT of one table narrowed to a selection (rows that the selected claims use)."""
    t = table(name)
    q = select(*[t.c[n] for n in exported_columns(name)]).order_by(*_order(t))
    if sel.empty:
        return q
    claim_ids = _sel_claims(sel)
    if name == "claims":
        return q.where(t.c.id.in_(claim_ids))
    if name == "evidence":
        return q.where(t.c.claim_id.in_(claim_ids))
    if name == "documents":
        # Every document a selected row cites: the evidence's and the finance records' (a Payment's proof).
        f = schema.financing
        return q.where(
            or_(
                t.c.id.in_(select(schema.evidence.c.document_id).where(schema.evidence.c.claim_id.in_(claim_ids))),
                t.c.id.in_(select(f.c.document_id).where(f.c.claim_id.in_(claim_ids))),
            )
        )
    if name == "deployments":
        return q.where(t.c.id.in_(_sel_deployments(sel)))
    if name == "review_events":
        return q.where(or_(t.c.target_id.in_(_sel_deployments(sel)), t.c.target_id.in_(claim_ids)))
    if name == "organizations":
        c = schema.claims
        names = select(c.c.vendor).where(c.c.id.in_(claim_ids))
        lenders = select(c.c.fin_lender).where(c.c.id.in_(claim_ids))
        return q.where(or_(t.c.name.in_(names), t.c.name.in_(lenders)))
    if name == "financing":
        # Only the records behind the selected claims: a finance record without a claim (context such
        # as Huawei's training grants) belongs to no selection, and its document would not be exported.
        return q.where(t.c.claim_id.in_(claim_ids))
    if name == "regimes" or name == "military_expenditure":
        return q.where(t.c.country == sel.country) if sel.country else q
    return q


def public_path(path: str | None) -> str | None:
    """A document's path as exports show it: never absolute (stores written before paths were
    recorded relative to the ingest root hold the ingesting machine's folders): its file name."""
    if not path:
        return path
    if path.startswith(("/", "\\", "~")) or re.match(r"^[A-Za-z]:[\\/]", path):
        return PurePath(path.replace("\\", "/")).name or None
    return path


def _read(store: Store, name: str, make: Callable[..., T], selection: Selection | None) -> Iterator[T]:
    """Rows of one exported table built by ``make`` from its JSON-ready values, in primary-key order."""
    q = _filtered(name, selection or Selection())
    path = ExportDocument._fields.index("path") if name == "documents" else -1
    with store.engine.connect() as conn:
        for row in conn.execute(q):
            values = [_jsonable(v) for v in row]
            if path >= 0:
                values[path] = public_path(values[path])
            yield make(*values)


def table_rows(store: Store, name: str, selection: Selection | None = None) -> Iterator[ExportRow]:
    """Rows of one exported table as its records (``TABLE_RECORDS``), in primary-key order."""
    if name not in TABLE_RECORDS:
        raise KeyError(f"not an exported table: {name}")
    return _read(store, name, TABLE_RECORDS[name], selection)


def table_records(store: Store, record: type[R], selection: Selection | None = None) -> Iterator[R]:
    """Rows of the exported table whose record type is ``record``, in primary-key order."""
    (name,) = [n for n, r in TABLE_RECORDS.items() if r is record]
    return _read(store, name, record, selection)


def snapshot_id(store: Store) -> str:
    """A content hash of everything the store holds (housekeeping timestamps excluded).

    Two stores with the same data have the same id; any added or changed row changes it.
    """
    h = hashlib.sha256()
    for name in EXPORT_TABLES:
        h.update(name.encode())
        for row in table_rows(store, name):
            h.update(json.dumps(row._asdict(), sort_keys=True, ensure_ascii=False, default=str).encode())
            h.update(b"\n")
    return "snap-" + h.hexdigest()[:20]


def deployments(store: Store, selection: Selection | None = None) -> list[ExportDeployment]:
    """Deployments matching a selection, in id order."""
    return list(table_records(store, ExportDeployment, selection))


def claims(store: Store, selection: Selection | None = None) -> list[ExportClaim]:
    """Claims matching a selection, in id order."""
    return list(table_records(store, ExportClaim, selection))


def _change_events(store: Store, ids: Sequence[str]) -> dict[str, list[ChangeEvent]]:
    """The review events about each of ``ids``, in the order they were recorded."""
    t = schema.review_events
    out: dict[str, list[ChangeEvent]] = {}
    with store.engine.connect() as conn:
        for i in range(0, len(ids), 500):
            q = (
                select(t.c.target_id, t.c.action, t.c.actor, t.c.reason, t.c.created_at)
                .where(t.c.target_id.in_(ids[i : i + 500]))
                .order_by(t.c.id)
            )
            for r in conn.execute(q):
                out.setdefault(r.target_id, []).append(ChangeEvent(*(_jsonable(v) for v in r)))
    return out


def deployment_changes(
    store: Store, selection: Selection | None = None, since: dt.date | None = None
) -> list[DeploymentChange]:
    """Deployments new or changed on or after ``since``, newest first.

    A deployment counts as changed on its ``last_seen`` date (new evidence) and on the date of
    any review event about it. Each change carries ``updated`` (ISO date-time) and ``events``
    (the review actions on or after ``since``).
    """
    rows = deployments(store, selection)
    events_of = _change_events(store, [r.id for r in rows])
    since_s = since.isoformat() if since else None
    out = []
    for row in rows:
        stamps = []
        if row.last_seen or row.first_seen:
            stamps.append(f"{row.last_seen or row.first_seen}T00:00:00Z")
        events = events_of.get(row.id, [])
        stamps += [e.created_at for e in events if e.created_at]
        updated = max(stamps) if stamps else None
        if since_s and (updated is None or updated[:10] < since_s):
            continue
        recent = tuple(e for e in events if not since_s or (e.created_at or "")[:10] >= since_s)
        out.append(DeploymentChange(row, updated, recent))
    out.sort(key=lambda c: (c.updated or "", c.deployment.id), reverse=True)
    return out


def evidence_for_deployments(store: Store, deployment_ids: Sequence[str]) -> list[DeploymentEvidence]:
    """Evidence rows behind deployments (through their claims), with the claim's deployment id and
    the document's title, URL and publisher, by deployment, claim, then as each claim listed it."""
    c, e, d = schema.claims, schema.evidence, schema.documents
    out: list[DeploymentEvidence] = []
    with store.engine.connect() as conn:
        for i in range(0, len(deployment_ids), 500):
            q = (
                select(
                    c.c.deployment_id,
                    e.c.id,
                    e.c.claim_id,
                    e.c.document_id,
                    e.c.quote,
                    e.c.start,
                    e.c.end,
                    e.c.page,
                    e.c.dataset,
                    e.c.sheet,
                    e.c.row,
                    e.c.column,
                    d.c.title,
                    d.c.url,
                    d.c.publisher,
                    d.c.published,
                )
                .join(c, c.c.id == e.c.claim_id)
                .join(d, d.c.id == e.c.document_id)
                .where(c.c.deployment_id.in_(list(deployment_ids[i : i + 500])))
                .order_by(c.c.deployment_id, e.c.claim_id, *evidence_order())
            )
            out += [DeploymentEvidence(*(_jsonable(v) for v in r)) for r in conn.execute(q)]
    return out
