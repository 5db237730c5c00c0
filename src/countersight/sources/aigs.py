"""Readers for the Carnegie AI Global Surveillance Index (AIGS) editions.

Each spreadsheet row becomes a :class:`Document` (its cells rendered as text, the coded cells in
``meta``) and claims: one per technology ticked (vendor unnamed) and one per named vendor
(technology unspecified: the sheets do not say which technology a vendor supplied). Evidence
points at dataset, sheet, row and column. The known defects of the 2022 workbook (see
``data/bundled/aigs/README.md``) are repaired visibly: every repair is listed in the report.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from countersight.errors import InputError, UnresolvedNameError
from countersight.ids import content_hash, stable_id
from countersight.model import Claim, Document, Evidence
from countersight.reference.aigs import TECH_COLUMNS_2019, TECH_COLUMNS_2022
from countersight.reference.countries import resolve_country
from countersight.reference.vendors import resolve_org
from countersight.sources.dataset_files import (
    DatasetBatch,
    bundled,
    cell_text,
    check_header,
    dataset_info,
    publication_date,
    read_csv,
    read_xlsx,
)

EXTRACTOR = "aigs-import"
EXTRACTOR_VERSION = "1.0"
# Expert-coded dataset: high, but below certainty (coding errors exist, see the repairs).
AIGS_CONFIDENCE = 0.9

REQUIRED_2019 = [
    "Country",
    "Regime Type",
    "Key Companies",
    "China AI Tech",
    "US AI Tech",
    "Belt & Road Initiative Countries",
    "Military Expenditures Global Ranking (2018)",
    *TECH_COLUMNS_2019,
]
REQUIRED_2022 = [
    "Country",
    "V-Dem Regime Type 2021",
    "China Tech",
    "US Tech",
    "Other Countries",
    "Member of Belt & Road Initiative",
    "Military Expenditures Ranking (2018)",
    *TECH_COLUMNS_2022,
    *(f"Company {i}" for i in range(1, 6)),
]
REQUIRED_VDEM = ["Country", "v2x_regime", "AIGS?"]

# The damaged cells of the 2022 workbook: a find-and-replace of regime codes by their labels.
# Undoing that replacement is the repair; it is applied only where the damage is found.
_REGIME_LABELS = {
    "Closed Autocracy": "CA",
    "Electoral Autocracy": "EA",
    "Electoral Democracy": "ED",
    "Liberal Democracy": "LD",
}
MULTIPLE_VENDORS = "mult"


def _ticked(value: str) -> bool:
    return value.strip().lower() in ("1", "x", "yes", "1.0")


def _int(value: str) -> int | None:
    try:
        return int(float(value.replace(",", "."))) if value.strip() else None
    except ValueError:
        return None


def _row_text(title: str, header: Sequence[str], cells: Sequence[str]) -> str:
    lines = [title]
    lines += [f"{h}: {c}" for h, c in zip(header, cells, strict=False) if h and c]
    return "\n".join(lines)


# -- shared row logic -----------------------------------------------------------------------


def split_vendor_cell(cell: str) -> list[str]:
    """Vendor names in one cell: comma/semicolon lists and a final "and" are split, unless the
    registry knows the unsplit name ("Atos IT Solutions and Services")."""
    names: list[str] = []
    for part in (p.strip() for p in re.split(r"[;,]", cell)):
        if not part:
            continue
        if resolve_org(part) or " and " not in part:
            names.append(part.removeprefix("and ").strip())
        else:
            names += [p.strip() for p in re.split(r"\band\b", part) if p.strip()]
    return names


class _RowBuilder:
    """Builds one row's document and claims, with the report entries it causes."""

    def __init__(self, batch: DatasetBatch, strict: bool, sheet: str):
        self.batch = batch
        self.strict = strict
        self.sheet = sheet

    def country(self, name: str, row: int) -> str | None:
        code = resolve_country(name)
        if code is None:
            msg = f"row {row}: unresolved country {name!r}"
            if self.strict:
                raise UnresolvedNameError(
                    f"unresolved country {name!r}", path=self.batch.path, position=f"{self.sheet} row {row}"
                )
            self.batch.unresolved.append(msg)
        return code

    def evidence(self, doc: Document, row: int, column: str, quote: str, dataset: str | None = None) -> Evidence:
        return Evidence(
            document_id=doc.id,
            quote=quote,
            dataset=dataset or self.batch.dataset,
            sheet=self.sheet,
            row=row,
            column=column,
        )

    def tech_claim(self, doc: Document, country: str, row: int, column: str, quote: str, tech: str) -> Claim:
        return Claim(
            id=stable_id("cl", [self.batch.dataset, doc.id, column, tech]),
            country=country,
            evidence=(self.evidence(doc, row, column, quote),),
            extractor=EXTRACTOR,
            extractor_version=EXTRACTOR_VERSION,
            source=self.batch.dataset,
            technology=tech,
            confidence=AIGS_CONFIDENCE,
            attrs={"aigs_column": column},
        )

    def vendor_claims(
        self, doc: Document, country: str, row: int, column: str, cell: str, dataset: str | None = None
    ) -> tuple[list[Claim], bool]:
        """Claims for the vendors named in a cell, and whether the cell says "multiple vendors"."""
        claims, multiple = [], False
        for raw in split_vendor_cell(cell):
            if raw.casefold() == MULTIPLE_VENDORS:
                multiple = True
                continue
            org = resolve_org(raw)
            if org is None:
                msg = f"row {row}: unresolved vendor {raw!r} ({column})"
                if self.strict:
                    raise UnresolvedNameError(
                        f"unresolved vendor {raw!r}", path=self.batch.path, position=f"{self.sheet} row {row}, {column}"
                    )
                self.batch.unresolved.append(msg)
            vendor = org.name if org else raw
            claims.append(
                Claim(
                    id=stable_id("cl", [self.batch.dataset, doc.id, column, vendor]),
                    country=country,
                    evidence=(self.evidence(doc, row, column, cell, dataset),),
                    extractor=EXTRACTOR,
                    extractor_version=EXTRACTOR_VERSION,
                    source=self.batch.dataset,
                    vendor=vendor,
                    vendor_raw=raw,
                    vendor_country=org.home_country if org else None,
                    confidence=AIGS_CONFIDENCE,
                    attrs={"aigs_column": column, **({} if org else {"unresolved_vendor": True})},
                )
            )
        return claims, multiple

    def check_flags(
        self, row: int, country: str, flags: dict[str, bool], claims: Iterable[Claim], multiple: bool
    ) -> None:
        homes = {c.vendor_country for c in claims if c.vendor}
        for code, coded in flags.items():
            named = code in homes
            if coded and not named and not multiple:
                self.batch.disagreements.append(
                    f"row {row} {country}: coded {code} tech but names no {code} vendor (kept as coded)"
                )
            elif named and not coded:
                self.batch.disagreements.append(
                    f"row {row} {country}: names a {code} vendor but is not coded {code} tech (kept as coded)"
                )


def _dedupe(claims: list[Claim]) -> list[Claim]:
    return list({c.id: c for c in claims}.values())


# -- 2019 -----------------------------------------------------------------------------------


def read_aigs_2019(path: Path | None = None, strict: bool = False) -> DatasetBatch:
    """Read the 2019 index table (CSV extracted from Carnegie's PDF)."""
    path = path or bundled("aigs/aigs-2019-index-table.csv")
    dataset = "aigs-2019"
    header, rows = read_csv(path, REQUIRED_2019)
    batch = DatasetBatch(dataset=dataset, path=str(path), rows=len(rows))
    rb = _RowBuilder(batch, strict, sheet="index table")
    published = publication_date(dataset)
    for i, cells in enumerate(rows, start=2):
        rec = dict(zip(header, (c.strip() for c in cells), strict=False))
        country = rb.country(rec["Country"], i)
        if country is None:
            continue
        text = _row_text(f"AI Global Surveillance Index 2019: {rec['Country']}", header, cells)
        meta = {
            "edition": "2019",
            "sheet": "index table",
            "row": i,
            "country": country,
            "country_name": rec["Country"],
            "country_as_printed": rec.get("Country (as printed)"),
            "region": rec.get("Region"),
            "regime": rec.get("Regime Type") or None,
            "bri": _ticked(rec["Belt & Road Initiative Countries"]),
            "military_rank": _int(rec["Military Expenditures Global Ranking (2018)"]),
            "china_tech": _ticked(rec["China AI Tech"]),
            "us_tech": _ticked(rec["US AI Tech"]),
            "japan_tech": _ticked(rec.get("Japan AI Tech", "")),
            "pdf_page": _int(rec.get("pdf_page", "")),
        }
        doc = Document(
            id=content_hash(text),
            text=text,
            url=dataset_info(dataset)["url"],
            path=path.name,
            title=f"AIGS 2019 – {rec['Country']}",
            publisher="Carnegie Endowment",
            published=published,
            language="en",
            source_kind="dataset",
            dataset=dataset,
            meta=meta,
        )
        claims = [
            rb.tech_claim(doc, country, i, col, rec[col], tech)
            for col, tech in TECH_COLUMNS_2019.items()
            if _ticked(rec[col])
        ]
        vclaims, multiple = rb.vendor_claims(doc, country, i, "Key Companies", rec["Key Companies"])
        doc.meta["multiple_vendors"] = multiple
        rb.check_flags(i, country, {"CHN": bool(meta["china_tech"]), "USA": bool(meta["us_tech"])}, vclaims, multiple)
        batch.documents.append(doc)
        batch.claims += _dedupe(claims + vclaims)
    return batch


# -- 2022 -----------------------------------------------------------------------------------


def _repair_regime_damage(value: str) -> str:
    # The replacement was case-insensitive: "ed" inside "United" became a label too. Inside a
    # word the original letters were lower case.
    for label, code in _REGIME_LABELS.items():
        value = re.sub(rf"(?<=[A-Za-z]){re.escape(label)}", code.lower(), value)
        value = value.replace(label, code)
    return value


def _repair_cell(batch: DatasetBatch, row: int, column: str, value: str, known: Iterable[str]) -> str:
    """Undo the find-and-replace damage in a cell, if the cell shows it and the result is known."""
    if not any(label in value for label in _REGIME_LABELS):
        return value
    fixed = _repair_regime_damage(value)
    words = [w.strip() for w in fixed.split(",")]
    if all(w in known or resolve_country(w) for w in words):
        batch.repairs.append(f"row {row}, {column}: {value!r} -> {fixed!r} (find-and-replace damage undone)")
        return fixed
    batch.repairs.append(
        f"row {row}, {column}: {value!r} shows damage but the repair {fixed!r} does not resolve; left as is"
    )
    return value


def _v1_vendors(path: Path) -> tuple[dict[str, tuple[int, list[str], str]], list[str]]:
    """Extra vendor cells (after Company 5) of the v1 release, by country code."""
    if not path.exists():
        raise InputError("file not found", path=str(path))
    text = path.read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    header = [h.strip().strip('"') for h in rows[0]]
    check_header(path, header, ["Country", "Company 5"])
    first_extra = header.index("Company 5") + 1
    out: dict[str, tuple[int, list[str], str]] = {}
    for i, cells in enumerate(rows[1:], start=2):
        code = resolve_country(cells[0].strip())
        if code:
            extra = [c.strip() for c in cells[first_extra:] if c.strip()]
            out[code] = (i, extra, _row_text(f"AIGS 2022 (v1 release): {cells[0].strip()}", header, cells))
    return out, header


def read_aigs_2022(
    path: Path | None = None, strict: bool = False, v1_path: Path | None = None, vdem_path: Path | None = None
) -> DatasetBatch:
    """Read the 2022 workbook (sheet 1, the 97 countries; sheet 2, the 179-country V-Dem table).

    ``path`` may be the .xlsx workbook (default) or a CSV of sheet 1; then sheet 2 comes from
    ``vdem_path`` (default: the bundled CSV copy). The misaligned header-less vendor columns of
    sheet 1 are ignored; extra vendors come from the v1 release where it covers the country.
    """
    dataset = "aigs-2022"
    path = path or bundled("aigs/aigs-2022-workbook.xlsx")
    v1_path = v1_path or bundled("aigs/aigs-2022-v1-77countries.csv")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        sheets = read_xlsx(path)
        names = list(sheets)
        if len(names) < 2:
            raise InputError(f"expected 2 sheets, found {len(names)}", path=str(path))
        s1 = [[cell_text(c) for c in r] for r in sheets[names[0]]]
        s2 = [[cell_text(c) for c in r] for r in sheets[names[1]]]
        sheet1_name, sheet2_name = names[0], names[1]
        if not s1:
            raise InputError("sheet 1 is empty", path=str(path))
        header1 = [h.strip() for h in s1[0]]
        check_header(path, header1, REQUIRED_2022)
        rows1 = [r for r in s1[1:] if any(r)]
        header2 = [h.strip() for h in s2[0]] if s2 else []
        check_header(path, header2, REQUIRED_VDEM)
        rows2 = [r for r in s2[1:] if any(r)]
    else:
        header1, rows1 = read_csv(path, REQUIRED_2022)
        vdem_path = vdem_path or bundled("aigs/aigs-2022-sheet2-vdem-179.csv")
        header2, rows2 = read_csv(vdem_path, REQUIRED_VDEM)
        sheet1_name, sheet2_name = "AIGS 2022", "Digital Repression Inde + V-Dem"
    # Header-less columns: name them as the shared CSV copy does, then ignore them.
    header1 = [h or f"Company {i - header1.index('Company 5') + 5}" for i, h in enumerate(header1)]
    batch = DatasetBatch(dataset=dataset, path=str(path), rows=len(rows1))
    ignored = [h for h in header1 if re.fullmatch(r"Company (\d+)", h) and int(h.split()[1]) > 5]
    filled = sum(1 for r in rows1 for h, c in zip(header1, r, strict=False) if h in ignored and c)
    if ignored:
        batch.repairs.append(
            f"ignored misaligned columns {ignored[0]}..{ignored[-1]} of sheet 1 "
            f"({filled} filled cells); extra vendors taken from the v1 release instead"
        )
    v1, _ = _v1_vendors(v1_path)
    published = publication_date(dataset)
    rb = _RowBuilder(batch, strict, sheet=sheet1_name)
    known_codes = set(_REGIME_LABELS.values())

    # Sheet 2: the denominator, one document per country (no claims).
    vdem_docs: dict[str, Document] = {}
    rb2 = _RowBuilder(batch, strict, sheet=sheet2_name)
    for i, cells in enumerate(rows2, start=2):
        rec = dict(zip(header2, cells, strict=False))
        code = rb2.country(rec["Country"], i)
        if code is None:
            continue
        text = _row_text(f"AIGS 2022 sheet 2 (V-Dem 2021): {rec['Country']}", header2, cells)
        vdem_docs[code] = Document(
            id=content_hash(text),
            text=text,
            url=dataset_info(dataset)["url"],
            path=path.name,
            title=f"AIGS 2022 V-Dem – {rec['Country']}",
            publisher="Carnegie Endowment",
            published=published,
            language="en",
            source_kind="dataset",
            dataset="aigs-2022-vdem",
            meta={
                "edition": "2022",
                "sheet": sheet2_name,
                "row": i,
                "country": code,
                "country_name": rec["Country"],
                "regime": rec["v2x_regime"] or None,
                "in_aigs": _ticked(rec["AIGS?"]),
                "digital_repression_index": rec.get("Digital Repression Index 2021") or None,
            },
        )
    batch.documents += vdem_docs.values()

    for i, cells in enumerate(rows1, start=2):
        rec = dict(zip(header1, cells, strict=False))
        name = _repair_cell(batch, i, "Country", rec["Country"], known_codes)
        country = rb.country(name, i)
        if country is None:
            continue
        other = _repair_cell(batch, i, "Other Countries", rec["Other Countries"], known_codes)
        text = _row_text(f"AI & Big Data Global Surveillance Index 2022: {name}", header1, cells)
        meta = {
            "edition": "2022",
            "sheet": sheet1_name,
            "row": i,
            "country": country,
            "country_name": name,
            "region": rec.get("Region"),
            "regime": rec.get("V-Dem Regime Type 2021") or None,
            "bri": _ticked(rec["Member of Belt & Road Initiative"]),
            "military_rank": _int(rec["Military Expenditures Ranking (2018)"]),
            "china_tech": _ticked(rec["China Tech"]),
            "us_tech": _ticked(rec["US Tech"]),
            "other_countries": [c for c in (resolve_country(w) for w in other.split(",")) if c],
            "other_countries_raw": other,
        }
        doc = Document(
            id=content_hash(text),
            text=text,
            url=dataset_info(dataset)["url"],
            path=path.name,
            title=f"AIGS 2022 – {name}",
            publisher="Carnegie Endowment",
            published=published,
            language="en",
            source_kind="dataset",
            dataset=dataset,
            meta=meta,
        )
        claims = [
            rb.tech_claim(doc, country, i, col, rec[col], tech)
            for col, tech in TECH_COLUMNS_2022.items()
            if _ticked(rec[col])
        ]
        vclaims: list[Claim] = []
        multiple = False
        for k in range(1, 6):
            col = f"Company {k}"
            got, mult = rb.vendor_claims(doc, country, i, col, rec[col])
            vclaims += got
            multiple |= mult
        if country in v1:
            v1_row, extra, v1_text = v1[country]
            if extra:
                v1_doc = Document(
                    id=content_hash(v1_text),
                    text=v1_text,
                    url=dataset_info(dataset)["url"],
                    path=v1_path.name,
                    title=f"AIGS 2022 v1 – {name}",
                    publisher="Carnegie Endowment",
                    published=published,
                    language="en",
                    source_kind="dataset",
                    dataset="aigs-2022-v1",
                    meta={"edition": "2022", "sheet": "v1", "row": v1_row, "country": country},
                )
                batch.documents.append(v1_doc)
                for j, cell in enumerate(extra, start=6):
                    rb_v1 = _RowBuilder(batch, strict, sheet="v1")
                    got, mult = rb_v1.vendor_claims(
                        v1_doc, country, v1_row, f"Company {j}", cell, dataset="aigs-2022-v1"
                    )
                    # Claims from the v1 row keep the edition as their source.
                    vclaims += got
                    multiple |= mult
        doc.meta["multiple_vendors"] = multiple
        rb.check_flags(i, country, {"CHN": bool(meta["china_tech"]), "USA": bool(meta["us_tech"])}, vclaims, multiple)
        batch.documents.append(doc)
        batch.claims += _dedupe(claims + _dedupe_vendors(vclaims))
    return batch


def _dedupe_vendors(claims: list[Claim]) -> list[Claim]:
    """One claim per vendor per row (a vendor named in Company 2 and again in v1 is one claim)."""
    seen: dict[str, Claim] = {}
    for c in claims:
        seen.setdefault(c.vendor or c.id, c)
    return list(seen.values())


def iter_all(batches: Iterable[DatasetBatch]) -> Iterator[Document]:
    """Every document of several batches (helper for tests and exports)."""
    for b in batches:
        yield from b.documents
