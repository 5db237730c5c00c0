"""The ingest pipeline: sources → extract → store, resumable and crash-safe.

:func:`ingest` reads every input, skips documents already stored (content hash, batched
key lookups, before extraction), extracts claims from the new ones and commits documents,
claims, evidence and per-input progress together in batched transactions. A killed run
leaves whole batches only; rerunning the same command does only what is left (inputs, and
records inside web archives, are recorded as done). With ``workers``/``scheduler`` the
reading and extraction run on a Dask cluster (:mod:`countersight.scale.dask_ingest`) and
this process stays the single writer.

:func:`extract_documents` is the same reading and extraction without a store.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from countersight.model import Claim, Document, FieldsPickle
from countersight.parallel import ordered_map
from countersight.sources import InputFile, Limits, ReadResult, read_input, spool_stdin, walk_inputs
from countersight.sources.dispatch import quarantine
from countersight.store import Store
from countersight.store import ingest_state as state
from countersight.store.db import PreparedRows, prepare_sqlite_rows
from countersight.textsafe import clean_document

if TYPE_CHECKING:
    from countersight.extract.model import Model

log = logging.getLogger(__name__)

Extractor = Callable[[Document], list[Claim]]
MAX_LISTED_FAILURES = 10_000


# Seconds of extraction a document may take; past it the document is a recorded failure.
EXTRACT_SECONDS = 20.0


@dataclass(frozen=True, slots=True)
class Deadline:
    """An extraction budget: the monotonic time by which a document must be done."""

    at: float

    @classmethod
    def after(cls, seconds: float) -> Deadline:
        """A deadline ``seconds`` from now."""
        return cls(time.monotonic() + seconds)

    def exceeded(self) -> bool:
        """Whether the deadline has passed."""
        return time.monotonic() > self.at


def budgeted(extract: Callable[..., list[Claim]], seconds: float = EXTRACT_SECONDS) -> Extractor:
    """``extract`` with a fresh deadline for every document."""

    def run(document: Document) -> list[Claim]:
        return extract(document, budget=Deadline.after(seconds))

    return run


@functools.cache
def _named_model(name: str) -> Model | None:
    from countersight.extract.model import bundled, load

    return None if name.casefold() == "none" else bundled() if name == "bundled" else load(name)


@dataclass(frozen=True, slots=True)
class NamedExtractor:
    """The extractor a ``--model`` value names ('bundled', 'none' for the 0.2 rules, or a model
    file), with the per-document budget. It pickles as its name, so a worker process loads the
    model once instead of receiving it with every batch."""

    model: str = "bundled"
    seconds: float = EXTRACT_SECONDS

    def load(self) -> Model | None:
        """The model (None for the rules); a missing or corrupt file raises ``ModelError``."""
        return _named_model(self.model)

    def __call__(self, document: Document) -> list[Claim]:
        from countersight.extract import extract_claims

        return extract_claims(document, model=self.load(), budget=Deadline.after(self.seconds))


def default_extractor() -> Extractor:
    """The project's extractor with the per-document time budget (imported lazily: reading
    alone does not need it)."""
    from countersight.extract import extract_claims

    return budgeted(extract_claims)


@dataclass(frozen=True, slots=True)
class Outcome(FieldsPickle):
    """One read result after extraction (``claims`` is None when not extracted yet)."""

    input_id: str | None
    source: str
    record: int | None
    document: Document | None
    claims: tuple[Claim, ...] | None
    error: str | None
    # Set instead of document and claims by a Dask worker writing to SQLite (see prepare_sqlite_rows).
    rows: PreparedRows | None = None

    def prepared(self) -> Outcome:
        """This outcome with SQLite rows in place of its document and claims (unchanged when it has
        no extracted document)."""
        if self.document is None or self.claims is None or self.error is not None:
            return self
        return Outcome(
            self.input_id, self.source, self.record, None, None, None, prepare_sqlite_rows(self.document, self.claims)
        )

    @property
    def document_id(self) -> str | None:
        """The document's id, whichever form the outcome carries it in."""
        if self.rows is not None:
            return self.rows.document_id
        return self.document.id if self.document is not None else None


@dataclass
class IngestStats:
    """Counts of a run; ``summary()`` is the JSON the CLI prints."""

    documents: int = 0
    new: int = 0
    skipped: int = 0
    claims: int = 0
    resumed: int = 0
    not_documents: list[dict[str, str]] = field(default_factory=list)
    failed: list[dict[str, Any]] = field(default_factory=list)
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
            entry: dict[str, Any] = {"path": path, "error": error}
            if record is not None:
                entry["record"] = record
            self.failed.append(entry)

    def summary(self) -> dict[str, Any]:
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


def extract_outcome(result: ReadResult, input_id: str | None, extractor: Extractor, prepare: bool = False) -> Outcome:
    """Run the extractor on one read result; an extractor failure fails that input only.

    ``prepare`` gives the SQLite rows instead of the records (on a Dask worker, so that the one
    writer does not build them)."""
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
    outcome = Outcome(input_id, result.source, result.record, result.document, claims, None)
    return outcome.prepared() if prepare else outcome


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
        self._inputs: list[dict[str, Any]] = []

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
        prepared: list[PreparedRows] = []
        records: list[dict[str, Any]] = []
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
            elif o.rows is not None:
                prepared.append(o.rows)
            else:
                assert o.document is not None
                documents.append(o.document)
                claims.extend(o.claims or ())
            seen.add(doc_id)
            if o.record is not None and o.input_id is not None:
                records.append(state.record_row(o.input_id, o.record, "done", document_id=doc_id))
        counts = state.commit_batch(self.store, documents, claims, inputs, records, prepared)
        self.stats.new += counts["documents"]
        # Another writer may have stored a document between lookup and commit.
        self.stats.skipped += len(documents) + len(prepared) - counts["documents"]
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


def ingest(
    store: Store,
    paths: Sequence[str],
    *,
    limits: Limits | None = None,
    extractor: Extractor | None = None,
    batch_size: int = 200,
    quarantine_dir: Path | None = None,
    progress: Callable[[IngestStats], None] | None = None,
    stop: threading.Event | None = None,
    workers: int = 0,
    scheduler: str | None = None,
) -> IngestStats:
    """Read, extract and store everything under ``paths``; return the run's counts.

    ``stop`` (set by a SIGINT handler) ends the run cleanly after the current batch, leaving a
    resumable state. ``workers`` > 0 or a ``scheduler`` address runs on Dask.
    """
    limits = limits or Limits()
    extract = extractor or default_extractor()
    stats = IngestStats()
    writer = BatchWriter(store, stats, extract, batch_size, quarantine_dir, progress)
    if workers or scheduler:
        from countersight.scale.dask_ingest import ingest_distributed

        ingest_distributed(
            store,
            paths,
            writer=writer,
            limits=limits,
            extractor=extract,
            workers=workers,
            scheduler=scheduler,
            stop=stop,
        )
        writer.flush()
        return _resolved(store, stats)
    for item, done in with_done(store, iter_inputs(paths, limits)):
        if stop is not None and stop.is_set():
            stats.interrupted = True
            break
        if isinstance(item, ReadResult):
            if item.skipped:
                writer.input_skipped(item)
            else:
                writer.input_failed(None, item.source, item.error or "unreadable", Path(item.source))
            continue
        if done:
            stats.resumed += 1
            continue
        skip: set[int] = set()
        if item.kind == "warc" and item.input_id is not None:
            skip = state.done_offsets(store, item.input_id)
            stats.resumed += len(skip)
        file_failed = False
        for result in read_input(item, limits, skip=skip):
            if result.record is None and result.document is None:
                # The whole input failed (or the archive is damaged past this point).
                file_failed = True
                writer.input_failed(item, result.source, result.error or "unreadable", item.path)
                continue
            writer.add(Outcome(item.input_id, result.source, result.record, result.document, None, result.error))
            if stop is not None and stop.is_set():
                stats.interrupted = True
                break
        if stats.interrupted:
            break
        if not file_failed:
            writer.input_done(item)
    writer.flush()
    return _resolved(store, stats)


def _resolved(store: Store, stats: IngestStats) -> IngestStats:
    """Merge what the run stored into deployments (incrementally: only the merge keys of its new
    claims), so that an ingest leaves the store resolved, even when interrupted. Claims a crashed
    earlier write left unresolved are picked up too (one indexed query when there are none)."""
    from countersight.resolution import resolve_pending

    report = resolve_pending(store)
    if report.claims:
        stats.resolved = {"claims": report.claims, "deployments": report.deployments, **report.written}
    return stats


def _read_all(paths: Sequence[str], limits: Limits) -> Iterator[tuple[ReadResult, str | None]]:
    for item in iter_inputs(paths, limits):
        if isinstance(item, ReadResult):
            if not item.skipped:
                yield item, None
            continue
        for result in read_input(item, limits):
            yield result, item.input_id


@dataclass(frozen=True, slots=True)
class _ExtractOne:
    """``extract_outcome`` with its extractor bound, picklable for a worker process."""

    extractor: Extractor

    def __call__(self, read: tuple[ReadResult, str | None]) -> Outcome:
        return extract_outcome(read[0], read[1], self.extractor)


def extract_documents(
    paths: Sequence[str],
    *,
    limits: Limits | None = None,
    extractor: Extractor | None = None,
    jobs: int = 1,
) -> Iterator[Outcome]:
    """Read and extract without a store: one outcome per document or failure, in input order.

    With ``jobs`` > 1 the extraction runs on that many processes (reading stays here); the
    extractor must then pickle, as :class:`NamedExtractor` does."""
    limits = limits or Limits()
    extract = extractor or default_extractor()
    yield from ordered_map(_ExtractOne(extract), _read_all(paths, limits), jobs)


def document_contract(outcome: Outcome) -> dict[str, Any]:
    """The ``extract --format jsonl`` line of one document (issue 3's stable contract)."""
    from countersight.extract import claim_to_contract

    doc = outcome.document
    assert doc is not None
    return {
        "source": outcome.source,
        "document": {
            "id": doc.id,
            "title": doc.title,
            "url": doc.url,
            "published": doc.published.isoformat() if doc.published else None,
            "language": doc.language,
        },
        "claims": [claim_to_contract(c) for c in outcome.claims or ()],
    }
