"""Atom watch feeds: new or changed deployments (optionally of one country, vendor or technology),
so that a journalist can subscribe in any feed reader. The XML is deterministic: entries newest
first, the feed's ``updated`` is its newest entry's (no wall-clock time)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode
from xml.etree import ElementTree as ET

from countersight import __version__
from countersight.export_records import DeploymentChange, ExportDeployment
from countersight.publish.urls import deployment_path
from countersight.reference.countries import country_name
from countersight.store import Store
from countersight.store.export_queries import Selection, deployment_changes, snapshot_id
from countersight.textsafe import xml_safe

ATOM_NS = "http://www.w3.org/2005/Atom"
EPOCH = "1970-01-01T00:00:00Z"


def _title(dep: ExportDeployment) -> str:
    """An entry's title: country, technology, supplier and status."""
    tech = (dep.technology or "surveillance technology").replace("_", " ")
    vendor = dep.vendor or (f"a supplier from {dep.vendor_country}" if dep.vendor_country else "an unnamed supplier")
    return f"{country_name(dep.country)}: {tech} from {vendor} ({dep.status})"


def _summary(change: DeploymentChange, reviewer_names: bool) -> str:
    """An entry's text: status, place, years, how much evidence, and the review events."""
    dep = change.deployment
    parts = [f"Status {dep.status}, confidence {dep.confidence}."]
    if dep.city or dep.agency:
        parts.append("Where: " + ", ".join(x for x in (dep.agency, dep.city) if x) + ".")
    years = "–".join(str(y) for y in (dep.start_year, dep.end_year) if y)
    if years:
        parts.append(f"Years: {years}.")
    parts.append(
        f"{dep.n_claims} claims from {dep.n_documents} documents "
        f"({dep.n_publishers} publishers); first seen {dep.first_seen}, "
        f"last seen {dep.last_seen}."
    )
    for ev in change.events:
        # Reviewers' names are private by default (source protection); the decision and reason are not.
        who = f" by {ev.actor}" if reviewer_names else ""
        parts.append(f"Review {ev.created_at}: {ev.action}{who}: {ev.reason}")
    return " ".join(parts)


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    """Append an Atom element with text and attributes, made safe for XML."""
    # Stored text may predate the sanitiser: one control character would make the whole feed
    # invalid XML for every subscriber, so each value is filtered on the way out.
    el = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", {k: xml_safe(v) for k, v in attrs.items()})
    if text is not None:
        el.text = xml_safe(text)
    return el


def deployments_feed(
    store: Store,
    selection: Selection | None = None,
    since: dt.date | None = None,
    base_url: str = "",
    limit: int = 200,
    reviewer_names: bool = False,
) -> str:
    """The Atom XML of deployments new or changed since ``since`` matching ``selection``.

    Entries link to the dashboard's page of each deployment, ``/deployment/<id>``: absolute under
    ``base_url`` (e.g. ``https://example.org``, where ``countersight serve`` answers), otherwise
    relative to the server's root (never to the feed's folder, ``/feeds/``). Review events name
    their reviewer only with ``reviewer_names``.
    """
    base_url = base_url.rstrip("/")
    sel = selection or Selection()
    rows = deployment_changes(store, sel, since)[:limit]
    query = {k: v for k, v in (("country", sel.country), ("vendor", sel.vendor), ("technology", sel.technology)) if v}
    if since:
        query["since"] = since.isoformat()
    self_href = f"{base_url}/feeds/deployments.atom" + (f"?{urlencode(sorted(query.items()))}" if query else "")
    ET.register_namespace("", ATOM_NS)
    feed = ET.Element(f"{{{ATOM_NS}}}feed")
    label = ", ".join(f"{k} {v}" for k, v in sorted(query.items()))
    _sub(feed, "title", "countersight: new and changed deployments" + (f" ({label})" if label else ""))
    _sub(
        feed,
        "id",
        "tag:countersight,2026:feeds/deployments" + (f"?{urlencode(sorted(query.items()))}" if query else ""),
    )
    _sub(feed, "updated", max((r.updated for r in rows if r.updated), default=EPOCH))
    _sub(feed, "link", rel="self", href=self_href, type="application/atom+xml")
    author = _sub(feed, "author")
    _sub(author, "name", "countersight")
    _sub(feed, "generator", "countersight", version=__version__)
    _sub(feed, "subtitle", f"data snapshot {snapshot_id(store)}")
    for change in rows:
        dep = change.deployment
        entry = _sub(feed, "entry")
        _sub(entry, "title", _title(dep))
        _sub(entry, "id", f"tag:countersight,2026:deployment:{dep.id}")
        _sub(entry, "updated", change.updated or EPOCH)
        if dep.first_seen:
            _sub(entry, "published", f"{dep.first_seen}T00:00:00Z")
        _sub(
            entry,
            "link",
            rel="alternate",
            href=f"{base_url}{deployment_path(dep.id)}",
        )
        for term in (dep.country, dep.technology, dep.vendor):
            if term:
                _sub(entry, "category", term=str(term))
        _sub(entry, "summary", _summary(change, reviewer_names), type="text")
    ET.indent(feed)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"
