"""Ingest batches (:mod:`countersight.ingest_batches`): outcomes of reading and extracting one
input, the run's counts and its JSON summary, the batch writer that commits documents, claims and
progress together, and the lookup of finished inputs."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from countersight.ingest import ingest
from countersight.ingest_batches import (
    MAX_LISTED_FAILURES,
    BatchWriter,
    IngestStats,
    Outcome,
    extract_outcome,
    with_done,
)
from countersight.model import Claim, Document
from countersight.records import FailedInput
from countersight.sources import InputFile, ReadResult, walk_inputs
from countersight.store import Store
from countersight.store import ingest_state as state
from store_fixture import sample_claim, sample_document


def _one_claim(doc: Document) -> list[Claim]:
    return [sample_claim(doc)]


def test_failures_are_counted_and_listed_up_to_a_cap() -> None:
    stats = IngestStats()
    stats.fail("a.pdf", "not a PDF")
    stats.fail("b.warc.gz", "truncated", record=4096)
    assert stats.failed == [
        {"path": "a.pdf", "error": "not a PDF"},
        {"path": "b.warc.gz", "error": "truncated", "record": 4096},
    ]
    stats.failed.extend([{"path": "x", "error": "y"}] * (MAX_LISTED_FAILURES - 2))
    stats.fail("c.txt", "one too many")
    assert stats.failed_total == 3 and len(stats.failed) == MAX_LISTED_FAILURES
    summary = stats.summary()
    assert json.loads(json.dumps(summary))["failed_total"] == 3
    assert {"documents", "new", "skipped", "claims", "seconds", "docs_per_second"} <= set(summary)


def test_extract_outcome_cleans_first_and_contains_an_extractor_failure() -> None:
    doc = Document(id="doc-h", text="Acme\u202e sold cameras.")
    got = extract_outcome(ReadResult("h.txt", None, doc), "in-h", lambda d: [sample_claim(d)])
    assert got.error is None and got.document is not None and got.document.text == "Acme sold cameras."
    assert got.claims is not None and got.claims[0].evidence[0].quote == "Acme sold cameras."

    def broken(d: Document) -> list[Claim]:
        raise ZeroDivisionError("oops")

    failed = extract_outcome(ReadResult("h.txt", 7, doc), "in-h", broken)
    assert failed.claims is None and failed.record == 7
    assert failed.error == "h.txt: extraction failed: ZeroDivisionError: oops"
    unread = extract_outcome(ReadResult("bad.bin", None, None, "not a document"), None, broken)
    assert (unread.document, unread.error) == (None, "not a document")


def test_the_writer_commits_documents_claims_and_progress_in_batches(tmp_path: Path, store: Store) -> None:
    path = tmp_path / "a.txt"
    path.write_text("x", encoding="utf-8")
    item = InputFile(path=path, source=str(path), kind="text", size=1, input_id="in-a")
    stats = IngestStats()
    seen: list[int] = []
    writer = BatchWriter(store, stats, _one_claim, batch_size=2, progress=lambda s: seen.append(s.new))
    one, two = sample_document("First invented text."), sample_document("Second invented text.")
    writer.add(Outcome("in-w", "w.warc.gz", 0, one, None, None))  # extracted by the writer
    writer.add(Outcome("in-w", "w.warc.gz", 512, None, None, "bad record"))  # a full batch: committed
    assert (stats.new, stats.claims, seen) == (1, 1, [1])
    writer.add(Outcome("in-w", "w.warc.gz", 1024, one, (), None))  # the same text again
    writer.add(Outcome(None, "b.txt", None, two, tuple(_one_claim(two)), None))
    writer.input_done(item)
    writer.input_failed(None, "-", "stdin closed")
    writer.flush()
    assert (stats.documents, stats.new, stats.skipped, stats.claims) == (3, 2, 1, 2)
    assert stats.failed == [
        {"path": "w.warc.gz", "error": "bad record", "record": 512},
        {"path": "-", "error": "stdin closed"},
    ]
    assert state.done_offsets(store, "in-w") == {0, 512, 1024} and state.done_inputs(store, ["in-a"]) == {"in-a"}
    assert state.failed_inputs(store) == [FailedInput(None, 512, "bad record")]
    assert seen == [1, 2, 2]  # the fourth outcome filled a batch; the flush wrote the progress rows
    writer.flush()  # nothing buffered: nothing written, no progress reported
    assert seen == [1, 2, 2]


def test_with_done_looks_up_in_chunks_and_never_reads_past_stdin(tmp_path: Path, store: Store) -> None:
    """Finished inputs are found a chunk at a time; standard input (spooled only while its item is
    current) is handed over before the next input is even listed."""
    files = []
    for i in range(5):
        p = tmp_path / f"{i}.txt"
        p.write_text(f"Text number {i}.", encoding="utf-8")
        files.append(p)
    ingest(store, [str(files[1]), str(files[3])])
    listed = [i for i in walk_inputs([str(p) for p in files]) if isinstance(i, InputFile)]
    stdin = InputFile(path=tmp_path / "stdin", source="-", kind="text", size=1, input_id=None)
    pulled: list[str] = []

    def source() -> Iterator[InputFile]:
        for item in [*listed[:2], stdin, *listed[2:]]:
            pulled.append(item.source)
            yield item

    seen = []
    for item, done in with_done(store, source(), chunk=2):
        if item.source == "-":
            assert pulled[-1] == "-"  # nothing after stdin was pulled yet
        seen.append((Path(item.source).name if item.source != "-" else "-", done))
    assert seen == [
        ("0.txt", False),
        ("1.txt", True),
        ("-", False),
        ("2.txt", False),
        ("3.txt", True),
        ("4.txt", False),
    ]
