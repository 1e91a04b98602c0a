"""What every tabular batch reader shares: the record type, its size bound, and a cell's text as a typed value."""

from __future__ import annotations

from typing import Any, Union

from fivegood_core.errors import EvidenceError, FivegoodError, Problem
from fivegood_core.evidence.document import nest
from fivegood_core.model.vocabulary import Vocabulary
from fivegood_core.words.catalogue import say, shown

#: A record as a reader yields it: its line (or row) number and the evidence, or the error reading it.
Record = tuple[int, Union[dict[str, Any], FivegoodError]]

#: The longest record accepted: far beyond one organisation's evidence, far below what would exhaust memory.
MAX_RECORD = 1024 * 1024


def cell_value(column: str, cell: str, vocabulary: Vocabulary) -> Any:
    """A cell's text as a value of its key's type (CSV and xlsx cells alike); ValueError or BadValue when it is not one."""
    entry = vocabulary.get(column)
    if entry is None and column.count(".") >= 2:
        # A year column of a by-year table: members.total_by_year.2012
        table = vocabulary.get(column.rsplit(".", 1)[0])
        if table is not None and table.type.name == "by_year":
            return int(cell)
    if entry is None or entry.type.from_text is None:
        return cell
    return entry.type.from_text(cell)


def wrong_cell(where: str, line: int | None, column: str, got: Any, vocabulary: Vocabulary) -> Problem:
    """The problem of a cell that is not what its key expects (CSV and xlsx cells alike)."""
    entry = vocabulary.get(column) or vocabulary.get(column.rsplit(".", 1)[0])
    expected = entry.type.expected if entry else say("word.a_value")
    return Problem(where, line, column, say("value.expected_got", expected=expected, got=shown(got)))


def record_of(flat: dict[str, Any], problems: list[Problem], name: str, line: int) -> dict[str, Any] | EvidenceError:
    """A row's record from its dotted keys' values, or the error of its bad cells, located at its line."""
    if problems:
        return EvidenceError(problems)
    try:
        return nest(flat)
    except EvidenceError as exc:
        return exc.located(name, line)
