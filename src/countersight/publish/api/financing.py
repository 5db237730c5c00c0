"""``/api/financing``: who paid for surveillance deployments (AidData records): headline figures
(deals, totals by lender and instrument, share concessional) and lender -> recipient country flows."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from fastapi import APIRouter, Depends, Query

from countersight.publish.api import finance_views as fv
from countersight.publish.api.deps import CSV_RESPONSES, DataResponse, csv_response, get_store
from countersight.publish.api.models import FinancingOverview
from countersight.store import Store

router = APIRouter(tags=["financing"])


@router.get("/api/financing", response_model=None, responses={200: {**CSV_RESPONSES[200], "model": FinancingOverview}})
def financing(
    as_of: dt.date | None = Query(None, description="Only finance datasets published by this date"),
    scope: Literal["surveillance", "all"] = Query(
        "surveillance", description="surveillance: deals behind deployments; all: every finance-dataset project"
    ),
    format: Literal["json", "csv"] = Query("json", description="csv: the lender -> country flows"),
    store: Store = Depends(get_store),
) -> Any:
    """Financing figures (each AidData project once; amounts in constant 2017 USD as AidData computed
    them, original currencies summed per currency, never converted) and lender -> country flows of
    surveillance deals, with the data's attribution (AidData, ODC-By 1.0)."""
    if format == "csv":
        return csv_response(fv.flow_rows(store, as_of), fv.FLOW_FIELDS, "financing-flows.csv")
    return DataResponse(fv.financing_overview(store, as_of, scope))
