"""``/api/countries``: the country index (an AIGS edition or live, as of a date) and one country."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from countersight.index.compute import flat_row
from countersight.publish.api import views
from countersight.publish.api.deps import CSV_RESPONSES, DataResponse, IndexCache, csv_response, get_cache, get_store
from countersight.publish.api.models import CountryPage
from countersight.store import Store

router = APIRouter(tags=["countries"])
Edition = Literal["live", "2019", "2022"]


@router.get(
    "/api/countries",
    response_model=None,
    responses={200: {**CSV_RESPONSES[200], "model": CountryPage}},
)
def countries(
    as_of: dt.date | None = Query(None, description="Index as of this date (evidence published by then)"),
    edition: Edition = Query("live", description="live (resolved deployments) or an AIGS edition"),
    cursor: str | None = Query(None),
    limit: int = Query(views.MAX_LIMIT, ge=1, le=views.MAX_LIMIT),
    format: Literal["json", "csv"] = Query("json"),
    store: Store = Depends(get_store),
    cache: IndexCache = Depends(get_cache),
) -> Any:
    """One index row per country, by country code."""
    if format == "csv":
        flat = [flat_row(r) for r in cache.get_index_records(store, as_of, edition)]
        columns = list(flat[0]) if flat else ["country", "name", "deployments"]
        return csv_response(flat, columns, f"countries-{edition}.csv")
    rows = cache.get_index(store, as_of, edition)
    by_code = {r["country"]: r for r in rows}
    # Paged by country code: the cursor's id is the code (the rows themselves carry no ``id``).
    keys, nxt = views.paginate([{"id": code} for code in by_code], "id", cursor, limit)
    page = [by_code[k["id"]] for k in keys]
    return DataResponse({"items": page, "next_cursor": nxt, "edition": edition, "as_of": as_of})


@router.get("/api/countries/{iso3}", response_model=None)
def country(
    iso3: str,
    as_of: dt.date | None = Query(None),
    edition: Edition = Query("live"),
    store: Store = Depends(get_store),
    cache: IndexCache = Depends(get_cache),
) -> Response:
    """A country's index row, regime type, deployments, vendors and timeline."""
    return DataResponse(
        views.country_detail(store, iso3, as_of, edition, lambda: cache.get_index(store, as_of, edition))
    )
