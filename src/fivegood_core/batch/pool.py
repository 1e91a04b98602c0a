"""Batches over several processes: the compiled standard is sent to each worker once.

A compiled standard is self-contained (it pickles with the standards it
requires), so a worker neither discovers plugins nor compiles anything: it
receives what the parent process evaluates with. Records go out in chunks, a
bounded number at a time, and come back in input order, so memory stays flat.
A worker that cannot start or dies ends the run with a clear error instead of
being replaced forever.
"""

from __future__ import annotations

import datetime as dt
import itertools
import multiprocessing
import pickle
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Iterable, Iterator

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


def _worker_start(payload: bytes, on: dt.date, source: str, every: bool) -> None:
    from fivegood_core.batch.fast import FastLane

    evaluator, compiled = unpack(payload)
    _WORKER.update(evaluator=evaluator, compiled=compiled, on=on, source=source, every=every)
    _WORKER["lane"] = FastLane(evaluator, compiled, on, source, every)


def _worker_rows(chunk: list[tuple[int, Any]]) -> list[BatchRow]:
    w = _WORKER
    return [assess_record(w["evaluator"], w["compiled"], w["on"], line, evidence, w["source"], w["every"]) for line, evidence in chunk]


def _worker_lines(chunk: list[tuple[int, Any]]) -> list[Any]:
    row = _WORKER["lane"].row
    return [row(line, text) for line, text in chunk]


def parallel_rows(
    compiled: CompiledStandard, records: Iterable[Any], on: dt.date, source: str, every: bool, jobs: int, raw: bool = False
) -> Iterator[BatchRow]:
    """Rows in input order, assessed by ``jobs`` worker processes.

    With ``raw``, ``records`` are JSON Lines text with line numbers (:func:`.records.jsonl_lines`),
    parsed by the workers on the fast lane (:mod:`.fast`), not here.
    """
    payload = pack(compiled)
    work = _worker_lines if raw else _worker_rows
    numbered = (item if isinstance(item, tuple) else (position, item) for position, item in enumerate(records, start=1))
    chunks = iter(lambda: list(itertools.islice(numbered, CHUNK)), [])
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(jobs, mp_context=context, initializer=_worker_start, initargs=(payload, on, source, every))
    pending: deque[Future[list[BatchRow]]] = deque()
    try:
        for chunk in itertools.chain(chunks, [None]):
            if chunk is not None:
                pending.append(pool.submit(work, chunk))
            while pending and (chunk is None or len(pending) >= jobs * AHEAD):
                yield from pending.popleft().result()
    except BrokenProcessPool:
        raise FivegoodError(say("batch.worker_stopped", ref=compiled.defn.ref)) from None
    finally:
        for future in pending:
            future.cancel()
        pool.shutdown(wait=True, cancel_futures=True)
