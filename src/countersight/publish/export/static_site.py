"""``countersight publish static DIR``: a static copy of the dashboard, rendered by the dashboard's
own templates and view functions (map, country, vendor, deployment, financing, glossary and
sources pages), viewable from ``file://`` or any static host, with no server and no JavaScript.

The templates link to the server's routes (``/country/KEN``); :func:`relink` turns each into a
relative file path (``countries/KEN.html``), or into plain text where the static copy has no page
(search, review, document texts). Every HTML page has a ``.json`` twin holding the data it shows;
the map is an SVG drawn here from the bundled country geometries. File names are ids, unique by
construction (a vendor called "Index" cannot overwrite ``vendors/index.html``). Pages are
deterministic: publishing the same store twice gives the same bytes."""

from __future__ import annotations

import functools
import html
import re
import shutil
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from countersight.errors import InputError
from countersight.publish.api import finance_views, views
from countersight.publish.export.base import ExportContext, ExportMeta, dumps, write_text
from countersight.publish.export.geo import country_geometries
from countersight.publish.web import pages, words
from countersight.reference.countries import country_name
from countersight.reference.vendors import org_id
from countersight.review import rejected_vendors
from countersight.store import Store
from countersight.store import api_queries as aq
from countersight.store.export_queries import Selection, snapshot_id

WIDTH, HEIGHT = 960, 480


def _unwrap(ring: list[list[float]]) -> list[list[float]]:
    """Rings that cross the antimeridian (Fiji, Chukotka) jump from +180 to -180 and would draw a
    stripe across the map: move their far side next to the near side (the SVG viewBox clips it)."""
    jumps = any(abs(a[0] - b[0]) > 180 for a, b in zip(ring, ring[1:], strict=False))
    if not jumps or min(p[1] for p in ring) < -60:  # Antarctica spans the whole width on purpose
        return ring
    east = sum(p[0] for p in ring) / len(ring) > 0
    return [[lon + 360 if east and lon < 0 else lon - 360 if not east and lon > 0 else lon, lat] for lon, lat in ring]


def _ring_path(ring: list[list[float]]) -> str:
    """SVG path data of one ring."""
    pts = [f"{(lon + 180) * WIDTH / 360:.1f},{(90 - lat) * HEIGHT / 180:.1f}" for lon, lat in _unwrap(ring)]
    return "M" + "L".join(pts) + "Z"


def svg_path(geometry: dict[str, Any]) -> str:  # JSON: a GeoJSON geometry
    """SVG path data of a GeoJSON (Multi)Polygon in an equirectangular projection."""
    polys = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    return "".join(_ring_path(ring) for poly in polys for ring in poly)


def _shade(n: int, top: int) -> str:
    """The fill of a country with ``n`` deployments when the busiest has ``top``."""
    if n <= 0:
        return "#e8e8e8"
    # Five steps of one hue, by share of the busiest country.
    steps = ["#fde0c5", "#facba6", "#f8b58b", "#f59e72", "#f2855d"]
    return steps[min(4, (n * 5 - 1) // max(top, 1))]


@dataclass(frozen=True)
class MapShape:
    """One country on the drawn map: its outline, fill and page (None: no page)."""

    iso3: str
    name: str
    d: str
    fill: str
    href: str | None


@dataclass(frozen=True)
class DrawnMap:
    """The world as SVG paths, for the templates' ``drawn_map`` macro."""

    width: int
    height: int
    shapes: tuple[MapShape, ...]


@functools.cache
def _country_paths() -> tuple[tuple[str, str], ...]:
    """Each country's SVG path data, by code: the same on every map a site draws (one per
    vendor), so projected once per process."""
    return tuple((code, svg_path(g)) for code, g in sorted(country_geometries().items()))


def drawn_map(counts: Mapping[str, int], linked: Iterable[str]) -> DrawnMap:
    """The world as SVG paths for the templates' ``drawn_map`` macro: shaded by ``counts``, the
    ``linked`` countries linking to their page."""
    try:
        paths = _country_paths()
    except InputError:
        paths = ()  # no bundled map: the tables still list every country
    top = max(counts.values(), default=0)
    links = set(linked)
    shapes = tuple(
        MapShape(
            iso3=code,
            name=country_name(code),
            d=d,
            fill=_shade(counts.get(code, 0), top),
            href=f"/country/{code}" if code in links else None,
        )
        for code, d in paths
    )
    return DrawnMap(WIDTH, HEIGHT, shapes)


_ANCHOR = re.compile(r'<a\s([^>]*?)href="(/[^"]*)"([^>]*)>(.*?)</a>', re.S)
_ROOTED = re.compile(r'\b(href|src|action)="(/[^"]*)"')


@dataclass
class SitePages:
    """Which of the server's routes the static copy has a file for."""

    countries: set[str] = field(default_factory=set)
    # route id -> page id: a vendor's page answers to its stored id and to the id templates derive
    # from its name (``vendor_href``), which differ for organizations stored under another id.
    vendors: dict[str, str] = field(default_factory=dict)
    deployments: set[str] = field(default_factory=set)

    def file_for(self, route: str) -> str | None:
        """The site-relative file of a server route (``/country/KEN?year=2019`` -> ``countries/KEN.html``),
        None when the static copy has no such page."""
        parts = urlsplit(route)
        path, fragment = unquote(parts.path), (f"#{parts.fragment}" if parts.fragment else "")
        fixed = {
            "/": "index.html",
            "/vendors": "vendors/index.html",
            "/glossary": "glossary.html",
            "/about": "about.html",
            "/financing": "financing.html",
            "/static/css/site.css": "static/css/site.css",
        }
        if path in fixed:
            return fixed[path] + fragment
        kind, _, ident = path.strip("/").partition("/")
        if kind == "vendor" and ident in self.vendors:
            return f"vendors/{self.vendors[ident]}.html{fragment}"
        folder, known = {"country": ("countries", self.countries), "deployment": ("deployments", self.deployments)}.get(
            kind, ("", set())
        )
        if ident in known:
            return f"{folder}/{ident}.html{fragment}"
        return None


def relink(page_html: str, root: str, file_for: Callable[[str], str | None]) -> str:
    """Rewrite a rendered dashboard page for ``file://``: links to routes the site has become
    relative (``root`` climbs to the site's top), links to routes it lacks become plain text."""

    def anchor(m: re.Match[str]) -> str:
        """A link to a route: relative when the site has its page, plain text when not."""
        target = file_for(html.unescape(m[2]))
        if target is None:
            return f"<span>{m[4]}</span>"
        return f'<a {m[1]}href="{html.escape(root + target)}"{m[3]}>{m[4]}</a>'

    def rooted(m: re.Match[str]) -> str:
        """A rooted href, src or action made relative (the site must have its file)."""
        target = file_for(html.unescape(m[2]))
        if target is None:  # the templates' static-site mode emits no forms or scripts: a bug
            raise InputError(f"the static site has no file for {m[2]!r}")
        return f'{m[1]}="{html.escape(root + target)}"'

    return _ROOTED.sub(rooted, _ANCHOR.sub(anchor, page_html))


class _Writer:
    """Renders dashboard templates into files, each with its JSON twin."""

    def __init__(self, out: Path, meta: ExportMeta, site: SitePages):
        """Write under ``out``, every page recording ``meta``."""
        self.out, self.meta, self.site = out, meta, site
        self.files: list[Path] = []

    def page(self, rel: str, template: str, data: dict[str, Any], **extra: Any) -> None:  # JSON: the twin's data
        """Render ``template`` with ``data`` (and ``extra``) to ``rel``, and ``data`` to its JSON twin."""
        root = "../" * rel.count("/")
        twin = Path(rel).with_suffix(".json")
        body = pages.render_html(template, twin.name, static_site=True, meta=self.meta, **data, **extra)
        self.files.append(write_text(self.out / rel, relink(body, root, self.site.file_for)))
        self.files.append(write_text(self.out / twin, dumps({"meta": self.meta, **data}) + "\n"))


def build_static_site(store: Store, folder: Path | str) -> list[Path]:
    """Write the static site for ``store`` into ``folder``; return the files written."""
    out = Path(folder)
    if out.exists() and not out.is_dir():
        raise InputError("not a folder", path=str(out))
    meta = ExportContext(store=store, out=out, selection=Selection(), snapshot=snapshot_id(store)).meta()
    rows = views.index_rows(store, None, "live")
    counts = aq.vendor_deployment_counts(store)
    site = SitePages(countries={r["country"] for r in rows})
    countries = {
        code: pages.country_context(store, code, None, "live", lambda: rows) for code in sorted(site.countries)
    }
    vendor_list = pages.vendors_context(store, None, counts)
    for v in vendor_list["vendors"]:
        site.vendors[v["id"]] = site.vendors[org_id("vendor", v["name"])] = v["id"]
    vendors = {vid: pages.vendor_context(store, vid, counts) for vid in sorted(set(site.vendors.values()))}
    site.deployments = {d["id"] for c in countries.values() for d in c["c"]["deployments"]} | {
        d["id"] for v in vendors.values() for d in v["v"]["deployments"]
    }
    w = _Writer(out, meta, site)

    by_name = sorted(rows, key=lambda r: (r["name"], r["country"]))
    w.page(
        "index.html",
        "map.html",
        {"rows": by_name},
        drawn=drawn_map({r["country"]: r["deployments"] for r in rows}, site.countries),
        edition="live",
        coloured=sum(1 for r in rows if r["deployments"]),
        year=None,
    )
    w.page("vendors/index.html", "vendors.html", vendor_list)
    for code, context in countries.items():
        w.page(f"countries/{code}.html", "country.html", context, edition="live", year=None)
    for vid, context in vendors.items():
        served = {c["country"]: c["deployments"] for c in context["v"]["countries"]}
        w.page(f"vendors/{vid}.html", "vendor.html", {"v": context["v"]}, drawn=drawn_map(served, served))
    rejected = rejected_vendors(store)  # one snapshot: read once, not once per deployment
    for dep_id in sorted(site.deployments):
        w.page(
            f"deployments/{dep_id}.html",
            "deployment.html",
            {"d": views.deployment_detail(store, dep_id, rejected=rejected)},
            statuses=pages.STATUSES,
        )
    w.page("financing.html", "financing.html", {"f": finance_views.financing_overview(store, None)}, year=None)
    w.page("glossary.html", "glossary.html", {"glossary": words.glossary()})
    w.page("about.html", "about.html", {})
    static = Path(str(resources.files("countersight").joinpath("publish", "web", "static")))
    w.files.append(write_text(out / "static" / "css" / "site.css", (static / "css" / "site.css").read_text("utf-8")))
    w.files.append(write_text(out / "export.json", dumps(meta) + "\n"))
    lic = static / "vendor" / "world-atlas" / "LICENSE"
    if lic.is_file():
        (out / "vendor").mkdir(parents=True, exist_ok=True)
        shutil.copyfile(lic, out / "vendor" / "world-atlas-LICENSE")
        w.files.append(out / "vendor" / "world-atlas-LICENSE")
    return w.files
