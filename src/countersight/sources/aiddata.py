"""Readers for AidData's finance records (Global Huawei Finance Dataset, GCDF 2.0 subsets).

Every row becomes a dataset-row :class:`Document` (all its cells as text) and a
:class:`FinancingRecord`; each source the row cites (URL, title, publisher) becomes a linked
document of its own, not fetched. Rows whose title names a surveillance technology
(:mod:`countersight.sources.aiddata_classify`) also become a claim carrying the financing, with
evidence on the row's title and on each cited source. Files are read whole; nothing is written.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypedDict, cast

from countersight.errors import InputError
from countersight.ids import content_hash, stable_id
from countersight.model import Claim, Document, Evidence, Financing, FinancingRecord, Organization, Status
from countersight.reference.countries import resolve_country
from countersight.reference.financiers import resolve_financier
from countersight.reference.vendors import org_id, resolve_org
from countersight.sources import aiddata_classify as rules
from countersight.sources.dataset_files import DatasetBatch, bundled, dataset_info, read_csv

EXTRACTOR = "aiddata-import"
EXTRACTOR_VERSION = "1.0"
# Hand-coded from cited sources, like the AIGS: high, below certainty.
AIDDATA_CONFIDENCE = 0.9
PUBLISHER = "AidData"

# dataset name -> (bundled file, the column naming the project id, the "recommended" column)
FILES = {
    "aiddata-huawei": ("finance/aiddata_huawei_finance_gcdf2.csv", "Recommended For Huawei Aggregates"),
    "aiddata-gcdf": ("finance/aiddata_gcdf2_geocoded_surveillance.csv", "Recommended For Aggregates"),
    "aiddata-military": (
        "finance/aiddata_military_finance_gcdf2_surveillance.csv",
        "Recommended For Military Aggregates",
    ),
}
REQUIRED = [
    "AidData TUFF Project ID",
    "Title",
    "Recipient",
    "Status",
    "Flow Type",
    "Funding Agencies",
    "Commitment Year",
    "Amount (Constant USD2017)",
]
TERMS_COLUMNS = (
    ("Loan Type", "loan type", ""),
    ("Maturity", "maturity", " years"),
    ("Grace Period", "grace period", " years"),
    ("Interest Rate", "interest rate", "%"),
    ("Management Fee", "management fee", "%"),
    ("Commitment Fee", "commitment fee", "%"),
    ("Grant Element", "grant element", "%"),
)


@dataclass
class FinanceBatch(DatasetBatch):
    """A dataset batch plus the finance records and the financiers the rows name."""

    financing: list[FinancingRecord] = field(default_factory=list)
    organizations: list[Organization] = field(default_factory=list)


class CitedSource(TypedDict):
    """A source a row cites, as listed in the claim's ``attrs["sources"]`` (a JSON column)."""

    url: str
    title: str | None
    publisher: str | None
    type: str | None
    document_id: str


def _split(cell: str) -> list[str]:
    return [p.strip() for p in (cell or "").split("|")]


def _float(cell: str) -> float | None:
    try:
        return float(cell) if cell and cell.strip() else None
    except ValueError:
        return None


def _year(cell: str) -> int | None:
    value = _float(cell)
    return int(value) if value is not None else None


def _number(cell: str) -> str:
    value = _float(cell)
    if value is None:
        return cell.strip()
    return str(int(value)) if value.is_integer() else f"{value:.2f}".rstrip("0").rstrip(".")


def _terms(rec: dict[str, str]) -> str | None:
    parts = []
    for column, label, unit in TERMS_COLUMNS:
        cell = rec.get(column, "").strip()
        if cell and cell != "No Information":
            parts.append(f"{label} {_number(cell) if unit else cell}{unit}")
    return "; ".join(parts) or None


def published(dataset: str) -> dt.date:
    """The date a dataset edition was published (``data/datasets.yaml``)."""
    value = dataset_info(dataset)["published"]
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


class _Reader:
    """Turns one file's rows into documents, claims, finance records and financiers."""

    def __init__(self, dataset: str, path: Path, header: list[str]):
        self.dataset = dataset
        self.path = path
        self.header = header
        self.batch = FinanceBatch(dataset=dataset, path=str(path))
        self.published = published(dataset)
        self.citation_docs: dict[str, Document] = {}
        self.new_financiers: dict[str, Organization] = {}

    def row_document(self, rec: dict[str, str], cells: Sequence[str]) -> Document:
        title = rec["Title"].strip()
        lines = [title, rec.get("Description", "").strip()]
        lines += [
            f"{h}: {c.strip()}"
            for h, c in zip(self.header, cells, strict=False)
            if h and c.strip() and h not in ("Title", "Description")
        ]
        text = "\n".join(line for line in lines if line)
        return Document(
            id=content_hash(text),
            text=text,
            url=dataset_info(self.dataset)["url"],
            path=self.path.name,
            title=f"AidData project {rec['AidData TUFF Project ID']}: {title}",
            publisher=PUBLISHER,
            published=self.published,
            language="en",
            source_kind="dataset",
            dataset=self.dataset,
            meta={"project_id": rec["AidData TUFF Project ID"], "recipient": rec["Recipient"], "file": self.path.name},
        )

    def cited_sources(self, rec: dict[str, str], row: int) -> list[tuple[Document, CitedSource]]:
        """The row's cited sources as linked documents (not fetched), with what the row says."""
        urls = _split(rec.get("Source URLs", ""))
        titles = _split(rec.get("Source Titles", ""))
        publishers = _split(rec.get("Source Publishers", ""))
        types = _split(rec.get("Source Type", ""))
        if not rec.get("Source URLs", "").strip() and rec.get("viz_geojson_url", "").strip():
            # The geocoded subset cites no sources; its link is AidData's own geodata record.
            urls, titles, types = [rec["viz_geojson_url"].strip()], ["AidData geodata record"], ["AidData"]
            publishers = [PUBLISHER]
        out = []
        for i, url in enumerate(urls):
            if not url:
                continue
            title = titles[i] if i < len(titles) and titles[i] else None
            publisher = publishers[i] if i < len(publishers) and publishers[i] else None
            kind = types[i] if i < len(types) and types[i] else None
            text = f"{title or url}\n{url}"
            doc = self.citation_docs.get(text) or Document(
                id=content_hash(text),
                text=text,
                url=url,
                title=title or url,
                publisher=publisher,
                source_kind="citation",
                dataset=None,
                meta={"fetched": False, "source_type": kind, "cited_by": f"{self.dataset} row {row}"},
            )
            self.citation_docs[text] = doc
            out.append((doc, CitedSource(url=url, title=title, publisher=publisher, type=kind, document_id=doc.id)))
        return out

    def lender(self, rec: dict[str, str], row: int) -> str | None:
        names = []
        for raw in _split(rec.get("Funding Agencies", "")):
            if not raw:
                continue
            org = resolve_financier(raw)
            if org is None:
                org = self.new_financiers.get(raw) or Organization(
                    id=org_id("financier", raw),
                    name=raw,
                    kind="financier",
                    needs_review=True,
                    note=f"named as a funding agency in {self.path.name} row {row}",
                )
                self.new_financiers[raw] = org
            names.append(org.name)
        return "; ".join(dict.fromkeys(names)) or None

    def vendor(self, rec: dict[str, str]) -> tuple[str | None, str | None, str | None]:
        """(canonical vendor, raw name, vendor country): the first implementing agency the vendor
        registry knows, else a funder it knows (Huawei funding its own project), else none."""
        for column in ("Implementing Agencies", "Funding Agencies"):
            for raw in _split(rec.get(column, "")):
                org = resolve_org(raw) if raw else None
                if org is not None and org.kind == "vendor":
                    return org.name, raw, org.home_country
        return None, None, self.financier_country(rec)

    def financier_country(self, rec: dict[str, str]) -> str | None:
        cell = re.sub(r"\(.*?\)", "", rec.get("Financier Country", "")).strip()
        return resolve_country(cell) if cell else dataset_info(self.dataset).get("financier_country")

    def read_row(self, rec: dict[str, str], cells: Sequence[str], row: int) -> None:
        project = rec["AidData TUFF Project ID"].strip()
        title = rec["Title"].strip()
        country = resolve_country(rec["Recipient"])
        if country is None:
            self.batch.unresolved.append(f"row {row} (project {project}): unresolved recipient {rec['Recipient']!r}")
            return
        doc = self.row_document(rec, cells)
        sources = self.cited_sources(rec, row)
        self.batch.documents.append(doc)
        self.batch.documents += [d for d, _ in sources]
        cls = rules.classify(title, rec.get("Description", ""))
        coded = rules.coded_tier(rec.get("surveillance_tier", ""))
        if coded is not None and (coded == rules.SURVEILLANCE) != (cls.tier == rules.SURVEILLANCE):
            self.batch.disagreements.append(
                f"row {row} (project {project}): classified tier {cls.tier}, the file codes tier {coded}"
            )
        stage = rec["Status"].strip()
        status = cast(Status, rules.claim_status(stage) or "reported")
        if rules.claim_status(stage) is None:
            self.batch.unresolved.append(f"row {row} (project {project}): unknown status {stage!r}, kept as reported")
        conc = rules.concessional(rec.get("Concessional"), rec.get("Flow Class"))
        amount, currency = _float(rec.get("Amount (Original Currency)", "")), rec.get("Original Currency", "").strip()
        # JSON: the claim's and the financing record's attrs column (open-ended notes on the row)
        attrs: dict[str, Any] = {"project_id": project, "stage": stage, "file": self.path.name, "row": row}
        if "Amount (Original Currency)" not in rec:
            parsed = rules.amount_in_title(title)
            if parsed:
                amount, currency, words = parsed
                attrs["amount_from_title"] = words
        fin = Financing(
            lender=self.lender(rec, row),
            instrument=rules.instrument(rec["Flow Type"], conc, title),
            amount=amount,
            currency=currency or None,
            text=title,
            amount_usd_2017=_float(rec["Amount (Constant USD2017)"]),
            concessional=conc,
            terms=_terms(rec),
        )
        vendor, vendor_raw, vendor_country = self.vendor(rec)
        receiving = _split(rec.get("Receiving Agencies", ""))
        implementing = _split(rec.get("Implementing Agencies", ""))
        known = {
            n
            for n in receiving + implementing + _split(rec.get("Funding Agencies", ""))
            if resolve_org(n) or resolve_financier(n)
        }
        agency = rules.operating_agency(receiving, implementing, known)
        city = self.city(rec, title, country)
        attrs.update(
            {
                "receiving_agencies": [a for a in receiving if a],
                "implementing_agencies": [a for a in implementing if a],
                "flow_type": rec["Flow Type"],
                "technologies": list(cls.technologies),
                "tier_terms": list(cls.terms),
                "commitment_year_estimated": rec.get("Commitment Year Estimated", "") == "Yes",
                "completion_year": _year(rec.get("Completion Year", "")),
                "sources": [s for _, s in sources],
                "attribution": dataset_info(self.dataset)["citation"],
            }
        )
        claim_id = None
        surveillance = cls.tier == rules.SURVEILLANCE
        year = _year(rec.get("Commitment Year", ""))
        if surveillance:
            claim_id = stable_id("claim", [self.dataset, project])
            evidence = [
                Evidence(
                    document_id=doc.id, quote=title, dataset=self.dataset, sheet=self.path.name, row=row, column="Title"
                )
            ]
            evidence += [
                Evidence(
                    document_id=d.id,
                    quote=s["title"] or s["url"],
                    dataset=self.dataset,
                    sheet=self.path.name,
                    row=row,
                    column="Source URLs",
                )
                for d, s in sources
            ]
            self.batch.claims.append(
                Claim(
                    id=claim_id,
                    country=country,
                    evidence=tuple(evidence),
                    extractor=EXTRACTOR,
                    extractor_version=EXTRACTOR_VERSION,
                    source=self.dataset,
                    vendor=vendor,
                    vendor_raw=vendor_raw,
                    vendor_country=vendor_country,
                    city=city,
                    agency=agency,
                    technology=cls.technology,
                    status=status,
                    financing=fin,
                    start_year=year,
                    confidence=AIDDATA_CONFIDENCE,
                    attrs=attrs,
                )
            )
        self.batch.financing.append(
            FinancingRecord(
                id=stable_id("fin", [self.dataset, project]),
                dataset=self.dataset,
                project_id=project,
                document_id=doc.id,
                country=country,
                title=title,
                status=status,
                financing=fin,
                stage=stage,
                commitment_year=year,
                vendor=vendor,
                vendor_country=vendor_country,
                technology=cls.technology,
                tier=cls.tier,
                tier_coded=coded,
                surveillance=surveillance,
                claim_id=claim_id,
                amount_nominal_usd=_float(rec.get("Amount (Nominal)", "")),
                flow_type=rec["Flow Type"].strip() or None,
                flow_class=rec.get("Flow Class", "").strip() or None,
                recommended=rec.get(FILES[self.dataset][1], "Yes").strip() != "No",
                attrs=attrs,
            )
        )

    def city(self, rec: dict[str, str], title: str, country: str) -> str | None:
        """A city the row names: a short Geographic Location cell, else a city in the title (of
        the recipient country, from the extraction gazetteer)."""
        location = rec.get("Geographic Location", "").strip()
        if location and len(location) <= 40 and "." not in location:
            return location
        from countersight.extract.lexicon import CITY, city_table, find_mentions

        for text in (title, location):
            for m in find_mentions(text):
                if m.kind == CITY and m.value == country:
                    found = city_table().get(m.surface)
                    return found[1] if found else m.surface
        return None


def read_aiddata(dataset: str, path: Path | None = None) -> FinanceBatch:
    """Read one AidData file (``aiddata-huawei``, ``aiddata-gcdf`` or ``aiddata-military``)."""
    if dataset not in FILES:
        raise ValueError(f"unknown AidData dataset {dataset!r}; choose from {', '.join(FILES)}")
    path = Path(path) if path is not None else bundled(FILES[dataset][0])
    header, rows = read_csv(path, REQUIRED)
    reader = _Reader(dataset, path, header)
    seen: dict[str, int] = {}
    for i, cells in enumerate(rows, start=2):
        rec = {h: (cells[j] if j < len(cells) else "") for j, h in enumerate(header) if h}
        project = rec["AidData TUFF Project ID"].strip()
        if not project:
            raise InputError("empty AidData TUFF Project ID", path=str(path), position=f"row {i}")
        if project in seen:
            raise InputError(
                f"project {project} appears twice (rows {seen[project]} and {i})", path=str(path), position=f"row {i}"
            )
        seen[project] = i
        reader.read_row(rec, cells, i)
    reader.batch.rows = len(rows)
    # Cited documents shared by several rows are listed once.
    reader.batch.documents = list({d.id: d for d in reader.batch.documents}.values())
    reader.batch.organizations = list(reader.new_financiers.values())
    return reader.batch
