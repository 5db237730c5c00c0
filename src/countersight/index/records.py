"""The typed results of :mod:`countersight.index`: the AIGS coding an index row keeps, diff entries,
the analysis tables, the headline figures and the financing summary.

Frozen dataclasses, built by the index and handed to the edges, which serialise them with
``as_dict`` (the JSON the CLI, the API and the exports print, key order included).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from countersight.model import Financing, FinancingRecord

# A CSV / table row of the index: one column per technology of the taxonomy, so its keys vary.
FlatRow = dict[str, str | int | float | None]


def _iso(day: dt.date | None) -> str | None:
    """A date as ISO text (None stays None)."""
    return day.isoformat() if day else None


# -- the index -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AigsCoding:
    """What an AIGS sheet codes for a country beyond its technologies: the edition it comes from,
    Belt and Road membership, the military-spending rank and the regime type, as coded."""

    edition: str
    bri: bool | None
    military_rank: int | None
    regime: str | None

    def as_dict(self) -> dict[str, Any]:  # JSON: an index row's ``coded`` object
        """JSON-ready form."""
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class EditionCoding(AigsCoding):
    """An edition index row's coding: :class:`AigsCoding` and the sheet's supplier flags."""

    china_tech: bool | None
    us_tech: bool | None
    multiple_vendors: bool | None


# -- diff ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeploymentBrief:
    """A deployment as a diff lists it."""

    id: str
    country: str
    vendor: str | None
    vendor_country: str | None
    technology: str | None
    status: str
    confidence: float
    first_seen: dt.date | None
    last_seen: dt.date | None
    documents: int

    def as_dict(self) -> dict[str, Any]:  # JSON: an entry of ``diff --format json`` and ``/api/diff``
        """JSON-ready form (dates as ISO strings)."""
        out = dataclasses.asdict(self)
        out["first_seen"] = _iso(self.first_seen)
        out["last_seen"] = _iso(self.last_seen)
        return out


@dataclass(frozen=True)
class StatusChange(DeploymentBrief):
    """A deployment whose status changed between the two dates (``status`` is ``to_status``)."""

    from_status: str
    to_status: str


@dataclass(frozen=True)
class CountryState:
    """What a diff compares of a country's index row."""

    technologies: dict[str, int]
    unspecified: int
    statuses: dict[str, int]
    supplier_origins: dict[str, int]
    vendors: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:  # JSON: the ``from`` / ``to`` of a changed country
        """JSON-ready form."""
        return {
            "technologies": self.technologies,
            "unspecified": self.unspecified,
            "statuses": self.statuses,
            "supplier_origins": self.supplier_origins,
            "vendors": list(self.vendors),
        }


@dataclass(frozen=True)
class CountryChange:
    """A country whose index row changed between the two dates."""

    country: str
    before: CountryState
    after: CountryState

    def as_dict(self) -> dict[str, Any]:  # JSON: an entry of the diff's ``countries_changed``
        """JSON-ready form."""
        return {"country": self.country, "from": self.before.as_dict(), "to": self.after.as_dict()}


# -- analysis --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegimeAdoption:
    """Countries using AI surveillance among those of a regime type."""

    regime: str
    name: str
    using: int
    total: int
    share: float | None


@dataclass(frozen=True)
class RegimeSupply:
    """Users of a regime type supplied from China, the United States, or both."""

    regime: str
    using: int
    chinese: int
    us: int
    both: int


@dataclass(frozen=True)
class BriSupply:
    """Users supplied from China and the United States, by Belt and Road membership."""

    bri: str
    using: int
    chinese: int
    us: int


@dataclass(frozen=True)
class MilitarySpending:
    """Adoption and military spending: the top spenders by coded rank, median share of GDP."""

    top50_using: int
    top50_countries: tuple[str, ...]
    rank_source: str
    pct_gdp_year: int
    median_pct_gdp_using: float | None
    median_pct_gdp_not_using: float | None
    n_using_with_pct_gdp: int
    n_not_using_with_pct_gdp: int

    def as_dict(self) -> dict[str, Any]:  # JSON: the analysis's ``military`` object
        """JSON-ready form."""
        out = dataclasses.asdict(self)
        out["top50_countries"] = list(self.top50_countries)
        return out


@dataclass(frozen=True)
class ChiSquare:
    """The chi-square test of regime type x use: ``table`` holds (regime, using, not using) per
    regime type; ``note`` says why it was not computed (the statistics are then None)."""

    test: str
    n: int
    table: tuple[tuple[str, int, int], ...]
    note: str | None = None
    chi2: float | None = None
    dof: int | None = None
    p_value: float | None = None
    min_expected: float | None = None

    def as_dict(self) -> dict[str, Any]:  # JSON: the analysis's ``chi_square`` object
        """JSON-ready form (the uncomputed test lists its table as rows of counts)."""
        if self.note is not None:
            return {"test": self.test, "n": self.n, "table": [[u, n] for _r, u, n in self.table], "note": self.note}
        return {
            "test": self.test,
            "table": {r: {"using": u, "not_using": n} for r, u, n in self.table},
            "chi2": self.chi2,
            "dof": self.dof,
            "p_value": self.p_value,
            "n": self.n,
            "min_expected": self.min_expected,
        }


@dataclass(frozen=True)
class LogitTerm:
    """One coefficient of the logistic regression."""

    term: str
    coef: float
    std_err: float
    ci_low: float
    ci_high: float
    p_value: float
    odds_ratio: float


@dataclass(frozen=True)
class Logistic:
    """The logistic regression of use on regime type and military spending; ``note`` says why it
    was not computed (the fit's fields are then None or empty)."""

    model: str
    n: int
    note: str | None = None
    n_using: int | None = None
    pseudo_r2: float | None = None
    log_likelihood: float | None = None
    converged: bool | None = None
    coefficients: tuple[LogitTerm, ...] = ()
    excluded: str | None = None

    def as_dict(self) -> dict[str, Any]:  # JSON: the analysis's ``logistic`` object
        """JSON-ready form."""
        if self.note is not None:
            return {"model": self.model, "n": self.n, "note": self.note}
        return {
            "model": self.model,
            "n": self.n,
            "n_using": self.n_using,
            "pseudo_r2": self.pseudo_r2,
            "log_likelihood": self.log_likelihood,
            "converged": self.converged,
            "coefficients": [dataclasses.asdict(c) for c in self.coefficients],
            "excluded": self.excluded,
        }


# -- figures ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegimeCount:
    """Countries using AI surveillance of a regime type, and the total (None where unknown)."""

    using: int
    total: int | None


@dataclass(frozen=True)
class Figures:
    """The headline figures of an AIGS edition or of the live index, with ``notes`` on the
    differences from the published figures. Figures an edition does not code are None."""

    edition: str
    countries: int
    technology: dict[str, int]
    supplier_origin: dict[str, int]
    supplier_origin_by_vendor: dict[str, int]
    china_and_bri: int | None
    vendors: dict[str, int]
    multiple_vendors_unnamed: int | None
    top50_military_spenders_using: int | None
    by_regime: dict[str, RegimeCount]
    notes: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:  # JSON: ``figures --format json``, ``/api/figures``
        """JSON-ready form."""
        return {
            "edition": self.edition,
            "countries": self.countries,
            "technology": self.technology,
            "supplier_origin": self.supplier_origin,
            "supplier_origin_by_vendor": self.supplier_origin_by_vendor,
            "china_and_bri": self.china_and_bri,
            "vendors": self.vendors,
            "multiple_vendors_unnamed": self.multiple_vendors_unnamed,
            "top50_military_spenders_using": self.top50_military_spenders_using,
            "by_regime": {k: {"using": v.using, "total": v.total} for k, v in self.by_regime.items()},
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class FigureRow:
    """One figure of a comparison: its label and its value per edition (None where it lacks it)."""

    figure: str
    values: dict[str, str | None]

    def as_dict(self) -> dict[str, Any]:  # JSON: a row of ``figures --compare --format json``
        """JSON-ready form: the label, then one key per edition."""
        return {"figure": self.figure, **self.values}


@dataclass(frozen=True)
class FigureComparison:
    """The headline figures of several editions side by side, and each edition's figures."""

    editions: tuple[str, ...]
    rows: tuple[FigureRow, ...]
    figures: dict[str, Figures] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:  # JSON: ``figures --compare --format json``
        """JSON-ready form."""
        return {
            "editions": list(self.editions),
            "rows": [r.as_dict() for r in self.rows],
            "figures": {e: f.as_dict() for e, f in self.figures.items()},
        }


# -- financing -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DealTotal:
    """Deals of one lender or instrument, and their 2017 USD total (None when no deal states an
    amount: "not stated", never 0)."""

    deals: int
    deals_with_amount: int
    usd_2017: float | None


@dataclass(frozen=True)
class FinancingFigures:
    """The financing section of ``countersight figures``: deals with known financing, totals by
    lender, instrument and original currency, and the share concessional."""

    scope: str
    as_of: dt.date | None
    deals: int
    deals_with_amount: int
    total_usd_2017: float
    countries: int
    by_lender: dict[str, DealTotal]
    by_instrument: dict[str, DealTotal]
    original_currency_totals: dict[str, float]
    share_concessional: float | None
    share_concessional_usd_2017: float | None
    concessionality_unknown: int
    excluded_not_recommended: tuple[str, ...]
    projects: tuple[str, ...]
    notes: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:  # JSON: ``figures --financing``, ``/api/financing``
        """JSON-ready form."""
        out = dataclasses.asdict(self)
        out["as_of"] = _iso(self.as_of)
        for name in ("excluded_not_recommended", "projects", "notes"):
            out[name] = list(out[name])
        return out


class ClaimFinancing(NamedTuple):
    """The financing a claim states, with the claim's id, source and document."""

    claim_id: str
    source: str
    document_id: str
    financing: Financing

    def as_dict(self) -> dict[str, Any]:  # JSON: a deal extracted from news, as the API lists it
        """JSON-ready form: the claim, then the financing's fields."""
        return {
            "claim_id": self.claim_id,
            "source": self.source,
            "document_id": self.document_id,
            **dataclasses.asdict(self.financing),
        }


def record_dict(r: FinancingRecord) -> dict[str, Any]:  # JSON: a deal of the API, the CLI, the dashboard
    """JSON-ready form of a finance-dataset record: its fields, its financing's fields flattened,
    its cited sources and attribution."""
    out = dataclasses.asdict(r)  # JSON: the form being built
    fin = out.pop("financing")
    out.update(fin)
    out["sources"] = list(r.attrs.get("sources") or ())
    out["attribution"] = r.attrs.get("attribution")
    return out


@dataclass(frozen=True)
class DeploymentFinancing:
    """The financing behind one deployment: one finance-dataset record per project, then the
    financing its news claims state (those no record covers)."""

    records: tuple[FinancingRecord, ...]
    claims: tuple[ClaimFinancing, ...]

    def as_dicts(self) -> list[dict[str, Any]]:  # JSON: the deployment's deals, as the API lists them
        """JSON-ready deal entries: the records (:func:`record_dict`), then the claims."""
        return [record_dict(r) for r in self.records] + [c.as_dict() for c in self.claims]


@dataclass(frozen=True)
class LenderFlow:
    """Surveillance financing from one lender to one recipient country: deals and 2017 USD."""

    lender: str
    country: str
    deals: int
    usd_2017: float

    def as_dict(self) -> dict[str, Any]:  # JSON: a flow of ``/api/financing``
        """JSON-ready form."""
        return dataclasses.asdict(self)


# -- charts ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MapCell:
    """A country on the index map: its world-atlas key, technologies in use, deployments, name."""

    key: str
    technologies: int
    deployments: int
    name: str
