"""``/api/vendors``: vendors with their reach, and one vendor's countries, technologies and timeline."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from countersight.publish.api import views
from countersight.publish.api.deps import CSV_RESPONSES, DataResponse, IndexCache, csv_response, get_cache, get_store
from countersight.publish.api.models import VendorDetail, VendorPage
from countersight.store import Store

router = APIRouter(tags=["vendors"])
VENDOR_COLUMNS = (
    "id",
    "name",
    "home_country",
    "parent",
    "aliases",
    "deployments",
    "countries",
    "needs_review",
)


@router.get("/api/vendors", response_model=None, responses={200: {**CSV_RESPONSES[200], "model": VendorPage}})
def vendors(
    q: str | None = Query(None, max_length=200, description="Text in the name or an alias"),
    sort: Literal["name", "-deployments", "-countries"] = Query("name"),
    cursor: str | None = Query(None),
    limit: int = Query(100, ge=1, le=views.MAX_LIMIT),
    format: Literal["json", "csv"] = Query("json"),
    store: Store = Depends(get_store),
    cache: IndexCache = Depends(get_cache),
) -> Any:
    """Vendors, with how many deployments and recipient countries name them."""
    rows = views.list_vendors(store, q, cache.vendor_counts(store))
    if format == "csv":
        return csv_response(rows, VENDOR_COLUMNS, "vendors.csv")
    page, nxt = views.paginate(rows, sort.lstrip("-"), cursor, limit, descending=sort.startswith("-"))
    return DataResponse(VendorPage(items=page, next_cursor=nxt, sort=sort))


@router.get("/api/vendors/{vendor}", response_model=None, responses={200: {"model": VendorDetail}})
def vendor(vendor: str, store: Store = Depends(get_store), cache: IndexCache = Depends(get_cache)) -> Response:
    """One vendor (by id or name): parent, aliases, countries served, technologies, timeline."""
    return DataResponse(views.vendor_detail(store, vendor, cache.vendor_counts(store)))
