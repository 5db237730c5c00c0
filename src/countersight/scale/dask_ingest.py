"""Distributed ingest on Dask: workers read and extract, this process writes.

Inputs are cut into partitions: groups of small files, and byte ranges of large web archives
(each worker finds the first record starting in its range). Partitions are submitted a few at
a time (at most ``2 × workers + 2`` in flight), so the client's memory stays bounded whatever
the corpus size; results come back as they finish and go to the single
:class:`~countersight.ingest_batches.BatchWriter`, which commits in batches. A file is marked done
only when all of its partitions are committed. Resumable like the single-process run:
finished files are skipped, and each archive range is sent with the record offsets already
done so the worker passes over them.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from countersight.ingest_batches import BatchWriter, Extractor, Outcome, extract_outcome, iter_inputs, with_done
from countersight.sources import InputFile, Limits, ReadResult, read_input
from countersight.sources.warc import split_ranges
from countersight.store import Store
from countersight.store import ingest_state as state

log = logging.getLogger(__name__)

# About 1,200 compressed news pages: 2-3 s of work per task, so the last tasks of a run keep every
# worker busy (8 MiB left one of two workers idle for ~10 s) and a result message stays ~4 MB.
PARTITION_BYTES = 2 * 1024 * 1024
FILES_PER_PARTITION = 64


@dataclass(frozen=True, slots=True)
class Piece:
    """Part of one input: the whole file, or a byte range of an archive."""

    item: InputFile
    start: int = 0
    end: int | None = None
    skip: frozenset[int] = frozenset()


@dataclass
class Partition:
    """The unit of work sent to a worker."""

    pieces: list[Piece] = field(default_factory=list)
    size: int = 0


@dataclass(frozen=True, slots=True)
class PartitionResult:
    """A partition's outcomes as one object. Dask sends a list element by element (a header and a
    pickle for each document), which cost the client more CPU than the pickles themselves."""

    outcomes: list[Outcome]


def process_partition(partition: Partition, limits: Limits, extractor: Extractor) -> PartitionResult:
    """Read and extract one partition (runs on a worker; pure apart from reading files): the
    records go back to the writer, which maps them to rows."""
    outcomes: list[Outcome] = []
    for piece in partition.pieces:
        for result in read_input(piece.item, limits, start=piece.start, end=piece.end, skip=piece.skip):
            outcomes.append(extract_outcome(result, piece.item.input_id, extractor))
    return PartitionResult(outcomes)


def _partitions(
    store: Store, paths: Sequence[str], limits: Limits, writer: BatchWriter, pieces_of: dict[str, int]
) -> Iterator[Partition]:
    """Partitions of the inputs still to do; failures and finished inputs handled on the way."""
    pending = Partition()
    for item, finished in with_done(store, iter_inputs(paths, limits)):
        if isinstance(item, ReadResult):
            if item.skipped:
                writer.input_skipped(item)
            else:
                writer.input_failed(None, item.source, item.error or "unreadable", Path(item.source))
            continue
        if item.source == "-":
            # A spooled stdin file lives only as long as the iteration; read it here.
            for result in read_input(item, limits):
                writer.add(extract_outcome(result, None, writer.extractor))
            continue
        if finished:
            writer.stats.resumed += 1
            continue
        key = item.input_id or item.source
        if item.kind == "warc" and item.size > PARTITION_BYTES:
            ranges = split_ranges(item.path, PARTITION_BYTES)
            pieces_of[key] = len(ranges)
            for start, end in ranges:
                done = state.done_offsets(store, item.input_id, start, end) if item.input_id else set()
                skip = frozenset(done)
                writer.stats.resumed += len(skip)
                yield Partition([Piece(item, start, end, skip)], end - start)
            continue
        done = state.done_offsets(store, item.input_id) if item.kind == "warc" and item.input_id else set()
        skip = frozenset(done)
        writer.stats.resumed += len(skip)
        pieces_of[key] = 1
        pending.pieces.append(Piece(item, skip=skip))
        pending.size += item.size
        if len(pending.pieces) >= FILES_PER_PARTITION or pending.size >= PARTITION_BYTES:
            yield pending
            pending = Partition()
    if pending.pieces:
        yield pending


def _profiler_enabled() -> bool:
    """Whether this worker samples its tasks' stacks (runs on each worker)."""
    import dask

    return bool(dask.config.get("distributed.worker.profile.enabled"))


def _client(workers: int, scheduler: str | None) -> Any:
    import dask
    from dask.distributed import Client, LocalCluster

    dask.config.set(
        {
            # The worker profiler holds references to task frames and drops them on its own thread;
            # resiliparse's parse trees must be freed on the thread that made them.
            "distributed.worker.profile.enabled": False,
            # Every server (scheduler, nanny, worker) wakes every 20 ms by default only to notice a
            # blocked event loop: measured 7% of a core on this process and 3% per worker when idle,
            # taken from extraction on a small machine (bench/scale.py).
            "distributed.admin.tick.interval": "1s",
            "distributed.admin.system-monitor.interval": "2s",
        }
    )
    for name in (
        "distributed",
        "distributed.scheduler",
        "distributed.nanny",
        "distributed.core",
        "distributed.http.proxy",
        "distributed.worker",
    ):
        logging.getLogger(name).setLevel(logging.WARNING)
    if scheduler:
        client = Client(scheduler)
        # Workers started elsewhere keep their own configuration (docs/scaling.md says how to set it).
        profiled = [addr for addr, on in client.run(_profiler_enabled).items() if on]
        if profiled:
            log.warning(
                "%d worker(s) run Dask's sampling profiler, which can free HTML parse trees on the wrong "
                "thread; start them with DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED=False",
                len(profiled),
            )
        return client
    cluster = LocalCluster(
        n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=logging.ERROR
    )
    return Client(cluster)


def ingest_distributed(
    store: Store,
    paths: Sequence[str],
    *,
    writer: BatchWriter,
    limits: Limits,
    extractor: Extractor,
    workers: int,
    scheduler: str | None = None,
    stop: threading.Event | None = None,
) -> None:
    """Run the ingest with extraction on Dask; ``writer`` commits on this process."""
    from dask.distributed import as_completed

    client = _client(workers, scheduler)
    try:
        n_workers = max(1, len(client.scheduler_info().get("workers", {})) or workers or 1)
        max_in_flight = 2 * n_workers + 2
        pieces_of: dict[str, int] = {}
        failed_inputs: set[str] = set()
        parts = _partitions(store, paths, limits, writer, pieces_of)
        meta: dict[Any, Partition] = {}
        seq = as_completed()

        def submit_next() -> bool:
            part = next(parts, None)
            if part is None:
                return False
            fut = client.submit(process_partition, part, limits, extractor, pure=False)
            meta[fut] = part
            seq.add(fut)
            return True

        for _ in range(max_in_flight):
            if not submit_next():
                break
        for fut in seq:
            part = meta.pop(fut)
            for outcome in fut.result().outcomes:
                if outcome.record is None and outcome.document_id is None:
                    failed_inputs.add(outcome.input_id or outcome.source)
                    piece_item = next(p.item for p in part.pieces if p.item.source == outcome.source)
                    writer.input_failed(piece_item, outcome.source, outcome.error or "unreadable", piece_item.path)
                else:
                    writer.add(outcome)
            for piece in part.pieces:
                key = piece.item.input_id or piece.item.source
                pieces_of[key] -= 1
                if pieces_of[key] == 0 and key not in failed_inputs:
                    writer.input_done(piece.item)
            fut.release()
            if stop is not None and stop.is_set():
                writer.stats.interrupted = True
                break
            submit_next()
        if writer.stats.interrupted:
            for fut in list(meta):
                fut.cancel()
    finally:
        client.close()
        if not scheduler and client.cluster is not None:
            client.cluster.close()
