"""Reproduce the headline chart of Carnegie's "The Global Expansion of AI Surveillance" (2019):
how many countries use each AI surveillance technique, and how many get the technology from
Chinese and from US companies, computed from a countersight store through the Python API.

    python docs/examples/carnegie_2019_figure.py [DATABASE_URL] [OUT_DIR]

Without a database URL it builds a temporary store from the AIGS 2019 table bundled with
countersight. It writes ``carnegie_2019_figure.csv`` and ``carnegie_2019_figure.svg`` (a bar
chart drawn without any plotting library) and prints the table with the published numbers.
Source: Feldstein (2019), AI Global Surveillance Index, Carnegie Endowment; CC BY 4.0.
"""

from __future__ import annotations

import sys
import tempfile
from html import escape
from pathlib import Path

import pandas as pd

import countersight as cs

# What the report printed (Key findings, Sept 2019), to compare against.
PUBLISHED = {
    "Smart city / safe city": 56,
    "Facial recognition": 64,
    "Smart policing": 52,
    "Chinese technology": 63,
    "US technology": 32,
}
TECHNIQUES = {
    "safe_city": "Smart city / safe city",
    "facial_recognition": "Facial recognition",
    "smart_policing": "Smart policing",
}


def figure_table(db: cs.Countersight) -> pd.DataFrame:
    """Countries per technique (from the claims) and per supplier origin (as Carnegie coded it)."""
    claims = db.claims(source="aigs-2019").to_dataframe()
    techniques = (
        claims.dropna(subset=["technology"])
        .groupby("technology")["country"]
        .nunique()
        .rename(index=TECHNIQUES)
        .reindex(list(TECHNIQUES.values()))
    )
    rows = pd.DataFrame([d["meta"] for d in db.documents(source="aigs-2019")])
    origin = pd.Series(
        {"Chinese technology": int(rows["china_tech"].sum()), "US technology": int(rows["us_tech"].sum())}
    )
    table = pd.concat([techniques, origin]).rename("countries").to_frame()
    table["published"] = pd.Series(PUBLISHED)
    table.index.name = "measure"
    return table


def bar_chart_svg(table: pd.DataFrame, total: int) -> str:
    """A horizontal bar chart (SVG) of countries per measure, out of ``total`` countries."""
    width, bar_h, left = 640, 28, 190
    height = 50 + bar_h * len(table) + 30
    scale = (width - left - 60) / max(total, 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'font-family="sans-serif" font-size="13">',
        f'<text x="10" y="22" font-size="15" font-weight="bold">AI surveillance in {total} countries '
        "(Carnegie AIGS 2019)</text>",
    ]
    for i, (label, row) in enumerate(table.iterrows()):
        y = 40 + i * bar_h
        w = row["countries"] * scale
        colour = "#c0392b" if "Chinese" in str(label) else "#2c6fbb" if "US" in str(label) else "#7f8c8d"
        parts.append(f'<text x="{left - 8}" y="{y + 18}" text-anchor="end">{escape(str(label))}</text>')
        parts.append(f'<rect x="{left}" y="{y + 4}" width="{w:.1f}" height="{bar_h - 8}" fill="{colour}"/>')
        parts.append(f'<text x="{left + w + 6:.1f}" y="{y + 18}">{int(row["countries"])}</text>')
    parts.append(
        f'<text x="10" y="{height - 10}" font-size="11" fill="#555">Source: Feldstein (2019), '
        "AI Global Surveillance Index, CC BY 4.0; computed with countersight</text></svg>"
    )
    return "\n".join(parts) + "\n"


def main(url: str | None = None, out_dir: Path | str = ".") -> pd.DataFrame:
    """Build (or open) the store, compute the table, write the CSV and the SVG; return the table."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        if url is None:
            from countersight.datasets import import_aigs
            from countersight.store import open_store

            url = f"sqlite:///{Path(tmp) / 'aigs.db'}"
            store = open_store(url)  # cs.open only reads an existing store; building one is a write
            import_aigs(store, "2019")
            store.close()
        with cs.open(url) as db:
            table = figure_table(db)
            total = int(db.claims(source="aigs-2019").to_dataframe()["country"].nunique())
    table.to_csv(out / "carnegie_2019_figure.csv", lineterminator="\n")
    (out / "carnegie_2019_figure.svg").write_text(bar_chart_svg(table, total), encoding="utf-8")
    return table


if __name__ == "__main__":
    args = sys.argv[1:]
    result = main(args[0] if args and args[0] else None, args[1] if len(args) > 1 else ".")
    print(result.to_string())
