"""Batches: many organisations' evidence in, one row each out, and reward totals per district and payer.

Input is JSON Lines (one evidence document per line) or CSV (one organisation
per row, dotted column names such as ``office.area_m2``; list cells separated
by ``;``). A record that cannot be read or evaluated becomes an error row with
its line number; every other record still counts.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from decimal import Decimal
from fractions import Fraction
from typing import Any, Iterable, Iterator, Mapping, Protocol, Sequence

import attrs

from fivegood_core.batch.fast import BLOCK, FastLane, FastRow, count_codes, json_line
from fivegood_core.batch.records import block_lines, jsonl_blocks, jsonl_lines
from fivegood_core.batch.rows import Assessor, BatchRow, stream_batch
from fivegood_core.evaluation.compiled import CompiledStandard
from fivegood_core.model.dates import as_of_or_today
from fivegood_core.model.definitions import Text
from fivegood_core.model.verdict import Overall, Verdict


class Resolving(Assessor, Protocol):
    """What also finds standards by reference: an :class:`~fivegood_core.Engine`."""

    def get(self, ref: str, as_of: dt.date | None = None) -> CompiledStandard: ...


@attrs.frozen
class RewardTotal:
    """What one payer owes in one district: how many certified subjects, how much in all."""

    district: str | None
    payer: Text
    currency: str
    certified: int
    amount: Decimal

    def to_json(self) -> dict[str, Any]:
        """The JSON form; the amount is a string of yuan."""
        return {
            "district": self.district,
            "payer": self.payer.to_json(),
            "currency": self.currency,
            "certified": self.certified,
            "amount": str(self.amount),
        }


@attrs.frozen
class CriterionRate:
    """How a criterion fared over a batch: records per verdict."""

    id: str
    title: Text
    counts: Mapping[str, int]

    @property
    def pass_rate(self) -> Fraction | None:
        """Passes over records where it was decided (pass or fail); None when never decided."""
        decided = self.counts.get("pass", 0) + self.counts.get("fail", 0)
        return Fraction(self.counts.get("pass", 0), decided) if decided else None

    def to_json(self) -> dict[str, Any]:
        """The JSON form; the rate is a decimal string to four places."""
        rate = self.pass_rate
        return {
            "id": self.id,
            "title": self.title.to_json(),
            "counts": dict(self.counts),
            "pass_rate": None if rate is None else f"{float(rate):.4f}",
        }


@attrs.frozen
class BatchSummary:
    """Counts per verdict, reward totals per district and payer, pass counts per district and criterion."""

    standard: str
    as_of: dt.date
    counts: Mapping[str, int]
    totals: tuple[RewardTotal, ...]
    districts: Mapping[str, Mapping[str, int]]
    criteria: tuple[CriterionRate, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The JSON form."""
        return {
            "standard": self.standard,
            "as_of": self.as_of.isoformat(),
            "counts": dict(self.counts),
            "totals": [t.to_json() for t in self.totals],
            "districts": {k: dict(v) for k, v in self.districts.items()},
            "criteria": [c.to_json() for c in self.criteria],
        }


class Tally:
    """Accumulates a :class:`BatchSummary` row by row, so a batch of any size needs constant memory."""

    def __init__(self, compiled: CompiledStandard, as_of: dt.date) -> None:
        self.compiled = compiled
        self.as_of = as_of
        self.counts = {v.value: 0 for v in Overall} | {"error": 0}
        self.totals: dict[tuple[str | None, str, str], list[Any]] = {}
        self.districts: dict[str, dict[str, int]] = {}
        # Counted by verdict member (a plain dict lookup); labelled once, in summary().
        self.per_node: list[dict[Verdict, int]] = [dict.fromkeys(Verdict, 0) for _ in compiled.nodes]
        # Fast rows' verdicts by district, and their node codes, counted a block at a time (in C) rather than one by one.
        self._places: list[tuple[Overall, str | None]] = []
        self._block: list[Sequence[int]] = []

    def add(self, row: "BatchRow | FastRow") -> None:
        """Count one row."""
        if row.__class__ is FastRow:
            places = self._places
            places.append((row.verdict, row.district))
            if row.codes:
                self._block.append(row.codes)
            if len(places) >= BLOCK:
                self._flush()
        else:
            if self._places:
                self._flush()  # districts are listed in the order they first appear
            key = row.verdict.value if row.verdict else "error"
            self.counts[key] += 1
            if row.verdict is not None:
                district = self.districts.setdefault(row.district or "-", {v.value: 0 for v in Overall})
                district[row.verdict.value] += 1
            for counts, each in zip(self.per_node, row.verdicts):
                counts[each] += 1
        reward = row.reward
        if reward is not None and reward.amount is not None and reward.payer is not None:
            entry = self.totals.setdefault((row.district, reward.payer.en, reward.currency or ""), [reward.payer, 0, Decimal(0)])
            entry[1] += 1
            entry[2] += reward.amount

    def _flush(self) -> None:
        for (verdict, place), n in Counter(self._places).items():
            self.counts[verdict.value] += n
            district = self.districts.get(place or "-")
            if district is None:
                district = self.districts[place or "-"] = {v.value: 0 for v in Overall}
            district[verdict.value] += n
        self._places.clear()
        count_codes(self.per_node, self._block)

    def counted(self) -> dict[str, Any]:
        """What has been counted, without the standard: small to send from a worker, for :meth:`merge`."""
        self._flush()
        return {"counts": self.counts, "totals": self.totals, "districts": self.districts, "per_node": self.per_node}

    def merge(self, counted: Mapping[str, Any]) -> None:
        """Add another tally's :meth:`counted` (same standard). Tallies merged in input order give the summary of one tally."""
        for key, n in counted["counts"].items():
            self.counts[key] += n
        for key, (payer, certified, amount) in counted["totals"].items():
            entry = self.totals.setdefault(key, [payer, 0, Decimal(0)])
            entry[1] += certified
            entry[2] += amount
        for name, counts in counted["districts"].items():
            district = self.districts.setdefault(name, {v.value: 0 for v in Overall})
            for key, n in counts.items():
                district[key] += n
        for mine, theirs in zip(self.per_node, counted["per_node"]):
            for key, n in theirs.items():
                mine[key] += n

    def summary(self) -> BatchSummary:
        """The summary of every row added so far."""
        self._flush()
        totals = tuple(
            RewardTotal(d, payer, currency, n, amount)
            for (d, _, currency), (payer, n, amount) in sorted(self.totals.items(), key=lambda kv: (kv[0][0] or "", kv[0][1]))
        )
        criteria = tuple(
            CriterionRate(n.defn.id, n.defn.title, {v.label: k for v, k in counts.items()})
            for n, counts in zip(self.compiled.nodes, self.per_node)
            if any(counts.values())
        )
        return BatchSummary(self.compiled.defn.ref, self.as_of, dict(self.counts), totals, self.districts, criteria)


@attrs.frozen
class BatchReport:
    """Every row of one batch, and its summary."""

    rows: tuple[BatchRow, ...]
    summary: BatchSummary

    @property
    def totals(self) -> tuple[RewardTotal, ...]:
        """Reward totals per district and payer."""
        return self.summary.totals

    @property
    def counts(self) -> Mapping[str, int]:
        """How many records ended in each verdict, and in error."""
        return self.summary.counts

    def to_json(self) -> dict[str, Any]:
        """The JSON form of the whole report."""
        return {**self.summary.to_json(), "rows": [r.to_json() for r in self.rows]}


def evaluate_batch(
    engine: Resolving,
    records: Iterable[Any],
    standard: str,
    as_of: dt.date | None = None,
    source: str = "<batch>",
    every: bool = False,
    jobs: int = 1,
) -> BatchReport:
    """Evaluate every record and keep the rows; ``records`` are evidence tables, or ``(line, evidence or error)``.

    ``source`` names the input in error rows (``batch.jsonl:7: staff.headcount: …``);
    ``every`` adds per-criterion pass counts to the summary; ``jobs`` above 1
    spreads the records over that many worker processes (see :mod:`.pool`).
    """
    on = as_of_or_today(as_of)
    compiled = engine.get(standard, on)
    tally = Tally(compiled, on)
    rows = []
    for row in batch_rows(engine, records, compiled, on, source, every, jobs):
        tally.add(row)
        rows.append(row)
    return BatchReport(tuple(rows), tally.summary())


def batch_rows(
    engine: Assessor,
    records: Iterable[Any],
    compiled: CompiledStandard,
    on: dt.date,
    source: str = "<batch>",
    every: bool = False,
    jobs: int = 1,
) -> Iterator[BatchRow]:
    """Rows in input order, in this process or (``jobs`` > 1) spread over worker processes."""
    if jobs <= 1:
        return stream_batch(engine, records, compiled, on, source, every)
    from fivegood_core.batch.pool import parallel_rows  # imports multiprocessing only when asked for

    return parallel_rows(compiled, records, on, source, every, jobs)


def fast_rows(
    engine: Assessor, path: str, compiled: CompiledStandard, on: dt.date, source: str = "<batch>", every: bool = False, jobs: int = 1
) -> Iterator[Any]:
    """The rows of a JSON Lines file, in order: on the fast lane here, or (``jobs`` > 1) in worker processes that parse the lines."""
    lines = jsonl_lines(path, name=source)
    if jobs <= 1:
        return FastLane(engine, compiled, on, source, every).rows(lines)
    from fivegood_core.batch.pool import parallel_rows

    return parallel_rows(compiled, lines, on, source, every, jobs, raw=True)


def file_rows(
    engine: Assessor,
    path: str | os.PathLike[str],
    compiled: CompiledStandard,
    on: dt.date,
    name: str | None = None,
    every: bool = False,
    jobs: int = 1,
) -> Iterator[Any]:
    """The rows of a batch file of any format, in order: what ``fivegood batch``, the API and the upload page all read.

    JSON Lines take the fast lane (:mod:`.fast`; its rows are :class:`~.fast.FastRow`, equal to the
    :class:`BatchRow` of the same record), unless ``FIVEGOOD_BATCH_REFERENCE`` is set; CSV, Parquet and
    xlsx are read by :func:`.records.read_records`. ``name`` is what rows and errors call the file
    (default its path). A file refused whole (UTF-16, a column named twice) raises at the first row.
    """
    from fivegood_core.batch.records import input_format, read_records

    name = str(path) if name is None else name
    if input_format(path) == "jsonl" and not os.environ.get("FIVEGOOD_BATCH_REFERENCE"):
        return fast_rows(engine, str(path), compiled, on, name, every, jobs)
    return batch_rows(engine, read_records(path, compiled.vocabulary, name=name), compiled, on, name, every, jobs)


@attrs.frozen
class Block:
    """What a block of JSON Lines comes to: its rows as the command writes them, its error messages, its tally."""

    #: How many rows (records, error rows among them).
    rows: int
    #: The rows as ``fivegood batch`` writes them: JSON Lines (each line fed), or CSV rows as :func:`csv.writer` writes them.
    text: str
    #: Each error row's message, in order, in the language asked for.
    errors: list[str]
    #: The block's :meth:`Tally.counted`, to :meth:`Tally.merge` in input order.
    counted: dict[str, Any]


def assess_block(lane: FastLane, first: int, data: bytes, lang: str = "en", form: str = "jsonl") -> Block:
    """The rows of a block of JSON Lines (:func:`.records.jsonl_blocks`) as text in ``form`` (``jsonl`` or ``csv``), on the fast lane."""
    tally = Tally(lane.compiled, lane.on)
    errors = []
    texts: list[str] = []
    buffer = writer = None
    if form == "csv":
        import csv
        import io

        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer)
    rows = 0
    for line, record in block_lines(data, lane.source, first):
        row = lane.row(line, record)
        rows += 1
        tally.add(row)
        if writer is not None:
            writer.writerow(row.to_csv())
        else:
            texts.append(json_line(row))
        if row.error:
            errors.append(row.error_in(lang))
    if buffer is not None:
        text = buffer.getvalue()
    else:
        text = "\n".join(texts) + "\n" if texts else ""
    return Block(rows, text, errors, tally.counted())


def text_blocks(
    compiled: CompiledStandard, path: str, on: dt.date, source: str = "<batch>", jobs: int = 2, lang: str = "en", form: str = "jsonl"
) -> Iterator[Block]:
    """A JSON Lines file's rows as text, block by block in order, assessed by ``jobs`` worker processes.

    This is how ``fivegood batch --jobs N`` writes JSON Lines or CSV: the parent
    only cuts the input into blocks (a file's by offset and length, which the
    worker reads; a pipe's as bytes), writes each block's text, prints its
    errors and merges its tally, so nearly all the work per record is the workers'.
    :func:`fast_rows` (one process, or row objects from workers) stays for what
    needs a row object per record: an xlsx workbook, the Python API.
    """
    from fivegood_core.batch.pool import in_order

    blocks = jsonl_blocks(path, name=source)
    if os.path.isfile(path):
        # A worker reads a file's block itself, by offset and length: only its place goes through the pipe.
        whole = os.path.abspath(path)
        parts: Iterator[tuple[Any, ...]] = ((first, whole, start, len(data)) for first, start, data in blocks)
    else:
        parts = ((first, data) for first, _, data in blocks)  # a named pipe: read once, here
    return in_order(compiled, _assess_in_worker, parts, jobs, on, source, True, lang, form)


def _assess_in_worker(part: tuple[Any, ...]) -> Block:
    from fivegood_core.batch.pool import worker

    if len(part) == 4:
        first, path, start, length = part
        with open(path, "rb") as handle:
            handle.seek(start)
            data = handle.read(length)
    else:
        first, data = part
    state = worker()
    return assess_block(state["lane"], first, data, state["lang"], state["form"])
