"""Typed rows of the read side (:mod:`countersight.records`): built positionally from SQL rows in
table order, immutable, and JSON-ready where an edge needs them so."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest

from countersight.records import (
    DeploymentLink,
    FailedInput,
    Governance,
    MilitaryExpenditure,
    Regime,
    StoredDeployment,
    StoryCopy,
)
from countersight.store import schema


def test_stored_deployment_fields_are_the_deployments_columns_in_table_order() -> None:
    # deployment_rows builds these positionally from a SELECT of every column.
    assert StoredDeployment._fields == tuple(c.name for c in schema.deployments.columns)
    assert DeploymentLink._fields == tuple(c.name for c in schema.deployment_documents.columns)


def test_a_deployment_link_as_json() -> None:
    link = DeploymentLink("dep-1", "doc-1", "KEN", dt.date(2020, 3, 4), "Daily", "reported", 0.7, 2)
    out = link.as_dict()
    assert out["published"] == "2020-03-04" and out["n_claims"] == 2
    assert json.loads(json.dumps(out)) == out
    assert link._replace(published=None).as_dict()["published"] is None


def test_rows_are_immutable() -> None:
    copy = StoryCopy("doc-2", "https://example.org/b", "B", "Other Daily", None)
    with pytest.raises(AttributeError):
        copy.title = "changed"  # type: ignore[misc]
    gov = Governance({"KEN": Regime(2, "EA", 2020)}, {"KEN": MilitaryExpenditure(1.1, 2019)})
    with pytest.raises(dataclasses.FrozenInstanceError):
        gov.regimes = {}  # type: ignore[misc]
    assert Governance().regimes == {} and gov.regimes["KEN"].label == "EA"
    failure = FailedInput("a.warc.gz", 1024, "bad gzip")
    assert failure == ("a.warc.gz", 1024, "bad gzip") and failure.record == 1024
