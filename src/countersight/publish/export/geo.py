"""Country geometry for GeoJSON exports and the static site: the vendored world-atlas
``countries-110m`` TopoJSON (ISC licence, under ``publish/web/static/vendor/``) decoded to GeoJSON
in Python, so exports need no JavaScript."""

from __future__ import annotations

import functools
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, TypedDict

import pycountry

from countersight.errors import InputError
from countersight.export_records import ExportClaim, ExportDeployment, ExportDocument, ExportRow, rows_of
from countersight.publish.export.base import Exporter, dumps, write_text
from countersight.reference.countries import country_name, resolve_country
from countersight.reference.loader import data_path

MAP_NAME = "countries-110m.json"
WORLD_GEOJSON = ("world", "countries-110m.geojson")


def world_map_path() -> Path:
    """Where the vendored TopoJSON world map is (raises when it is missing)."""
    vendor = Path(str(resources.files("countersight").joinpath("publish", "web", "static", "vendor")))
    found = sorted(vendor.rglob(MAP_NAME)) if vendor.is_dir() else []
    if not found:
        raise InputError(f"the vendored world map {MAP_NAME} is missing", path=str(vendor))
    return found[0]


def _decode_arcs(topology: dict[str, Any]) -> list[list[list[float]]]:  # JSON: a TopoJSON document
    """The topology's arcs as absolute coordinates (delta-decoded and transformed when quantized)."""
    transform = topology.get("transform")
    arcs = []
    for arc in topology["arcs"]:
        if transform:
            (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
            x = y = 0
            points = []
            for dx, dy in arc:
                x += dx
                y += dy
                points.append([round(x * sx + tx, 6), round(y * sy + ty, 6)])
        else:
            points = [[float(p[0]), float(p[1])] for p in arc]
        arcs.append(points)
    return arcs


def _ring(indexes: list[int], arcs: list[list[list[float]]]) -> list[list[float]]:
    """A ring joined from its arcs (a negative index is an arc walked backwards)."""
    ring: list[list[float]] = []
    for i in indexes:
        points = arcs[i] if i >= 0 else arcs[~i][::-1]
        ring.extend(points if not ring else points[1:])  # arcs share their end points
    return ring


def topojson_features(
    topology: dict[str, Any],  # JSON: a TopoJSON document as loaded
    obj: str = "countries",
) -> list[dict[str, Any]]:  # JSON: GeoJSON features
    """GeoJSON features of one TopoJSON object (Polygon and MultiPolygon geometries)."""
    arcs = _decode_arcs(topology)
    features = []
    for geom in topology["objects"][obj]["geometries"]:
        if geom["type"] == "Polygon":
            coords: Any = [_ring(r, arcs) for r in geom["arcs"]]
        elif geom["type"] == "MultiPolygon":
            coords = [[_ring(r, arcs) for r in poly] for poly in geom["arcs"]]
        else:
            continue
        features.append(
            {
                "type": "Feature",
                "id": geom.get("id"),
                "properties": dict(geom.get("properties") or {}),
                "geometry": {"type": geom["type"], "coordinates": coords},
            }
        )
    return features


def world_geometries_path() -> Path:
    """The bundled country geometries: the vendored map decoded, repaired and oriented per RFC 7946
    by :func:`build_world_geometries` (regenerate with ``python -m countersight.publish.export.geo``)."""
    return data_path(*WORLD_GEOJSON)


def _code(feature: dict[str, Any]) -> str | None:  # JSON: a GeoJSON feature
    """The ISO3 code of a map feature: from its numeric id, else from its name."""
    if feature.get("id"):
        found = pycountry.countries.get(numeric=str(feature["id"]).zfill(3))
        if found:
            return str(found.alpha_3)
    return resolve_country(feature["properties"].get("name"))


def build_world_geometries(topology: dict[str, Any]) -> dict[str, Any]:  # JSON: TopoJSON in, GeoJSON out
    """A GeoJSON FeatureCollection (id = ISO3) of the TopoJSON map's countries that shapely finds valid,
    with outer rings counter-clockwise and holes clockwise (RFC 7946, section 3.1.6).

    The 1:110m map draws Russia and Fiji across the antimeridian (a ring jumping from 180 to -180,
    which planar geometry reads as a band around the world): such rings are unwrapped, repaired and
    split at 180° (RFC 7946, section 3.1.9). Self-touching rings (Sudan, Antarctica) and a collapsed
    island (North Korea) are repaired by ``make_valid``, keeping only the polygonal parts. Needs shapely
    (the test extra): it runs when the bundled file is regenerated, never at serve time."""
    import shapely
    from shapely.affinity import translate
    from shapely.geometry import MultiPolygon, Polygon, box, mapping
    from shapely.geometry.polygon import orient

    def unwrapped(polygon: list[list[list[float]]]) -> Polygon:
        """The polygon with a ring crossing the antimeridian moved to one side of it."""
        outer = polygon[0]
        if (
            not any(abs(a[0] - b[0]) > 180 for a, b in zip(outer, outer[1:], strict=False))
            or min(p[1] for p in outer) < -60
        ):  # Antarctica's ring runs along the whole edge on purpose
            return Polygon(outer, polygon[1:])
        east = sum(p[0] for p in outer) / len(outer) > 0
        shift = [
            [[x + 360 if east and x < 0 else x - 360 if not east and x > 0 else x, y] for x, y in ring]
            for ring in polygon
        ]
        return Polygon(shift[0], shift[1:])

    def split_at_antimeridian(geom: Any) -> list[Any]:
        """The geometry cut into its parts within -180..180, each moved back into that range."""
        parts = []
        for offset in (0, 360, -360):
            window = box(-180 + offset, -90, 180 + offset, 90)
            piece = geom.intersection(window)
            if not piece.is_empty:
                parts.append(translate(piece, xoff=-offset))
        return parts

    features = []
    seen: set[str] = set()
    for f in topojson_features(topology):
        code = _code(f)
        if not code or code in seen:
            continue
        seen.add(code)
        rings = f["geometry"]["coordinates"]
        polys = rings if f["geometry"]["type"] == "MultiPolygon" else [rings]
        pieces = []
        for poly in polys:
            geom = unwrapped(poly)
            if not geom.is_valid:
                geom = shapely.make_valid(geom)
            pieces += split_at_antimeridian(geom)
        polygons = [
            g for piece in pieces for g in getattr(piece, "geoms", [piece]) if isinstance(g, (Polygon, MultiPolygon))
        ]
        parts = [p for g in polygons for p in getattr(g, "geoms", [g]) if not p.is_empty]
        fixed = shapely.set_precision(MultiPolygon(parts) if len(parts) > 1 else parts[0], 1e-6)
        parts = [orient(p, sign=1.0) for p in getattr(fixed, "geoms", [fixed])]
        oriented = MultiPolygon(parts) if len(parts) > 1 else parts[0]
        geometry = json.loads(json.dumps(mapping(oriented)))  # tuples to lists
        features.append(
            {"type": "Feature", "id": code, "properties": {"name": f["properties"].get("name")}, "geometry": geometry}
        )
    return {"type": "FeatureCollection", "features": sorted(features, key=lambda f: f["id"])}


@functools.cache
def country_geometries() -> dict[str, dict[str, Any]]:  # JSON: GeoJSON geometry objects
    """GeoJSON geometry per ISO3 (or project territory) code: valid, RFC 7946 ring orientation."""
    path = world_geometries_path()
    if not path.is_file():
        raise InputError("the bundled country geometries are missing", path=str(path))
    with path.open(encoding="utf-8") as fh:
        collection = json.load(fh)
    return {f["id"]: f["geometry"] for f in collection["features"]}


class CountrySummary(TypedDict):
    """A recipient country's properties in the GeoJSON export (lists sorted)."""

    deployments: int
    claims: int
    vendors: list[str]
    technologies: list[str]
    sources: list[str]
    vendor_countries: list[str]


@dataclass
class _Tally:
    """What :func:`country_summaries` counts and collects for one country."""

    deployments: int = 0
    claims: int = 0
    vendors: set[str] = field(default_factory=set)
    technologies: set[str] = field(default_factory=set)
    sources: set[str] = field(default_factory=set)
    vendor_countries: set[str] = field(default_factory=set)


def country_summaries(
    claims: Iterable[ExportClaim], deployments: Iterable[ExportDeployment]
) -> dict[str, CountrySummary]:
    """Per recipient country: deployments, claims, vendors, technologies and sources (sorted)."""
    acc: dict[str, _Tally] = defaultdict(_Tally)
    for d in deployments:
        acc[d.country].deployments += 1
    for c in claims:
        a = acc[c.country]
        a.claims += 1
        for values, value in (
            (a.vendors, c.vendor),
            (a.technologies, c.technology),
            (a.sources, c.source),
            (a.vendor_countries, c.vendor_country),
        ):
            if value:
                values.add(value)
    return {
        code: CountrySummary(
            deployments=a.deployments,
            claims=a.claims,
            vendors=sorted(a.vendors),
            technologies=sorted(a.technologies),
            sources=sorted(a.sources),
            vendor_countries=sorted(a.vendor_countries),
        )
        for code, a in sorted(acc.items())
    }


# Cells of an AIGS row that the index codes per country, kept as coded (see data/README).
AIGS_CODED = ("china_tech", "us_tech", "japan_tech", "bri", "regime", "military_rank", "multiple_vendors")


def aigs_coding(
    documents: Iterable[ExportDocument],
) -> dict[str, dict[str, dict[str, Any]]]:  # JSON: cells as the rows' meta holds them
    """Per country, the AIGS editions' coded cells, e.g. ``{"aigs_2019": {"china_tech": true, ...}}``."""
    out: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)  # JSON: as above
    for d in documents:
        meta = d.meta or {}
        if d.dataset in ("aigs-2019", "aigs-2022") and meta.get("country"):
            cells = {k: meta[k] for k in AIGS_CODED if k in meta}
            out[meta["country"]][d.dataset.replace("-", "_")] = cells
    return out


class GeojsonExporter(Exporter):
    """A FeatureCollection of recipient countries with their index properties and geometry."""

    name = "geojson"
    tables = ("claims", "deployments", "documents")

    def setup(self) -> None:
        """Start with no rows."""
        self.rows: dict[str, list[ExportRow]] = {}

    def feed(self, table: str, rows: Iterable[ExportRow]) -> None:
        """Keep one table's rows for :meth:`finish`."""
        self.rows[table] = list(rows)

    def finish(self) -> list[Path]:
        """Write the FeatureCollection: one feature per recipient country."""
        geoms = country_geometries()
        summaries = country_summaries(
            rows_of(self.rows["claims"], ExportClaim), rows_of(self.rows["deployments"], ExportDeployment)
        )
        coded = aigs_coding(rows_of(self.rows["documents"], ExportDocument))
        features = []
        for code, summary in summaries.items():
            features.append(
                {
                    "type": "Feature",
                    "id": code,
                    "properties": {"iso3": code, "name": country_name(code), **summary, **coded.get(code, {})},
                    "geometry": geoms.get(code),
                }
            )  # null geometry: territory not on the map
        doc = {"type": "FeatureCollection", "countersight": self.context.meta(), "features": features}
        return [write_text(self.context.out, dumps(doc, indent=None) + "\n")]


if __name__ == "__main__":  # regenerate the bundled geometries (needs shapely)
    with world_map_path().open(encoding="utf-8") as fh:
        built = build_world_geometries(json.load(fh))
    world_geometries_path().parent.mkdir(parents=True, exist_ok=True)
    world_geometries_path().write_text(dumps(built, indent=None) + "\n", encoding="utf-8")
