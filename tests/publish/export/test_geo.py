"""publish/export/geo: country geometries per RFC 7946 (outer rings counter-clockwise, holes
clockwise) and valid for shapely, in the bundled file, the GeoJSON export and the API's map; the
TopoJSON decoder; the per-country properties the GeoJSON export carries."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from countersight.export_records import ExportClaim, ExportDeployment, ExportDocument
from countersight.publish.api.app import create_app
from countersight.publish.export import export
from countersight.publish.export.base import dumps
from countersight.publish.export.geo import (
    aigs_coding,
    build_world_geometries,
    country_geometries,
    country_summaries,
    topojson_features,
    world_geometries_path,
    world_map_path,
)
from countersight.store import Store, open_store
from export_fixture import fill

shapely = pytest.importorskip("shapely")
from shapely.geometry import shape  # noqa: E402 - after the importorskip


def _problems(geometry: dict[str, Any]) -> list[str]:
    """What is wrong with one geometry: shapely's validity and RFC 7946 ring orientation."""
    geom = shape(geometry)
    found = [] if geom.is_valid else [f"invalid: {shapely.validation.explain_validity(geom)}"]
    for polygon in getattr(geom, "geoms", [geom]):
        if not polygon.exterior.is_ccw:
            found.append("clockwise outer ring")
        found += ["counter-clockwise hole" for hole in polygon.interiors if hole.is_ccw]
    return found


def test_bundled_geometries_are_valid_and_counter_clockwise() -> None:
    geoms = country_geometries()
    assert len(geoms) == 176
    assert {code: p for code, g in geoms.items() if (p := _problems(g))} == {}
    # the two the issue named, and the shapes with holes (lakes, enclaves) keep them clockwise
    assert shape(geoms["PRK"]).area > 10 and shape(geoms["RUS"]).area > 2000
    # split at the antimeridian (RFC 7946 3.1.9), not a band around the world: only Antarctica is that wide
    wide = {
        code
        for code, g in geoms.items()
        for p in getattr(shape(g), "geoms", [shape(g)])
        if p.bounds[2] - p.bounds[0] > 180
    }
    assert wide == {"ATA"}
    assert shape(geoms["RUS"]).bounds[2] == 180 and shape(geoms["FJI"]).bounds[0] == -180
    assert any(h for g in geoms.values() for p in getattr(shape(g), "geoms", [shape(g)]) for h in p.interiors)


def test_bundled_geometries_are_what_the_build_gives() -> None:
    """The bundled file is reproducible from the vendored TopoJSON (regenerate with
    ``python -m countersight.publish.export.geo`` after updating the map)."""
    topology = json.loads(world_map_path().read_text(encoding="utf-8"))
    assert dumps(build_world_geometries(topology), indent=None) + "\n" == world_geometries_path().read_text("utf-8")


def test_a_clockwise_invalid_ring_is_repaired() -> None:
    # a bow-tie (self-intersecting) ring, clockwise, of a country with an ISO numeric id (404 = Kenya)
    topo = {
        "type": "Topology",
        "arcs": [[[0.0, 0.0], [0.0, 2.0], [2.0, 0.0], [2.0, 2.0], [0.0, 0.0]]],
        "objects": {
            "countries": {"type": "GeometryCollection", "geometries": [{"type": "Polygon", "arcs": [[0]], "id": "404"}]}
        },
    }
    (feature,) = build_world_geometries(topo)["features"]
    assert feature["id"] == "KEN" and _problems(feature["geometry"]) == []
    assert shape(feature["geometry"]).area == pytest.approx(2.0)


@pytest.fixture
def filled(tmp_path: Path) -> Store:
    s = open_store(f"sqlite:///{tmp_path / 'geo.db'}")
    fill(s)
    return s


def test_geojson_export_and_api_map_have_zero_invalid_geometries(filled: Store, tmp_path: Path) -> None:
    export(filled, "geojson", tmp_path / "map.geojson")
    collection = json.loads((tmp_path / "map.geojson").read_text(encoding="utf-8"))
    shapes = [f["geometry"] for f in collection["features"] if f["geometry"]]
    assert len(shapes) == 2 and [p for g in shapes for p in _problems(g)] == []
    with TestClient(create_app(filled, dashboard=False)) as client:
        response = client.get("/api/export/deployments.geojson")
        assert response.status_code == 200
        served = [f["geometry"] for f in response.json()["features"] if f["geometry"]]
    assert served and [p for g in served for p in _problems(g)] == []


def test_geojson_has_geometry_and_properties(filled: Store, tmp_path: Path) -> None:
    export(filled, "geojson", tmp_path / "c.geojson")
    doc = json.loads((tmp_path / "c.geojson").read_text())
    assert doc["type"] == "FeatureCollection"
    feats = {f["id"]: f for f in doc["features"]}
    assert set(feats) == {"KEN", "SRB"}
    ken = feats["KEN"]
    assert ken["geometry"]["type"] in ("Polygon", "MultiPolygon")
    lon, lat = ken["geometry"]["coordinates"][0][0]
    assert 33 < lon < 42 and -5 < lat < 6  # Kenya, not some other country
    assert ken["properties"]["claims"] == 1 and ken["properties"]["vendors"] == ["Northwind Vision"]


def _document(dataset: str, meta: dict[str, Any]) -> ExportDocument:
    """A dataset row as exports read it (only its dataset and meta matter here)."""
    return ExportDocument(
        id=f"doc-{dataset}-{len(meta)}",
        url=None,
        path=None,
        title=None,
        publisher=None,
        published=None,
        language=None,
        source_kind="dataset",
        dataset=dataset,
        fetched_at=None,
        text="",
        meta=meta,
    )


def test_aigs_coding_per_country() -> None:
    docs = [
        _document("aigs-2019", {"country": "KEN", "china_tech": True, "regime": "EA", "row": 3}),
        _document("aigs-2022", {"country": "KEN", "china_tech": False}),
        _document("other", {"country": "KEN", "china_tech": True}),
        _document("aigs-2022", {}),  # a dataset row without a country codes nothing
    ]
    assert aigs_coding(docs) == {
        "KEN": {"aigs_2019": {"china_tech": True, "regime": "EA"}, "aigs_2022": {"china_tech": False}}
    }


def _claim(country: str, vendor: str | None, technology: str | None, source: str) -> ExportClaim:
    """A claim with only what the country summaries read filled in (every other field None)."""
    values = dict.fromkeys(ExportClaim._fields)
    values.update(country=country, vendor=vendor, technology=technology, source=source, vendor_country="CHN")
    return ExportClaim(**values)


def test_country_summaries_count_and_collect_per_recipient() -> None:
    claims = [
        _claim("KEN", "Northwind Vision", "facial_recognition", "extract"),
        _claim("KEN", "Northwind Vision", None, "test-ds"),
        _claim("SRB", None, "safe_city", "test-ds"),
    ]
    deployments = [ExportDeployment(**{**dict.fromkeys(ExportDeployment._fields), "country": "UGA"})]
    summaries = country_summaries(claims, deployments)
    assert list(summaries) == ["KEN", "SRB", "UGA"]
    assert summaries["KEN"] == {
        "deployments": 0,
        "claims": 2,
        "vendors": ["Northwind Vision"],
        "technologies": ["facial_recognition"],
        "sources": ["extract", "test-ds"],
        "vendor_countries": ["CHN"],
    }
    assert summaries["SRB"]["vendors"] == [] and summaries["UGA"]["deployments"] == 1


def test_topojson_decoder_on_a_tiny_topology() -> None:
    topo = {
        "type": "Topology",
        "transform": {"scale": [0.5, 0.5], "translate": [10, 20]},
        "arcs": [[[0, 0], [2, 0], [0, 2]], [[2, 2], [-2, -2]]],
        "objects": {
            "countries": {
                "type": "GeometryCollection",
                "geometries": [
                    {"type": "Polygon", "arcs": [[0, 1]], "id": "404", "properties": {"name": "X"}},
                    {"type": "Polygon", "arcs": [[~1, ~0]], "id": "688"},
                ],
            }
        },
    }
    feats = topojson_features(topo)
    assert feats[0]["geometry"]["coordinates"] == [[[10, 20], [11, 20], [11, 21], [10, 20]]]
    assert feats[1]["geometry"]["coordinates"] == [[[10, 20], [11, 21], [11, 20], [10, 20]]]
