"""The headline figures of an AIGS edition, computed from its stored rows (never from the
spreadsheet), and compared with the figures the publisher printed (``data/datasets.yaml``)."""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from countersight.errors import UsageError
from countersight.index.compute import IndexRow
from countersight.index.records import FigureComparison, FigureRow, Figures, RegimeCount
from countersight.model import Claim, Document
from countersight.reference.loader import load_yaml
from countersight.reference.technologies import technologies

EDITIONS = ("2019", "2022")
COMPARABLE = (*EDITIONS, "live")
TOP_MILITARY = 50
ORIGIN_CODES = ("CHN", "USA", "JPN")


def check_edition(edition: str) -> None:
    """Raise UsageError for an edition that has no published figures."""
    if edition not in EDITIONS:
        raise UsageError(f"unknown edition {edition!r}; choose from {', '.join(EDITIONS)}")


def compute_figures(
    edition: str, docs: Sequence[Document], claims: Sequence[Claim], vdem: Mapping[str, str | None]
) -> Figures:
    """Headline figures of an AIGS edition from its row documents (coded cells), its claims and
    (2022) the regime types of its V-Dem sheet.

    Countries, technologies and vendors are counted from claims (distinct recipient countries);
    supplier origins, BRI membership, military-spending rank and regime type from the coded cells
    each row's document keeps. Differences from the published figures are explained in ``notes``.
    """
    check_edition(edition)
    rows = {d.meta["country"]: d.meta for d in docs}
    countries = sorted({c.country for c in claims})
    tech_countries: dict[str, set[str]] = defaultdict(set)
    vendor_countries: dict[str, set[str]] = defaultdict(set)
    vendor_home_countries: dict[str, set[str]] = defaultdict(set)
    for c in claims:
        if c.technology:
            tech_countries[c.technology].add(c.country)
        if c.vendor:
            vendor_countries[c.vendor].add(c.country)
            if c.vendor_country:
                vendor_home_countries[c.vendor_country].add(c.country)
    flag_keys = {"CHN": "china_tech", "USA": "us_tech", "JPN": "japan_tech"}
    origin = {
        code: sum(1 for m in rows.values() if m.get(key))
        for code, key in flag_keys.items()
        if any(key in m for m in rows.values())
    }
    result = Figures(
        edition=edition,
        countries=len(countries),
        technology={t: len(tech_countries[t]) for t in technologies() if tech_countries.get(t)},
        supplier_origin=origin,
        supplier_origin_by_vendor={
            k: len(v) for k, v in sorted(vendor_home_countries.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        },
        china_and_bri=sum(1 for m in rows.values() if m.get("china_tech") and m.get("bri")),
        vendors={k: len(v) for k, v in sorted(vendor_countries.items(), key=lambda kv: (-len(kv[1]), kv[0]))},
        multiple_vendors_unnamed=sum(1 for m in rows.values() if m.get("multiple_vendors")),
        top50_military_spenders_using=sum(
            1 for m in rows.values() if m.get("military_rank") and m["military_rank"] <= TOP_MILITARY
        ),
        by_regime=_by_regime(edition, rows, set(countries), vdem),
    )
    return dataclasses.replace(result, notes=tuple(_notes(edition, result, len(rows))))


def _by_regime(
    edition: str,
    rows: Mapping[str, Mapping[str, Any]],  # JSON: each row document's ``meta`` (its coded cells)
    using: set[str],
    vdem: Mapping[str, str | None],
) -> dict[str, RegimeCount]:
    order = ["LD", "ED", "EA", "CA"]
    if edition == "2022":
        # Sheet 2 holds all 179 countries with their V-Dem 2021 regime type: the denominator.
        denominator = vdem
        totals = Counter(r for r in denominator.values() if r)
        used = Counter(denominator.get(c) or rows.get(c, {}).get("regime") for c in using)
        return {label: RegimeCount(used.get(label, 0), totals.get(label, 0)) for label in order}
    used = Counter(rows[c].get("regime") for c in using if c in rows)
    return {label: RegimeCount(used.get(label, 0), None) for label in order}


def _get(document: object, dotted: str) -> object:
    """The value at a dotted path of a JSON document (None where a part is missing)."""
    value = document
    for part in dotted.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _notes(edition: str, result: Figures, n_rows: int) -> list[str]:
    info = load_yaml("datasets.yaml")[f"aigs-{edition}"]
    notes: list[str] = []
    document = result.as_dict()
    for key, spec in (info.get("published_figures") or {}).items():
        computed = _get(document, key)
        if computed != spec["value"]:
            text = f"{key}: computed {computed}, published {spec['value']}"
            if spec.get("note"):
                text += f". {' '.join(str(spec['note']).split())}"
            notes.append(text)
    if result.countries != n_rows:
        notes.append(f"{n_rows} rows in the sheet but {result.countries} countries with claims")
    notes += [" ".join(str(n).split()) for n in info.get("notes") or ()]
    notes.append(f"Source: {' '.join(str(info['citation']).split())} Licence: {info['licence']}.")
    return notes


def figures_table_rows(figures: Figures) -> list[tuple[str, str]]:
    """(label, value) pairs for a human-readable table."""
    rows = [("countries", str(figures.countries))]
    rows += [(f"technology: {k}", str(v)) for k, v in figures.technology.items()]
    rows += [(f"supplier origin (as coded): {k}", str(v)) for k, v in figures.supplier_origin.items()]
    for label, value in (
        ("Chinese tech and BRI member", figures.china_and_bri),
        ("top-50 military spenders using", figures.top50_military_spenders_using),
    ):
        if value is not None:
            rows.append((label, str(value)))
    rows += [(f"vendor: {k}", str(v)) for k, v in list(figures.vendors.items())[:15]]
    rows += [
        (f"regime {k}", f"{v.using}" + (f" / {v.total}" if v.total is not None else ""))
        for k, v in figures.by_regime.items()
    ]
    return rows


def compute_live_figures(index_rows: Sequence[IndexRow]) -> Figures:
    """The same headline figures from the live index (resolved deployments from every source,
    after review), in the shape of :func:`compute_figures`. Figures only an AIGS sheet codes (BRI
    membership, military-spending rank) are None."""
    rows = [r for r in index_rows if r.deployments]
    tech: Counter[str] = Counter(t for r in rows for t, n in r.technologies.items() if n)
    vendors: Counter[str] = Counter(v for r in rows for v in r.vendors)
    origins: Counter[str] = Counter(o for r in rows for o, n in r.supplier_origins.items() if n)
    regimes: Counter[str | None] = Counter(r.regime for r in rows)
    return Figures(
        edition="live",
        countries=len(rows),
        technology={t: tech[t] for t in technologies() if tech.get(t)},
        supplier_origin={code: origins.get(code, 0) for code in ORIGIN_CODES},
        supplier_origin_by_vendor=dict(sorted(origins.items(), key=lambda kv: (-kv[1], kv[0]))),
        china_and_bri=None,
        vendors=dict(sorted(vendors.items(), key=lambda kv: (-kv[1], kv[0]))),
        multiple_vendors_unnamed=None,
        top50_military_spenders_using=None,
        by_regime={label: RegimeCount(regimes.get(label, 0), None) for label in ("LD", "ED", "EA", "CA")},
        notes=(
            "live: countries with resolved deployments from every imported and ingested source, after "
            "review; regime type is each country's latest V-Dem row; BRI and military-spending rank are "
            "coded only in the AIGS sheets.",
        ),
    )


def check_comparable(editions: Sequence[str]) -> None:
    """Raise UsageError unless ``editions`` are some of ``2019``, ``2022`` and ``live``."""
    unknown = [e for e in editions if e not in COMPARABLE]
    if unknown or not editions:
        raise UsageError(
            f"--compare: unknown edition {', '.join(map(repr, unknown)) or '(none)'}; "
            f"choose from {', '.join(COMPARABLE)}"
        )


def compare_figures(editions: Sequence[str], results: Mapping[str, Figures]) -> FigureComparison:
    """The headline figures of several ``editions`` (edition -> :func:`compute_figures` result in
    ``results``) side by side: one row per figure, one column per edition (None where an edition
    lacks the figure)."""
    labels: dict[str, None] = {}
    values: dict[str, dict[str, str]] = {}
    for edition, result in results.items():
        for label, value in figures_table_rows(result):
            labels.setdefault(label, None)
            values.setdefault(label, {})[edition] = value
    rows = tuple(FigureRow(label, {e: values[label].get(e) for e in editions}) for label in labels)
    return FigureComparison(tuple(editions), rows, dict(results))
