"""The dashboard's words: dataset cells said as sentences ("Facial Recognition System: ticked in
the AIGS 2022 sheet" rather than the raw "x") and the glossary of its codes (regime types,
confidence, unspecified, statuses), both from data files. Shared by the served dashboard and the
static site."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from countersight.reference.loader import load_yaml

# Cell values the coded datasets use for "yes, this country has it" (AIGS 2019: 1, AIGS 2022: x).
TICKED = frozenset({"x", "1", "yes", "y", "true", "✓", "✔"})


@functools.cache
def dataset_labels() -> dict[str, str]:
    """Dataset id -> the short name sentences use (``label`` in ``data/datasets.yaml``)."""
    return {key: str(info["label"]) for key, info in load_yaml("datasets.yaml").items() if info.get("label")}


def cell_sentence(evidence: Mapping[str, Any]) -> str | None:
    """A coded dataset cell as a sentence, or None for evidence quoted from a text (shown as a quote)
    and for datasets without a short label."""
    column, dataset = evidence.get("column"), evidence.get("dataset")
    label = dataset_labels().get(str(dataset or ""))
    if not column or not label:
        return None
    value = " ".join(str(evidence.get("quote") or "").split())
    if value.casefold() in TICKED:
        return f"{column}: ticked in the {label} sheet"
    return f"{column}: {value} (in the {label} sheet)"


@functools.cache
def glossary() -> dict[str, Any]:  # YAML: data/glossary.yaml as loaded (sections of terms)
    """The glossary sections (``data/glossary.yaml``): title, text or source, and terms."""
    return dict(load_yaml("glossary.yaml"))


def term_text(section: str, term: str | None) -> str:
    """The explanation of one code (e.g. regime ``EA``), or "" when the glossary has none."""
    terms = glossary().get(section, {}).get("terms") or {}
    return " ".join(str(terms.get(term, "")).split()) if term else ""
