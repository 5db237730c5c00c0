"""The records pickle compactly and exactly (Dask ships them between processes)."""

from __future__ import annotations

import datetime as dt
import pickle

from countersight.ingest import Outcome
from countersight.model import (
    Claim,
    Deployment,
    Document,
    Evidence,
    Financing,
    FinancingRecord,
    Organization,
    ReviewEvent,
)


def _examples() -> list[object]:
    doc = Document(
        id="d1",
        text="Vendor X supplied cameras.",
        url="https://example.org/x",
        published=dt.date(2020, 2, 3),
        fetched_at=dt.datetime(2020, 2, 4, tzinfo=dt.UTC),
        meta={"k": [1, {"n": None}]},
    )
    ev = Evidence(document_id="d1", quote="Vendor X", start=0, end=8, page=2)
    claim = Claim(
        id="c1",
        country="KEN",
        evidence=(ev,),
        extractor="t",
        extractor_version="1",
        source="t",
        vendor="X",
        technology="video_surveillance",
        confidence=0.7,
        financing=Financing(lender="L", amount=2.0, currency="USD"),
        attrs={"a": 1},
    )
    return [
        doc,
        ev,
        claim,
        Financing(),
        Outcome("in-1", "a.warc.gz", 42, doc, (claim,), None),
        Outcome(None, "b.txt", None, None, None, "unreadable"),
    ]


def test_records_pickle_round_trip_with_every_field() -> None:
    for obj in _examples():
        back = pickle.loads(pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL))
        assert type(back) is type(obj) and back == obj
        # compare=False fields (meta, attrs) too
        for name in type(obj).__slots__:  # type: ignore[attr-defined]
            assert getattr(back, name) == getattr(obj, name), name


def test_every_record_class_pickles_by_its_fields() -> None:
    """A record class whose fields are not all __init__ arguments in slot order would break."""
    for cls in (
        Document,
        Evidence,
        Financing,
        FinancingRecord,
        Claim,
        Organization,
        Deployment,
        ReviewEvent,
        Outcome,
    ):
        assert "__reduce__" not in cls.__dict__  # inherited from FieldsPickle
        params = list(cls.__dataclass_fields__)
        assert list(cls.__slots__) == params, cls.__name__
