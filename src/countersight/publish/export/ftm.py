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
from typing import Any

import pycountry

from countersight.errors import CountersightError
from countersight.ids import stable_id
from countersight.publish.export.base import Exporter, dumps, write_text
from countersight.reference.countries import country_name

PREFIX = "cs-"
# FtM's topic for a government body (every PublicBody here buys for a government). Vendors and
# financiers get no topic: FtM has none for a supplier, and sanctions-style topics are not ours to assign.
GOVERNMENT_TOPIC = "gov"


def _iso2(code: str | None) -> str | None:
    if not code:
        return None
    found = pycountry.countries.get(alpha_3=code)
    return found.alpha_2.lower() if found else None


def _year_or_date(year: Any, date: Any = None) -> str | None:
    if date:
        return str(date)
    return str(year) if year else None


class FtmExporter(Exporter):
    """``OUT`` as FollowTheMoney JSON lines, plus ``OUT.meta.json`` (version, snapshot, filter)."""

    name = "ftm"
    tables = ("organizations", "documents", "deployments", "claims", "evidence", "financing")

    def setup(self) -> None:
        try:
            from followthemoney import model
        except ImportError as exc:
            raise CountersightError("ftm export needs followthemoney: pip install 'countersight[ftm]'") from exc
        self.model = model
        self.rows: dict[str, list[dict[str, Any]]] = {}

    def feed(self, table: str, rows: Iterable[dict[str, Any]]) -> None:
        self.rows[table] = list(rows)

    # -- entity builders -------------------------------------------------------------------

    def _entity(self, schema: str, id_: str, **props: Any) -> Any:
        proxy = self.model.make_entity(schema)
        proxy.id = id_ if id_.startswith(PREFIX) else PREFIX + id_
        for prop, value in props.items():
            values = value if isinstance(value, (list, tuple)) else [value]
            for v in values:
                if v is not None and v != "":
                    proxy.add(prop, v)
        self.entities[proxy.id] = proxy
        return proxy

    def _org(self, name: str, kind: str) -> str:
        """Id of the entity for an organization name, created on first use."""
        row = self.orgs_by_name.get(name)
        if row is not None and row["kind"] in ("vendor", "financier", "agency"):
            # One entity per stored organization, of its own kind: Huawei paying for a deployment
            # stays the Company it is (a payer may be any legal entity), not a second entity on its id.
            kind = row["kind"]
        key = (kind, name)
        if key in self.org_ids:
            return self.org_ids[key]
        schema = {"vendor": "Company", "financier": "Organization", "agency": "PublicBody"}[kind]
        if row is not None:
            ent = self._entity(
                schema,
                row["id"],
                name=row["name"],
                alias=list(row.get("aliases") or []),
                country=_iso2(row.get("home_country")),
                notes=row.get("note"),
                topics=GOVERNMENT_TOPIC if kind == "agency" else None,
            )
            if row.get("parent") and kind == "vendor":
                parent_id = self._org(row["parent"], "vendor")
                self._entity(
                    "Ownership",
                    stable_id("own", [parent_id, ent.id]),
                    owner=parent_id,
                    asset=ent.id,
                    role="parent company",
                )
        else:
            ent = self._entity(schema, stable_id(f"org-{kind}", [name]), name=name)
        self.org_ids[key] = ent.id
        return str(ent.id)

    def _buyer(self, agency: str | None, country: str) -> str:
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
        return str(ent.id)

    def _contract(self, id_: str, rec: dict[str, Any], fin: dict[str, Any] | None, merged: bool) -> str:
        country = rec["country"]
        tech = (rec.get("technology") or "surveillance technology").replace("_", " ")
        vendor = rec.get("vendor")
        title = f"{tech} in {country_name(country)}" + (f" supplied by {vendor}" if vendor else "")
        authority = self._buyer(rec.get("agency"), country)
        note = None if merged else "A single claim, not yet merged into a deployment by resolution."
        contract = self._entity(
            "Contract",
            id_,
            title=title,
            name=title,
            authority=authority,
            country=_iso2(country),
            classification=rec.get("technology"),
            status=rec.get("status"),
            contractDate=_year_or_date(rec.get("start_year"), rec.get("start_date")),
            amount=(fin or {}).get("fin_amount"),
            currency=(fin or {}).get("fin_currency"),
            summary=(fin or {}).get("fin_text"),
            notes=note,
            description=f"confidence {rec.get('confidence')}" if rec.get("confidence") is not None else None,
        )
        if vendor:
            supplier = self._org(vendor, "vendor")
            self._entity(
                "ContractAward",
                stable_id("award", [contract.id, supplier]),
                contract=contract.id,
                supplier=supplier,
                role="supplier",
                startDate=_year_or_date(rec.get("start_year"), rec.get("start_date")),
                endDate=_year_or_date(rec.get("end_year")),
                date=rec.get("first_seen"),
                status=rec.get("status"),
                amount=(fin or {}).get("fin_amount"),
                currency=(fin or {}).get("fin_currency"),
            )
        # A claim imported with a finance record gets its Payment from that record (see _payment).
        if fin and fin.get("fin_lender") and fin.get("id") not in self.financed_claims:
            payer = self._org(fin["fin_lender"], "financier")
            self._entity(
                "Payment",
                stable_id("pay", [contract.id, payer]),
                payer=payer,
                beneficiary=authority,
                contract=contract.id,
                amount=fin.get("fin_amount"),
                currency=fin.get("fin_currency"),
                purpose=fin.get("fin_instrument"),
                summary=fin.get("fin_text"),
                description=fin.get("fin_terms"),
            )
        return str(contract.id)

    def _payment(self, f: dict[str, Any], contract: str | None, proof: str | None) -> None:
        """A ``Payment`` for one finance record: amounts as reported, nothing converted."""
        attrs = f.get("attrs") or {}
        payers = [self._org(x.strip(), "financier") for x in (f.get("lender") or "").split(";") if x.strip()]
        agencies = [a for a in attrs.get("receiving_agencies") or [] if a]
        if not agencies and f.get("claim_id") in self.claim_agency:
            agencies = [self.claim_agency[f["claim_id"]]]
        beneficiaries = [self._buyer(a, f["country"]) for a in agencies] or [self._buyer(None, f["country"])]
        usd, conc = f.get("amount_usd_2017"), f.get("concessional")
        details = [
            f"flow type {f['flow_type']}" if f.get("flow_type") else "",
            "concessional" if conc is True else "not concessional" if conc is False else "",
            f"terms: {f['terms']}" if f.get("terms") else "",
            f"{usd:.0f} in constant 2017 USD (AidData)" if usd is not None else "",
            f"AidData stage {f['stage']}" if f.get("stage") else "",
        ]
        self._entity(
            "Payment",
            f["id"],
            payer=payers,
            beneficiary=beneficiaries,
            contract=contract,
            amount=f.get("amount"),
            currency=f.get("currency"),
            amountUsd=f.get("amount_nominal_usd"),  # AidData's nominal USD figure, when it gives one
            date=_year_or_date(f.get("commitment_year")),
            programme=f.get("title"),
            summary=f.get("text"),
            purpose=f.get("instrument"),
            description="; ".join(d for d in details if d) or None,
            recordId=f"{f['dataset']}:{f['project_id']}",
            sourceUrl=sorted({s["url"] for s in attrs.get("sources") or [] if s.get("url")}),
            publisher="AidData",
            proof=proof,
        )

    def finish(self) -> list[Path]:
        self.entities: dict[str, Any] = {}
        financing = self.rows.get("financing", [])
        self.financed_claims = {f["claim_id"] for f in financing if f.get("claim_id")}
        self.claim_agency = {c["id"]: c["agency"] for c in self.rows["claims"] if c.get("agency")}
        self.org_ids: dict[tuple[str, str], str] = {}
        self.orgs_by_name = {r["name"]: r for r in self.rows["organizations"]}
        for row in self.rows["organizations"]:
            self._org(row["name"], row["kind"] if row["kind"] in ("vendor", "financier", "agency") else "vendor")
        articles: dict[str, str] = {}
        for d in self.rows["documents"]:
            art = self._entity(
                "Article",
                d["id"][:40],
                title=d.get("title"),
                name=d.get("title") or d["id"][:12],
                publishedAt=d.get("published"),
                sourceUrl=d.get("url"),
                publisher=d.get("publisher"),
                language=d.get("language"),
                contentHash=None,
                fileName=d.get("path"),
            )
            articles[d["id"]] = str(art.id)
        claims = self.rows["claims"]
        fin_by_dep: dict[str, dict[str, Any]] = {}
        for c in claims:
            if c.get("deployment_id") and (c.get("fin_lender") or c.get("fin_amount")):
                fin_by_dep.setdefault(c["deployment_id"], c)  # claims come in id order: stable pick
        contract_of: dict[str, str] = {}
        for dep in self.rows["deployments"]:
            contract_of[dep["id"]] = self._contract(dep["id"], dep, fin_by_dep.get(dep["id"]), merged=True)
        claim_contract: dict[str, str] = {}
        for c in claims:
            dep_id = c.get("deployment_id")
            if dep_id and dep_id in contract_of:
                claim_contract[c["id"]] = contract_of[dep_id]
            else:
                fin = c if (c.get("fin_lender") or c.get("fin_amount")) else None
                claim_contract[c["id"]] = self._contract(c["id"], c, fin, merged=False)
        for e in self.rows["evidence"]:
            doc = articles.get(e["document_id"])
            contract = claim_contract.get(e["claim_id"])
            if not doc or not contract:  # the selection queries keep these together: losing one is a bug
                raise CountersightError(f"evidence {e['id']} cites a document or claim missing from the export")
            where = ", ".join(
                f"{k} {e[k]}" for k in ("sheet", "row", "column", "page", "start", "end") if e.get(k) is not None
            )
            self._entity(
                "Documentation",
                e["id"],
                document=doc,
                entity=contract,
                role="evidence",
                summary=e.get("quote"),
                description=where or None,
            )
        for f in financing:
            if f["document_id"] not in articles:
                raise CountersightError(f"finance record {f['id']} cites a document missing from the export")
            self._payment(f, claim_contract.get(f.get("claim_id") or ""), articles[f["document_id"]])
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
