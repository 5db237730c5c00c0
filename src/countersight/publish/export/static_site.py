"""``countersight publish static DIR``: a static copy of the dashboard (map, country and vendor
pages, evidence) with the JSON it needs, viewable from ``file://`` or any static host, no server
and no JavaScript. Every HTML page has a ``.json`` twin; the map is an SVG drawn here from the
vendored world map. Pages are deterministic: publishing the same store twice gives the same bytes."""

from __future__ import annotations

import re
import shutil
from collections import defaultdict
from importlib import resources
from pathlib import Path
from typing import Any

from jinja2 import Environment, select_autoescape

from countersight.errors import InputError
from countersight.publish.export.base import ExportContext, dumps, write_text
from countersight.publish.export.geo import country_geometries, country_summaries
from countersight.publish.export.static_templates import TEMPLATES
from countersight.publish.urls import is_web_url
from countersight.reference.countries import country_name
from countersight.store import Store
from countersight.store.export_queries import Selection, snapshot_id, table_rows

WIDTH, HEIGHT = 960, 480


def slug(name: str) -> str:
    """A file-name-safe slug of a vendor name."""
    return re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-") or "unnamed"


def _unwrap(ring: list[list[float]]) -> list[list[float]]:
    """Rings that cross the antimeridian (Fiji, Chukotka) jump from +180 to -180 and would draw a
    stripe across the map: move their far side next to the near side (the SVG viewBox clips it)."""
    jumps = any(abs(a[0] - b[0]) > 180 for a, b in zip(ring, ring[1:], strict=False))
    if not jumps or min(p[1] for p in ring) < -60:  # Antarctica spans the whole width on purpose
        return ring
    east = sum(p[0] for p in ring) / len(ring) > 0
    return [[lon + 360 if east and lon < 0 else lon - 360 if not east and lon > 0 else lon, lat]
            for lon, lat in ring]


def _ring_path(ring: list[list[float]]) -> str:
    pts = [f"{(lon + 180) * WIDTH / 360:.1f},{(90 - lat) * HEIGHT / 180:.1f}" for lon, lat in _unwrap(ring)]
    return "M" + "L".join(pts) + "Z"


def svg_path(geometry: dict[str, Any]) -> str:
    """SVG path data of a GeoJSON (Multi)Polygon in an equirectangular projection."""
    polys = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    return "".join(_ring_path(ring) for poly in polys for ring in poly)


def _shade(n: int, top: int) -> str:
    if n <= 0:
        return "#e8e8e8"
    # Five steps of one hue, by share of the busiest country.
    steps = ["#fde0c5", "#facba6", "#f8b58b", "#f59e72", "#f2855d"]
    return steps[min(4, (n * 5 - 1) // max(top, 1))]


def build_static_site(store: Store, folder: Path | str, selection: Selection | None = None) -> list[Path]:
    """Write the static site for ``store`` into ``folder``; return the files written."""
    out = Path(folder)
    if out.exists() and not out.is_dir():
        raise InputError("not a folder", path=str(out))
    sel = selection or Selection()
    ctx = ExportContext(store=store, out=out, selection=sel, snapshot=snapshot_id(store))
    meta = ctx.meta()
    claims = list(table_rows(store, "claims", sel))
    deployments = list(table_rows(store, "deployments", sel))
    evidence = list(table_rows(store, "evidence", sel))
    docs = {
        d["id"]: {k: d.get(k) for k in ("id", "title", "url", "publisher", "published", "dataset")}
        for d in table_rows(store, "documents", sel)
    }
    ev_by_claim: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for e in evidence:
        ev_by_claim[e["claim_id"]].append({**e, "document": docs.get(e["document_id"], {})})
    summaries = country_summaries(claims, deployments)
    for code, s in summaries.items():
        s["name"] = country_name(code)
        s["iso3"] = code
    try:
        geoms = country_geometries()
    except InputError:
        geoms = {}  # no vendored map: the index page still lists every country
    top = max((s["claims"] for s in summaries.values()), default=0)
    shapes = [
        {
            "iso3": code,
            "name": country_name(code),
            "d": svg_path(g),
            "fill": _shade(summaries.get(code, {}).get("claims", 0), top),
            "href": f"countries/{code}.html" if code in summaries else None,
            "claims": summaries.get(code, {}).get("claims", 0),
        }
        for code, g in sorted(geoms.items())
    ]
    env = Environment(
        autoescape=select_autoescape(default=True, default_for_string=True), keep_trailing_newline=True
    )
    env.tests["web_url"] = is_web_url
    tpl = {name: env.from_string(text) for name, text in TEMPLATES.items()}
    files: list[Path] = []

    def page(rel: str, template: str, data: dict[str, Any], root: str) -> None:
        body = tpl[template].render(
            **data, meta=meta, root=root, json_name=Path(rel).with_suffix(".json").name
        )
        files.append(write_text(out / rel, body))
        files.append(write_text((out / rel).with_suffix(".json"), dumps({"meta": meta, **data}) + "\n"))

    countries = sorted(summaries.values(), key=lambda s: (-s["claims"], s["name"]))
    vendors: dict[str, dict[str, Any]] = {}
    for c in claims:
        if c.get("vendor"):
            v = vendors.setdefault(
                c["vendor"],
                {
                    "name": c["vendor"],
                    "slug": slug(c["vendor"]),
                    "countries": set(),
                    "claims": 0,
                    "vendor_country": c.get("vendor_country"),
                },
            )
            v["countries"].add(c["country"])
            v["claims"] += 1
    vendor_list = sorted(
        ({**v, "countries": sorted(v["countries"])} for v in vendors.values()),
        key=lambda v: (-len(v["countries"]), v["name"]),
    )
    page(
        "index.html",
        "index",
        {
            "countries": countries,
            "vendors": vendor_list[:50],
            "shapes": shapes,
            "width": WIDTH,
            "height": HEIGHT,
        },
        "",
    )
    page("vendors/index.html", "vendors", {"vendors": vendor_list}, "../")
    by_country: dict[str, list[dict[str, Any]]] = defaultdict(list)
    by_vendor: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for c in claims:
        row = {
            k: c.get(k)
            for k in (
                "id",
                "vendor",
                "vendor_country",
                "technology",
                "status",
                "start_year",
                "end_year",
                "city",
                "agency",
                "source",
                "confidence",
                "fin_lender",
                "fin_amount",
                "fin_currency",
                "fin_text",
                "deployment_id",
                "country",
            )
        }
        row["country_name"] = country_name(c["country"])
        row["evidence"] = ev_by_claim.get(c["id"], [])
        by_country[c["country"]].append(row)
        if c.get("vendor"):
            by_vendor[c["vendor"]].append(row)
    deps_by_country: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for d in deployments:
        deps_by_country[d["country"]].append(d)
    for code, s in summaries.items():
        page(
            f"countries/{code}.html",
            "country",
            {"country": s, "claims": by_country.get(code, []), "deployments": deps_by_country.get(code, [])},
            "../",
        )
    for v in vendor_list:
        page(f"vendors/{v['slug']}.html", "vendor", {"vendor": v, "claims": by_vendor[v["name"]]}, "../")
    files.append(write_text(out / "style.css", TEMPLATES_CSS))
    files.append(write_text(out / "export.json", dumps(meta) + "\n"))
    lic = Path(
        str(
            resources.files("countersight").joinpath(
                "publish", "web", "static", "vendor", "world-atlas", "LICENSE"
            )
        )
    )
    if lic.is_file():
        (out / "vendor").mkdir(parents=True, exist_ok=True)
        shutil.copyfile(lic, out / "vendor" / "world-atlas-LICENSE")
        files.append(out / "vendor" / "world-atlas-LICENSE")
    return files


TEMPLATES_CSS = """body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;max-width:1100px;padding:1em;
color:#222}
a{color:#0b5394}table{border-collapse:collapse;width:100%;margin:1em 0}
th,td{border-bottom:1px solid #ddd;padding:.3em .5em;text-align:left;vertical-align:top}
th{background:#f4f4f4}svg{width:100%;height:auto;background:#f8fbff;border:1px solid #ddd}
svg path{stroke:#fff;stroke-width:.4}svg a path:hover{stroke:#333;stroke-width:1}
blockquote{margin:.3em 0;padding:.2em .6em;border-left:3px solid #f2855d;background:#fafafa}
footer,.meta{color:#666;font-size:.85em}nav a{margin-right:1em}
"""
