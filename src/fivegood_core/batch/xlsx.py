"""Spreadsheets: batch input from an ``.xlsx`` workbook, and batch rows written as one (openpyxl, the ``xlsx`` extra).

**Reading.** The sheet named ``evidence`` (or ``证据``; otherwise the first
sheet) holds one organisation per row. Its **first row holds the evidence
keys** (``subject.id``, ``office.area_m2``, ``members.total_by_year.2012`` for
a year of a year table), as a CSV file's header does. A row whose first cell
is text starting with ``# `` (a hash and a space) is a comment and skipped: the template's label rows
(Chinese, English, unit) are such rows. Blank rows are skipped; a blank cell is
unknown.

Cells become the same values the CSV reader makes of their text, without
losing what Excel typed: a whole number stays ``int``; any other number cell
(Excel stores every number as a binary float) is read by its shortest decimal
form (``repr``), so a cell holding 1.1 becomes ``Decimal("1.1")``; booleans
come from ``TRUE``/``FALSE`` cells and from ``是``/``否``, ``yes``/``no``,
``true``/``false`` text; a date cell is a ``datetime.date``. A cell that is
not what its key expects makes its row an error row naming the cell
(``batch.xlsx: evidence!C7: staff.headcount: expected …``); the other rows
still run. Rows are numbered as the sheet numbers them.

Bounds, checked before anything is parsed: the archive must be a zip whose
members unpack to at most :data:`MAX_UNPACKED` bytes, none compressed more
than :data:`MAX_RATIO` to one (a zip bomb is refused); a sheet has at most
:data:`MAX_ROWS` rows and :data:`MAX_COLUMNS` columns; a row is bounded by
:data:`~.records.MAX_RECORD` like a JSON line or a CSV row. The workbook is
read in openpyxl's read-only (streaming) mode, cached formula values only.

**Writing.** :class:`RowsWorkbook` writes batch rows (the CSV rows' columns,
text made inert as the CSV writer makes it) and a summary sheet, streaming.
"""

from __future__ import annotations

import datetime as dt
import importlib
import io
import itertools
import os
import re
import zipfile
from decimal import Decimal
from typing import IO, Any, Iterator

from fivegood_core.batch.cells import MAX_RECORD, Record, cell_value, record_of, wrong_cell
from fivegood_core.batch.rows import CSV_COLUMNS, BatchRow, _inert
from fivegood_core.errors import EvidenceError, FivegoodError, Problem
from fivegood_core.model.vocabulary import BadValue, Vocabulary
from fivegood_core.words.catalogue import say, shown

#: The sheet evidence is read from, by either of its names; otherwise the workbook's first sheet.
SHEET_NAMES = ("evidence", "证据")
#: Rows of a sheet: Excel's own limit.
MAX_ROWS = 1_048_576
#: Columns of a sheet: far more than the keys of any standard, far fewer than Excel's 16,384.
MAX_COLUMNS = 2048
#: What the members of a workbook may unpack to in all.
MAX_UNPACKED = 512 * 1024 * 1024
#: How much more a member of the workbook may unpack to than it takes in the archive (real sheets: under 20).
MAX_RATIO = 200
#: Text cells that mean true or false, folded to lower case.
BOOLEANS = {"是": True, "否": False, "yes": True, "no": False, "true": True, "false": False, "y": True, "n": False, "1": True, "0": False}


def openpyxl() -> Any:
    """The openpyxl module, or a clear error naming the extra that installs it."""
    try:
        # Imported by name: openpyxl ships no type information, and its stubs are not a dependency worth adding.
        return importlib.import_module("openpyxl")
    except ImportError:
        raise FivegoodError(say("xlsx.needs_openpyxl")) from None


def column_letter(number: int) -> str:
    """``1`` → ``A``, ``28`` → ``AB``."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _refuse(name: str, message: Any) -> EvidenceError:
    return EvidenceError([Problem(name, None, None, message)])


def check_archive(path: str | os.PathLike[str], name: str) -> None:
    """Refuse a file that is not a zip archive, or whose members would unpack to too much (a zip bomb)."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        raise _refuse(name, say("xlsx.not_a_workbook")) from None
    total = 0
    for member in members:
        total += member.file_size
        if total > MAX_UNPACKED or member.file_size > MAX_RATIO * max(member.compress_size, 1024):
            raise _refuse(name, say("xlsx.too_big", limit=MAX_UNPACKED, ratio=MAX_RATIO))


def _sheet(workbook: Any) -> Any:
    for wanted in SHEET_NAMES:
        if wanted in workbook.sheetnames:
            return workbook[wanted]
    return workbook.worksheets[0] if workbook.worksheets else None


def read_xlsx(path: str | os.PathLike[str], vocabulary: Vocabulary, *, name: str | None = None) -> Iterator[Record]:
    """Records of an ``.xlsx`` workbook whose first row holds evidence keys; a bad cell makes its row an error record.

    ``name`` is what errors call the file (default ``path``). A file that is
    not a workbook, is too big or whose key row names a column twice is
    refused (:class:`EvidenceError`).
    """
    name = str(path) if name is None else name
    check_archive(path, name)
    xl = openpyxl()
    try:
        workbook = xl.load_workbook(path, read_only=True, data_only=True)
        # A formula's value is read as the spreadsheet program saved it; one saved without (a workbook written by a
        # script) would read as an empty cell. Its formula is read beside it, so that the cell is an error, not blank.
        formulas = xl.load_workbook(path, read_only=True, data_only=False) if has_formulas(path) else None
    except Exception as exc:  # openpyxl raises many kinds for a damaged file: KeyError, ValueError, XML errors…
        raise _refuse(name, say("xlsx.unreadable", error=f"{type(exc).__name__}: {exc}")) from None
    try:
        sheet = _sheet(workbook)
        if sheet is not None and hasattr(sheet, "reset_dimensions"):  # a chart sheet holds no rows
            yield from _records(sheet, name, vocabulary, formulas[sheet.title] if formulas is not None else None)
    finally:
        workbook.close()
        if formulas is not None:
            formulas.close()


_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")


def has_formulas(path: str | os.PathLike[str]) -> bool:
    """Whether any worksheet of the workbook holds a formula (its size already bounded by :func:`check_archive`)."""
    with zipfile.ZipFile(path) as archive:
        for member in archive.infolist():
            if member.filename.startswith("xl/worksheets/") and member.filename.endswith(".xml"):
                if _FORMULA.search(archive.read(member)):
                    return True
    return False


def _records(ws: Any, name: str, vocabulary: Vocabulary, formulas: Any = None) -> Iterator[Record]:
    title = ws.title
    # The dimension a file declares may be wrong (too small loses rows, too big costs time): rows are counted here instead.
    ws.reset_dimensions()
    rows = ws.iter_rows(values_only=True)
    try:
        first = next(rows, None)
    except Exception as exc:
        raise _refuse(name, say("xlsx.unreadable", error=f"{type(exc).__name__}: {exc}")) from None
    finally:
        rows.close()
    if first is None:
        return
    if len(first) > MAX_COLUMNS:
        raise _refuse(name, say("xlsx.too_wide", columns=len(first), limit=MAX_COLUMNS))
    header = ["" if h is None else str(h).strip() for h in first]
    while header and not header[-1]:
        header.pop()
    twice = sorted({h for h in header if header.count(h) > 1 and h})
    if twice:
        second = [i for i, h in enumerate(header) if h == twice[0]][1]
        raise EvidenceError([Problem(f"{name}: {title}!{column_letter(second + 1)}1", None, twice[0], say("batch.column_twice"))])
    width = len(header)
    number = 1
    texts: Iterator[tuple[Any, ...]] = itertools.repeat(())
    if formulas is not None:
        formulas.reset_dimensions()
        texts = formulas.iter_rows(min_row=2, max_col=width + 1, values_only=True)
    try:
        for cells in ws.iter_rows(min_row=2, max_col=width + 1, values_only=True):
            number += 1
            if number > MAX_ROWS:
                raise _refuse(name, say("xlsx.too_long", limit=MAX_ROWS))
            unsaved = _unsaved(name, title, number, header, cells, next(texts, ()))
            if unsaved:
                yield number, EvidenceError(unsaved)
                continue
            if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
                continue
            if isinstance(cells[0], str) and (cells[0].strip() == "#" or cells[0].lstrip().startswith("# ")):
                continue  # a comment: the template's label rows (not an Excel error value such as #N/A)
            yield number, _row(name, title, number, header, cells, vocabulary)
    except EvidenceError:
        raise
    except Exception as exc:
        raise _refuse(name, say("xlsx.unreadable", error=f"{type(exc).__name__}: {exc}")) from None


def _unsaved(name: str, title: str, number: int, header: list[str], cells: tuple[Any, ...], texts: tuple[Any, ...]) -> list[Problem]:
    """A problem for each keyed cell whose formula has no saved value."""
    return [
        Problem(f"{name}: {title}!{column_letter(i + 1)}{number}", None, header[i], say("xlsx.formula_without_value", formula=shown(text)))
        for i, (cell, text) in enumerate(zip(cells, texts))
        if cell is None and isinstance(text, str) and text.startswith("=") and i < len(header) and header[i]
    ]


def _row(name: str, title: str, number: int, header: list[str], cells: tuple[Any, ...], vocabulary: Vocabulary) -> Any:
    if len(cells) > len(header) and cells[len(header)] is not None:
        where = f"{name}: {title}!{column_letter(len(header) + 1)}{number}"
        return EvidenceError([Problem(where, None, None, say("xlsx.cell_without_key"))])
    if sum(len(c) for c in cells if isinstance(c, str)) > MAX_RECORD:
        return EvidenceError([Problem(name, number, None, say("batch.line_too_long", limit=MAX_RECORD))])
    flat: dict[str, Any] = {}
    problems: list[Problem] = []
    for index, (column, cell) in enumerate(zip(header, cells), start=1):
        if not column or cell is None or (isinstance(cell, str) and not cell.strip()):
            continue
        try:
            flat[column] = _value(column, cell, vocabulary)
        except (BadValue, ValueError, ArithmeticError):
            problems.append(wrong_cell(f"{name}: {title}!{column_letter(index)}{number}", None, column, _shown(cell), vocabulary))
    return record_of(flat, problems, name, number)


def _shown(cell: Any) -> Any:
    if isinstance(cell, float):
        return Decimal(repr(cell))
    if isinstance(cell, dt.datetime):
        return cell.isoformat()
    return cell


def _value(column: str, cell: Any, vocabulary: Vocabulary) -> Any:
    """A cell as the CSV reader would read its text, keeping what the cell's own type says exactly."""
    entry = vocabulary.get(column)
    kind = entry.type.name if entry is not None else None
    if entry is None and column.count(".") >= 2:
        table = vocabulary.get(column.rsplit(".", 1)[0])
        if table is not None and table.type.name == "by_year":
            entry, kind = table, "year_of_table"  # a year column of a year table: a whole number, as CSV reads it
    if isinstance(cell, bool):
        if kind == "flag" or entry is None:
            return cell
        text = "TRUE" if cell else "FALSE"
    elif isinstance(cell, int):
        text = str(cell)
    elif isinstance(cell, float):
        # Excel stores every number as a binary float; its shortest repr is the number the person typed.
        text = str(int(cell)) if cell.is_integer() and abs(cell) < 2**53 else repr(cell)
    elif isinstance(cell, dt.datetime):
        day = cell.date() if cell.time() == dt.time(0) else cell
        if entry is None:
            return day
        text = day.isoformat()
    elif isinstance(cell, dt.date):
        if entry is None:
            return cell
        text = cell.isoformat()
    elif isinstance(cell, dt.time | dt.timedelta):
        text = str(cell)
    else:
        text = str(cell).strip()
        if kind == "flag":
            found = BOOLEANS.get(text.lower())
            if found is None:
                raise ValueError(text)
            return found
    if kind == "text" and not isinstance(cell, str):
        # A name or identifier typed as a number (an id 1001): its text, as CSV would have it.
        return text
    return cell_value(column, text, vocabulary)


class RowsWorkbook:
    """Batch rows written as a workbook, streaming: a ``rows`` sheet (the CSV rows' columns) and a ``summary`` sheet."""

    def __init__(self) -> None:
        xl = openpyxl()
        self._book = xl.Workbook(write_only=True)
        self._rows = self._book.create_sheet("rows")
        self._rows.freeze_panes = "A2"
        self._rows.append(CSV_COLUMNS)

    def add(self, row: BatchRow) -> None:
        """Write one row: the CSV cells (already made inert), the line and the reward as numbers."""
        cells: list[Any] = row.to_csv()
        cells[0] = row.line
        if row.reward is not None and row.reward.amount is not None:
            # Money as an exact decimal number cell (written as its digits), summable in the spreadsheet.
            cells[6] = row.reward.amount
        self._rows.append(cells)

    def finish(self, summary: Any, handle: IO[bytes]) -> None:
        """Add the summary sheet and write the workbook to ``handle``."""
        from fivegood_core.model.divisions import place_label

        ws = self._book.create_sheet("summary")
        ws.append(["standard", summary.standard])
        ws.append(["as_of", summary.as_of])
        ws.append([])
        ws.append(["verdict", "records"])
        for key, n in summary.counts.items():
            ws.append([key, n])
        ws.append([])
        ws.append(["district", "payer", "payer_en", "currency", "certified", "amount"])
        for t in summary.totals:
            ws.append([_inert(place_label(t.district or "-")), _inert(t.payer.zh), _inert(t.payer.en), t.currency, t.certified, t.amount])
        ws.append([])
        ws.append(["criterion", "title", "pass", "fail", "unknown", "pass_rate"])
        for c in summary.criteria:
            rate = c.pass_rate
            ws.append(
                [
                    _inert(c.id),
                    _inert(c.title.zh),
                    c.counts.get("pass", 0),
                    c.counts.get("fail", 0),
                    c.counts.get("unknown", 0),
                    None if rate is None else Decimal(rate.numerator) / Decimal(rate.denominator),
                ]
            )
        buffer = io.BytesIO()
        self._book.save(buffer)
        handle.write(buffer.getvalue())
