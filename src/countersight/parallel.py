"""An ordered, bounded map over worker processes, for extracting a corpus on every core.

``extract`` reads one document at a time and extraction is pure CPU work, so a second core
doubles what one process does. The map keeps the input order (``extract``'s output lines
follow the inputs), holds at most a few batches per worker in flight (a corpus of millions
never sits in memory), and stops its workers when the consumer stops or is interrupted.
"""

from __future__ import annotations

import itertools
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

# Items per task: large enough that pickling and scheduling cost little beside extraction.
BATCH = 16
# Batches in flight per worker: enough to keep every worker busy while results are consumed.
IN_FLIGHT = 4


def available_cores() -> int:
    """The cores this process may run on (the affinity mask, not the machine's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on every platform
        return max(1, os.cpu_count() or 1)


def _run_batch(fn: Callable[[T], R], batch: list[T]) -> list[R]:
    return [fn(item) for item in batch]


def ordered_map(fn: Callable[[T], R], items: Iterable[T], jobs: int) -> Iterator[R]:
    """``map(fn, items)`` on ``jobs`` processes, in input order (``jobs`` <= 1: in this process).

    ``fn`` and the items must pickle (a module-level function or a small frozen object)."""
    if jobs <= 1:
        yield from map(fn, items)
        return
    pool = ProcessPoolExecutor(max_workers=jobs)
    pending: deque[Future[list[R]]] = deque()
    try:
        source = iter(items)
        while batch := list(itertools.islice(source, BATCH)):
            pending.append(pool.submit(_run_batch, fn, batch))
            if len(pending) >= jobs * IN_FLIGHT:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()
    finally:
        # A consumer that stops early (or Ctrl-C) leaves no worker running.
        pool.shutdown(wait=True, cancel_futures=True)
