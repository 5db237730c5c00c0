"""Pydantic response models: the shape of typed rows in OpenAPI. The endpoints still answer with
:class:`deps.DataResponse` (plain JSON, no per-row validation: the index and lists are hot paths);
these models document that JSON and the schema tests hold the two together."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel


class IndexRowModel(BaseModel):
    """One country in the index (:class:`countersight.index.compute.IndexRow` as JSON)."""

    country: str
    name: str
    edition: str
    as_of: dt.date | None
    deployments: int
    technologies: dict[str, int]
    unspecified: int
    statuses: dict[str, int]
    supplier_origins: dict[str, int]
    vendors: list[str]
    documents: int
    publishers: int
    mean_confidence: float | None
    first_evidence: dt.date | None
    last_evidence: dt.date | None
    regime: str | None
    regime_year: int | None
    military_pct_gdp: float | None
    military_year: int | None
    disputed: int
    coded: dict[str, Any]
    financed_deployments: int
    financed_usd_2017: float | None
    lenders: list[str]
    instruments: list[str]


class CountryPage(BaseModel):
    """A page of the country index and the cursor of the next page (None at the end)."""

    items: list[IndexRowModel]
    next_cursor: str | None
    edition: str
    as_of: dt.date | None
