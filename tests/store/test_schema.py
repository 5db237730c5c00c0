"""The tables (:mod:`countersight.store.schema`): the typed rows written to them name exactly their
columns, and the claims' financing columns are the model's financing fields."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import Table

from countersight.model import Financing
from countersight.store import schema
from countersight.store.financing import FinancingValues
from countersight.store.ingest_state import InputValues, RecordValues
from countersight.store.rows import (
    ClaimValues,
    DocumentValues,
    EvidenceValues,
    OrganizationValues,
    ReviewEventValues,
)
from countersight.store.sources import FetchValues


@pytest.mark.parametrize(
    ("values", "table", "assigned"),
    [
        (DocumentValues, schema.documents, ()),
        (ClaimValues, schema.claims, ()),
        (EvidenceValues, schema.evidence, ()),
        (OrganizationValues, schema.organizations, ()),
        (ReviewEventValues, schema.review_events, ("id",)),  # the database numbers events
        (FinancingValues, schema.financing, ()),
        (InputValues, schema.ingest_inputs, ()),
        (RecordValues, schema.ingest_records, ()),
        (FetchValues, schema.fetched_urls, ()),
    ],
)
def test_each_typed_row_names_exactly_its_tables_columns(values: type, table: Table, assigned: tuple[str, ...]) -> None:
    keys = set(values.__required_keys__) | set(values.__optional_keys__)  # type: ignore[attr-defined]
    assert keys == {c.name for c in table.columns} - set(assigned), table.name


def test_the_claims_financing_columns_are_the_models_financing_fields() -> None:
    assert set(schema.FIN_FIELDS) == {f.name for f in dataclasses.fields(Financing)}
    assert all(f"fin_{f}" in schema.claims.c for f in schema.FIN_FIELDS)
    assert "fin_lender" in str(schema.CLAIM_STATES_FINANCING)


def test_every_table_is_in_the_metadata_migrations_create() -> None:
    names = set(schema.metadata.tables)
    assert {"documents", "claims", "evidence", "deployments", "deployment_documents", "review_events"} <= names
    assert {"financing", "api_tokens", "feed_sources", "fetched_urls", "store_version"} <= names
