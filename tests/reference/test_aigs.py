"""The AIGS workbooks' technology columns per edition."""

from __future__ import annotations

from countersight.reference.aigs import TECH_COLUMNS_2019, TECH_COLUMNS_2022
from countersight.reference.technologies import is_technology


def test_renamed_columns_map_to_the_same_technology_across_editions() -> None:
    assert TECH_COLUMNS_2019["Smart City/Safe City"] == TECH_COLUMNS_2022["Safe City System"] == "safe_city"
    assert TECH_COLUMNS_2019["Facial Recognition"] == TECH_COLUMNS_2022["Facial Recognition System"]


def test_the_2022_edition_adds_social_media_surveillance() -> None:
    assert set(TECH_COLUMNS_2022.values()) - set(TECH_COLUMNS_2019.values()) == {"social_media_monitoring"}
    assert all(is_technology(t) for t in (*TECH_COLUMNS_2019.values(), *TECH_COLUMNS_2022.values()))
