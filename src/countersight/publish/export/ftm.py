"""FollowTheMoney export: entities as JSON lines, loadable into Aleph (``ftm`` tools) and matchable
against OpenSanctions with yente. Needs the ``ftm`` extra (followthemoney 4.x: the range pyproject.toml
declares and the tests run).

Mapping: vendors → ``Company`` (parent → ``Ownership``), financiers → ``Organization``, buying
agencies (or, when none is reported, the recipient government) → ``PublicBody``, deployments →
``Contract`` (authority = buyer, amount/currency from the financing) + ``ContractAward`` (supplier =
vendor), loans → ``Payment`` (payer = financier; one per finance record, AidData's project id as
``recordId``, linked to the claim's contract), documents → ``Article``, evidence →
``Documentation`` (document → contract). Claims not yet merged into a deployment get a contract
of their own, marked as such, so no evidence is lost.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pycountry

from countersight.errors import CountersightError
from countersight.export_records import (
    ExportClaim,
    ExportDeployment,
    ExportDocument,
    ExportEvidence,
    ExportFinancing,
    ExportOrganization,
    ExportRow,
    rows_of,
)
from countersight.ids import stable_id
from countersight.publish.export.base import Exporter, dumps, write_text
from countersight.reference.countries import country_name

if TYPE_CHECKING:  # followthemoney is an optional extra: imported in setup()
    from followthemoney.model import Model
    from followthemoney.proxy import EntityProxy

PREFIX = "cs-"
# FtM's topic for a government body (every PublicBody here buys for a government). Vendors and
# financiers get no topic: FtM has none for a supplier, and sanctions-style topics are not ours to assign.
GOVERNMENT_TOPIC = "gov"


def _iso2(code: str | None) -> str | None:
    """The lower-case ISO 3166-1 alpha-2 code FtM wants for an ISO3 code (None when unknown)."""
    if not code:
        return None
    found = pycountry.countries.get(alpha_3=code)
    return found.alpha_2.lower() if found else None


def _year_or_date(year: int | None, date: str | None = None) -> str | None:
    """An FtM date: the ISO date when known, else the year."""
    if date:
        return str(date)
    return str(year) if year else None


class FtmExporter(Exporter):
    """``OUT`` as FollowTheMoney JSON lines, plus ``OUT.meta.json`` (version, snapshot, filter)."""

    name = "ftm"
    tables = ("organizations", "documents", "deployments", "claims", "evidence", "financing")

    def setup(self) -> None:
        """Check that followthemoney is installed."""
        try:
            from followthemoney import model
        except ImportError as exc:
            raise CountersightError("ftm export needs followthemoney: pip install 'countersight[ftm]'") from exc
        self.model: Model = model
        self.rows: dict[str, list[ExportRow]] = {}

    def feed(self, table: str, rows: Iterable[ExportRow]) -> None:
        """Keep one table's rows for :meth:`finish` (entities link across tables)."""
        self.rows[table] = list(rows)

    # -- entity builders -------------------------------------------------------------------

    def _entity(self, schema: str, id_: str, **props: Any) -> str:
        """Make (or replace) the entity ``id_`` of an FtM schema, empty values left out; its id."""
        proxy = self.model.make_entity(schema)
        ident = id_ if id_.startswith(PREFIX) else PREFIX + id_
        proxy.id = ident
        for prop, value in props.items():
            values = value if isinstance(value, (list, tuple)) else [value]
            for v in values:
                if v is not None and v != "":
                    proxy.add(prop, v)
        self.entities[ident] = proxy
        return ident

    def _org(self, name: str, kind: str) -> str:
        """Id of the entity for an organization name, created on first use."""
        row = self.orgs_by_name.get(name)
        if row is not None and row.kind in ("vendor", "financier", "agency"):
            # One entity per stored organization, of its own kind: Huawei paying for a deployment
            # stays the Company it is (a payer may be any legal entity), not a second entity on its id.
            kind = row.kind
        key = (kind, name)
        if key in self.org_ids:
            return self.org_ids[key]
        schema = {"vendor": "Company", "financier": "Organization", "agency": "PublicBody"}[kind]
        if row is not None:
            ent = self._entity(
                schema,
                row.id,
                name=row.name,
                alias=list(row.aliases or []),
                country=_iso2(row.home_country),
                notes=row.note,
                topics=GOVERNMENT_TOPIC if kind == "agency" else None,
            )
            if row.parent and kind == "vendor":
                parent_id = self._org(row.parent, "vendor")
                self._entity(
                    "Ownership",
                    stable_id("own", [parent_id, ent]),
                    owner=parent_id,
                    asset=ent,
                    role="parent company",
                )
        else:
            ent = self._entity(schema, stable_id(f"org-{kind}", [name]), name=name)
        self.org_ids[key] = ent
        return ent

    def _buyer(self, agency: str | None, country: str) -> str:
        """Id of the buying ``PublicBody``: the agency, or the recipient government when none is named."""
        if agency:
            ent = self._entity(
                "PublicBody",
                stable_id("agency", [country, agency]),
                name=agency,
                country=_iso2(country),
                jurisdiction=_iso2(country),
                topics=GOVERNMENT_TOPIC,
            )
        else:
            ent = self._entity(
                "PublicBody",
                stable_id("gov", [country]),
                name=f"Government of {country_name(country)}",
                country=_iso2(country),
                jurisdiction=_iso2(country),
                topics=GOVERNMENT_TOPIC,
                notes="Recipient government: the source names no buying agency.",
            )
        return ent

    def _contract(self, id_: str, rec: ExportDeployment | ExportClaim, fin: ExportClaim | None, merged: bool) -> str:
        """Id of the ``Contract`` of a deployment (or of a claim not merged into one), with its
        ``ContractAward`` to the vendor and, for a claim's own financing, its ``Payment``."""
        country = rec.country
        tech = (rec.technology or "surveillance technology").replace("_", " ")
        vendor = rec.vendor
        title = f"{tech} in {country_name(country)}" + (f" supplied by {vendor}" if vendor else "")
        authority = self._buyer(rec.agency, country)
        note = None if merged else "A single claim, not yet merged into a deployment by resolution."
        start = _year_or_date(rec.start_year, rec.start_date if isinstance(rec, ExportClaim) else None)
        contract = self._entity(
            "Contract",
            id_,
            title=title,
            name=title,
            authority=authority,
            country=_iso2(country),
            classification=rec.technology,
            status=rec.status,
            contractDate=start,
            amount=fin.fin_amount if fin else None,
            currency=fin.fin_currency if fin else None,
            summary=fin.fin_text if fin else None,
            notes=note,
            description=f"confidence {rec.confidence}",
        )
        if vendor:
            supplier = self._org(vendor, "vendor")
            self._entity(
                "ContractAward",
                stable_id("award", [contract, supplier]),
                contract=contract,
                supplier=supplier,
                role="supplier",
                startDate=start,
                endDate=_year_or_date(rec.end_year),
                date=rec.first_seen if isinstance(rec, ExportDeployment) else None,
                status=rec.status,
                amount=fin.fin_amount if fin else None,
                currency=fin.fin_currency if fin else None,
            )
        # A claim imported with a finance record gets its Payment from that record (see _payment).
        if fin and fin.fin_lender and fin.id not in self.financed_claims:
            payer = self._org(fin.fin_lender, "financier")
            self._entity(
                "Payment",
                stable_id("pay", [contract, payer]),
                payer=payer,
                beneficiary=authority,
                contract=contract,
                amount=fin.fin_amount,
                currency=fin.fin_currency,
                purpose=fin.fin_instrument,
                summary=fin.fin_text,
                description=fin.fin_terms,
            )
        return contract

    def _payment(self, f: ExportFinancing, contract: str | None, proof: str | None) -> None:
        """A ``Payment`` for one finance record: amounts as reported, nothing converted."""
        attrs = f.attrs or {}
        payers = [self._org(x.strip(), "financier") for x in (f.lender or "").split(";") if x.strip()]
        agencies = [a for a in attrs.get("receiving_agencies") or [] if a]
        if not agencies and f.claim_id in self.claim_agency:
            agencies = [self.claim_agency[f.claim_id]]
        beneficiaries = [self._buyer(a, f.country) for a in agencies] or [self._buyer(None, f.country)]
        usd, conc = f.amount_usd_2017, f.concessional
        details = [
            f"flow type {f.flow_type}" if f.flow_type else "",
            "concessional" if conc is True else "not concessional" if conc is False else "",
            f"terms: {f.terms}" if f.terms else "",
            f"{usd:.0f} in constant 2017 USD (AidData)" if usd is not None else "",
            f"AidData stage {f.stage}" if f.stage else "",
        ]
        self._entity(
            "Payment",
            f.id,
            payer=payers,
            beneficiary=beneficiaries,
            contract=contract,
            amount=f.amount,
            currency=f.currency,
            amountUsd=f.amount_nominal_usd,  # AidData's nominal USD figure, when it gives one
            date=_year_or_date(f.commitment_year),
            programme=f.title,
            summary=f.text,
            purpose=f.instrument,
            description="; ".join(d for d in details if d) or None,
            recordId=f"{f.dataset}:{f.project_id}",
            sourceUrl=sorted({s["url"] for s in attrs.get("sources") or [] if s.get("url")}),
            publisher="AidData",
            proof=proof,
        )

    def finish(self) -> list[Path]:
        """Build every entity and write them as JSON lines sorted by id, with ``OUT.meta.json``."""
        self.entities: dict[str, EntityProxy] = {}
        organizations = rows_of(self.rows["organizations"], ExportOrganization)
        documents = rows_of(self.rows["documents"], ExportDocument)
        deployments = rows_of(self.rows["deployments"], ExportDeployment)
        claims = rows_of(self.rows["claims"], ExportClaim)
        evidence = rows_of(self.rows["evidence"], ExportEvidence)
        financing = rows_of(self.rows.get("financing", []), ExportFinancing)
        self.financed_claims = {f.claim_id for f in financing if f.claim_id}
        self.claim_agency = {c.id: c.agency for c in claims if c.agency}
        self.org_ids: dict[tuple[str, str], str] = {}
        self.orgs_by_name = {r.name: r for r in organizations}
        for row in organizations:
            self._org(row.name, row.kind if row.kind in ("vendor", "financier", "agency") else "vendor")
        articles: dict[str, str] = {}
        for d in documents:
            art = self._entity(
                "Article",
                d.id[:40],
                title=d.title,
                name=d.title or d.id[:12],
                publishedAt=d.published,
                sourceUrl=d.url,
                publisher=d.publisher,
                language=d.language,
                contentHash=None,
                fileName=d.path,
            )
            articles[d.id] = art
        fin_by_dep: dict[str, ExportClaim] = {}
        for c in claims:
            if c.deployment_id and c.financed:
                fin_by_dep.setdefault(c.deployment_id, c)  # claims come in id order: stable pick
        contract_of: dict[str, str] = {}
        for dep in deployments:
            contract_of[dep.id] = self._contract(dep.id, dep, fin_by_dep.get(dep.id), merged=True)
        claim_contract: dict[str, str] = {}
        for c in claims:
            if c.deployment_id and c.deployment_id in contract_of:
                claim_contract[c.id] = contract_of[c.deployment_id]
            else:
                claim_contract[c.id] = self._contract(c.id, c, c if c.financed else None, merged=False)
        for e in evidence:
            doc = articles.get(e.document_id)
            contract = claim_contract.get(e.claim_id)
            if not doc or not contract:  # the selection queries keep these together: losing one is a bug
                raise CountersightError(f"evidence {e.id} cites a document or claim missing from the export")
            place = (
                ("sheet", e.sheet),
                ("row", e.row),
                ("column", e.column),
                ("page", e.page),
                ("start", e.start),
                ("end", e.end),
            )
            where = ", ".join(f"{k} {v}" for k, v in place if v is not None)
            self._entity(
                "Documentation",
                e.id,
                document=doc,
                entity=contract,
                role="evidence",
                summary=e.quote,
                description=where or None,
            )
        for f in financing:
            if f.document_id not in articles:
                raise CountersightError(f"finance record {f.id} cites a document missing from the export")
            self._payment(f, claim_contract.get(f.claim_id or ""), articles[f.document_id])
        lines = [dumps(self.entities[k].to_dict(), indent=None) for k in sorted(self.entities)]
        out = self.context.out
        files = [write_text(out, "".join(line + "\n" for line in lines))]
        files.append(
            write_text(
                out.with_name(out.name + ".meta.json"),
                dumps({**self.context.meta(), "entities": len(lines)}) + "\n",
            )
        )
        return files
