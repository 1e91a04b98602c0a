"""Batches beyond one machine: a standard evaluated over a Dask collection of records.

Needs the ``distributed`` extra (``pip install 'fivegood[distributed]'``);
nothing here is imported by the engine, or by ``fivegood batch`` without
``--scheduler``.

Input files (JSON Lines, CSV, Parquet) are split into pieces that workers read
themselves, with the single-machine readers of :mod:`.records` and
:mod:`.parquet`, so records never pass through the client and every record
and error record is the one ``fivegood batch`` reads: a JSON Lines file into
byte blocks (a block owns the lines that start in it), a Parquet file into
runs of row groups, a CSV file stays whole (a quoted cell may hold a line
break, so a byte offset cannot say where a row starts).

The compiled standard travels as it does to ``--jobs`` worker processes
(:func:`.pool.pack`: the standard library's pickle of a self-contained
:class:`~fivegood_core.evaluation.compiled.CompiledStandard`), broadcast once
and unpickled once per worker process; workers neither discover plugins nor
compile anything, but the plugins' modules (and fivegood, at the same
version) must be installed there.

Each partition gives the rows ``fivegood batch`` writes for its records and
its :meth:`~.run.Tally.counted`; merged in input order they make the
single-process :class:`~.run.BatchSummary` (reward totals stay exact).

    from fivegood_core import Engine
    from fivegood_core.batch.distributed import DaskBatch

    batch = DaskBatch(Engine.from_entry_points(), ["part-0.jsonl", "part-1.parquet"], "henan/five-guarantees",
                      as_of=date(2014, 1, 1), client=Client("tcp://scheduler:8786"))
    for row in batch.rows():            # in input order, a few partitions in flight at a time
        ...
    batch.summary()                     # merged across partitions
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import os
from collections import deque
from typing import Any, Iterable, Iterator, Sequence, Union

import attrs

from fivegood_core.batch.pool import pack, unpack
from fivegood_core.batch.records import input_format, jsonl_lines, read_csv, read_jsonl
from fivegood_core.batch.rows import BatchRow, assess_record
from fivegood_core.batch.run import BatchSummary, Resolving, Tally
from fivegood_core.errors import FivegoodError
from fivegood_core.evaluation.compiled import CompiledStandard
from fivegood_core.evaluation.evaluator import Evaluator
from fivegood_core.model.dates import as_of_or_today
from fivegood_core.model.vocabulary import Vocabulary
from fivegood_core.version import __version__
from fivegood_core.words.catalogue import say

#: A JSON Lines file is read in blocks of about this many bytes (one partition each).
BLOCKSIZE = 16 * 1024 * 1024
#: Consecutive Parquet row groups are read together until a piece has at least this many rows.
PARQUET_ROWS = 50_000
#: How long ``--scheduler`` waits for the scheduler to answer.
CONNECT_TIMEOUT = "10s"
#: A record as a partition holds it: input name, line (or row) number, evidence or the error reading it.
SourcedRecord = tuple[str, int, Union[dict[str, Any], FivegoodError]]


# --- the standard, shipped -------------------------------------------------------------------------


@attrs.frozen
class Shipment:
    """A compiled standard as workers receive it: pickled once, unpickled once per worker process (by ``digest``)."""

    ref: str
    as_of: dt.date
    digest: str
    fivegood: str
    payload: bytes = attrs.field(repr=lambda b: f"<{len(b):,} bytes>")

    @classmethod
    def of(cls, compiled: CompiledStandard, as_of: dt.date) -> "Shipment":
        """``compiled``, to be evaluated as of ``as_of``."""
        payload = pack(compiled)
        return cls(compiled.defn.ref, as_of, hashlib.sha256(payload).hexdigest(), __version__, payload)

    def __dask_tokenize__(self) -> tuple[str, str]:
        return ("fivegood-shipment", self.digest)

    def unpack(self) -> tuple[Evaluator, CompiledStandard]:
        """An evaluator and the compiled standard, unpickled once per process."""
        found = _UNPACKED.get(self.digest)
        if found is None:
            if __version__ != self.fivegood:
                raise FivegoodError(say("batch.worker_version", worker=__version__, client=self.fivegood))
            found = _UNPACKED[self.digest] = unpack(self.payload)
        return found


_UNPACKED: dict[str, tuple[Evaluator, CompiledStandard]] = {}


# --- pieces of input -------------------------------------------------------------------------------


@attrs.frozen
class Piece:
    """One partition's share of the input.

    JSON Lines: the lines starting in bytes ``[start, stop)``, the first numbered
    ``first``. Parquet: row groups ``groups``, the first row numbered ``first``.
    CSV and xlsx: the whole file. ``path`` is the name as given, used in rows and error
    messages; ``location`` is where workers open it (made absolute on the
    client, so a worker started in another directory finds it too).
    """

    path: str
    format: str
    start: int = 0
    stop: int = 0
    first: int = 1
    groups: tuple[int, ...] = ()
    location: str = attrs.field(default=attrs.Factory(lambda self: os.path.abspath(self.path), takes_self=True))


def _newlines(path: str, lo: int, hi: int) -> int:
    """How many line feeds bytes ``[lo, hi)`` of the file hold."""
    count = 0
    with open(path, "rb") as handle:
        handle.seek(lo)
        left = hi - lo
        while left > 0:
            chunk = handle.read(min(left, 1 << 20))
            if not chunk:
                break
            count += chunk.count(b"\n")
            left -= len(chunk)
    return count


def plan(
    paths: Sequence[str | os.PathLike[str]], blocksize: int = BLOCKSIZE, parquet_rows: int = PARQUET_ROWS, compute: Any = None
) -> list[Piece]:
    """Split the input files into pieces, in input order.

    A JSON Lines block owns the lines that start inside it; its first line's
    number needs the line feeds before it, counted by one task per block
    (``compute``, default :func:`dask.compute`, runs them: on the cluster when a
    client is given), so no machine reads a whole file to plan.
    """
    dask = _module("dask")
    pieces: list[Piece] = []
    counts: list[tuple[int, int, Any]] = []  # (input index, index in pieces, delayed count of line feeds)
    for number, p in enumerate(paths):
        path = str(p)
        kind = input_format(path)
        if kind in ("csv", "xlsx"):
            pieces.append(Piece(path, kind))
        elif kind == "parquet":
            from fivegood_core.batch.parquet import row_groups

            first, rows, groups = 1, 0, []
            for i, n in enumerate(row_groups(path)):
                groups.append(i)
                rows += n
                if rows >= parquet_rows:
                    pieces.append(Piece(path, "parquet", first=first, groups=tuple(groups)))
                    first, rows, groups = first + rows, 0, []
            if groups:
                pieces.append(Piece(path, "parquet", first=first, groups=tuple(groups)))
        else:
            size = os.path.getsize(path)
            for start in range(0, max(size, 1), blocksize):
                stop = min(start + blocksize, size)
                count = dask.delayed(_newlines, pure=True)(os.path.abspath(path), max(start - 1, 0), max(stop - 1, 0))
                counts.append((number, len(pieces), count))
                pieces.append(Piece(path, "jsonl", start, stop))
    found = (compute or dask.compute)(*[c for _, _, c in counts]) if counts else ()
    # A block's first line: 1 if the block starts the file, else 2 + the line feeds before byte start - 1.
    before: dict[int, int] = {}
    for (number, index, _), n in zip(counts, found):
        seen = before.get(number)
        pieces[index] = attrs.evolve(pieces[index], first=1 if seen is None else 2 + seen)
        before[number] = (seen or 0) + n
    return pieces


def read_piece(piece: Piece, vocabulary: Vocabulary) -> Iterator[SourcedRecord]:
    """The records of one piece, numbered and with error records exactly as :func:`.records.read_records` gives them."""
    records: Iterable[tuple[int, Any]]
    if piece.format == "csv":
        records = read_csv(piece.location, vocabulary, name=piece.path)
    elif piece.format == "xlsx":
        from fivegood_core.batch.xlsx import read_xlsx

        records = read_xlsx(piece.location, vocabulary, name=piece.path)
    elif piece.format == "parquet":
        from fivegood_core.batch.parquet import read_parquet

        records = read_parquet(piece.location, name=piece.path, groups=piece.groups, first=piece.first)
    else:
        records = read_jsonl(piece.location, name=piece.path, start=piece.start, stop=piece.stop, first=piece.first)
    for line, evidence in records:
        yield piece.path, line, evidence


# --- partitions evaluated, tallies merged ----------------------------------------------------------


@attrs.frozen
class Part:
    """One partition's rows, in input order, and what its tally counted (:meth:`.run.Tally.counted`)."""

    rows: tuple[BatchRow, ...]
    counted: dict[str, Any]


def assess_records(shipment: Shipment, records: Iterable[SourcedRecord], every: bool = True) -> Part:
    """Rows and tally for some records, on whichever process runs this."""
    evaluator, compiled = shipment.unpack()
    tally = Tally(compiled, shipment.as_of)
    rows = []
    for source, line, evidence in records:
        row = assess_record(evaluator, compiled, shipment.as_of, line, evidence, source, every)
        tally.add(row)
        rows.append(row)
    return Part(tuple(rows), tally.counted())


def assess_piece(shipment: Shipment, piece: Piece, every: bool = True) -> Part:
    """Read one piece and assess its records (a task on a worker).

    JSON Lines go on the fast lane (:mod:`.fast`), as in ``fivegood batch``: the same rows, parsed on the worker.
    """
    evaluator, compiled = shipment.unpack()
    if piece.format != "jsonl":
        return assess_records(shipment, read_piece(piece, compiled.vocabulary), every)
    from fivegood_core.batch.fast import FastLane

    tally = Tally(compiled, shipment.as_of)
    rows = []
    lines = jsonl_lines(piece.location, name=piece.path, start=piece.start, stop=piece.stop, first=piece.first)
    for row in FastLane(evaluator, compiled, shipment.as_of, piece.path, every).rows(lines):
        tally.add(row)
        rows.append(row)
    return Part(tuple(rows), tally.counted())


def _piece_records(piece: Piece, vocabulary: Vocabulary) -> list[SourcedRecord]:
    return list(read_piece(piece, vocabulary))


def _assess_partition(records: Iterable[SourcedRecord], shipment: Shipment, every: bool) -> list[Part]:
    return [assess_records(shipment, records, every)]


def records_bag(pieces: Sequence[Piece], vocabulary: Vocabulary) -> Any:
    """A Dask bag of ``(source, line, evidence or error)``, one partition per piece."""
    delayed = _module("dask").delayed
    return _module("dask.bag").from_delayed([delayed(_piece_records)(p, vocabulary) for p in pieces])


def assess_bag(records: Any, shipment: Any, every: bool = True) -> Any:
    """A Dask bag with one :class:`Part` per partition of ``records`` (a bag of ``(source, line, evidence)``).

    ``shipment`` is a :class:`Shipment`, or a future of one scattered to the workers.
    """
    return records.map_partitions(_assess_partition, shipment, every)


def merge(parts: Iterable[Part], compiled: CompiledStandard, as_of: dt.date) -> BatchSummary:
    """The summary of partitions, merged in the order given."""
    tally = Tally(compiled, as_of)
    for part in parts:
        tally.merge(part.counted)
    return tally.summary()


class DaskBatch:
    """A batch on a Dask cluster: rows in input order as partitions finish, and the summary merged across them.

    ``engine`` finds the standard here, on the client (an
    :class:`~fivegood_core.Engine`); workers receive only its compiled form.
    ``client`` is a ``distributed.Client`` (default: the current one, if any;
    ``False``, or no current client: Dask's local scheduler in this process).
    At most ``window`` partitions are in flight or waiting to be handed over,
    so the client's memory stays bounded however large the input.
    """

    def __init__(
        self,
        engine: Resolving,
        paths: Sequence[str | os.PathLike[str]] | str | os.PathLike[str],
        standard: str,
        as_of: dt.date | None = None,
        *,
        client: Any = None,
        blocksize: int = BLOCKSIZE,
        parquet_rows: int = PARQUET_ROWS,
        every: bool = True,
        window: int | None = None,
    ) -> None:
        self.as_of = as_of_or_today(as_of)
        self.compiled = engine.get(standard, self.as_of)
        self.every = every
        self.client = _current_client() if client is None else client or None
        self.shipment = Shipment.of(self.compiled, self.as_of)
        inputs = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)
        remote = self.client
        dask = _module("dask")
        compute: Any = (lambda *xs: remote.gather(remote.compute(list(xs)))) if remote is not None else _local(dask.compute)
        self.pieces = plan(inputs, blocksize, parquet_rows, compute)
        threads = sum(remote.nthreads().values()) if remote is not None else (os.cpu_count() or 1)
        self.window = window or max(2, 2 * threads)
        self._summary: BatchSummary | None = None

    def rows(self) -> Iterator[BatchRow]:
        """Every row, in input order; the summary is merged as each partition's rows are handed over.

        Rows of JSON Lines come from the fast lane as :class:`~.fast.FastRow`: the same fields, equal to the
        :class:`BatchRow` of the same record, which their ``row()`` gives.
        """
        tally = Tally(self.compiled, self.as_of)
        for part in self._parts():
            tally.merge(part.counted)
            yield from part.rows
        self._summary = tally.summary()

    def summary(self) -> BatchSummary:
        """The summary merged across partitions (of the last complete :meth:`rows`; runs it if there is none)."""
        if self._summary is None:
            for _ in self.rows():
                pass
        assert self._summary is not None
        return self._summary

    def _parts(self) -> Iterator[Part]:
        if self.client is None:
            dask = _module("dask")
            for i in range(0, len(self.pieces), self.window):
                tasks = [dask.delayed(assess_piece)(self.shipment, p, self.every) for p in self.pieces[i : i + self.window]]
                yield from _local(dask.compute)(*tasks)
            return
        shipped = self.client.scatter(self.shipment, broadcast=True, hash=False)
        pending: deque[Any] = deque()
        try:
            for piece in self.pieces:
                pending.append(self.client.submit(assess_piece, shipped, piece, self.every, pure=False))
                if len(pending) >= self.window:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            for future in pending:
                future.cancel()


def _local(compute: Any) -> Any:
    """``compute`` on threads of this process, even when a ``distributed`` client is the default."""
    return lambda *xs: compute(*xs, scheduler="threads")


def _module(name: str) -> Any:
    """An optional dependency, imported when first needed; a clear error when it is not installed."""
    try:
        return importlib.import_module(name)
    except ImportError:
        raise FivegoodError(say("batch.needs_extra", module=name.partition(".")[0])) from None


def _current_client() -> Any:
    try:
        return _module("distributed").default_client()
    except (FivegoodError, ValueError):
        return None


def connect(address: str) -> Any:
    """A ``distributed.Client`` for the scheduler at ``address`` (``tcp://host:8786``), or a clear error."""
    client_class = _module("distributed").Client
    try:
        return client_class(address, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError) as exc:
        raise FivegoodError(say("batch.scheduler_unreachable", address=address, error=str(exc))) from None
