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

import functools
import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from countersight.ingest_batches import (
    MAX_LISTED_FAILURES,
    BatchWriter,
    Extractor,
    IngestStats,
    Outcome,
    extract_outcome,
    iter_inputs,
    with_done,
)
from countersight.model import Claim, Document
from countersight.parallel import ordered_map
from countersight.sources import Limits, ReadResult, read_input
from countersight.store import Store
from countersight.store import ingest_state as state

if TYPE_CHECKING:
    from countersight.extract.model import Model

log = logging.getLogger(__name__)

# Defined with the batch writer, which the Dask path shares; importable from here as before.
__all__ = [
    "EXTRACT_SECONDS",
    "MAX_LISTED_FAILURES",
    "BatchWriter",
    "Deadline",
    "Extractor",
    "IngestStats",
    "NamedExtractor",
    "Outcome",
    "budgeted",
    "default_extractor",
    "document_contract",
    "extract_documents",
    "extract_outcome",
    "ingest",
    "iter_inputs",
    "with_done",
]


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


def document_contract(outcome: Outcome) -> dict[str, Any]:  # JSON: one line of `extract --format jsonl`
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
