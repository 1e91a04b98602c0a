"""Reading batch input: JSON Lines or CSV records, each with its line number, a bad one as an error record."""

from __future__ import annotations

import csv
import os
from pathlib import Path
from typing import Any, Iterator, Union

from fivegood_core.errors import EvidenceError, FivegoodError, Problem
from fivegood_core.evidence.document import nest, parse_json_evidence
from fivegood_core.model.vocabulary import BadValue, Vocabulary

#: A record as a reader yields it: its line (or row) number and the evidence, or the error reading it.
Record = tuple[int, Union[dict[str, Any], FivegoodError]]


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
