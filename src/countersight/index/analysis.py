"""Governance analysis of the index: adoption by regime type, Chinese and US supply by regime type
and Belt and Road membership, adoption and military spending, a chi-square test and a logistic
regression (statsmodels), each with its n. Presence in the index reflects what was reported, not
what exists: every result carries that caveat.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from countersight.index.compute import IndexRow
from countersight.index.records import (
    BriSupply,
    ChiSquare,
    Logistic,
    LogitTerm,
    MilitarySpending,
    RegimeAdoption,
    RegimeSupply,
)
from countersight.records import Governance

REGIME_ORDER = ("LD", "ED", "EA", "CA")
REGIME_NAMES = {
    "LD": "liberal democracy",
    "ED": "electoral democracy",
    "EA": "electoral autocracy",
    "CA": "closed autocracy",
}
TOP_MILITARY = 50
CAVEAT = (
    "Presence in the index means that use of the technology was reported in a source the index "
    "covers, not that it exists (or that its absence was checked). Reporting is uneven across "
    "languages, press freedom and researchers' attention, so countries with a freer press or more "
    "scrutiny can look like heavier adopters. The tests below describe association in this data, not "
    "cause; the regression's p-values assume independent countries, which regional diffusion violates."
)


@dataclass(frozen=True)
class Analysis:
    """The results of :func:`analyze`, JSON-ready through :meth:`as_dict`."""

    edition: str
    as_of: dt.date | None
    governance_year: int
    universe: str
    adoption_by_regime: tuple[RegimeAdoption, ...]
    supply_by_regime: tuple[RegimeSupply, ...]
    supply_by_bri: tuple[BriSupply, ...]
    military: MilitarySpending
    chi_square: ChiSquare
    logistic: Logistic
    unclassified: tuple[str, ...] = ()
    caveat: str = CAVEAT

    def as_dict(self) -> dict[str, Any]:  # JSON: ``analyze --format json``
        """JSON-ready form."""
        return {
            "edition": self.edition,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "governance_year": self.governance_year,
            "universe": self.universe,
            "adoption_by_regime": [dataclasses.asdict(r) for r in self.adoption_by_regime],
            "supply_by_regime": [dataclasses.asdict(r) for r in self.supply_by_regime],
            "supply_by_bri": [dataclasses.asdict(r) for r in self.supply_by_bri],
            "military": self.military.as_dict(),
            "chi_square": self.chi_square.as_dict(),
            "logistic": self.logistic.as_dict(),
            "unclassified": list(self.unclassified),
            "caveat": self.caveat,
        }


def _using(row: IndexRow) -> bool:
    return sum(row.technologies.values()) + row.unspecified > 0


def _universe(
    edition: str, year: int, vdem: Mapping[str, str | None], governance: Governance
) -> tuple[dict[str, str], str]:
    """Country -> regime label for the denominator, and a description of where it comes from."""
    if edition == "2022" and vdem:
        return (
            {c: r for c, r in vdem.items() if r in REGIME_ORDER},
            "the 179 countries of the AIGS 2022 sheet 2 (V-Dem 2021 regime types, as coded)",
        )
    regimes = governance.regimes
    return (
        {c: lab for c, (_code, lab, _y) in regimes.items()},
        f"every country with a V-Dem Regimes of the World type for {year} (Our World in Data)",
    )


def analysis_year(edition: str, today: dt.date, latest_regime_year: int | None) -> int:
    """The governance year of the analysis: the year an edition coded, or ``today``'s (the as-of
    date or the current date) capped at the latest regime data."""
    if edition in ("2019", "2022"):
        return int(edition) - 1
    return min(today.year, latest_regime_year) if latest_regime_year else today.year


def analyze(
    rows: Sequence[IndexRow],
    governance: Governance,
    year: int,
    edition: str = "live",
    as_of: dt.date | None = None,
    vdem: Mapping[str, str | None] | None = None,
) -> Analysis:
    """The governance analysis over an edition's index ``rows`` or the live index as of a date,
    with the regime and military rows of ``year`` (:func:`analysis_year`) and, for 2022, the
    regime types the AIGS 2022 V-Dem sheet codes per country (the denominator)."""
    universe, described = _universe(edition, year, vdem or {}, governance)
    using = {r.country: r for r in rows if _using(r)}
    totals = Counter(universe.values())
    used = Counter(universe[c] for c in using if c in universe)
    adoption = tuple(
        RegimeAdoption(
            regime=label,
            name=REGIME_NAMES[label],
            using=used.get(label, 0),
            total=totals.get(label, 0),
            share=round(used.get(label, 0) / totals[label], 4) if totals.get(label) else None,
        )
        for label in REGIME_ORDER
    )
    supply = []
    for label in REGIME_ORDER:
        group = [r for c, r in using.items() if universe.get(c) == label]
        supply.append(
            RegimeSupply(
                regime=label,
                using=len(group),
                chinese=sum(1 for r in group if r.supplier_origins.get("CHN")),
                us=sum(1 for r in group if r.supplier_origins.get("USA")),
                both=sum(1 for r in group if r.supplier_origins.get("CHN") and r.supplier_origins.get("USA")),
            )
        )
    by_bri = []
    for bri, label in ((True, "BRI member"), (False, "not a BRI member"), (None, "not coded")):
        members = [r for r in using.values() if r.bri is bri]
        by_bri.append(
            BriSupply(
                bri=label,
                using=len(members),
                chinese=sum(1 for r in members if r.supplier_origins.get("CHN")),
                us=sum(1 for r in members if r.supplier_origins.get("USA")),
            )
        )
    return Analysis(
        edition=edition,
        as_of=as_of,
        governance_year=year,
        universe=described,
        adoption_by_regime=adoption,
        supply_by_regime=tuple(supply),
        supply_by_bri=tuple(by_bri),
        military=_military(governance, using, universe, year),
        chi_square=_chi_square(universe, using),
        logistic=_logistic(governance, universe, using, year),
        unclassified=tuple(sorted(c for c in using if c not in universe)),
    )


def _military(
    governance: Governance, using: dict[str, IndexRow], universe: dict[str, str], year: int
) -> MilitarySpending:
    top = sorted(
        r.country for r in using.values() if isinstance(r.military_rank, int) and r.military_rank <= TOP_MILITARY
    )
    military = governance.military
    users = [military[c][0] for c in using if c in military]
    others = [military[c][0] for c in universe if c not in using and c in military]
    return MilitarySpending(
        top50_using=len(top),
        top50_countries=tuple(top),
        rank_source="the editions' coded 'Military Expenditures Ranking (2018)' column "
        "(absolute spending, SIPRI); only countries in an edition carry a rank",
        pct_gdp_year=year,
        median_pct_gdp_using=round(_median(users), 3) if users else None,
        median_pct_gdp_not_using=round(_median(others), 3) if others else None,
        n_using_with_pct_gdp=len(users),
        n_not_using_with_pct_gdp=len(others),
    )


def _median(values: list[float]) -> float:
    s = sorted(values)
    mid = len(s) // 2
    return s[mid] if len(s) % 2 else (s[mid - 1] + s[mid]) / 2


def _chi_square(universe: dict[str, str], using: dict[str, IndexRow]) -> ChiSquare:
    from scipy.stats import chi2_contingency

    table = [
        [
            sum(1 for c, lab in universe.items() if lab == r and c in using),
            sum(1 for c, lab in universe.items() if lab == r and c not in using),
        ]
        for r in REGIME_ORDER
    ]
    counts = tuple((r, t[0], t[1]) for r, t in zip(REGIME_ORDER, table, strict=True))
    if any(sum(row) == 0 for row in table) or any(sum(col) == 0 for col in zip(*table, strict=True)):
        return ChiSquare(
            test="chi-square of independence, regime type x use",
            n=sum(map(sum, table)),
            table=counts,
            note="not computed: an empty row or column",
        )
    res = chi2_contingency(table)
    return ChiSquare(
        test="chi-square of independence, regime type (LD, ED, EA, CA) x use (yes, no)",
        n=sum(map(sum, table)),
        table=counts,
        chi2=round(float(res.statistic), 4),
        dof=int(res.dof),
        p_value=float(f"{res.pvalue:.4g}"),
        min_expected=round(float(res.expected_freq.min()), 2),
    )


def _logistic(governance: Governance, universe: dict[str, str], using: dict[str, IndexRow], year: int) -> Logistic:
    import numpy as np
    import statsmodels.api as sm

    military = governance.military
    countries = sorted(c for c in universe if c in military and military[c][0] > 0)
    names = ["const", "ED", "EA", "CA", "log_military_pct_gdp"]
    if len(countries) < 20:
        return Logistic(model="logit", n=len(countries), note="not computed: too few countries")
    x = np.array(
        [
            [
                1.0,
                *(1.0 if universe[c] == lab else 0.0 for lab in ("ED", "EA", "CA")),
                math.log(military[c][0]),
            ]
            for c in countries
        ]
    )
    y = np.array([1.0 if c in using else 0.0 for c in countries])
    if y.min() == y.max():
        return Logistic(model="logit", n=len(countries), note="not computed: every country has the same outcome")
    fit = sm.Logit(y, x).fit(disp=0)
    ci = fit.conf_int(0.05)
    coefs = tuple(
        LogitTerm(
            term=name,
            coef=round(float(fit.params[i]), 4),
            std_err=round(float(fit.bse[i]), 4),
            ci_low=round(float(ci[i][0]), 4),
            ci_high=round(float(ci[i][1]), 4),
            p_value=float(f"{fit.pvalues[i]:.4g}"),
            odds_ratio=round(math.exp(float(fit.params[i])), 4),
        )
        for i, name in enumerate(names)
    )
    return Logistic(
        model="logit: P(use) ~ regime type (reference: liberal democracy) + log(military expenditure % GDP)",
        n=len(countries),
        n_using=int(y.sum()),
        pseudo_r2=round(float(fit.prsquared), 4),
        log_likelihood=round(float(fit.llf), 4),
        converged=bool(fit.mle_retvals.get("converged", True)),
        coefficients=coefs,
        excluded="countries without a regime type or military expenditure for the year",
    )
