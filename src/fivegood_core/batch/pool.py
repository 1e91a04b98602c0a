"""Batches over several processes: the compiled standard is sent to each worker once.

A compiled standard is self-contained (it pickles with the standards it
requires), so a worker neither discovers plugins nor compiles anything: it
receives what the parent process evaluates with. Records go out in chunks (or,
for the command line's JSON Lines, blocks of raw bytes), a bounded number at a
time, and come back in input order, so memory stays flat.
A worker that cannot start or dies ends the run with a clear error instead of
being replaced forever.
"""

from __future__ import annotations

import datetime as dt
import itertools
import multiprocessing
import os
import pickle
import sys
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Callable, Iterable, Iterator, TypeVar

from fivegood_core.batch.rows import BatchRow, assess_record
from fivegood_core.errors import FivegoodError, ResolutionError
from fivegood_core.evaluation.compiled import CompiledStandard
from fivegood_core.evaluation.evaluator import Evaluator
from fivegood_core.words.catalogue import say

#: Records sent to a worker at a time: large enough to amortise the hand-over, small enough to keep memory flat.
CHUNK = 256
#: Chunks in flight per worker: enough to keep every worker busy while the parent reads ahead.
AHEAD = 2

_WORKER: dict[str, Any] = {}
T = TypeVar("T")


def _no_lookup(ref: str, on: dt.date | None) -> CompiledStandard:
    raise ResolutionError(say("batch.worker_other_standard", ref=repr(ref)))


def pack(compiled: CompiledStandard) -> bytes:
    """The compiled standard as a worker receives it (the standard library's pickle), or a clear error."""
    try:
        return pickle.dumps(compiled)
    except Exception as exc:  # noqa: BLE001 - e.g. a plugin's reward calculator defined as a lambda
        raise FivegoodError(say("batch.cannot_send", ref=compiled.defn.ref, error=str(exc))) from None


def unpack(payload: bytes) -> tuple[Evaluator, CompiledStandard]:
    """In a worker: the compiled standard, and an evaluator that needs no plugins and resolves no other standard."""
    compiled = pickle.loads(payload)
    return Evaluator(compiled.vocabulary, _no_lookup), compiled


def _worker_start(payload: bytes, on: dt.date, source: str, every: bool, lang: str = "en", form: str = "jsonl") -> None:
    from fivegood_core.batch.fast import FastLane

    evaluator, compiled = unpack(payload)
    _WORKER.update(evaluator=evaluator, compiled=compiled, on=on, source=source, every=every, lang=lang, form=form)
    _WORKER["lane"] = FastLane(evaluator, compiled, on, source, every)


def _worker_rows(chunk: list[tuple[int, Any]]) -> list[BatchRow]:
    w = _WORKER
    return [assess_record(w["evaluator"], w["compiled"], w["on"], line, evidence, w["source"], w["every"]) for line, evidence in chunk]


def _worker_lines(chunk: list[tuple[int, Any]]) -> list[Any]:
    row = _WORKER["lane"].row
    return [row(line, text) for line, text in chunk]


def worker() -> dict[str, Any]:
    """In a worker: what it was started with (``lane``, the fast lane; ``lang``; ``form``; …), for a function given to :func:`in_order`."""
    return _WORKER


def _context() -> Any:
    """Workers forked from this process when that is safe, else spawned.

    A spawned worker is a new interpreter that imports fivegood (about a fifth
    of a second of CPU per worker, on the cores the batch itself needs, before
    its first record); a forked one starts with everything this process has
    imported. Forking is safe only where it is the platform's own way (Linux)
    and while this process runs a single thread (no lock can be held by a
    thread the child lacks; the command line starts its workers before its
    progress bar's thread); otherwise workers are spawned. Either way a worker receives the pickled
    standard (:func:`pack`), so what can run in workers does not depend on how they start.
    """
    if sys.platform == "linux" and _one_thread():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def _one_thread() -> bool:
    try:
        return len(os.listdir("/proc/self/task")) == 1  # every thread, the interpreter's or a library's
    except OSError:
        return False


def in_order(compiled: CompiledStandard, work: Callable[[Any], T], items: Iterable[Any], jobs: int, *initargs: Any) -> Iterator[T]:
    """``work`` of each item, in order, by ``jobs`` workers started with ``compiled`` and ``initargs``; at most ``jobs * AHEAD`` items in flight.

    ``work`` is a module's function (workers find it by name); :func:`worker` gives it what the worker was started with.
    """
    payload = pack(compiled)
    pool = ProcessPoolExecutor(jobs, mp_context=_context(), initializer=_worker_start, initargs=(payload, *initargs))
    pending: deque[Future[T]] = deque()
    try:
        for item in itertools.chain(items, [_END]):
            if item is not _END:
                pending.append(pool.submit(work, item))
            while pending and (item is _END or len(pending) >= jobs * AHEAD):
                yield pending.popleft().result()
    except BrokenProcessPool:
        raise FivegoodError(say("batch.worker_stopped", ref=compiled.defn.ref)) from None
    finally:
        for future in pending:
            future.cancel()
        pool.shutdown(wait=True, cancel_futures=True)


_END = object()


def parallel_rows(
    compiled: CompiledStandard, records: Iterable[Any], on: dt.date, source: str, every: bool, jobs: int, raw: bool = False
) -> Iterator[BatchRow]:
    """Rows in input order, assessed by ``jobs`` worker processes.

    With ``raw``, ``records`` are JSON Lines text with line numbers (:func:`.records.jsonl_lines`),
    parsed by the workers on the fast lane (:mod:`.fast`), not here. This is
    for what needs a row object per record (xlsx output, CSV and other input,
    the Python API); the command's JSON Lines and CSV output from JSON Lines
    take :func:`.run.text_blocks`, which sends raw blocks and gets text back,
    leaving the parent next to nothing to do per record.
    """
    work = _worker_lines if raw else _worker_rows
    numbered = (item if isinstance(item, tuple) else (position, item) for position, item in enumerate(records, start=1))
    chunks = iter(lambda: list(itertools.islice(numbered, CHUNK)), [])
    for rows in in_order(compiled, work, chunks, jobs, on, source, every):
        yield from rows
