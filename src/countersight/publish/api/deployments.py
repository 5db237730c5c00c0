"""``/api/deployments``: filtered, sorted, cursor-paged lists (JSON or CSV), one deployment with
all its evidence and review history, and ``/api/export/deployments.{csv,json,geojson}``."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse, Response

from countersight.publish.api import views
from countersight.publish.api.deps import (
    CSV_RESPONSES,
    Audience,
    DataResponse,
    IndexCache,
    csv_response,
    get_audience,
    get_cache,
    get_store,
)
from countersight.publish.api.models import DeploymentDetail, DeploymentPage
from countersight.publish.export.geo import country_geometries
from countersight.reference.countries import country_name
from countersight.store import Store

router = APIRouter(tags=["deployments"])


def deployment_filter(
    country: str | None = Query(None, description="Recipient country, ISO3 (e.g. KEN) or name"),
    vendor: str | None = Query(None, description="Canonical vendor name (e.g. Huawei)"),
    supplier_country: str | None = Query(None, description="Supplier's home country, ISO3 (e.g. CHN)"),
    technology: str | None = Query(None, description="Technology id (e.g. facial_recognition)"),
    status: str | None = Query(None, description="reported, planned, cancelled or denied"),
    reviewed: bool | None = Query(None, description="true: reviewed by a human; false: not yet"),
    review: Literal["accepted", "rejected", "unreviewed"] | None = Query(None, description="Review decision"),
    min_confidence: float | None = Query(None, ge=0, le=1, description="Lowest confidence (0-1)"),
    since: dt.date | None = Query(None, description="Evidence on or after this date"),
    until: dt.date | None = Query(None, description="Evidence on or before this date"),
    q: str | None = Query(None, max_length=200, description="Text in vendor, city, agency, technology"),
    as_of: dt.date | None = Query(None, description="Replay the evidence published by this date"),
    include_rejected: bool = Query(False, description="Also list deployments a reviewer rejected"),
    financed: bool | None = Query(
        None,
        description="true: deployments whose claims state financing (a loan, grant or credit: AidData records "
        "or news reports); false: those without",
    ),
    lender: str | None = Query(
        None,
        max_length=200,
        description="A lender the financing names: canonical name or alias, any case (e.g. Export-Import Bank "
        "of China, China Eximbank, Huawei)",
    ),
) -> views.DeploymentFilter:
    """The deployment filters shared by the list and its exports."""
    return views.DeploymentFilter(
        country=views.country_code(country) if country else None,
        vendor=vendor,
        supplier_country=views.country_code(supplier_country) if supplier_country else None,
        technology=technology,
        status=status,
        reviewed=reviewed,
        review=review,
        min_confidence=min_confidence,
        since=since,
        until=until,
        q=q,
        as_of=as_of,
        include_rejected=include_rejected,
        financed=financed,
        lender=lender,
    )


SortParam = Query(
    "id",
    description="id, confidence, first_seen, last_seen, country, vendor or technology; "
    "prefix - for descending (e.g. -confidence)",
)


@router.get("/api/deployments", response_model=None, responses={200: {**CSV_RESPONSES[200], "model": DeploymentPage}})
def deployments(
    f: views.DeploymentFilter = Depends(deployment_filter),
    sort: str = SortParam,
    cursor: str | None = Query(None, description="next_cursor of the previous page"),
    limit: int = Query(50, ge=1, le=views.MAX_LIMIT),
    format: Literal["json", "csv"] = Query("json", description="csv: every match as CSV (no paging)"),
    store: Store = Depends(get_store),
) -> Any:
    """Deployments matching the filters, in a stable order (sort key, then id), one page at a time."""
    if format == "csv":
        rows, _ = views.list_deployments(store, f, sort, None, None)
        return csv_response(rows, views.DEPLOYMENT_FIELDS, "deployments.csv")
    rows, nxt = views.list_deployments(store, f, sort, cursor, limit)
    return DataResponse(DeploymentPage(items=rows, next_cursor=nxt, limit=limit, sort=sort))


@router.get("/api/deployments/{deployment_id}", response_model=None, responses={200: {"model": DeploymentDetail}})
def deployment(
    deployment_id: str, store: Store = Depends(get_store), audience: Audience = Depends(get_audience)
) -> Response:
    """One deployment: evidence quotes with documents (titles, URLs, dates), claims, review history,
    and its financing (each loan or grant: lender, instrument, amount in the original currency beside
    constant-2017 USD, concessionality, terms, AidData's row document and its cited sources)."""
    return DataResponse(views.deployment_detail(store, deployment_id, audience.reviewer_names))


_EXPORT_TYPES = {"text/csv": {"schema": {"type": "string"}}, "application/geo+json": {"schema": {"type": "object"}}}


@router.get("/api/export/deployments.{ext}", response_model=None, responses={200: {"content": _EXPORT_TYPES}})
def export_deployments(
    ext: Literal["csv", "json", "geojson"],
    f: views.DeploymentFilter = Depends(deployment_filter),
    edition: Literal["live", "2019", "2022"] = Query("live", description="Index edition for GeoJSON properties"),
    store: Store = Depends(get_store),
    cache: IndexCache = Depends(get_cache),
) -> Response:
    """Every deployment matching the filters (CSV or JSON), or one GeoJSON feature per recipient
    country with its index properties and the bundled world map's geometry."""
    rows, _ = views.list_deployments(store, f, "id", None, None)
    if ext == "csv":
        return csv_response(rows, views.DEPLOYMENT_FIELDS, "deployments.csv")
    if ext == "json":
        return JSONResponse(
            {"deployments": rows, "count": len(rows)},
            headers={"Content-Disposition": 'attachment; filename="deployments.json"'},
        )
    index = {r["country"]: r for r in cache.get_index(store, f.as_of, edition)}
    per_country: dict[str, int] = {}
    for r in rows:
        per_country[r["country"]] = per_country.get(r["country"], 0) + 1
    geoms = country_geometries()
    features = [
        {
            "type": "Feature",
            "id": code,
            "properties": {
                **(index.get(code) or {"country": code, "name": country_name(code)}),
                "selected_deployments": n,
            },
            "geometry": geoms.get(code),
        }
        for code, n in sorted(per_country.items())
    ]
    return JSONResponse(
        {"type": "FeatureCollection", "features": features},
        media_type="application/geo+json",
        headers={"Content-Disposition": 'attachment; filename="deployments.geojson"'},
    )
