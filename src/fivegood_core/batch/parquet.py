"""Parquet batch input: one organisation per row, read with pyarrow (the ``distributed`` extra).

Columns are either nested (a struct column ``office`` with a field
``area_m2``) or dotted (``office.area_m2``, as in CSV); both become the same
evidence table. Arrow types map to exact Python values: integers stay ``int``,
``decimal128`` columns become ``Decimal`` (exact), ``double`` columns become
``float`` (read by the engine by their shortest decimal form, as in JSON
without exact decimals), booleans stay booleans. A null is an absent value.

Records are numbered by row, from 1, across the whole file: an error row says
``batch.parquet:17: staff.headcount: …`` for the 17th row.
"""

from __future__ import annotations

import importlib
import os
from typing import Any, Iterator, Sequence

from fivegood_core.errors import EvidenceError, Problem
from fivegood_core.evidence.document import nest
from fivegood_core.words.catalogue import say

#: Rows converted to Python at a time: bounds memory whatever the file's row groups.
BATCH_ROWS = 4096


def _parquet() -> Any:
    try:
        return importlib.import_module("pyarrow.parquet")
    except ImportError:
        raise EvidenceError([Problem(None, None, None, say("batch.parquet_needs_pyarrow"))]) from None


def _unreadable(name: str, exc: Exception) -> EvidenceError:
    return EvidenceError([Problem(name, None, None, say("batch.parquet_unreadable", error=str(exc)))])


def row_groups(path: str | os.PathLike[str], *, name: str | None = None) -> list[int]:
    """The number of rows in each row group of the file (read from its footer only)."""
    pq = _parquet()
    try:
        meta = pq.ParquetFile(path).metadata
    except (OSError, ValueError) as exc:
        raise _unreadable(str(path) if name is None else name, exc) from None
    return [meta.row_group(i).num_rows for i in range(meta.num_row_groups)]


def read_parquet(
    path: str | os.PathLike[str], *, name: str | None = None, groups: Sequence[int] | None = None, first: int = 1
) -> Iterator[tuple[int, dict[str, Any] | EvidenceError]]:
    """Records ``(row number, evidence or error)`` of a Parquet file, or of some of its row groups.

    ``name`` is what errors call the file (default ``path``); ``first`` is the
    number of the first row read (the rows before the first of ``groups``,
    plus one, when reading part of a file).
    """
    pq = _parquet()
    name = str(path) if name is None else name
    number = first
    try:
        handle = pq.ParquetFile(path)
        for batch in handle.iter_batches(batch_size=BATCH_ROWS, row_groups=None if groups is None else list(groups)):
            for row in batch.to_pylist():
                yield number, _record(row, name, number)
                number += 1
    except (OSError, ValueError) as exc:  # a damaged file: pyarrow's errors derive from these
        raise _unreadable(name, exc) from None


def _present(value: Any) -> Any:
    return {k: _present(v) for k, v in value.items() if v is not None} if isinstance(value, dict) else value


def _record(row: dict[str, Any], name: str, number: int) -> dict[str, Any] | EvidenceError:
    try:
        return nest(_present(row))
    except EvidenceError as exc:
        return exc.located(name, number)
