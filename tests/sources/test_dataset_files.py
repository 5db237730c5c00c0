"""sources/dataset_files.py: locating the bundled datasets, their catalogue entries, and reading CSV and
XLSX sheets with one-line errors for what is missing, mis-encoded, mis-headed or corrupt."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from countersight.errors import InputError
from countersight.sources.dataset_files import (
    bundled,
    cell_text,
    check_header,
    dataset_info,
    publication_date,
    read_csv,
    read_xlsx,
)


def test_bundled_files_and_their_catalogue_entries() -> None:
    info = dataset_info("aigs-2019")
    assert info["licence"] == "CC BY 4.0"
    for name in info["files"]:
        assert bundled(name).is_file()
    assert publication_date("aigs-2019") == dt.date(2019, 9, 1)


def test_read_csv_keeps_the_header_and_drops_blank_rows(tmp_path: Path) -> None:
    path = tmp_path / "sheet.csv"
    path.write_bytes("\ufeffCountry ,Vendor\nKenya,Acme\n,\n\nChile,\n".encode())
    header, rows = read_csv(path, ["Country"])
    assert header == ["Country", "Vendor"]
    assert rows == [["Kenya", "Acme"], ["Chile", ""]]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "file not found"),
        (b"", "empty file"),
        (b"Country\n\xff\xfe\n", "not UTF-8 text"),
        (b"Land,Vendor\nKenya,Acme\n", "missing column(s) 'Country'"),
    ],
)
def test_read_csv_errors_are_one_line(tmp_path: Path, content: bytes | None, message: str) -> None:
    path = tmp_path / "sheet.csv"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(InputError) as err:
        read_csv(path, ["Country"])
    assert message in str(err.value)
    assert "\n" not in str(err.value)


def test_check_header_names_every_missing_column(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="'Vendor', 'Year'"):
        check_header(tmp_path / "x.csv", ["Country"], ["Country", "Vendor", "Year"])
    check_header(tmp_path / "x.csv", ["Country", "Vendor"], ["Vendor"])


def test_read_xlsx_reads_every_sheet_and_refuses_a_corrupt_one(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.title = "Index"
    book.active.append(["Country", "Score"])
    book.active.append(["Kenya", 3.0])
    book.create_sheet("Notes").append(["a note"])
    path = tmp_path / "book.xlsx"
    book.save(path)
    sheets = read_xlsx(path)
    assert list(sheets) == ["Index", "Notes"]
    assert [[cell_text(c) for c in row] for row in sheets["Index"]] == [["Country", "Score"], ["Kenya", "3"]]
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(InputError, match="not a readable .xlsx workbook"):
        read_xlsx(broken)
    with pytest.raises(InputError, match="file not found"):
        read_xlsx(tmp_path / "absent.xlsx")


def test_cell_text() -> None:
    assert cell_text(None) == ""
    assert cell_text(4.0) == "4"
    assert cell_text(4.5) == "4.5"
    assert cell_text("  x ") == "x"
