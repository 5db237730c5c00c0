"""The governance readers (sources/governance.py): V-Dem regimes and World Bank military
expenditure, aggregates skipped, wrong files refused with the reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from countersight.errors import InputError
from countersight.sources.governance import MilitaryRow, RegimeRow, read_military, read_regimes


def test_regimes_skip_aggregates_and_blanks(tmp_path: Path) -> None:
    path = tmp_path / "regimes.csv"
    path.write_bytes(
        "\ufeffEntity,Code,Year,Political regime\n"
        "Kenya,KEN,2019,1\nWorld,OWID_WRL,2019,2\nNowhere,,2019,3\nKenya,KEN,2020,\nNorway,NOR,2020,3.0\n".encode()
    )
    rows = list(read_regimes(path))
    assert rows == [RegimeRow("KEN", 2019, 1), RegimeRow("NOR", 2020, 3)]
    assert [r.label for r in rows] == ["EA", "LD"]


def test_regimes_refuse_a_wrong_file(tmp_path: Path) -> None:
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("Country,Year,Score\nKEN,2019,1\n", encoding="utf-8")
    with pytest.raises(InputError, match="wrong header"):
        list(read_regimes(wrong))
    with pytest.raises(InputError, match="file not found"):
        list(read_regimes(tmp_path / "missing.csv"))
    latin = tmp_path / "latin.csv"
    latin.write_bytes("Entity,Code,Year,Political regime\nCôte,CIV,2019,1\n".encode("latin-1"))
    with pytest.raises(InputError, match="not UTF-8"):
        list(read_regimes(latin))


def test_military_expenditure_of_countries_only(tmp_path: Path) -> None:
    data = tmp_path / "milex.csv"
    data.write_text(
        '"Data Source","World Development Indicators",\n\n"Last Updated Date","2024-01-01",\n\n'
        '"Country Name","Country Code","Indicator Name","Indicator Code","2019","2020",\n'
        '"Kenya","KEN","Military expenditure (% of GDP)","MS.MIL.XPND.GD.ZS","1.2","",\n'
        '"World","WLD","Military expenditure (% of GDP)","MS.MIL.XPND.GD.ZS","2.2","2.4",\n',
        encoding="utf-8",
    )
    metadata = tmp_path / "meta.csv"
    metadata.write_text('"Country Code","Region"\n"KEN","Sub-Saharan Africa"\n"WLD",""\n', encoding="utf-8")
    assert list(read_military(data, metadata)) == [MilitaryRow("KEN", 2019, 1.2)]
    headless = tmp_path / "headless.csv"
    headless.write_text('"Name","Code"\n', encoding="utf-8")
    with pytest.raises(InputError, match="Country Name"):
        list(read_military(headless, metadata))


def test_bundled_tables_read() -> None:
    regimes = list(read_regimes())
    assert regimes and all(len(r.country) == 3 and 0 <= r.regime <= 3 for r in regimes)
    assert any(r.country == "KEN" for r in regimes)
    military = list(read_military())
    assert military and all(not r.country.startswith("OWID") and r.pct_gdp >= 0 for r in military)
