"""Classifying an AidData project by its title and description, and normalising its flow type,
status, amounts and agencies, with the rules in ``data/aiddata.yaml``. Pure functions."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NotRequired, TypedDict

from countersight.extract.lexicon import TECH, find_mentions
from countersight.reference.loader import load_yaml

SURVEILLANCE, POLICING, GOV_ICT = 1, 2, 3
TIER_NAMES = {SURVEILLANCE: "1_surveillance_core", POLICING: "2_policing_adjacent", GOV_ICT: "3_gov_ict_adjacent"}


class FlowTypeRule(TypedDict):
    """One rule mapping an AidData flow type to an instrument (the first that holds wins)."""

    flow_type: str
    instrument: str
    concessional: NotRequired[bool | None]
    text: NotRequired[str]


class AidDataRules(TypedDict):
    """The shape of ``data/aiddata.yaml`` (see its comments for what each part means)."""

    instruments: list[str]
    flow_types: list[FlowTypeRule]
    concessional_values: dict[str, bool | None]
    concessional_by_flow_class: dict[str, bool]
    statuses: dict[str, str]
    currency_words: dict[str, str]
    scale_words: dict[str, int]
    core_terms: dict[str, str]
    weak_terms: list[str]
    police_terms: list[str]
    govict_terms: list[str]
    technology_priority: list[str]
    generic_agency_patterns: list[str]
    operating_agency_patterns: list[str]


@functools.cache
def rules() -> AidDataRules:
    """The parsed ``data/aiddata.yaml``."""
    data: AidDataRules = load_yaml("aiddata.yaml")
    return data


def _pattern(terms: Iterable[str]) -> re.Pattern[str]:
    words = sorted((str(t) for t in terms), key=len, reverse=True)
    return re.compile(r"(?<!\w)(" + "|".join(re.escape(w) for w in words) + r")(?!\w)", re.IGNORECASE)


@functools.cache
def _patterns() -> dict[str, re.Pattern[str]]:
    r = rules()
    return {
        "core": _pattern(r["core_terms"]),
        "police": _pattern(r["police_terms"]),
        "govict": _pattern(r["govict_terms"]),
    }


@dataclass(frozen=True)
class Classification:
    """A row's tier, its technologies (priority order) and the terms that decided it."""

    tier: int | None
    technologies: tuple[str, ...]
    terms: tuple[str, ...]

    @property
    def technology(self) -> str | None:
        """The claim's technology: the first by priority."""
        return self.technologies[0] if self.technologies else None


def technology_terms(text: str, weak: bool = True) -> list[tuple[str, str]]:
    """(term as written, technology id) for every technology-lexicon and core term in ``text``."""
    weak_terms = {str(w).casefold() for w in rules()["weak_terms"]}
    found = [
        (m.surface, m.value)
        for m in find_mentions(text)
        if m.kind == TECH and (weak or m.surface.casefold() not in weak_terms)
    ]
    core = {str(k).casefold(): v for k, v in rules()["core_terms"].items()}
    found += [(m.group(0), core[m.group(0).casefold()]) for m in _patterns()["core"].finditer(text)]
    return found


def classify(title: str, description: str = "") -> Classification:
    """Tier of a project (see ``data/aiddata.yaml``): 1 when its title names a surveillance
    technology, else 2 for policing and 3 for government ICT terms anywhere, else None."""
    priority = {t: i for i, t in enumerate(rules()["technology_priority"])}
    in_title = technology_terms(title, weak=False)
    if in_title:
        techs = {tech for _, tech in in_title + technology_terms(description)}
        ordered = tuple(sorted(techs, key=lambda t: priority.get(t, len(priority))))
        return Classification(SURVEILLANCE, ordered, tuple(dict.fromkeys(w.casefold() for w, _ in in_title)))
    text = f"{title}\n{description}"
    for tier, key in ((POLICING, "police"), (GOV_ICT, "govict")):
        hits = [m.group(0).casefold() for m in _patterns()[key].finditer(text)]
        if hits:
            return Classification(tier, (), tuple(dict.fromkeys(hits)))
    return Classification(None, (), ())


def coded_tier(cell: str) -> int | None:
    """The tier number of a subset file's ``surveillance_tier`` cell ("1_surveillance_core" -> 1)."""
    m = re.match(r"\s*(\d)", cell or "")
    return int(m.group(1)) if m else None


def concessional(cell: str | None, flow_class: str | None) -> bool | None:
    """The Concessional cell as a boolean (None when vague or unknown); rows without the cell
    fall back on the flow class (ODA-like commitments are concessional by definition)."""
    r = rules()
    if cell is not None and cell.strip():
        coded = r["concessional_values"].get(cell.strip().casefold())
        return None if coded is None else bool(coded)
    value = r["concessional_by_flow_class"].get((flow_class or "").strip())
    return None if value is None else bool(value)


def instrument(flow_type: str, is_concessional: bool | None, title: str) -> str:
    """The instrument vocabulary word for an AidData flow type (first matching rule)."""
    for rule in rules()["flow_types"]:
        if str(rule["flow_type"]).casefold() != flow_type.strip().casefold():
            continue
        if "concessional" in rule and rule["concessional"] != is_concessional:
            continue
        if "text" in rule and str(rule["text"]).casefold() not in title.casefold():
            continue
        return str(rule["instrument"])
    return "other"


def claim_status(stage: str) -> str | None:
    """The claim status for an AidData status cell, or None when the stage is unknown."""
    value = rules()["statuses"].get(stage.strip())
    return str(value) if value else None


_AMOUNT = re.compile(
    r"(?P<cur>RMB|CNY|US\$|USD|NZD|EUR|€|\$)\s?(?P<num>\d[\d,]*(?:\.\d+)?)\s*(?P<scale>thousand|million|billion)?"
    r"(?!\w)",
    re.IGNORECASE,
)


def amount_in_title(title: str) -> tuple[float, str, str] | None:
    """(amount, ISO currency, the words) of the first amount a title states, e.g. "RMB 850 million"."""
    m = _AMOUNT.search(title)
    if not m:
        return None
    words = {str(k).casefold(): v for k, v in rules()["currency_words"].items()}
    currency = words.get(m.group("cur").casefold())
    if currency is None:
        return None
    scale = rules()["scale_words"].get((m.group("scale") or "").casefold(), 1)
    return round(float(m.group("num").replace(",", "")) * scale, 2), str(currency), m.group(0)


def operating_agency(receiving: list[str], implementing: list[str], exclude: set[str]) -> str | None:
    """The recipient body that runs the system (see ``data/aiddata.yaml``): the receiving agency
    unless generic (the government, a finance ministry), else an implementing agency that looks
    like an operating body; ``exclude`` holds names known to be vendors or financiers."""
    r = rules()
    generic = [re.compile(p, re.IGNORECASE) for p in r["generic_agency_patterns"]]
    operating = [re.compile(p, re.IGNORECASE) for p in r["operating_agency_patterns"]]

    def is_generic(name: str) -> bool:
        return any(p.search(name) for p in generic)

    for name in receiving:
        if name and name not in exclude and not is_generic(name):
            return name
    for name in implementing:
        if name and name not in exclude and not is_generic(name) and any(p.search(name) for p in operating):
            return name
    return None
