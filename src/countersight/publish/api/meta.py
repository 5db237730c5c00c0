"""Health, figures, diff, search, flows and the full snapshot download."""

from __future__ import annotations

import datetime as dt
import io
import tempfile
import zipfile
from pathlib import Path
from typing import Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from countersight import __version__
from countersight.publish.api import views
from countersight.publish.api.deps import (
    CSV_RESPONSES,
    DataResponse,
    IndexCache,
    csv_response,
    get_cache,
    get_store,
    versioned_download,
)
from countersight.publish.api.models import FlowList, Health
from countersight.publish.export import export
from countersight.reads import compute_figures
from countersight.reads import diff as index_diff
from countersight.store import Store, schema
from countersight.store import api_queries as aq

router = APIRouter(tags=["meta"])


@router.get("/api/health", response_model=None, responses={200: {"model": Health}})
def health(store: Store = Depends(get_store)) -> Health:
    """Liveness and what the server holds."""
    return Health(
        status="ok",
        version=__version__,
        database=store.dialect,
        schema_versions=aq.schema_versions(store),
        deployments=store.count(schema.deployments),
    )


@router.get("/api/figures")
def figures(
    edition: Literal["2019", "2022"] = Query("2022"), store: Store = Depends(get_store)
) -> dict[str, Any]:  # JSON: the figures report of reads.compute_figures, as ``figures --format json`` prints it
    """An AIGS edition's headline figures computed from the store, compared with the published ones."""
    return compute_figures(store, edition).as_dict()


@router.get("/api/diff")
def diff(
    from_: dt.date = Query(..., alias="from", description="Earlier date"),
    to: dt.date = Query(..., description="Later date"),
    country: str | None = Query(None),
    store: Store = Depends(get_store),
) -> dict[str, Any]:  # JSON: the diff report (``diff --format json``), built by the index
    """Deployments and countries that appeared, changed status or disappeared between two dates."""
    code = views.country_code(country) if country else None
    return index_diff(store, from_, to, country=code).as_dict()


@router.get("/api/search", response_model=None)
def search(
    q: str = Query(..., min_length=1, max_length=200, description="Words to find"),
    cursor: str | None = Query(None),
    limit: int = Query(20, ge=1, le=100),
    store: Store = Depends(get_store),
    cache: IndexCache = Depends(get_cache),
) -> Response:
    """Countries and vendors by name, and evidence quotes containing every word (full text)."""
    return DataResponse(views.search(store, q, cursor, limit, cache.vendor_counts(store)))


@router.get("/api/flows", response_model=None, responses={200: {**CSV_RESPONSES[200], "model": FlowList}})
def flows(
    supplier_country: str | None = Query(None, description="Only this supplier country (ISO3)"),
    format: Literal["json", "csv"] = Query("json"),
    store: Store = Depends(get_store),
) -> Any:
    """Supplier country → recipient country → technology: how many deployments."""
    code = views.country_code(supplier_country) if supplier_country else None
    rows = views.flow_rows(store, code)
    if format == "csv":
        return csv_response(rows, ("supplier_country", "country", "technology", "deployments"), "flows.csv")
    return FlowList(items=rows)


@router.get("/api/export/snapshot.zip", response_class=Response, responses={200: {"content": {"application/zip": {}}}})
def snapshot(request: Request, store: Store = Depends(get_store)) -> Response:
    """The whole store as CSV tables with a datapackage.json (the ``export datapackage`` format), zipped:
    the public record, without full texts or reviewers' names, for every reader (signed in or not).
    Built once per store version; send ``If-None-Match`` with the ETag to get 304 when unchanged."""
    return versioned_download(
        request,
        store,
        ("snapshot.zip", "anonymous"),
        lambda: snapshot_zip(store),
        "application/zip",
        {"Content-Disposition": 'attachment; filename="countersight-snapshot.zip"'},
    )


def snapshot_zip(store: Store) -> bytes:
    """The snapshot's bytes: the same store gives the same bytes (fixed member times and order).
    Always the anonymous, source-protected export, so one cached copy can serve everyone."""
    buf = io.BytesIO()
    with tempfile.TemporaryDirectory(prefix="cs-snapshot-") as tmp:
        files = export(store, "datapackage", Path(tmp), full_text=False, reviewer_names=False)
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for path in sorted(files):
                info = zipfile.ZipInfo(path.relative_to(tmp).as_posix(), date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                zf.writestr(info, path.read_bytes())
    return buf.getvalue()
