"""Batches of the ingest: what reading and extracting one input gives (:class:`Outcome`, records
only), the run's counts, and the :class:`BatchWriter` that commits outcomes through the store.

Shared by the single-process run (:mod:`countersight.ingest`) and the Dask one
(:mod:`countersight.scale.dask_ingest`), which both import it and not each other.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NotRequired, TypedDict

from countersight.model import Claim, Document, FieldsPickle
from countersight.sources import InputFile, Limits, ReadResult, spool_stdin, walk_inputs
from countersight.sources.dispatch import quarantine
from countersight.store import Store
from countersight.store import ingest_state as state
from countersight.textsafe import clean_document

log = logging.getLogger(__name__)

Extractor = Callable[[Document], list[Claim]]
MAX_LISTED_FAILURES = 10_000


@dataclass(frozen=True, slots=True)
class Outcome(FieldsPickle):
    """One read result after extraction (``claims`` is None when not extracted yet): the records a
    Dask worker or the in-process reader hands to the writer."""

    input_id: str | None
    source: str
    record: int | None
    document: Document | None
    claims: tuple[Claim, ...] | None
    error: str | None

    @property
    def document_id(self) -> str | None:
        """The document's id (None for a failure without a document)."""
        return self.document.id if self.document is not None else None


class ListedFailure(TypedDict):
    """One failure as the run summary lists it: the input, the error, the archive record's offset."""

    path: str
    error: str
    record: NotRequired[int]


@dataclass
class IngestStats:
    """Counts of a run; ``summary()`` is the JSON the CLI prints."""

    documents: int = 0
    new: int = 0
    skipped: int = 0
    claims: int = 0
    resumed: int = 0
    not_documents: list[dict[str, str]] = field(default_factory=list)
    failed: list[ListedFailure] = field(default_factory=list)
    failed_total: int = 0
    interrupted: bool = False
    resolved: dict[str, int] = field(default_factory=dict)
    started: float = field(default_factory=time.monotonic)

    @property
    def elapsed(self) -> float:
        """Seconds since the run started."""
        return time.monotonic() - self.started

    def fail(self, path: str, error: str, record: int | None = None) -> None:
        """Count a failure (the first ``MAX_LISTED_FAILURES`` are listed)."""
        self.failed_total += 1
        if len(self.failed) < MAX_LISTED_FAILURES:
            entry: ListedFailure = {"path": path, "error": error}
            if record is not None:
                entry["record"] = record
            self.failed.append(entry)

    def summary(self) -> dict[str, Any]:  # JSON: what `ingest` and `extract` print
        """The run summary: documents read, new, skipped (already stored), claims, failures."""
        return {
            "documents": self.documents,
            "new": self.new,
            "skipped": self.skipped,
            "claims": self.claims,
            "resumed": self.resumed,
            "not_documents": self.not_documents,
            "failed": self.failed,
            "failed_total": self.failed_total,
            "interrupted": self.interrupted,
            "resolved": self.resolved,
            "seconds": round(self.elapsed, 3),
            "docs_per_second": round(self.documents / self.elapsed, 1) if self.elapsed > 0 else None,
        }


def extract_outcome(result: ReadResult, input_id: str | None, extractor: Extractor) -> Outcome:
    """Run the extractor on one read result; an extractor failure fails that input only."""
    if result.document is None:
        return Outcome(input_id, result.source, result.record, None, None, result.error)
    # Sanitised before extraction so that evidence offsets point into the text the store keeps.
    document = clean_document(result.document)
    if document is not result.document:
        result = dataclasses.replace(result, document=document)
    try:
        claims = tuple(extractor(document))
    except Exception as exc:  # noqa: BLE001 - one document must never stop a corpus run
        log.debug("extraction failed on %s", result.source, exc_info=True)
        return Outcome(
            input_id,
            result.source,
            result.record,
            result.document,
            None,
            f"{result.source}: extraction failed: {exc.__class__.__name__}: {exc}",
        )
    return Outcome(input_id, result.source, result.record, result.document, claims, None)


def _real_path(item: InputFile) -> str:
    return item.resolved or str(item.path.resolve())


class BatchWriter:
    """Buffers outcomes and commits them in batches: one transaction per batch holding the new
    documents, their claims and evidence, and the progress rows of the inputs involved."""

    def __init__(
        self,
        store: Store,
        stats: IngestStats,
        extractor: Extractor,
        batch_size: int,
        quarantine_dir: Path | None = None,
        progress: Callable[[IngestStats], None] | None = None,
    ):
        self.store, self.stats, self.extractor = store, stats, extractor
        self.batch_size = batch_size
        self.quarantine_dir = quarantine_dir
        self.progress = progress
        self._outcomes: list[Outcome] = []
        self._inputs: list[state.InputValues] = []

    def add(self, outcome: Outcome) -> None:
        """Queue one outcome; commits when the batch is full."""
        self._outcomes.append(outcome)
        if len(self._outcomes) >= self.batch_size:
            self.flush()

    def input_failed(self, item: InputFile | None, source: str, error: str, path: Path | None = None) -> None:
        """Record a whole input as failed (and quarantine it when configured)."""
        self.stats.fail(source, error)
        if item is not None and item.input_id is not None:
            self._inputs.append(state.input_row(item.input_id, _real_path(item), "failed", error))
        if self.quarantine_dir is not None and path is not None and source != "-":
            quarantine(path, self.quarantine_dir, error)

    def input_skipped(self, result: ReadResult) -> None:
        """Note a file passed over because it is not a document (data, images), with the reason."""
        if len(self.stats.not_documents) < MAX_LISTED_FAILURES:
            self.stats.not_documents.append({"path": result.source, "reason": result.skipped or ""})

    def input_done(self, item: InputFile) -> None:
        """Mark a file done; committed with (never before) the batch holding its last records."""
        if item.input_id is not None:
            self._inputs.append(state.input_row(item.input_id, _real_path(item), "done"))

    def flush(self) -> None:
        """Commit what is buffered."""
        outcomes, self._outcomes = self._outcomes, []
        inputs, self._inputs = self._inputs, []
        if not outcomes and not inputs:
            return
        existing = state.existing_document_ids(self.store, [i for o in outcomes if (i := o.document_id)])
        seen: set[str] = set()
        documents: list[Document] = []
        claims: list[Claim] = []
        records: list[state.RecordValues] = []
        for o in outcomes:
            doc_id = o.document_id
            duplicate = doc_id is not None and (doc_id in existing or doc_id in seen)
            if not duplicate and o.document is not None and o.claims is None and o.error is None:
                o = extract_outcome(ReadResult(o.source, o.record, o.document), o.input_id, self.extractor)
            if o.error is not None and not duplicate:
                self.stats.fail(o.source, o.error, o.record)
                if o.record is not None and o.input_id is not None:
                    records.append(state.record_row(o.input_id, o.record, "failed", o.error))
                continue
            assert doc_id is not None
            self.stats.documents += 1
            if duplicate:
                self.stats.skipped += 1
            else:
                assert o.document is not None
                documents.append(o.document)
                claims.extend(o.claims or ())
            seen.add(doc_id)
            if o.record is not None and o.input_id is not None:
                records.append(state.record_row(o.input_id, o.record, "done", document_id=doc_id))
        counts = state.commit_batch(self.store, documents, claims, inputs, records)
        self.stats.new += counts["documents"]
        # Another writer may have stored a document between lookup and commit.
        self.stats.skipped += len(documents) - counts["documents"]
        self.stats.claims += counts["claims"]
        if self.progress is not None:
            self.progress(self.stats)


def iter_inputs(paths: Sequence[str], limits: Limits) -> Iterator[InputFile | ReadResult]:
    """Inputs named on the command line; ``-`` is standard input (spooled to a temporary file)."""
    for arg in paths:
        if arg == "-":
            with spool_stdin(limits) as item:
                yield item
        else:
            yield from walk_inputs([arg])


def with_done(
    store: Store, items: Iterable[InputFile | ReadResult], chunk: int = 256
) -> Iterator[tuple[InputFile | ReadResult, bool]]:
    """Each item with whether its input is already done, looked up ``chunk`` inputs at a time
    (one query per file cost as much as a small file's extraction on the writer)."""
    pending: list[InputFile | ReadResult] = []

    def flush() -> Iterator[tuple[InputFile | ReadResult, bool]]:
        ids = [i.input_id for i in pending if isinstance(i, InputFile) and i.input_id is not None]
        done = state.done_inputs(store, ids) if ids else set()
        for i in pending:
            yield i, isinstance(i, InputFile) and i.input_id in done
        pending.clear()

    for item in items:
        if isinstance(item, InputFile) and item.source == "-":
            # Standard input is spooled for as long as its item is current: no lookahead past it.
            yield from flush()
            yield item, False
            continue
        pending.append(item)
        if len(pending) >= chunk:
            yield from flush()
    yield from flush()
