"""The country index, deployments as of a date, diffs, the governance analysis, charts and the
headline figures: the store's typed rows read here and handed to :mod:`countersight.index`."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path

from countersight import clock
from countersight import review as rv
from countersight.index import analysis, charts, compute, figures
from countersight.index import deployments as dview
from countersight.index.analysis import Analysis
from countersight.index.compute import IndexRow
from countersight.index.deployments import DeploymentView
from countersight.index.diff import DiffReport, diff_views
from countersight.index.records import FigureComparison, Figures
from countersight.reads.financing import country_financing
from countersight.records import DeploymentLink, Governance
from countersight.resolve.review import ReviewState
from countersight.resolve.vendors import vendor_groups
from countersight.store import Store
from countersight.store import deployments as dstore

AIGS_EDITIONS = ("2019", "2022")


def _views(
    store: Store,
    states: Mapping[str, ReviewState],
    as_of: dt.date | None,
    country: str | None,
    include_rejected: bool,
    with_sources: bool,
    vendors: Collection[str] | None = None,
    technology: str | None = None,
    status: str | None = None,
) -> list[DeploymentView]:
    """Deployment views; ``vendors``, ``technology`` and ``status`` narrow the stored rows in SQL
    (only where the caller knows no review edit or replay changes them)."""
    sql_country = dview.sql_country(states, country)
    rows = dstore.deployment_tuples(
        store, sql_country, with_sources, vendors=vendors, technology=technology, status=status
    )
    replay = dstore.replay_rows(store, as_of, sql_country) if as_of is not None else None
    groups = vendor_groups(store.organizations(kind="vendor"))
    bad_vendors = rv.rejected_vendors(store) if states else set()
    return dview.deployment_views(rows, replay, states, groups, bad_vendors, as_of, country, include_rejected)


def deployment_views(
    store: Store,
    as_of: dt.date | None = None,
    country: str | None = None,
    include_rejected: bool = False,
    states: Mapping[str, ReviewState] | None = None,
    with_sources: bool = True,
) -> list[DeploymentView]:
    """Every deployment with evidence published by ``as_of`` (all evidence when None), with
    review edits applied; rejected deployments (and those of rejected vendors) left out unless
    ``include_rejected``. ``with_sources=False`` skips reading each deployment's attributes (the
    index does not need them). Sorted by id."""
    if states is None:
        states = rv.review_states(store)
    return _views(store, states, as_of, country, include_rejected, with_sources)


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
    deployments count for the group), technology and status, as of a date.

    Each filter is applied once: in SQL while no reviewer edited a deployment (an edit can move
    one into or out of a filter) -- except the status as of a date, which only the replay knows."""
    states = rv.review_states(store)
    if any(s.edits for s in states.values()):
        views = _views(store, states, as_of, country, include_rejected, True)
        return dview.filter_views(views, vendor, technology, status, group)
    vendors: set[str] | None = None
    if vendor:
        vendors = {vendor}
        if group:
            groups = vendor_groups(store.organizations(kind="vendor"))
            vendors |= {name for name, top in groups.items() if top == vendor}
    sql_status = status if as_of is None else None
    views = _views(
        store, states, as_of, country, include_rejected, True, vendors=vendors, technology=technology, status=sql_status
    )
    return views if sql_status or not status else dview.filter_views(views, status=status)


def deployment_documents(store: Store, deployment_id: str, as_of: dt.date | None = None) -> list[DeploymentLink]:
    """The documents behind one deployment (id, date, publisher, status it gives, confidence),
    by date then document id."""
    rows = dstore.link_rows(store, as_of=as_of, deployment_ids=[deployment_id])
    return sorted(rows, key=lambda r: (str(r.published), r.document_id))


def _governance(store: Store, year: int) -> Governance:
    return Governance(dstore.regimes_for_year(store, year), dstore.military_for_year(store, year))


def compute_index(
    store: Store,
    as_of: dt.date | None = None,
    edition: str = "live",
    country: str | None = None,
    group_vendors: bool = False,
) -> list[IndexRow]:
    """The country index (see :mod:`countersight.index.compute`), sorted by country code."""
    compute.check_edition(edition)
    if edition != "live":
        dataset = f"aigs-{edition}"
        return compute.edition_index(
            edition,
            store.documents(dataset=dataset, with_text=False),
            store.claims(source=dataset, country=country),
            _governance(store, compute.governance_year(edition, as_of or clock.today())),
            as_of,
            country,
        )
    views = deployment_views(store, as_of=as_of, country=country, include_rejected=True, with_sources=False)
    excluded, moved = compute.review_exclusions(views)
    counts = dstore.country_document_counts(store, as_of, excluded, moved, country)
    aigs_rows = itertools.chain.from_iterable(
        store.documents(dataset=f"aigs-{e}", with_text=False) for e in AIGS_EDITIONS
    )
    return compute.live_index(
        views,
        as_of,
        counts,
        compute.coded_by_country(aigs_rows),
        country_financing(store, as_of, country),
        _governance(store, compute.governance_year(edition, as_of or clock.today())),
        group_vendors,
    )


def diff(store: Store, from_date: dt.date, to_date: dt.date, country: str | None = None) -> DiffReport:
    """Deployments and countries that appeared, changed status or disappeared between two dates."""
    if to_date < from_date:
        from_date, to_date = to_date, from_date
    states = rv.review_states(store)
    before = _views(store, states, from_date, country, False, False)
    after = _views(store, states, to_date, country, False, False)
    return diff_views(before, after, from_date, to_date)


def _vdem_regimes(store: Store) -> dict[str, str | None]:
    """Country -> regime type of the AIGS 2022 V-Dem sheet (the 2022 edition's denominator)."""
    return {d.meta["country"]: d.meta.get("regime") for d in store.documents(dataset="aigs-2022-vdem", with_text=False)}


def analyze(store: Store, edition: str = "live", as_of: dt.date | None = None) -> Analysis:
    """Run the governance analysis over an edition's index or the live index as of a date."""
    rows = compute_index(store, as_of=as_of, edition=edition)
    latest = None if edition in AIGS_EDITIONS else dstore.governance_years(store)[0]
    year = analysis.analysis_year(edition, as_of or clock.today(), latest)
    vdem = _vdem_regimes(store) if edition == "2022" else {}
    return analysis.analyze(rows, _governance(store, year), year, edition, as_of, vdem)


def write_chart(store: Store, kind: str, out: Path, edition: str = "live", as_of: dt.date | None = None) -> Path:
    """Build one chart (``map``, ``origins`` or ``timeline``) over an edition or the live data
    and write it to ``out`` (.png or .svg)."""
    return charts.write_chart(
        kind,
        out,
        edition,
        as_of,
        rows=lambda: compute_index(store, as_of=as_of, edition=edition),
        views=lambda: deployment_views(store, as_of=as_of),
    )


def compute_figures(store: Store, edition: str) -> Figures:
    """Headline figures of an AIGS edition from the claims and coded rows in ``store``."""
    figures.check_edition(edition)
    dataset = f"aigs-{edition}"
    docs = list(store.documents(dataset=dataset, with_text=False))
    claims = list(store.claims(source=dataset))
    return figures.compute_figures(edition, docs, claims, _vdem_regimes(store) if edition == "2022" else {})


def compute_live_figures(store: Store) -> Figures:
    """The headline figures of the live index, in the shape of :func:`compute_figures`."""
    return figures.compute_live_figures(compute_index(store, edition="live"))


def compare_figures(store: Store, editions: Sequence[str]) -> FigureComparison:
    """The headline figures of several editions (``2019``, ``2022``, ``live``) side by side."""
    figures.check_comparable(editions)
    results = {e: compute_live_figures(store) if e == "live" else compute_figures(store, e) for e in editions}
    return figures.compare_figures(editions, results)
