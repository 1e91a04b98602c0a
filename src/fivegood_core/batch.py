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
from pathlib import Path
from typing import Any, Iterable, Iterator, Union

import attrs

from .engine import Engine
from .errors import EvidenceError, FivegoodError, Problem
from .evidence import nest, parse_json_evidence
from .model import Text
from .results import RewardResult
from .verdict import Overall
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
class BatchReport:
    """Every row, the verdict counts and the reward totals of one batch."""

    standard: str
    as_of: dt.date
    rows: tuple[BatchRow, ...]
    totals: tuple[RewardTotal, ...]

    @property
    def counts(self) -> dict[str, int]:
        """How many records ended in each verdict, and in error."""
        out = {v.value: 0 for v in Overall} | {"error": 0}
        for row in self.rows:
            out[row.verdict.value if row.verdict else "error"] += 1
        return out

    def to_json(self) -> dict[str, Any]:
        """The JSON form of the whole report."""
        return {
            "standard": self.standard,
            "as_of": self.as_of.isoformat(),
            "counts": self.counts,
            "totals": [t.to_json() for t in self.totals],
            "rows": [r.to_json() for r in self.rows],
        }


def evaluate_batch(engine: Engine, records: Iterable[Any], standard: str, as_of: dt.date | None = None, source: str = "<batch>") -> BatchReport:
    """Evaluate every record; ``records`` are evidence tables, or ``(line, evidence or error)`` from a reader.

    ``source`` names the input in error rows (``batch.jsonl:7: staff.headcount: …``).
    """
    on = as_of or dt.date.today()
    compiled = engine.get(standard, on)
    rows: list[BatchRow] = []
    totals: dict[tuple[str | None, str, str], list[Any]] = {}
    for position, item in enumerate(records, start=1):
        line, evidence = item if isinstance(item, tuple) else (position, item)
        if isinstance(evidence, FivegoodError):
            rows.append(BatchRow(line, error=_one_line(evidence)))
            continue
        subject = evidence.get("subject") if isinstance(evidence, dict) else None
        sid = subject.get("id") if isinstance(subject, dict) else None
        district = subject.get("district") if isinstance(subject, dict) else None
        try:
            decision, reward = engine.assess(evidence, compiled, on, source=source, line=line)
        except FivegoodError as exc:
            rows.append(BatchRow(line, _text(sid), _text(district), error=_one_line(exc)))
            continue
        rows.append(BatchRow(line, _text(sid), _text(district), decision.verdict, decision.failed, decision.unknown, reward))
        if reward is not None and reward.amount is not None and reward.payer is not None:
            key = (_text(district), reward.payer.en, reward.currency or "")
            entry = totals.setdefault(key, [reward.payer, 0, Decimal(0)])
            entry[1] += 1
            entry[2] += reward.amount
    summary = tuple(RewardTotal(d, payer, currency, n, amount) for (d, _, currency), (payer, n, amount) in sorted(totals.items(), key=lambda kv: (kv[0][0] or "", kv[0][1])))
    return BatchReport(compiled.defn.ref, on, tuple(rows), summary)


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
