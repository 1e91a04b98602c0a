"""Batches over several processes: the compiled standard is sent to each worker once.

A compiled standard is self-contained (it pickles with the standards it
requires), so a worker neither discovers plugins nor compiles anything: it
receives what the parent process evaluates with.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
from typing import Any, Iterable, Iterator

from fivegood_core.batch.rows import BatchRow, assess_record
from fivegood_core.errors import ResolutionError
from fivegood_core.evaluation.compiled import CompiledStandard
from fivegood_core.evaluation.evaluator import Evaluator

#: Records sent to a worker at a time: large enough to amortise the hand-over, small enough to keep memory flat.
CHUNK = 256

_WORKER: dict[str, Any] = {}


def _no_lookup(ref: str, on: dt.date | None) -> CompiledStandard:
    raise ResolutionError(f"a batch worker evaluates only the standard it was given, not {ref!r}")


def _worker_start(compiled: CompiledStandard, on: dt.date, source: str, every: bool) -> None:
    _WORKER.update(evaluator=Evaluator(compiled.vocabulary, _no_lookup), compiled=compiled, on=on, source=source, every=every)


def _worker_row(item: tuple[int, Any]) -> BatchRow:
    w = _WORKER
    return assess_record(w["evaluator"], w["compiled"], w["on"], item[0], item[1], w["source"], w["every"])


def parallel_rows(
    compiled: CompiledStandard, records: Iterable[Any], on: dt.date, source: str, every: bool, jobs: int
) -> Iterator[BatchRow]:
    """Rows in input order, assessed by ``jobs`` worker processes."""
    numbered = (item if isinstance(item, tuple) else (position, item) for position, item in enumerate(records, start=1))
    with multiprocessing.get_context("spawn").Pool(jobs, _worker_start, (compiled, on, source, every)) as pool:
        # imap keeps input order and pulls records lazily, so memory stays flat.
        yield from pool.imap(_worker_row, numbered, chunksize=CHUNK)
