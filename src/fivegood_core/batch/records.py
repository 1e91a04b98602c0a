"""Reading batch input: JSON Lines or CSV records, each with its line number, a bad one as an error record."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path
from typing import Any, BinaryIO, Iterator, Union

from fivegood_core.errors import EvidenceError, FivegoodError, Problem
from fivegood_core.evidence.document import nest, parse_json_evidence
from fivegood_core.model.vocabulary import BadValue, Vocabulary

# CSV cells are bounded by MAX_RECORD like JSON lines; the csv module's own limit (131,072) is lower.
csv.field_size_limit(1024 * 1024)

#: A record as a reader yields it: its line (or row) number and the evidence, or the error reading it.
Record = tuple[int, Union[dict[str, Any], FivegoodError]]


#: The longest record accepted: far beyond one organisation's evidence, far below what would exhaust memory.
MAX_RECORD = 1024 * 1024
_BOMS = {b"\xff\xfe": "UTF-16", b"\xfe\xff": "UTF-16", b"\x00\x00\xfe\xff": "UTF-32", b"\xff\xfe\x00\x00": "UTF-32"}


def _check_encoding(handle: BinaryIO, name: str) -> None:
    # A whole file in another encoding has no readable record at all: say so once, not per line.
    head = handle.peek(4)[:4] if hasattr(handle, "peek") else b""
    for bom, encoding in sorted(_BOMS.items(), key=lambda kv: -len(kv[0])):
        if head.startswith(bom):
            raise EvidenceError([Problem(name, None, None, f"is {encoding} text; expected UTF-8 (save it as UTF-8 and try again)")])


def _lines(handle: BinaryIO, name: str) -> Iterator[tuple[int, str | EvidenceError]]:
    """Each line's text, or the error reading it; a line is read at most :data:`MAX_RECORD` bytes at a time."""
    number = 0
    while True:
        raw = handle.readline(MAX_RECORD + 1)
        if not raw:
            return
        number += 1
        if len(raw) > MAX_RECORD and not raw.endswith(b"\n"):
            while raw and not raw.endswith(b"\n"):  # skip the rest of the line without keeping it
                raw = handle.readline(MAX_RECORD)
            yield (
                number,
                EvidenceError(
                    [Problem(name, number, None, f"the line is longer than {MAX_RECORD} bytes; not one organisation's evidence")]
                ),
            )
            continue
        try:
            yield number, raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            yield number, EvidenceError([Problem(name, number, None, f"is not UTF-8 text (byte {exc.start} of the line)")])


_JSON_SPACE = " \t\r\n"


def read_jsonl(path: str | os.PathLike[str]) -> Iterator[Record]:
    """Records of a JSON Lines file; a malformed or unreadable line becomes an error record with its number."""
    name = str(path)
    with open(path, "rb") as handle:
        _check_encoding(handle, name)
        for number, line in _lines(handle, name):
            if isinstance(line, EvidenceError):
                yield number, line
            elif line.strip(_JSON_SPACE):
                # Only JSON's own white space makes a line blank: "\x1c" is a record, and a bad one.
                try:
                    yield number, parse_json_evidence(line.strip(_JSON_SPACE), name)
                except EvidenceError as exc:
                    # The parser counts lines within the record; the file's line is what a reader needs.
                    yield number, EvidenceError([Problem(name, number, p.key, p.message) for p in exc.problems])


def read_csv(path: str | os.PathLike[str], vocabulary: Vocabulary) -> Iterator[Record]:
    """Records of a CSV file with dotted column names; cells become values of their key's type.

    A row that cannot be read (a cell that is not UTF-8 or is too long, more
    cells than the header, a quoted cell running over lines) is an error record;
    a header naming a column twice refuses the file.
    """
    name = str(path)
    with open(path, "rb") as binary:
        _check_encoding(binary, name)
        # Undecodable bytes are kept as surrogates and reported for their row, so one bad cell costs one row.
        handle = io.TextIOWrapper(binary, encoding="utf-8-sig", errors="surrogateescape", newline="")
        reader = csv.reader(handle)
        header = _header(reader, name)
        if header is None:
            return
        previous = reader.line_num
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield reader.line_num, EvidenceError([Problem(name, reader.line_num, None, f"cannot be read as CSV: {exc}")])
                previous = reader.line_num
                continue
            start, previous = previous + 1, reader.line_num
            if not cells or all(not c.strip() for c in cells):
                continue
            yield start, _row(name, start, reader.line_num, header, cells, vocabulary)


def _header(reader: Any, name: str) -> list[str] | None:
    try:
        header = next(reader)
    except StopIteration:
        return None
    except csv.Error as exc:
        raise EvidenceError([Problem(name, 1, None, f"the header cannot be read as CSV: {exc}")]) from None
    header = [h.strip() for h in header]
    twice = sorted({h for h in header if header.count(h) > 1 and h})
    if twice:
        raise EvidenceError([Problem(name, 1, twice[0], "the column appears twice in the header; which value counts would be a guess")])
    return header


def _row(name: str, start: int, end: int, header: list[str], cells: list[str], vocabulary: Vocabulary) -> dict[str, Any] | EvidenceError:
    if end > start and any("\n" in c for c in cells):
        return EvidenceError([Problem(name, start, None, f"a quoted cell runs from line {start} to line {end}; is a quote unbalanced?")])
    if len(cells) > len(header):
        return EvidenceError([Problem(name, start, None, f"the row has {len(cells)} cells, the header {len(header)}")])
    flat: dict[str, Any] = {}
    problems: list[Problem] = []
    for column, cell in zip(header, cells):
        if not column or cell.strip() == "":
            continue
        if any("\udc80" <= ch <= "\udcff" for ch in cell):
            problems.append(Problem(name, start, column, "is not UTF-8 text"))
            continue
        try:
            flat[column] = _cell(column, cell.strip(), vocabulary)
        except (BadValue, ValueError, ArithmeticError):
            entry = vocabulary.get(column) or vocabulary.get(column.rsplit(".", 1)[0])
            expected = entry.type.expected if entry else "a value"
            problems.append(Problem(name, start, column, f"expected {expected}, got {_shown(cell)}"))
    if problems:
        return EvidenceError(problems)
    try:
        return nest(flat)
    except EvidenceError as exc:
        return exc.located(name, start)


def _shown(cell: str) -> str:
    return repr(cell) if len(cell) <= 40 else repr(cell[:37] + "...")


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
