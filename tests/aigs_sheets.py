"""The bundled AIGS sheets read as plain CSV, to hold the index against them cell by cell."""

from __future__ import annotations

import csv

from countersight.reference.countries import resolve_country
from countersight.sources.aigs import _repair_regime_damage, bundled

SHEET_2022 = {
    "Safe City System": "safe_city",
    "Facial Recognition System": "facial_recognition",
    "Smart Policing": "smart_policing",
    "Social Media Surveillance": "social_media_monitoring",
}
TABLE_2019 = {
    "Smart City/Safe City": "safe_city",
    "Facial Recognition": "facial_recognition",
    "Smart Policing": "smart_policing",
}


def sheet_rows(name: str) -> list[dict[str, str]]:
    """Rows of a bundled AIGS CSV with the country resolved (after the documented name repair)."""
    with bundled(f"aigs/{name}").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for r in rows:
        code = resolve_country(r["Country"]) or resolve_country(_repair_regime_damage(r["Country"]))
        assert code, r["Country"]
        r["code"] = code
    return rows


def ticked(cell: str) -> int:
    return 1 if cell.strip().lower() in ("x", "1") else 0
