"""Financing, computed from the finance records the store reads: per deployment, per country (the
index's financing columns) and the headline figures (deals with known financing, totals by lender
and instrument, share concessional).

A project can appear in several AidData files (the Brest grant is in the Huawei file and the
geocoded subset): every total counts each AidData project once, taking its most complete record.
Amounts keep their original currency beside the constant-2017 USD value AidData computed; nothing is
converted here. Only projects AidData recommends for aggregates count in totals (the others are
listed as excluded).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from countersight.index.records import (
    ClaimFinancing,
    DealTotal,
    DeploymentFinancing,
    FinancingFigures,
    LenderFlow,
)
from countersight.model import Financing, FinancingRecord
from countersight.reference.loader import load_yaml

# When a project appears in several files, the record from the richest file wins (ties).
DATASET_RANK = {"aiddata-huawei": 0, "aiddata-military": 1, "aiddata-gcdf": 2}


@dataclass(frozen=True)
class CountryFinancing:
    """The index's financing columns for one country."""

    financed_deployments: int
    financed_usd_2017: float | None
    lenders: tuple[str, ...]
    instruments: tuple[str, ...]
    projects: tuple[str, ...]


def _published(dataset: str) -> dt.date:
    value = load_yaml("datasets.yaml")[dataset]["published"]
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _completeness(r: FinancingRecord) -> tuple[int, int, int, int, str]:
    f = r.financing
    return (
        f.amount_usd_2017 is None,
        f.amount is None,
        f.concessional is None,
        DATASET_RANK.get(r.dataset, 9),
        r.dataset,
    )


def one_per_project(records: Iterable[FinancingRecord], as_of: dt.date | None = None) -> list[FinancingRecord]:
    """Each project once (its most complete record), published by ``as_of``; by project id."""
    best: dict[str, FinancingRecord] = {}
    for r in records:
        if as_of is not None and _published(r.dataset) > as_of:
            continue
        if r.project_id not in best or _completeness(r) < _completeness(best[r.project_id]):
            best[r.project_id] = r
    return [best[k] for k in sorted(best, key=lambda p: (len(p), p))]


def lenders_of(r: FinancingRecord) -> list[str]:
    """The lenders of a record (a project can have several funders, joined by "; ")."""
    return [x.strip() for x in (r.financing.lender or "").split(";") if x.strip()]


@dataclass
class _Tally:
    """Deals of one lender or instrument being counted."""

    deals: int = 0
    usd_2017: float = 0.0
    with_amount: int = 0

    def total(self) -> DealTotal:
        """The tally as reported: no deal with an amount is "not stated" (None), never 0."""
        return DealTotal(self.deals, self.with_amount, round(self.usd_2017, 2) if self.with_amount else None)


def _totals(tallies: Mapping[str, _Tally]) -> dict[str, DealTotal]:
    """The tallies as reported, the largest 2017 USD total first."""
    return {k: v.total() for k, v in sorted(tallies.items(), key=lambda kv: (-kv[1].usd_2017, kv[0]))}


def financing_figures(
    records: Iterable[FinancingRecord], as_of: dt.date | None = None, surveillance: bool = True
) -> FinancingFigures:
    """The financing section of ``countersight figures`` from the surveillance ``records`` (or,
    with ``surveillance=False``, all finance-dataset records) with known financing."""
    records = one_per_project(records, as_of)
    counted = [r for r in records if r.recommended]
    amounts = [r for r in counted if r.financing.amount_usd_2017 is not None]
    by_lender: dict[str, _Tally] = defaultdict(_Tally)
    by_instrument: dict[str, _Tally] = defaultdict(_Tally)
    by_currency: dict[str, float] = defaultdict(float)
    for r in counted:
        usd = r.financing.amount_usd_2017
        inst = r.financing.instrument or "unknown"
        for group in [by_lender[lender] for lender in lenders_of(r) or ["unknown"]] + [by_instrument[inst]]:
            group.deals += 1
            if usd is not None:
                group.usd_2017 += usd
                group.with_amount += 1
        if r.financing.amount is not None and r.financing.currency:
            by_currency[r.financing.currency] += r.financing.amount
    known = [r for r in counted if r.financing.concessional is not None]
    concessional = [r for r in known if r.financing.concessional]
    conc_usd = sum(r.financing.amount_usd_2017 or 0.0 for r in concessional)
    total = sum(r.financing.amount_usd_2017 or 0.0 for r in amounts)
    return FinancingFigures(
        scope="surveillance" if surveillance else "all",
        as_of=as_of,
        deals=len(counted),
        deals_with_amount=len(amounts),
        total_usd_2017=round(total, 2),
        countries=len({r.country for r in counted}),
        by_lender=_totals(by_lender),
        by_instrument=_totals(by_instrument),
        original_currency_totals={k: round(v, 2) for k, v in sorted(by_currency.items())},
        share_concessional=round(len(concessional) / len(known), 4) if known else None,
        share_concessional_usd_2017=round(conc_usd / total, 4) if total else None,
        concessionality_unknown=len(counted) - len(known),
        excluded_not_recommended=tuple(sorted(r.project_id for r in records if not r.recommended)),
        projects=tuple(r.project_id for r in counted),
        notes=(
            "Each AidData project counted once (its most complete record across the bundled files).",
            "Amounts in constant 2017 USD as computed by AidData; original currencies are summed per currency.",
            "Source: AidData (Global Huawei Finance Dataset; Global Chinese Development Finance Dataset v2.0 and "
            "its military companion; Custer et al. 2021). Licence: ODC-By 1.0.",
        ),
    )


def country_financing(
    records: Iterable[FinancingRecord],
    claim_deployments: Mapping[str, str | None],
    as_of: dt.date | None = None,
) -> dict[str, CountryFinancing]:
    """Per country: deployments with known financing, their total in 2017 USD (each project once),
    lenders and instruments, from the surveillance ``records`` (those that became claims) and the
    deployment each record's claim was merged into."""
    records = one_per_project(records, as_of)
    deps = claim_deployments
    by_country: dict[str, list[FinancingRecord]] = defaultdict(list)
    for r in records:
        if r.recommended:
            by_country[r.country].append(r)
    out = {}
    for code, recs in sorted(by_country.items()):
        usd = [r.financing.amount_usd_2017 for r in recs if r.financing.amount_usd_2017 is not None]
        out[code] = CountryFinancing(
            financed_deployments=len({deps.get(r.claim_id or "") or r.claim_id for r in recs}),
            financed_usd_2017=round(sum(usd), 2) if usd else None,
            lenders=tuple(sorted({x for r in recs for x in lenders_of(r)})),
            instruments=tuple(sorted({r.financing.instrument for r in recs if r.financing.instrument})),
            projects=tuple(r.project_id for r in recs),
        )
    return out


def deployment_financing(
    records: Iterable[FinancingRecord], claim_financing: Sequence[tuple[str, str, str, Financing]]
) -> DeploymentFinancing:
    """The financing behind one deployment, from the finance ``records`` of its claims and the
    financing its claims state ((claim id, source, document id, financing)): one record per
    AidData project, and any financing from news claims (those no record covers)."""
    kept = tuple(one_per_project(records))
    imported = {r.claim_id for r in kept}
    claims = tuple(
        ClaimFinancing(*c) for c in claim_financing if c[0] not in imported and not c[1].startswith("aiddata")
    )
    return DeploymentFinancing(kept, claims)


def financing_by_lender_country(records: Iterable[FinancingRecord], as_of: dt.date | None = None) -> list[LenderFlow]:
    """Lender -> recipient flows of the surveillance ``records`` (for a flow diagram): deals and
    2017 USD."""
    flows: dict[tuple[str, str], float] = defaultdict(float)
    deals: Counter[tuple[str, str]] = Counter()
    for r in one_per_project(records, as_of):
        if not r.recommended:
            continue
        for lender in lenders_of(r) or ["unknown"]:
            flows[(lender, r.country)] += r.financing.amount_usd_2017 or 0.0
            deals[(lender, r.country)] += 1
    return [
        LenderFlow(lender, country, deals[lender, country], round(flows[lender, country], 2))
        for lender, country in sorted(deals)
    ]


def _usd(value: float | None) -> str:
    return "not stated" if value is None else f"{value:,.0f}"


def financing_table_rows(fin: FinancingFigures) -> list[tuple[str, str]]:
    """(label, value) pairs of :func:`financing_figures` for a human-readable table."""
    share = fin.share_concessional
    rows = [
        ("deals with known financing", str(fin.deals)),
        ("  of them with an amount", str(fin.deals_with_amount)),
        ("recipient countries", str(fin.countries)),
        ("total (constant 2017 USD)", f"{fin.total_usd_2017:,.0f}"),
        ("share concessional (deals)", "n/a" if share is None else f"{share:.0%}"),
        ("concessionality unknown", str(fin.concessionality_unknown)),
    ]
    rows += [(f"lender: {k}", f"{v.deals} · {_usd(v.usd_2017)}") for k, v in fin.by_lender.items()]
    rows += [(f"instrument: {k}", f"{v.deals} · {_usd(v.usd_2017)}") for k, v in fin.by_instrument.items()]
    rows += [(f"original currency: {k}", f"{v:,.0f}") for k, v in fin.original_currency_totals.items()]
    return rows
