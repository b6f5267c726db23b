"""Loading many synthetic cases fast: generation and sealing in worker processes.

The stream of cases is cut into fixed-size parts, each generated from its own seed derived
from the user's seed, so the data is the same whether one process or several make it. Workers
turn their part into plain row batches (``Store.row_builder``); the parent only writes them,
in one transaction, while the workers prepare the next parts.
"""

from __future__ import annotations

import gc
import marshal
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from multiprocessing.pool import AsyncResult
from typing import Any

from tipis.standard.records import Case, Organisation
from tipis.store.cases import Store
from tipis.store.rows import CaseRows, RowBatch
from tipis.synthetic.generator import generate_cases

#: Cases per independently seeded part. Changing it changes the data a seed gives.
PART_SIZE = 5_000
#: Above this many cases a load counts as large (see ``Store.load_rows``).
LARGE_LOAD = 100_000


def part_seed(seed: int, part: int) -> int:
    """The seed of part ``part``: distinct per part, fixed per (seed, part)."""
    return (seed * 1_000_003 + part) % 2**63


def parts(n: int) -> list[tuple[int, int]]:
    """(part index, size) pairs covering ``n`` cases."""
    return [(i, min(PART_SIZE, n - start)) for i, start in enumerate(range(0, n, PART_SIZE))]


def synthetic_cases(n: int, seed: int, organisations: Sequence[Organisation]) -> Iterator[Case]:
    """The same ``n`` cases ``load_synthetic`` writes, in one process (for tests and exports)."""
    for part, size in parts(n):
        yield from _part_cases(seed, organisations, part, size)


def load_synthetic(
    store: Store,
    n: int,
    seed: int,
    organisations: Sequence[Organisation],
    progress: Callable[[int], None] | None = None,
    workers: int | None = None,
) -> int:
    """Generate ``n`` cases and write them to ``store`` in one transaction."""
    workers = workers if workers is not None else min(2, os.cpu_count() or 1)
    with _quiet_gc():
        if workers <= 1 or n <= PART_SIZE:
            batches: Iterator[RowBatch] = (
                _part_rows(store.row_builder(), seed, organisations, part, size)
                for part, size in parts(n)
            )
            return store.load_rows(batches, progress, large=n >= LARGE_LOAD)
        return _load_in_parallel(store, n, seed, organisations, progress, workers)


def _load_in_parallel(
    store: Store,
    n: int,
    seed: int,
    organisations: Sequence[Organisation],
    progress: Callable[[int], None] | None,
    workers: int,
) -> int:
    context = multiprocessing.get_context("fork")  # workers inherit the key; it never pickles
    builder = store.row_builder()
    with context.Pool(workers, initializer=_init_worker, initargs=(builder, organisations)) as pool:
        batches = _in_order(pool, seed, parts(n), ahead=workers * 2)
        return store.load_rows(batches, progress, large=n >= LARGE_LOAD)


def _in_order(pool: Any, seed: int, todo: list[tuple[int, int]], ahead: int) -> Iterator[RowBatch]:
    """Results of the parts in order, with at most ``ahead`` parts in flight (bounds memory)."""
    pending: deque[AsyncResult[bytes]] = deque()
    queue = iter(todo)
    for part, size in queue:
        pending.append(pool.apply_async(_worker_part, (seed, part, size)))
        if len(pending) >= ahead:
            break
    while pending:
        packed = pending.popleft().get()
        next_part = next(queue, None)
        if next_part is not None:
            pending.append(pool.apply_async(_worker_part, (seed, *next_part)))
        count, rows = marshal.loads(packed)
        yield RowBatch(count, rows)


_worker_state: dict[str, Any] = {}


def _init_worker(builder: CaseRows, organisations: Sequence[Organisation]) -> None:
    _worker_state["builder"] = builder
    _worker_state["organisations"] = organisations
    gc.freeze()  # what the parent loaded (code lists, countries) is never collected


def _worker_part(seed: int, part: int, size: int) -> bytes:
    """A part's rows, packed with ``marshal``: rows are plain tuples of str, int, bytes and
    None, which marshal packs and unpacks several times faster than pickle."""
    with _quiet_gc():
        builder: CaseRows = _worker_state["builder"]
        batch = _part_rows(builder, seed, _worker_state["organisations"], part, size)
        return marshal.dumps((batch.case_count, batch.rows))


def _part_rows(
    builder: CaseRows, seed: int, organisations: Sequence[Organisation], part: int, size: int
) -> RowBatch:
    for case in _part_cases(seed, organisations, part, size):
        builder.add(case)
    return builder.take()


def _part_cases(
    seed: int, organisations: Sequence[Organisation], part: int, size: int
) -> Iterator[Case]:
    first_serial = part * PART_SIZE  # references stay unique across parts
    return generate_cases(size, part_seed(seed, part), organisations, first_serial=first_serial)


@contextmanager
def _quiet_gc() -> Iterator[None]:
    """Full collections scan every live object; bulk work makes millions and no cycles."""
    gc.collect()
    gc.freeze()
    previous = gc.get_threshold()
    gc.set_threshold(100_000, 50, 1_000)
    try:
        yield
    finally:
        gc.set_threshold(*previous)
        gc.unfreeze()
