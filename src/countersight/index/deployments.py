"""Deployments as they stood on a date: the evidence replayed up to ``as_of`` (documents by their
published date), with the reviewers' decisions applied. The index, ``diff`` and the API's
deployment listing all read this one view.

Review decisions apply at every date (a rejection says the record is wrong, not that it became
wrong later) -- except a reviewer's status override, which applies only from the day it was made.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from countersight.resolve.merge import STATUS_RANK, combine_confidence
from countersight.resolve.review import ReviewState, rejected_vendors, review_states
from countersight.store import Store
from countersight.store import deployments as dstore

ACTIVE_STATUSES = ("reported", "planned")


@dataclass(frozen=True, slots=True)
class DeploymentView:
    """A deployment on a date: fields after review edits, status and confidence from the
    evidence published by then, and the documents and publishers behind it."""

    id: str
    country: str
    technology: str | None
    vendor: str | None
    vendor_group: str | None
    vendor_country: str | None
    status: str
    confidence: float
    first_seen: dt.date | None
    last_seen: dt.date | None
    start_year: int | None
    end_year: int | None
    city: str | None
    agency: str | None
    documents: tuple[str, ...]
    publishers: tuple[str, ...]
    n_claims: int
    review: str
    disputed: bool
    requeued: bool
    sources: tuple[str, ...]

    @property
    def active(self) -> bool:
        """True when the latest evidence says it exists or is planned (not cancelled or denied)."""
        return self.status in ACTIVE_STATUSES

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form (dates as ISO strings)."""
        out: dict[str, Any] = {}
        for name in self.__slots__:
            value = getattr(self, name)
            if isinstance(value, dt.date):
                value = value.isoformat()
            elif isinstance(value, tuple):
                value = list(value)
            out[name] = value
        out["n_documents"] = len(self.documents)
        out["n_publishers"] = len(self.publishers)
        return out


def _replay(links: Iterable[tuple[Any, ...]]) -> dict[str, dict[str, Any]]:
    """Per deployment: documents, publishers, status, confidence and dates from its links."""
    acc: dict[str, dict[str, Any]] = {}
    for dep_id, doc_id, _country, day, publisher, status, conf, n_claims in links:
        a = acc.get(dep_id)
        if a is None:
            a = acc[dep_id] = {
                "docs": [],
                "best": {},
                "first": day,
                "last": day,
                "key": None,
                "status": status,
                "claims": 0,
            }
        a["docs"].append(doc_id)
        a["claims"] += n_claims
        best = a["best"]
        if conf > best.get(publisher, -1.0):
            best[publisher] = conf
        if day is not None:
            if a["first"] is None or day < a["first"]:
                a["first"] = day
            if a["last"] is None or day > a["last"]:
                a["last"] = day
        key = (day or dt.date.min, STATUS_RANK.get(status, 1))
        if a["key"] is None or key > a["key"]:
            a["key"], a["status"] = key, status
    return acc


def deployment_views(
    store: Store,
    as_of: dt.date | None = None,
    country: str | None = None,
    include_rejected: bool = False,
    states: Mapping[str, ReviewState] | None = None,
) -> list[DeploymentView]:
    """Every deployment with evidence published by ``as_of`` (all evidence when None), with
    review edits applied; rejected deployments (and those of rejected vendors) left out unless
    ``include_rejected``. Sorted by id."""
    rows = dstore.deployment_rows(store)
    if states is None:
        states = review_states(store, rows)
    moved = any("country" in s.edits for s in states.values())
    # Filter links in SQL by country unless a reviewer moved a deployment to another country.
    links = dstore.link_rows(store, as_of=as_of, country=None if moved else country)
    replay = _replay(links)
    bad_vendors = rejected_vendors(store) if states else set()
    out: list[DeploymentView] = []
    for row in rows:
        r = replay.get(row["id"])
        if r is None:
            continue
        state = states.get(row["id"])
        edits = state.edits if state else {}
        rejected = bool(state and state.excluded) or row["vendor"] in bad_vendors
        if rejected and not include_rejected:
            continue
        dep_country = edits.get("country", row["country"])
        if country and dep_country != country:
            continue
        status = r["status"]
        if "status" in edits and (
            as_of is None or (state and state.last_at and state.last_at.date() <= as_of)
        ):
            status = edits["status"]
        attrs = row.get("attrs") or {}
        vendor = edits.get("vendor", row["vendor"])
        out.append(
            DeploymentView(
                id=row["id"],
                country=dep_country,
                technology=edits.get("technology", row["technology"]),
                vendor=vendor,
                vendor_group=(attrs.get("vendor_group") or vendor) if vendor == row["vendor"] else vendor,
                vendor_country=edits.get("vendor_country", row["vendor_country"]),
                status=status,
                confidence=combine_confidence(r["best"].values()),
                first_seen=r["first"],
                last_seen=r["last"],
                start_year=edits.get("start_year", row["start_year"]),
                end_year=edits.get("end_year", row["end_year"]),
                city=edits.get("city", row["city"]),
                agency=edits.get("agency", row["agency"]),
                documents=tuple(r["docs"]),
                publishers=tuple(sorted(r["best"])),
                n_claims=r["claims"],
                review="rejected" if rejected else (state.decision if state else "unreviewed"),
                disputed=bool(state and state.disputes),
                requeued=bool(state and state.requeued),
                sources=tuple(attrs.get("sources") or ()),
            )
        )
    return out


def list_deployments(
    store: Store,
    as_of: dt.date | None = None,
    country: str | None = None,
    vendor: str | None = None,
    technology: str | None = None,
    status: str | None = None,
    group: bool = False,
    include_rejected: bool = False,
) -> list[DeploymentView]:
    """Deployments filtered by country, vendor (its group too with ``group=True``: a subsidiary's
    deployments count for the group), technology and status, as of a date."""
    views = deployment_views(store, as_of=as_of, country=country, include_rejected=include_rejected)
    out = []
    for v in views:
        if vendor and not (v.vendor == vendor or (group and v.vendor_group == vendor)):
            continue
        if technology and v.technology != technology:
            continue
        if status and v.status != status:
            continue
        out.append(v)
    return out
