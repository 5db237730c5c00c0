"""The bundled dataset files: where they lie, what the catalogue says of them, and reading their CSV
and XLSX sheets with one-line errors for a missing file, bad encoding, a wrong header or a corrupt
workbook. Shared by the AIGS, governance and AidData readers."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from countersight.errors import InputError
from countersight.model import Claim, Document
from countersight.reference.loader import data_path, load_yaml


@dataclass
class DatasetBatch:
    """What a dataset reader produced: documents, claims and a report of what it did."""

    dataset: str
    path: str
    documents: list[Document] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    repairs: list[str] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)
    disagreements: list[str] = field(default_factory=list)
    rows: int = 0


def dataset_info(name: str) -> dict[str, Any]:  # YAML: an entry of data/datasets.yaml as loaded
    """Citation, licence, publication date and published figures of a dataset."""
    info: dict[str, Any] = load_yaml("datasets.yaml")[name]  # YAML: as loaded
    return info


def bundled(name: str) -> Path:
    """Path of a bundled data file (``aigs/...``, ``governance/...``)."""
    return data_path("bundled", *name.split("/"))


def read_csv(path: Path, required: Sequence[str], delimiter: str = ",") -> tuple[list[str], list[list[str]]]:
    """The header and the non-blank rows of a UTF-8 CSV file that must have the ``required`` columns."""
    if not path.exists():
        raise InputError("file not found", path=str(path))
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", path=str(path)) from exc
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    if not rows:
        raise InputError("empty file", path=str(path))
    header = [h.strip() for h in rows[0]]
    check_header(path, header, required)
    return header, [r for r in rows[1:] if any(c.strip() for c in r)]


def check_header(path: Path, header: Sequence[str], required: Sequence[str]) -> None:
    """A one-line error naming the missing columns, at row 1."""
    missing = [c for c in required if c not in header]
    if missing:
        raise InputError(
            f"wrong header: missing column(s) {', '.join(map(repr, missing))}", path=str(path), position="row 1"
        )


def read_xlsx(path: Path) -> dict[str, list[list[Any]]]:
    """Every sheet of a workbook as rows of cell values (``Any``: openpyxl gives str, int, float, dates or None)."""
    import openpyxl  # imported here: only the 2022 workbook needs it

    if not path.exists():
        raise InputError("file not found", path=str(path))
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise InputError(f"not a readable .xlsx workbook ({exc.__class__.__name__}: {exc})", path=str(path)) from exc
    try:
        return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise InputError(f"corrupt .xlsx workbook ({exc.__class__.__name__}: {exc})", path=str(path)) from exc
    finally:
        wb.close()


def cell_text(value: Any) -> str:
    """A spreadsheet cell as trimmed text (``3.0`` as ``3``, empty as ``""``)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def publication_date(name: str) -> dt.date:
    """The publication date of a bundled dataset (its ``as of`` in the index)."""
    value = dataset_info(name)["published"]
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
