"""Reading batch input: JSON Lines, CSV, Parquet or xlsx records, each with its line number, a bad one as an error record."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path
from typing import Any, BinaryIO, Iterator

from fivegood_core.batch.cells import MAX_RECORD, Record, cell_value, record_of, wrong_cell
from fivegood_core.errors import EvidenceError, Problem
from fivegood_core.evidence.document import parse_json_evidence
from fivegood_core.model.vocabulary import BadValue, Vocabulary
from fivegood_core.words.catalogue import say

__all__ = ["MAX_RECORD", "Record", "block_lines", "input_format", "jsonl_blocks", "read_csv", "read_jsonl", "read_records"]

# CSV cells are bounded by MAX_RECORD like JSON lines; the csv module's own limit (131,072) is lower.
csv.field_size_limit(1024 * 1024)

_BOMS = {b"\xff\xfe": "UTF-16", b"\xfe\xff": "UTF-16", b"\x00\x00\xfe\xff": "UTF-32", b"\xff\xfe\x00\x00": "UTF-32"}


def _check_encoding(handle: BinaryIO, name: str) -> None:
    # A whole file in another encoding has no readable record at all: say so once, not per line.
    head = handle.peek(4)[:4] if hasattr(handle, "peek") else b""
    for bom, encoding in sorted(_BOMS.items(), key=lambda kv: -len(kv[0])):
        if head.startswith(bom):
            raise EvidenceError([Problem(name, None, None, say("batch.not_utf8_file", encoding=encoding))])


def _skip_line(handle: BinaryIO) -> int:
    """Read past the rest of the current line, at most :data:`MAX_RECORD` bytes at a time; the bytes skipped."""
    skipped = 0
    while True:
        raw = handle.readline(MAX_RECORD)
        skipped += len(raw)
        if not raw or raw.endswith(b"\n"):
            return skipped


def _lines(
    handle: BinaryIO, name: str, number: int = 0, position: int = 0, stop: int | None = None
) -> Iterator[tuple[int, str | EvidenceError]]:
    """Each line's text, or the error reading it; a line is read at most :data:`MAX_RECORD` bytes at a time.

    ``number`` lines come before the first read, which starts at byte
    ``position``; with ``stop``, only the lines starting before that byte are read.
    """
    while stop is None or position < stop:
        raw = handle.readline(MAX_RECORD + 1)
        if not raw:
            return
        position += len(raw)
        number += 1
        if len(raw) > MAX_RECORD and not raw.endswith(b"\n"):
            position += _skip_line(handle)  # the rest of the line, not kept
            yield (
                number,
                EvidenceError([Problem(name, number, None, say("batch.line_too_long", limit=MAX_RECORD))]),
            )
            continue
        try:
            yield number, raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            yield number, EvidenceError([Problem(name, number, None, say("batch.line_not_utf8", byte=exc.start))])


_JSON_SPACE = " \t\r\n"


def read_jsonl(
    path: str | os.PathLike[str], *, name: str | None = None, start: int = 0, stop: int | None = None, first: int = 1
) -> Iterator[Record]:
    """Records of a JSON Lines file; a malformed or unreadable line becomes an error record with its number.

    ``name`` is what errors call the file (default ``path``). A part of the
    file: the lines that start in bytes ``[start, stop)``, the first of them
    numbered ``first`` (a line starts after a line feed, so lines never split
    between parts; :mod:`.distributed` reads a file in such parts).
    """
    name = str(path) if name is None else name
    for number, line in jsonl_lines(path, name=name, start=start, stop=stop, first=first):
        yield number, parse_line(number, line, name)


def jsonl_lines(
    path: str | os.PathLike[str], *, name: str | None = None, start: int = 0, stop: int | None = None, first: int = 1
) -> Iterator[tuple[int, str | EvidenceError]]:
    """What :func:`read_jsonl` reads, before parsing: each record's text (or the error reading it) with its number."""
    name = str(path) if name is None else name
    with open(path, "rb") as handle:
        if start == 0:
            _check_encoding(handle, name)
        else:
            handle.seek(start - 1)
            start += _skip_line(handle) - 1  # the line begun before this part (or just its line feed)
        yield from _records(_lines(handle, name, first - 1, start, stop))


def _records(lines: Iterator[tuple[int, str | EvidenceError]]) -> Iterator[tuple[int, str | EvidenceError]]:
    for number, line in lines:
        if isinstance(line, EvidenceError):
            yield number, line
        else:
            line = line.strip(_JSON_SPACE)
            # Only JSON's own white space makes a line blank: "\x1c" is a record, and a bad one.
            if line:
                yield number, line


#: Bytes of JSON Lines read at a time by :func:`jsonl_blocks` (then up to the end of the last line).
BLOCK_BYTES = 1024 * 1024


def jsonl_blocks(path: str | os.PathLike[str], *, name: str | None = None, size: int | None = None) -> Iterator[tuple[int, int, bytes]]:
    """A JSON Lines file in blocks of whole lines for :func:`block_lines`: each block's first line number, first byte's offset, and bytes.

    A block is ``size`` bytes (default :data:`BLOCK_BYTES`) and the rest of its
    last line. A line longer than :data:`MAX_RECORD` is cut after its first
    ``MAX_RECORD + 1`` bytes and ends its block, so that it is the error it is
    in :func:`jsonl_lines`, and a block never holds more than ``size + MAX_RECORD + 1`` bytes.
    Its bytes are always those of the file from its offset on, so a block can be read again by offset and length.
    A file in another encoding is refused here, before any block.
    """
    name = str(path) if name is None else name
    size = BLOCK_BYTES if size is None else size
    number, position = 1, 0
    with open(path, "rb") as handle:
        _check_encoding(handle, name)
        while True:
            start = position
            data = handle.read(size)
            if not data:
                return
            position += len(data)
            if not data.endswith(b"\n"):
                rest = handle.readline(MAX_RECORD + 1)
                position += len(rest)
                data += rest
                last = len(data) - data.rfind(b"\n") - 1  # bytes of the last line, which has no line feed
                if last > MAX_RECORD:
                    data = data[: len(data) - last + MAX_RECORD + 1]
                    position += _skip_line(handle)
            yield number, start, data
            number += data.count(b"\n") + (not data.endswith(b"\n"))


def block_lines(data: bytes, name: str, first: int) -> Iterator[tuple[int, str | EvidenceError]]:
    """What :func:`jsonl_lines` reads from one of :func:`jsonl_blocks`: each record's text (or error) with its number."""
    return _records(_lines(io.BytesIO(data), name, first - 1))


def parse_line(number: int, line: str | EvidenceError, name: str) -> dict[str, Any] | EvidenceError:
    """One JSON Lines record's evidence, or the error reading it, located at the file's line."""
    if isinstance(line, EvidenceError):
        return line
    try:
        return parse_json_evidence(line, name)
    except EvidenceError as exc:
        # The parser counts lines within the record; the file's line is what a reader needs.
        return EvidenceError([Problem(name, number, p.key, p.message) for p in exc.problems])


def read_csv(path: str | os.PathLike[str], vocabulary: Vocabulary, *, name: str | None = None) -> Iterator[Record]:
    """Records of a CSV file with dotted column names; cells become values of their key's type.

    A row that cannot be read (a cell that is not UTF-8 or is too long, more
    cells than the header, a quoted cell running over lines) is an error record;
    a header naming a column twice refuses the file. ``name`` is what errors
    call the file (default ``path``).
    """
    name = str(path) if name is None else name
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
                yield reader.line_num, EvidenceError([Problem(name, reader.line_num, None, say("batch.csv_unreadable", error=str(exc)))])
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
        raise EvidenceError([Problem(name, 1, None, say("batch.csv_header_unreadable", error=str(exc)))]) from None
    header = [h.strip() for h in header]
    twice = sorted({h for h in header if header.count(h) > 1 and h})
    if twice:
        raise EvidenceError([Problem(name, 1, twice[0], say("batch.column_twice"))])
    return header


def _row(name: str, start: int, end: int, header: list[str], cells: list[str], vocabulary: Vocabulary) -> dict[str, Any] | EvidenceError:
    if end > start and any("\n" in c for c in cells):
        return EvidenceError([Problem(name, start, None, say("batch.quote_runs_over", start=start, end=end))])
    if len(cells) > len(header):
        return EvidenceError([Problem(name, start, None, say("batch.too_many_cells", cells=len(cells), header=len(header)))])
    flat: dict[str, Any] = {}
    problems: list[Problem] = []
    for column, cell in zip(header, cells):
        if not column or cell.strip() == "":
            continue
        if any("\udc80" <= ch <= "\udcff" for ch in cell):
            problems.append(Problem(name, start, column, say("batch.cell_not_utf8")))
            continue
        try:
            flat[column] = cell_value(column, cell.strip(), vocabulary)
        except (BadValue, ValueError, ArithmeticError):
            problems.append(wrong_cell(name, start, column, cell, vocabulary))
    return record_of(flat, problems, name, start)


def record_from_cells(name: str, cells: dict[str, str], vocabulary: Vocabulary, line: int = 1) -> dict[str, Any] | EvidenceError:
    """One record from text cells named by dotted keys (a form's fields), read exactly as a CSV row is."""
    return _row(name, line, line, list(cells), list(cells.values()), vocabulary)


#: File name endings of each batch input format.
FORMATS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".parquet": "parquet", ".pq": "parquet", ".xlsx": "xlsx"}


def input_format(path: str | os.PathLike[str]) -> str:
    """``jsonl``, ``csv``, ``parquet`` or ``xlsx``, from the file's name; any other name is refused."""
    found = FORMATS.get(Path(path).suffix.lower())
    if found is None:
        raise EvidenceError([Problem(str(path), None, None, say("batch.file_type"))])
    return found


def read_records(path: str | os.PathLike[str], vocabulary: Vocabulary, *, name: str | None = None) -> Iterator[Record]:
    """Records of a ``.jsonl``/``.ndjson``, ``.csv``, ``.parquet`` or ``.xlsx`` file (Parquet needs pyarrow, xlsx openpyxl).

    ``name`` is what errors call the file (default its path).
    """
    kind = input_format(path)
    if kind == "jsonl":
        return read_jsonl(path, name=name)
    if kind == "csv":
        return read_csv(path, vocabulary, name=name)
    if kind == "xlsx":
        from fivegood_core.batch.xlsx import read_xlsx  # imports openpyxl only when asked for

        return read_xlsx(path, vocabulary, name=name)
    from fivegood_core.batch.parquet import read_parquet  # imports pyarrow only when asked for

    return read_parquet(path, name=name)
