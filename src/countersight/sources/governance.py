"""Readers for the governance tables the index joins: V-Dem Regimes of the World (via Our World
in Data) and World Bank military expenditure (% of GDP, source SIPRI)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from countersight.errors import InputError
from countersight.sources.dataset_files import bundled

REGIME_LABELS = {0: "CA", 1: "EA", 2: "ED", 3: "LD"}
VDEM_SOURCE = "governance-vdem-owid"
MILEX_SOURCE = "governance-wdi-milex"


@dataclass(frozen=True)
class RegimeRow:
    """V-Dem regime type of a country in a year (0 closed autocracy … 3 liberal democracy)."""

    country: str
    year: int
    regime: int

    @property
    def label(self) -> str:
        """CA, EA, ED or LD."""
        return REGIME_LABELS[self.regime]


@dataclass(frozen=True)
class MilitaryRow:
    """Military expenditure as a share of GDP."""

    country: str
    year: int
    pct_gdp: float


def _text(path: Path) -> str:
    if not path.exists():
        raise InputError("file not found", path=str(path))
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text ({exc.reason})", path=str(path)) from exc


def read_regimes(path: Path | None = None) -> Iterator[RegimeRow]:
    """Country-year regime codes; OWID aggregate codes (``OWID_*``) and blanks are skipped."""
    path = path or bundled("governance/owid_political-regime.csv")
    reader = csv.DictReader(io.StringIO(_text(path)))
    need = {"Code", "Year", "Political regime"}
    if not need <= set(reader.fieldnames or ()):
        raise InputError(f"wrong header: need columns {sorted(need)}", path=str(path), position="row 1")
    for row in reader:
        code = (row["Code"] or "").strip()
        value = (row["Political regime"] or "").strip()
        if len(code) != 3 or not value:
            continue
        yield RegimeRow(code, int(row["Year"]), int(float(value)))


def read_military(path: Path | None = None, metadata: Path | None = None) -> Iterator[MilitaryRow]:
    """Country-year military expenditure; region and income aggregates are skipped (they have no
    region in the World Bank's country metadata)."""
    path = path or bundled("governance/worldbank-military-expenditure-pct-gdp.csv")
    metadata = metadata or bundled("governance/worldbank-country-metadata.csv")
    countries = {
        r["Country Code"] for r in csv.DictReader(io.StringIO(_text(metadata))) if (r.get("Region") or "").strip()
    }
    lines = _text(path).splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith('"Country Name"')), None)
    if start is None:
        raise InputError('wrong header: no "Country Name" header line', path=str(path))
    reader = csv.DictReader(io.StringIO("\n".join(lines[start:])))
    years = [f for f in (reader.fieldnames or []) if f.isdigit()]
    for row in reader:
        code = row["Country Code"]
        if code not in countries:
            continue
        for y in years:
            value = (row.get(y) or "").strip()
            if value:
                yield MilitaryRow(code, int(y), float(value))
