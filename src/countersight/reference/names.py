"""Names as the reference data compares them: one accent stripper for the vendor registry, the
country table, the extractor's gazetteer and resolution's free-text keys."""

from __future__ import annotations

import unicodedata


def without_accents(text: str) -> str:
    """The text without its combining marks ("Goiás" -> "Goias"); letters with no decomposition
    ("Ł", "Đ") stay as they are."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
