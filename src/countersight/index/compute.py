"""The country index: one row per country, as of a date, for an AIGS edition or the live data.

``edition="2019"`` / ``"2022"`` compute the AIGS-compatible columns from that edition's import
alone (its claims and coded rows: the technology ticks cell by cell, supplier origins as coded).
``edition="live"`` aggregates the resolved deployments (everything in the store) as of the date,
reviewed states applied and rejected deployments left out. Technology columns count the
deployments whose latest evidence says reported or planned; cancelled and denied ones appear only
in the status counts.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from countersight.index.deployments import DeploymentView
from countersight.index.financing import CountryFinancing
from countersight.index.records import AigsCoding, EditionCoding, FlatRow
from countersight.model import STATUSES, Claim, Document
from countersight.records import Governance
from countersight.reference.aigs import TECH_COLUMNS_2019, TECH_COLUMNS_2022
from countersight.reference.countries import country_name
from countersight.reference.loader import load_yaml
from countersight.reference.technologies import technologies

EDITIONS = ("2019", "2022", "live")
EDITION_TECHNOLOGIES: dict[str, tuple[str, ...]] = {
    "2019": tuple(TECH_COLUMNS_2019.values()),
    "2022": tuple(TECH_COLUMNS_2022.values()),
}
MAJOR_ORIGINS = ("CHN", "USA")


@dataclass(frozen=True)
class IndexRow:
    """One country in the index.

    ``technologies`` counts deployments per technology id (for an edition: 1 when the sheet ticks
    it); ``unspecified`` counts deployments whose source names a vendor but no technology;
    ``supplier_origins`` counts deployments per supplier country (for an edition: the coded flags);
    ``coded`` keeps the AIGS sheet's own coding (BRI, military-spending rank, regime; an edition's
    supplier flags too), None where no sheet codes the country.
    """

    country: str
    name: str
    edition: str
    as_of: dt.date | None
    deployments: int
    technologies: dict[str, int]
    unspecified: int
    statuses: dict[str, int]
    supplier_origins: dict[str, int]
    vendors: tuple[str, ...]
    documents: int
    publishers: int
    mean_confidence: float | None
    first_evidence: dt.date | None
    last_evidence: dt.date | None
    regime: str | None = None
    regime_year: int | None = None
    military_pct_gdp: float | None = None
    military_year: int | None = None
    disputed: int = 0
    coded: AigsCoding | None = None
    # Financing (AidData records merged into this country's deployments; live edition only).
    financed_deployments: int = 0
    financed_usd_2017: float | None = None
    lenders: tuple[str, ...] = ()
    instruments: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:  # JSON: ``index --format json``, the /api/countries rows
        """JSON-ready form (dates as ISO strings, ``coded`` as an object, ``{}`` when None)."""
        out: dict[str, Any] = {}  # JSON: the row being built
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            if isinstance(value, dt.date):
                value = value.isoformat()
            elif isinstance(value, tuple):
                value = list(value)
            elif name == "coded":
                value = value.as_dict() if value else {}
            out[name] = value
        return out

    @property
    def bri(self) -> bool | None:
        """Belt and Road membership as an AIGS sheet codes it (None: not coded)."""
        return self.coded.bri if self.coded else None

    @property
    def military_rank(self) -> int | None:
        """The military-spending rank an AIGS sheet codes (None: not coded)."""
        return self.coded.military_rank if self.coded else None


def technology_columns(edition: str) -> tuple[str, ...]:
    """The technology ids an edition's index has columns for (live: the whole taxonomy)."""
    return EDITION_TECHNOLOGIES.get(edition, tuple(technologies()))


def flat_row(row: IndexRow) -> FlatRow:
    """The CSV / table form of a row: one column per technology, status and main origin."""
    out: FlatRow = {"country": row.country, "name": row.name, "deployments": row.deployments}
    for tech in technology_columns(row.edition):
        out[tech] = row.technologies.get(tech, 0)
    out["unspecified"] = row.unspecified
    for st in STATUSES:
        out[f"status_{st}"] = row.statuses.get(st, 0)
    for origin in MAJOR_ORIGINS:
        out[f"supplier_{origin}"] = row.supplier_origins.get(origin, 0)
    other = sorted(k for k in row.supplier_origins if k not in MAJOR_ORIGINS and k != "unknown")
    out["supplier_other"] = ";".join(other)
    out["supplier_unknown"] = row.supplier_origins.get("unknown", 0)
    out["vendors"] = ";".join(row.vendors)
    out["documents"] = row.documents
    out["publishers"] = row.publishers
    out["mean_confidence"] = row.mean_confidence
    out["first_evidence"] = row.first_evidence.isoformat() if row.first_evidence else None
    out["last_evidence"] = row.last_evidence.isoformat() if row.last_evidence else None
    out["regime"] = row.regime
    out["regime_year"] = row.regime_year
    out["military_pct_gdp"] = row.military_pct_gdp
    out["military_year"] = row.military_year
    out["bri"] = row.bri
    out["military_rank"] = row.military_rank
    out["disputed"] = row.disputed
    out["financed_deployments"] = row.financed_deployments
    out["financed_usd_2017"] = row.financed_usd_2017
    out["lenders"] = ";".join(row.lenders)
    out["instruments"] = ";".join(row.instruments)
    return out


def check_edition(edition: str) -> None:
    """Raise ValueError for an edition the index does not know."""
    if edition not in EDITIONS:
        raise ValueError(f"unknown edition {edition!r}; choose from {', '.join(EDITIONS)}")


def edition_published(edition: str) -> dt.date:
    """The publication date of an AIGS edition (``2019`` or ``2022``)."""
    value = load_yaml("datasets.yaml")[f"aigs-{edition}"]["published"]
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def governance_year(edition: str, today: dt.date) -> int:
    """The year whose regime and military rows an index row carries (``today``: the as-of date,
    or the current date without one)."""
    if edition in EDITION_TECHNOLOGIES:
        # The editions code the governance data of the year before publication (2018, 2021).
        return edition_published(edition).year - 1
    return today.year


def coded_by_country(aigs_documents: Iterable[Document]) -> dict[str, AigsCoding]:
    """The latest edition's coding per country (BRI membership, military rank, coded regime),
    from the AIGS 2019 then 2022 row documents (a later edition overrides an earlier one)."""
    out: dict[str, AigsCoding] = {}
    for doc in aigs_documents:
        m = doc.meta
        out[m["country"]] = AigsCoding(
            edition=(doc.dataset or "").removeprefix("aigs-"),
            bri=m.get("bri"),
            military_rank=m.get("military_rank"),
            regime=m.get("regime"),
        )
    return out


def review_exclusions(views: Iterable[DeploymentView]) -> tuple[list[str], dict[str, str]]:
    """Ids of rejected deployments and (id -> new country) of those a reviewer moved: what the
    store's per-country document counts must leave out or count elsewhere."""
    excluded, moved = [], {}
    for v in views:
        if v.review == "rejected":
            excluded.append(v.id)
        if v.country_edited:
            moved[v.id] = v.country
    return excluded, moved


def live_index(
    views: Sequence[DeploymentView],
    as_of: dt.date | None,
    counts: Mapping[str, tuple[int, int]],
    coded: Mapping[str, AigsCoding],
    financing: Mapping[str, CountryFinancing],
    governance: Governance,
    group_vendors: bool = False,
) -> list[IndexRow]:
    """The live index from the deployment views (rejected ones left out), each country's
    distinct document and publisher ``counts``, its AIGS ``coded`` cells, financing and
    governance rows; sorted by country code."""
    kept = [v for v in views if v.review != "rejected"]
    rows = aggregate(kept, "live", as_of, group_vendors=group_vendors, counts=counts)
    rows = [_with_coded(r, coded[r.country]) if r.country in coded else r for r in rows]
    rows = [_with_financing(r, financing[r.country]) if r.country in financing else r for r in rows]
    return [_with_governance(r, governance) for r in rows]


def aggregate(
    views: Iterable[DeploymentView],
    edition: str,
    as_of: dt.date | None,
    group_vendors: bool = False,
    counts: Mapping[str, tuple[int, int]] | None = None,
) -> list[IndexRow]:
    """Country rows from deployment views (pure: no database). ``counts`` gives each country's
    distinct documents and publishers; without it they are summed over deployments (an upper
    bound: one document can support several deployments)."""
    by_country: dict[str, list[DeploymentView]] = defaultdict(list)
    for v in views:
        by_country[v.country].append(v)
    out = []
    for code in sorted(by_country):
        deps = by_country[code]
        techs: Counter[str] = Counter()
        origins: Counter[str] = Counter()
        statuses: Counter[str] = Counter(v.status for v in deps)
        unspecified = 0
        vendors: set[str] = set()
        n_docs, n_pubs = (counts or {}).get(code) or (
            sum(v.n_documents for v in deps),
            sum(v.n_publishers for v in deps),
        )
        for v in deps:
            if not v.active:
                continue
            if v.technology:
                techs[v.technology] += 1
            else:
                unspecified += 1
            origins[v.vendor_country or "unknown"] += 1
            name = v.vendor_group if group_vendors else v.vendor
            if name:
                vendors.add(name)
        dates = [d for v in deps for d in (v.first_seen, v.last_seen) if d]
        out.append(
            IndexRow(
                country=code,
                name=country_name(code),
                edition=edition,
                as_of=as_of,
                deployments=len(deps),
                technologies=dict(sorted(techs.items())),
                unspecified=unspecified,
                statuses=dict(sorted(statuses.items())),
                supplier_origins=dict(sorted(origins.items())),
                vendors=tuple(sorted(vendors)),
                documents=n_docs,
                publishers=n_pubs,
                mean_confidence=round(statistics.fmean(v.confidence for v in deps), 4),
                first_evidence=min(dates) if dates else None,
                last_evidence=max(dates) if dates else None,
                disputed=sum(1 for v in deps if v.disputed),
            )
        )
    return out


def edition_index(
    edition: str,
    documents: Iterable[Document],
    claims: Iterable[Claim],
    governance: Governance,
    as_of: dt.date | None = None,
    country: str | None = None,
) -> list[IndexRow]:
    """An AIGS edition's index from its import alone: the edition's row ``documents`` (coded
    cells) and ``claims`` (of ``country`` only, when given); empty before its publication."""
    published = edition_published(edition)
    if as_of is not None and as_of < published:
        return []
    docs = {d.meta["country"]: d for d in documents if not country or d.meta.get("country") == country}
    techs: dict[str, set[str]] = defaultdict(set)
    vendors: dict[str, set[str]] = defaultdict(set)
    conf: dict[str, list[float]] = defaultdict(list)
    doc_ids: dict[str, set[str]] = defaultdict(set)
    for c in claims:
        conf[c.country].append(c.confidence)
        doc_ids[c.country].update(c.document_ids)
        if c.technology:
            techs[c.country].add(c.technology)
        if c.vendor:
            vendors[c.country].add(c.vendor)
    out = []
    for code in sorted(docs):
        m = docs[code].meta
        origins = {"CHN": 1 if m.get("china_tech") else 0, "USA": 1 if m.get("us_tech") else 0}
        for other in m.get("other_countries") or ():
            if other not in origins and other != code:
                origins[other] = 1
        if m.get("japan_tech"):
            origins["JPN"] = 1
        origins = {k: v for k, v in origins.items() if v}
        cols = technology_columns(edition)
        tech_counts = {t: 1 for t in cols if t in techs[code]}
        out.append(
            IndexRow(
                country=code,
                name=country_name(code),
                edition=edition,
                as_of=as_of,
                deployments=len(tech_counts) + len(vendors[code]),
                technologies=tech_counts,
                unspecified=len(vendors[code]),
                statuses={"reported": len(tech_counts) + len(vendors[code])},
                supplier_origins=origins,
                vendors=tuple(sorted(vendors[code])),
                documents=len(doc_ids[code] | {docs[code].id}),
                publishers=1,
                mean_confidence=round(statistics.fmean(conf[code]), 4) if conf[code] else None,
                first_evidence=published,
                last_evidence=published,
                coded=EditionCoding(
                    edition=edition,
                    bri=m.get("bri"),
                    military_rank=m.get("military_rank"),
                    regime=m.get("regime"),
                    china_tech=m.get("china_tech"),
                    us_tech=m.get("us_tech"),
                    multiple_vendors=m.get("multiple_vendors"),
                ),
            )
        )
    return [_with_governance(r, governance) for r in out]


def _with_financing(row: IndexRow, fin: CountryFinancing) -> IndexRow:
    return IndexRow(
        **{
            **row.__dict__,
            "financed_deployments": fin.financed_deployments,
            "financed_usd_2017": fin.financed_usd_2017,
            "lenders": fin.lenders,
            "instruments": fin.instruments,
        }
    )


def _with_coded(row: IndexRow, coded: AigsCoding) -> IndexRow:
    return dataclasses.replace(row, coded=coded)


def _with_governance(row: IndexRow, governance: Governance) -> IndexRow:
    reg = governance.regimes.get(row.country)
    mil = governance.military.get(row.country)
    return IndexRow(
        **{
            **row.__dict__,
            "regime": reg[1] if reg else None,
            "regime_year": reg[2] if reg else None,
            "military_pct_gdp": round(mil[0], 3) if mil else None,
            "military_year": mil[1] if mil else None,
        }
    )
