"""Static charts for reports, written offline as PNG or SVG (Altair specs rendered by vl-convert):
a world map of the index, supplier-origin bars and a timeline of deployments per year.

Needs the ``charts`` extra (``pip install 'countersight[charts]'``). The map uses the world-atlas
TopoJSON vendored with the web assets (ISO numeric ids; see its LICENSE).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import json
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import pycountry

from countersight.errors import CountersightError, InputError
from countersight.index.compute import IndexRow
from countersight.index.deployments import DeploymentView
from countersight.index.records import MapCell
from countersight.reference.countries import country_name
from countersight.reference.loader import data_path

CHARTS = ("map", "origins", "timeline")
FORMATS = ("png", "svg")


def _altair() -> Any:
    try:
        import altair as alt
        import vl_convert  # noqa: F401 - checked here so that the error names the extra
    except ImportError as exc:
        raise CountersightError("charts need the 'charts' extra: pip install 'countersight[charts]'") from exc
    return alt


@functools.cache
def _world() -> dict[str, Any]:  # JSON: the world-atlas TopoJSON as loaded
    path = data_path("..", "publish", "web", "static", "vendor", "world-atlas", "countries-110m.json")
    with path.resolve().open(encoding="utf-8") as fh:
        topo: dict[str, Any] = json.load(fh)  # JSON: as above
    return topo


# Project codes for territories the map draws without an ISO numeric id (matched by name) or
# as part of an ISO entity (Gaza and the West Bank are drawn as Palestine, 275).
_MAP_KEYS = {"XKX": "Kosovo", "XSL": "Somaliland", "XGZ": "275", "XWB": "275"}


def _map_key(code: str) -> str | None:
    """The world-atlas feature key of a country: its zero-padded ISO numeric id, or a name."""
    if code in _MAP_KEYS:
        return _MAP_KEYS[code]
    found = pycountry.countries.get(alpha_3=code)
    return str(found.numeric) if found is not None else None


def _title(edition: str, as_of: dt.date | None) -> str:
    label = f"AIGS {edition}" if edition != "live" else "countersight live data"
    return label + (f", as of {as_of.isoformat()}" if as_of else "")


def map_cells(rows: Sequence[IndexRow]) -> list[MapCell]:
    """The countries the map colours: those using a technology, by world-atlas key (where two
    codes share a shape, the one with more technologies)."""
    by_key: dict[str, MapCell] = {}
    for r in rows:
        key = _map_key(r.country)
        techs = sum(1 for n in r.technologies.values() if n)
        if key and (techs or r.unspecified):
            prev = by_key.get(key)
            if prev is None or techs > prev.technologies:
                by_key[key] = MapCell(key, techs, r.deployments, r.name)
    return list(by_key.values())


def origin_counts(rows: Sequence[IndexRow], top: int = 12) -> list[tuple[str, int]]:
    """(supplier country, countries it supplied), most first, ``top`` of them."""
    counts: Counter[str] = Counter()
    for r in rows:
        for origin, n in r.supplier_origins.items():
            if n and origin != "unknown":
                counts[origin] += 1
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top]


def timeline_counts(views: Iterable[DeploymentView]) -> list[tuple[int, str, int]]:
    """(year of first evidence, technology or "unspecified", deployments), by year and technology."""
    counts: Counter[tuple[int, str]] = Counter()
    for v in views:
        if v.first_seen:
            counts[(v.first_seen.year, v.technology or "unspecified")] += 1
    return [(y, t, n) for (y, t), n in sorted(counts.items())]


def map_chart(rows: Sequence[IndexRow], title: str) -> Any:
    """Choropleth of technologies in use per country (countries without a row in light grey)."""
    alt = _altair()
    values = [dataclasses.asdict(cell) for cell in map_cells(rows)]
    world = alt.InlineData(values=_world(), format=alt.DataFormat(type="topojson", feature="countries"))
    base = alt.Chart(world).mark_geoshape(fill="#e8e8e8", stroke="white", strokeWidth=0.4)
    layer = (
        alt.Chart(world)
        .mark_geoshape(stroke="white", strokeWidth=0.4)
        .transform_calculate(key="datum.id ? datum.id : datum.properties.name")
        .transform_lookup(
            lookup="key",
            from_=alt.LookupData(alt.InlineData(values=values), "key", ["technologies", "deployments", "name"]),
        )
        .transform_filter("isValid(datum.deployments)")
        .encode(
            color=alt.Color("technologies:O", scale=alt.Scale(scheme="orangered"), title="technologies in use"),
            tooltip=["name:N", "technologies:Q", "deployments:Q"],
        )
    )
    return (base + layer).project("equalEarth").properties(width=860, height=440, title=title)


def origins_chart(rows: Sequence[IndexRow], title: str, top: int = 12) -> Any:
    """Bars: number of countries supplied from each supplier country."""
    alt = _altair()
    values = [{"origin": country_name(k), "code": k, "countries": v} for k, v in origin_counts(rows, top)]
    return (
        alt.Chart(alt.InlineData(values=values))
        .mark_bar(color="#b5442c")
        .encode(
            x=alt.X("countries:Q", title="countries supplied"),
            y=alt.Y("origin:N", sort="-x", title="supplier country"),
            tooltip=["origin:N", "countries:Q"],
        )
        .properties(width=560, height=max(120, 26 * len(values)), title=title)
    )


def timeline_chart(views: Iterable[DeploymentView], title: str) -> Any:
    """Stacked bars: deployments by the year of their first evidence, per technology."""
    alt = _altair()
    values = [{"year": y, "technology": t, "deployments": n} for y, t, n in timeline_counts(views)]
    return (
        alt.Chart(alt.InlineData(values=values))
        .mark_bar()
        .encode(
            x=alt.X("year:O", title="year of first evidence"),
            y=alt.Y("deployments:Q", stack=True),
            color=alt.Color("technology:N"),
            tooltip=["year:O", "technology:N", "deployments:Q"],
        )
        .properties(width=620, height=320, title=title)
    )


def render(chart: Any, out: Path) -> Path:
    """Write a chart as PNG or SVG (by the file suffix), offline."""
    import vl_convert as vlc

    fmt = out.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise InputError(f"unsupported chart format {fmt!r}: use .png or .svg", path=str(out))
    spec = chart.to_json()
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "svg":
        out.write_text(vlc.vegalite_to_svg(spec), encoding="utf-8")
    else:
        out.write_bytes(vlc.vegalite_to_png(spec, scale=2))
    return out


def check_chart(kind: str) -> None:
    """Raise InputError for a chart kind that does not exist."""
    if kind not in CHARTS:
        raise InputError(f"unknown chart {kind!r}; choose from {', '.join(CHARTS)}")


def write_chart(
    kind: str,
    out: Path,
    edition: str,
    as_of: dt.date | None,
    rows: Callable[[], Sequence[IndexRow]],
    views: Callable[[], Iterable[DeploymentView]],
) -> Path:
    """Build one chart (``map``, ``origins`` or ``timeline``) over an edition or the live data
    and write it to ``out`` (.png or .svg). ``rows`` and ``views`` give the index rows and the
    deployment views, called only for the chart that needs them."""
    check_chart(kind)
    title = _title(edition, as_of)
    if kind == "timeline":
        chart = timeline_chart(views(), f"Deployments by year of first evidence: {title}")
    else:
        index_rows = rows()
        chart = (
            map_chart(index_rows, f"AI surveillance technologies in use: {title}")
            if kind == "map"
            else origins_chart(index_rows, f"Supplier countries: {title}")
        )
    return render(chart, out)
