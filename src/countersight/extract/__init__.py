"""Rule-based extraction of surveillance-technology deployment claims from text.

Public interface (stable, used by the readers and the ``countersight extract`` command):
``EXTRACTOR_NAME``, ``EXTRACTOR_VERSION``, ``extract_claims(document)`` and
``claim_to_contract(claim)``. ``extract_claims`` is a pure function of the document and
the bundled reference data (gazetteers are built once per process and cached).
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_left
from typing import Any

from countersight.ids import stable_id
from countersight.model import Claim, Document, Evidence
from countersight.reference.countries import _table as _country_table
from countersight.reference.vendors import registry

EXTRACTOR_NAME = "countersight-rules"
EXTRACTOR_VERSION = "0.1.2"

# Term → technology id. Deliberately small in 0.1.0; longer terms win at the same offset.
_TECH_TERMS: dict[str, str] = {
    "safe city": "safe_city",
    "smart city": "safe_city",
    "facial recognition": "facial_recognition",
    "face recognition": "facial_recognition",
    "predictive policing": "smart_policing",
    "smart policing": "smart_policing",
    "social media monitoring": "social_media_monitoring",
    "social media surveillance": "social_media_monitoring",
    "cctv": "video_surveillance",
    "surveillance cameras": "video_surveillance",
    "video surveillance": "video_surveillance",
    "licence plate recognition": "license_plate_recognition",
    "license plate recognition": "license_plate_recognition",
    "spyware": "spyware",
    "biometric": "biometric_id",
    "fingerprint": "biometric_id",
    "afis": "biometric_id",
    "cameras": "video_surveillance",
    "camera": "video_surveillance",
    "surveillance system": "video_surveillance",
    "social media": "social_media_monitoring",
    "data mining": "smart_policing",
}
_SUPPLY = re.compile(
    r"\b(suppl\w*|sold|sell\w*|install\w*|deploy\w*|provid\w*|built|build\w*|deliver\w*|"
    r"contract\w*|signed|purchas\w*|bought|acquir\w*|roll\w* out|implement\w*)\b",
    re.I,
)
_NEGATIVE = re.compile(r"\b(sanction\w*|earnings|quarterly|revenue|banned|blacklist\w*)\b", re.I)
_PLANNED = re.compile(r"\b(plan\w*|will|to be|agreed to|memorandum|MoU|proposed)\b")
_CANCELLED = re.compile(r"\b(cancel\w*|scrapp\w*|terminat\w*|suspend\w*|halt\w*)\b", re.I)
_DENIED = re.compile(r"\b(den(y|ied|ies)|rejected (the )?(report|claim))\b", re.I)
_YEAR = re.compile(r"\b(19[89]\d|20[0-4]\d)\b")
_SENT = re.compile(r"[^.!?\n]+(?:[.!?]+|$)")


@functools.cache
def _gazetteer() -> tuple[re.Pattern[str], dict[str, tuple[str, str]]]:
    """One alternation regex over vendor aliases, country names and technology terms."""
    table: dict[str, tuple[str, str]] = {}
    for name, code in _country_table().items():
        if len(name) > 3:
            table[name] = ("country", code)
    for term, tech in _TECH_TERMS.items():
        table[term] = ("tech", tech)
    for org in registry():
        if org.kind != "vendor":
            continue
        for alias in (org.name, *org.aliases):
            if len(alias) > 2:
                table[alias.casefold()] = ("vendor", org.name)
    keys = sorted(table, key=len, reverse=True)
    # Matched against casefolded text (same length for these scripts), so no re.I needed.
    pattern = re.compile(r"\b(" + "|".join(re.escape(k) for k in keys) + r")\b")
    return pattern, table


@functools.cache
def _homes() -> dict[str, str | None]:
    return {o.name: o.home_country for o in registry()}


def _page(document: Document, start: int) -> int | None:
    pages = document.meta.get("pages") if document.meta else None
    if not pages:
        return None
    for i, (s, e) in enumerate(pages):
        if s <= start < e:
            return i + 1
    return None


def _emit(
    document: Document,
    claims: dict[str, Claim],
    vendor: str,
    home: str | None,
    recipients: list[str],
    tech: str,
    sent: str,
    start: int,
    end: int,
) -> None:
    """Add one claim per recipient for a supply sentence."""
    techs = [tech]
    status = (
        "denied" if _DENIED.search(sent)
        else "cancelled" if _CANCELLED.search(sent)
        else "planned" if _PLANNED.search(sent)
        else "reported"
    )
    year_m = _YEAR.search(sent)
    year = int(year_m.group(1)) if year_m else None
    for country in recipients:
        cid = stable_id(
            "clm", [document.id, EXTRACTOR_VERSION, vendor, country, techs[0], status, start, end]
        )
        claims[cid] = Claim(
            id=cid,
            country=country,
            evidence=(Evidence(document.id, sent, start, end, _page(document, start)),),
            extractor=EXTRACTOR_NAME,
            extractor_version=EXTRACTOR_VERSION,
            source="extract",
            vendor=vendor,
            vendor_raw=vendor,
            vendor_country=home,
            technology=techs[0],
            status=status,  # type: ignore[arg-type]
            start_year=year,
            confidence=0.6,
        )


def extract_claims(document: Document) -> list[Claim]:
    """Claims that a supplier provided a surveillance technology to a recipient country."""
    pattern, table = _gazetteer()
    text = document.text
    homes = _homes()
    low = text.casefold()
    if len(low) != len(text):  # rare characters change length when folded; keep offsets exact
        low = text.lower() if len(text.lower()) == len(text) else text
    hits = [(h.start(), table.get(h.group(0))) for h in pattern.finditer(low)]
    hits = [(pos, kv) for pos, kv in hits if kv is not None]
    positions = [pos for pos, _ in hits]
    claims: dict[str, Claim] = {}
    # Document focus: the most mentioned country and technology, used when a supply
    # sentence names the vendor but leaves the recipient or technology to context.
    doc_countries: dict[str, int] = {}
    doc_techs: dict[str, int] = {}
    for _, (kind, value) in hits:
        if kind == "country":
            doc_countries[value] = doc_countries.get(value, 0) + 1
        elif kind == "tech":
            doc_techs[value] = doc_techs.get(value, 0) + 1
    focus_tech = max(doc_techs, key=doc_techs.__getitem__) if doc_techs else None
    for m in _SENT.finditer(text):
        sent = m.group(0)
        lead = len(sent) - len(sent.lstrip())
        start, end = m.start() + lead, m.end()
        sent = text[start:end]
        if not sent or not _SUPPLY.search(sent) or _NEGATIVE.search(sent):
            continue
        vendors: list[str] = []
        countries: list[str] = []
        techs: list[str] = []
        for _, (kind, value) in hits[bisect_left(positions, start) : bisect_left(positions, end)]:
            {"vendor": vendors, "country": countries, "tech": techs}[kind].append(value)
        if not vendors:
            continue
        if not techs and focus_tech:
            techs.append(focus_tech)
        if not techs:
            continue
        for vendor in dict.fromkeys(vendors):
            home = homes.get(vendor)
            recipients = [c for c in dict.fromkeys(countries) if c != home]
            if not recipients:
                # Context country: the document's most mentioned country other than the
                # vendor's home; the home country only when the text names no other.
                others = {c: n for c, n in doc_countries.items() if c != home}
                pool = others or doc_countries
                if pool:
                    recipients = [max(pool, key=pool.__getitem__)]
            _emit(document, claims, vendor, home, recipients, techs[0], sent, start, end)
    return list(claims.values())


def claim_to_contract(claim: Claim) -> dict[str, Any]:
    """The per-claim JSON object of the ``countersight extract --format jsonl`` contract."""
    ev = claim.evidence[0] if claim.evidence else None
    fin = claim.financing
    return {
        "vendor": claim.vendor,
        "vendor_country": claim.vendor_country,
        "country": claim.country,
        "city": claim.city,
        "agency": claim.agency,
        "technology": claim.technology,
        "status": claim.status,
        "financing": None
        if fin is None
        else {
            "lender": fin.lender,
            "instrument": fin.instrument,
            "amount": fin.amount,
            "currency": fin.currency,
            "text": fin.text,
        },
        "year": claim.start_year,
        "confidence": claim.confidence,
        "evidence": None
        if ev is None
        else {"text": ev.quote, "start": ev.start, "end": ev.end},
        "extractor": f"{claim.extractor}/{claim.extractor_version}",
    }


__all__ = ["EXTRACTOR_NAME", "EXTRACTOR_VERSION", "claim_to_contract", "extract_claims"]
