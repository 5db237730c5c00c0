"""The technology taxonomy every claim's technology id belongs to."""

from __future__ import annotations

from countersight.extract import lexicon
from countersight.reference.aigs import TECH_COLUMNS_2019, TECH_COLUMNS_2022
from countersight.reference.technologies import Technology, is_technology, technologies


def test_taxonomy_order_starts_with_the_aigs_columns() -> None:
    ids = list(technologies())
    assert ids[:4] == ["safe_city", "facial_recognition", "smart_policing", "social_media_monitoring"]
    assert "other" in ids and "spyware" in ids


def test_a_technology_has_its_label_and_a_one_line_description() -> None:
    fr = technologies()["facial_recognition"]
    assert isinstance(fr, Technology) and fr.label == "Facial recognition"
    for tech in technologies().values():
        assert tech.description and "\n" not in tech.description and "  " not in tech.description


def test_is_technology() -> None:
    assert is_technology("spyware")
    assert not is_technology("Spyware") and not is_technology("") and not is_technology(None)


def test_every_id_the_extractor_and_the_aigs_columns_use_is_known() -> None:
    terms: dict[str, dict[str, str]] = lexicon.lexicon()["technology_terms"]  # type: ignore[assignment]
    used = {tech for by_term in terms.values() for tech in by_term.values()}
    used |= set(TECH_COLUMNS_2019.values()) | set(TECH_COLUMNS_2022.values())
    assert {t for t in used if not is_technology(t)} == set()
