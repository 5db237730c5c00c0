"""A small store for the export, feed, API and static-site tests: two countries, one article and
one dataset row, claims with evidence and financing, two deployments and a review event. The
names are invented for the tests (no real deal is described)."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

from sqlalchemy import update

from countersight.ids import content_hash, stable_id
from countersight.model import Claim, Document, Evidence, Financing, Organization, ReviewEvent
from countersight.store import Store, schema

ARTICLE = (
    "Northwind Vision said on Monday that it had installed 400 face-recognition cameras for the "
    "Kenya police in Nairobi, financed by a loan from Example Policy Bank."
)
ROW = "Freedonia | Northwind Vision | safe city"


def fill(store: Store) -> dict[str, Any]:
    """Write the fixture records; return their ids."""
    art = Document(
        id=content_hash(ARTICLE),
        text=ARTICLE,
        url="https://news.example.org/nairobi",
        title="Cameras for Nairobi",
        publisher="Example News",
        published=dt.date(2024, 3, 4),
        language="en",
        source_kind="html",
    )
    row = Document(
        id=content_hash(ROW),
        text=ROW,
        title="Test dataset – Serbia",
        publisher="Test",
        published=dt.date(2022, 3, 10),
        source_kind="dataset",
        dataset="test-ds",
        meta={"country": "SRB"},
    )
    start = ARTICLE.index("face-recognition")
    ev_art = Evidence(document_id=art.id, quote=ARTICLE[start : start + 36], start=start, end=start + 36)
    ken = Claim(
        id=stable_id("cl", ["ken"]),
        country="KEN",
        evidence=(ev_art,),
        extractor="test",
        extractor_version="1",
        source="extract",
        vendor="Northwind Vision",
        vendor_country="CHN",
        technology="facial_recognition",
        city="Nairobi",
        agency="Kenya Police Service",
        start_year=2023,
        confidence=0.9,
        financing=Financing(
            lender="Example Policy Bank",
            instrument="concessional loan",
            amount=12_500_000.0,
            currency="USD",
            text="a loan of $12.5 million",
        ),
    )
    ev_row = Evidence(
        document_id=row.id, quote="Northwind Vision", dataset="test-ds", sheet="s1", row=2, column="Company 1"
    )
    srb = Claim(
        id=stable_id("cl", ["srb"]),
        country="SRB",
        evidence=(ev_row,),
        extractor="test",
        extractor_version="1",
        source="test-ds",
        vendor="Northwind Vision",
        vendor_country="CHN",
        technology="safe_city",
        confidence=0.7,
        start_year=2019,
    )
    store.add_organizations(
        [
            Organization(
                id=stable_id("org", ["Northwind Vision"]),
                name="Northwind Vision",
                kind="vendor",
                home_country="CHN",
                parent="Northwind Group",
                aliases=("Northwind",),
                note="test vendor",
            ),
            Organization(
                id=stable_id("org", ["Northwind Group"]),
                name="Northwind Group",
                kind="vendor",
                home_country="CHN",
                note="test parent",
            ),
            Organization(
                id=stable_id("org", ["Example Policy Bank"]),
                name="Example Policy Bank",
                kind="financier",
                home_country="CHN",
                note="test financier",
            ),
        ]
    )
    store.add([art, row], [ken, srb])
    deps = {}
    for claim, first in ((ken, dt.date(2024, 3, 4)), (srb, dt.date(2022, 3, 10))):
        dep_id = stable_id("dep", [claim.country, claim.vendor, claim.technology])
        deps[claim.country] = dep_id
        with store.transaction() as conn:
            store.insert_ignore(
                conn,
                schema.deployments,
                [
                    {
                        "id": dep_id,
                        "country": claim.country,
                        "technology": claim.technology,
                        "vendor": claim.vendor,
                        "vendor_country": claim.vendor_country,
                        "status": "reported",
                        "confidence": claim.confidence,
                        "first_seen": first,
                        "last_seen": first,
                        "start_year": claim.start_year,
                        "end_year": None,
                        "city": claim.city,
                        "agency": claim.agency,
                        "n_claims": 1,
                        "n_documents": 1,
                        "n_publishers": 1,
                        "attrs": {},
                    }
                ],
            )
            conn.execute(update(schema.claims).where(schema.claims.c.id == claim.id).values(deployment_id=dep_id))
    store.add_review_event(
        ReviewEvent(
            target_id=deps["SRB"],
            action="dispute",
            actor="vendor-rep",
            reason="Vendor says the contract was cancelled",
            created_at=dt.datetime(2025, 1, 15, 9, 30, tzinfo=dt.UTC),
        )
    )
    return {"documents": (art.id, row.id), "claims": (ken.id, srb.id), "deployments": deps}


def file_digests(paths: list[Path], root: Path) -> dict[str, str]:
    """SHA-256 of each exported file, keyed by its path under ``root`` (for byte-identity checks)."""
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}


def export_twice(store: Store, fmt: str, tmp_path: Path) -> tuple[list[Path], list[Path]]:
    """Export ``store`` in ``fmt`` into ``tmp_path/a`` and ``tmp_path/b`` (skips when the format's
    optional package is missing), for byte-identity checks with :func:`file_digests`."""
    import pytest

    from countersight.publish.export import export

    if fmt == "parquet":
        pytest.importorskip("pyarrow")
    if fmt == "ftm":
        pytest.importorskip("followthemoney")
    name = "out" if fmt in ("csv", "parquet", "datapackage") else f"out.{fmt}"
    return export(store, fmt, tmp_path / "a" / name), export(store, fmt, tmp_path / "b" / name)
