"""publish/export/base: the export context and its metadata, the rows an export publishes (article
texts and reviewers' names left out unless asked for), the exporter protocol and the canonical
JSON and text writers."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import pytest

from countersight import __version__
from countersight.export_records import ExportDocument, ExportReviewEvent, ExportRow, rows_of
from countersight.publish.export import base
from countersight.store import Store, open_store
from countersight.store.export_queries import Selection, snapshot_id
from export_fixture import fill


@pytest.fixture
def filled(tmp_path: Path) -> Store:
    s = open_store(f"sqlite:///{tmp_path / 'src.db'}")
    fill(s)
    return s


def _document(source_kind: str, meta: dict[str, str]) -> ExportDocument:
    """A document as exports read it, with a text to redact."""
    return ExportDocument(
        id="doc-1",
        url="https://news.example.org/a",
        path=None,
        title="A title",
        publisher="Example News",
        published="2024-03-04",
        language="en",
        source_kind=source_kind,
        dataset=None,
        fetched_at=None,
        text="An invented article text.",
        meta=meta,
    )


def test_make_context_records_version_snapshot_and_filter(filled: Store, tmp_path: Path) -> None:
    ctx = base.make_context(filled, tmp_path / "out", Selection(country="KEN"), full_text=True)
    assert ctx.snapshot == snapshot_id(filled) and ctx.out == tmp_path / "out"
    meta = ctx.meta()
    assert meta["countersight_version"] == __version__ and meta["snapshot_id"] == ctx.snapshot
    assert meta["filter"] == {"country": "KEN"} and meta["full_text"] is True
    assert "CC BY 4.0" in meta["licence"]
    assert base.make_context(filled, tmp_path).meta()["filter"] == {}


def test_redact_document_drops_article_texts_and_submitters() -> None:
    article = _document("html", {"submitted_by": "a reporter", "lang": "en"})
    redacted = base.redact_document(article, full_text=False, reviewer_names=False)
    assert redacted.text == "" and redacted.meta == {"lang": "en"}
    assert article.meta == {"submitted_by": "a reporter", "lang": "en"}  # the record read is untouched
    assert base.redact_document(article, full_text=True, reviewer_names=True) == article
    row = _document("dataset", {})
    assert base.redact_document(row, full_text=False, reviewer_names=False).text == row.text  # open data


def test_published_rows_leave_out_texts_and_reviewers_unless_asked(filled: Store, tmp_path: Path) -> None:
    private = base.make_context(filled, tmp_path)
    docs = rows_of(base.published_rows(private, "documents"), ExportDocument)
    assert {d.source_kind: d.text for d in docs}["html"] == ""
    (event,) = rows_of(base.published_rows(private, "review_events"), ExportReviewEvent)
    assert event.actor is None and event.action == "dispute"
    named = base.make_context(filled, tmp_path, full_text=True, reviewer_names=True)
    docs = rows_of(base.published_rows(named, "documents"), ExportDocument)
    assert {d.source_kind: d.text for d in docs}["html"].startswith("Northwind Vision said")
    (event,) = rows_of(base.published_rows(named, "review_events"), ExportReviewEvent)
    assert event.actor == "vendor-rep"


class _Recorder(base.Exporter):
    """An exporter that notes what it was fed."""

    name = "recorder"
    tables = ("claims", "review_events")

    def setup(self) -> None:
        """Start with nothing fed."""
        self.fed: list[tuple[str, int]] = []

    def feed(self, table: str, rows: Iterable[ExportRow]) -> None:
        """Note the table and how many rows came."""
        self.fed.append((table, len(list(rows))))

    def finish(self) -> list[Path]:
        """Write one file naming what was fed."""
        return [base.write_text(self.context.out, base.dumps(self.fed))]


def test_run_exporter_feeds_the_tables_an_exporter_wants_in_order(filled: Store, tmp_path: Path) -> None:
    recorder = _Recorder(base.make_context(filled, tmp_path / "fed.json", Selection(country="KEN")))
    (path,) = base.run_exporter(recorder)
    assert recorder.fed == [("claims", 1), ("review_events", 0)]  # KEN has no review event
    assert json.loads(path.read_text()) == [["claims", 1], ["review_events", 0]]
    with pytest.raises(NotImplementedError):
        base.Exporter(recorder.context).feed("claims", [])


def test_dumps_is_canonical() -> None:
    value = {"b": [1, {"d": None, "c": "é"}], "a": True}
    assert (
        base.dumps(value) == '{\n  "a": true,\n  "b": [\n    1,\n    {\n      "c": "é",\n      "d": null\n    }\n  ]\n}'
    )
    assert base.dumps(value, indent=None) == '{"a":true,"b":[1,{"c":"é","d":null}]}'
    assert base.dumps({"when": Path("x")}, indent=None) == '{"when":"x"}'  # anything else as text


def test_write_text_uses_unix_newlines_and_an_optional_bom(tmp_path: Path) -> None:
    plain = base.write_text(tmp_path / "sub" / "a.csv", "x\r\ny\n")
    assert plain.read_bytes() == b"x\r\ny\n"  # CSV's own line ends are kept, nothing added
    bom = base.write_text(tmp_path / "b.csv", "é\n", bom=True)
    assert bom.read_bytes() == b"\xef\xbb\xbf\xc3\xa9\n"


def test_dataset_info_cites_and_licenses_the_bundled_datasets() -> None:
    info = base.dataset_info()
    assert {"aigs-2019", "aigs-2022"} <= set(info)
    assert all(info[k]["citation"] and info[k]["licence"] for k in ("aigs-2019", "aigs-2022"))
