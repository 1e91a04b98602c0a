"""Batches: many organisations' evidence in, one row each out, and reward totals per district and payer.

Input is JSON Lines (one evidence document per line) or CSV (one organisation
per row, dotted column names such as ``office.area_m2``; list cells separated
by ``;``). A record that cannot be read or evaluated becomes an error row with
its line number; every other record still counts.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping, Union

import attrs

from .compiler import CompiledStandard
from .engine import Engine
from .errors import EvidenceError, FivegoodError, Problem
from .evidence import nest, parse_json_evidence
from .model import Text
from .results import RewardResult
from .verdict import Overall, Verdict
from .vocabulary import BadValue, Vocabulary

#: A record as a reader yields it: its line (or row) number and the evidence, or the error reading it.
Record = tuple[int, Union[dict[str, Any], FivegoodError]]


@attrs.frozen
class BatchRow:
    """One record's outcome: verdict and reward, or the error that stopped it."""

    line: int
    subject_id: str | None = None
    district: str | None = None
    verdict: Overall | None = None
    failed: tuple[str, ...] = ()
    unknown: tuple[str, ...] = ()
    reward: RewardResult | None = None
    error: str | None = None
    #: Every criterion's verdict, in the standard's node order (only when statistics were asked for).
    verdicts: tuple[Verdict, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The JSON form of the row."""
        return {
            "line": self.line,
            "subject": self.subject_id,
            "district": self.district,
            "verdict": self.verdict.value if self.verdict else None,
            "failed": list(self.failed),
            "unknown": list(self.unknown),
            "reward": self.reward.to_json() if self.reward else None,
            "error": self.error,
        }

    def to_csv(self) -> list[str]:
        """The row as CSV cells, in :data:`CSV_COLUMNS` order."""
        r = self.reward
        return [str(self.line), self.subject_id or "", self.district or "", self.verdict.value if self.verdict else "error",
                ";".join(self.failed), ";".join(self.unknown), "" if r is None or r.amount is None else str(r.amount),
                (r.currency or "") if r else "", r.payer.zh if r and r.payer else "", self.error or ""]


CSV_COLUMNS = ["line", "subject", "district", "verdict", "failed", "unknown", "reward", "currency", "payer", "error"]


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
        return {"district": self.district, "payer": self.payer.to_json(), "currency": self.currency,
                "certified": self.certified, "amount": str(self.amount)}


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
        return {"id": self.id, "title": self.title.to_json(), "counts": dict(self.counts),
                "pass_rate": None if rate is None else f"{float(rate):.4f}"}


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
        return {"standard": self.standard, "as_of": self.as_of.isoformat(), "counts": dict(self.counts),
                "totals": [t.to_json() for t in self.totals], "districts": {k: dict(v) for k, v in self.districts.items()},
                "criteria": [c.to_json() for c in self.criteria]}


class Tally:
    """Accumulates a :class:`BatchSummary` row by row, so a batch of any size needs constant memory."""

    def __init__(self, compiled: CompiledStandard, as_of: dt.date) -> None:
        self.compiled = compiled
        self.as_of = as_of
        self.counts = {v.value: 0 for v in Overall} | {"error": 0}
        self.totals: dict[tuple[str | None, str, str], list[Any]] = {}
        self.districts: dict[str, dict[str, int]] = {}
        self.per_node = [dict.fromkeys((v.label for v in Verdict), 0) for _ in compiled.nodes]

    def add(self, row: BatchRow) -> None:
        """Count one row."""
        key = row.verdict.value if row.verdict else "error"
        self.counts[key] += 1
        if row.verdict is not None:
            district = self.districts.setdefault(row.district or "-", {v.value: 0 for v in Overall})
            district[row.verdict.value] += 1
        for counts, verdict in zip(self.per_node, row.verdicts):
            counts[verdict.label] += 1
        reward = row.reward
        if reward is not None and reward.amount is not None and reward.payer is not None:
            entry = self.totals.setdefault((row.district, reward.payer.en, reward.currency or ""), [reward.payer, 0, Decimal(0)])
            entry[1] += 1
            entry[2] += reward.amount

    def summary(self) -> BatchSummary:
        """The summary of every row added so far."""
        totals = tuple(RewardTotal(d, payer, currency, n, amount)
                       for (d, _, currency), (payer, n, amount) in sorted(self.totals.items(), key=lambda kv: (kv[0][0] or "", kv[0][1])))
        criteria = tuple(CriterionRate(n.defn.id, n.defn.title, counts) for n, counts in zip(self.compiled.nodes, self.per_node)
                         if any(counts.values()))
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


def assess_record(engine: Engine, compiled: CompiledStandard, on: dt.date, line: int, evidence: Any,
                  source: str = "<batch>", every: bool = False) -> BatchRow:
    """One record's row; a record that cannot be read or evaluated becomes an error row."""
    if isinstance(evidence, FivegoodError):
        return BatchRow(line, error=_one_line(evidence))
    subject = evidence.get("subject") if isinstance(evidence, dict) else None
    sid = _text(subject.get("id")) if isinstance(subject, dict) else None
    district = _text(subject.get("district")) if isinstance(subject, dict) else None
    try:
        found = engine.assess(evidence, compiled, on, source=source, line=line, every=every)
    except FivegoodError as exc:
        return BatchRow(line, sid, district, error=_one_line(exc))
    d = found.decision
    return BatchRow(line, sid, district, d.verdict, d.failed, d.unknown, found.reward, verdicts=found.verdicts)


def stream_batch(engine: Engine, records: Iterable[Any], compiled: CompiledStandard, on: dt.date,
                 source: str = "<batch>", every: bool = False) -> Iterator[BatchRow]:
    """Rows one at a time, in input order: nothing is kept, so memory stays flat however long the input."""
    for position, item in enumerate(records, start=1):
        line, evidence = item if isinstance(item, tuple) else (position, item)
        yield assess_record(engine, compiled, on, line, evidence, source, every)


def evaluate_batch(engine: Engine, records: Iterable[Any], standard: str, as_of: dt.date | None = None,
                   source: str = "<batch>", every: bool = False) -> BatchReport:
    """Evaluate every record and keep the rows; ``records`` are evidence tables, or ``(line, evidence or error)``.

    ``source`` names the input in error rows (``batch.jsonl:7: staff.headcount: …``);
    ``every`` adds per-criterion pass counts to the summary.
    """
    on = as_of or dt.date.today()
    compiled = engine.get(standard, on)
    tally = Tally(compiled, on)
    rows = []
    for row in stream_batch(engine, records, compiled, on, source, every):
        tally.add(row)
        rows.append(row)
    return BatchReport(tuple(rows), tally.summary())


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _one_line(exc: Exception) -> str:
    return "; ".join(str(exc).splitlines())


def read_jsonl(path: str | os.PathLike[str]) -> Iterator[Record]:
    """Records of a JSON Lines file; a malformed line becomes an error record with its number."""
    name = str(path)
    with open(path, encoding="utf-8-sig") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                yield number, parse_json_evidence(line.strip(), name)
            except EvidenceError as exc:
                yield number, EvidenceError([Problem(name, number, p.key, p.message) for p in exc.problems])


def read_csv(path: str | os.PathLike[str], vocabulary: Vocabulary) -> Iterator[Record]:
    """Records of a CSV file with dotted column names; cells become values of their key's type."""
    name = str(path)
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        for row in reader:
            number = reader.line_num
            flat: dict[str, Any] = {}
            problems: list[Problem] = []
            for column, cell in row.items():
                if column is None or cell is None or cell.strip() == "":
                    continue
                try:
                    flat[column] = _cell(column, cell.strip(), vocabulary)
                except (BadValue, ValueError, ArithmeticError):
                    entry = vocabulary.get(column) or vocabulary.get(column.rsplit(".", 1)[0])
                    expected = entry.type.expected if entry else "a value"
                    problems.append(Problem(name, number, column, f"expected {expected}, got {cell!r}"))
            if problems:
                yield number, EvidenceError(problems)
                continue
            try:
                yield number, nest(flat)
            except EvidenceError as exc:
                yield number, EvidenceError([Problem(name, number, p.key, p.message) for p in exc.problems])


def _cell(column: str, cell: str, vocabulary: Vocabulary) -> Any:
    entry = vocabulary.get(column)
    if entry is None and column.count(".") >= 2:
        # A year column of a by-year table: members.total_by_year.2012
        table = vocabulary.get(column.rsplit(".", 1)[0])
        if table is not None and table.type.name == "by_year":
            return int(cell)
    if entry is None or entry.type.from_text is None:
        return cell
    return entry.type.from_text(cell)


def read_records(path: str | os.PathLike[str], vocabulary: Vocabulary) -> Iterator[Record]:
    """Records of a ``.jsonl``/``.ndjson`` or ``.csv`` file."""
    suffix = Path(path).suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        return read_jsonl(path)
    if suffix == ".csv":
        return read_csv(path, vocabulary)
    raise EvidenceError([Problem(str(path), None, None, "expected a .jsonl or .csv batch file")])
