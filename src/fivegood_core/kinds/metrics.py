"""Metrics: values computed from evidence (a ratio, a compound growth rate) for thresholds.

A metric is registered through the ``fivegood_metrics`` hook; a threshold
criterion names it with ``metric = "…"`` and ``args = {…}``. Binding a metric
to its arguments happens once, when the standard is compiled; computing it is
then a few dictionary reads and exact arithmetic.
"""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING, Any, Mapping, Sequence

from fivegood_core.evidence.reader import Reader
from fivegood_core.kinds.contract import BoundMetric, EvalContext, Measured, Metric
from fivegood_core.model.definitions import Text
from fivegood_core.model.exact import CompoundGrowth
from fivegood_core.reading.schema import BuildError

if TYPE_CHECKING:
    from fivegood_core.kinds.contract import BuildContext


def latest_year(tables: Sequence[Mapping[int, int]], subject_year: int | None) -> int | None:
    """The latest year present in every table, not after the assessment year."""
    common = set(tables[0]).intersection(*tables[1:]) if tables else set()
    if subject_year is not None:
        common = {y for y in common if y <= subject_year}
    return max(common) if common else None


def _need_key(args: Mapping[str, Any], name: str, ctx: "BuildContext", type_name: str) -> str:
    key = args.get(name)
    if not isinstance(key, str):
        raise BuildError(name, f"expected an evidence key for {name!r}")
    entry = ctx.vocabulary.get(key)
    if entry is None:
        raise BuildError(name, f"unknown evidence key {key!r}: not in the vocabulary")
    if type_name and entry.type.name not in type_name.split("|"):
        raise BuildError(name, f"{key} is a {entry.type.name}, expected a {type_name.replace('|', ' or ')}")
    return key


class Ratio(BoundMetric):
    """numerator / denominator, exactly."""

    unit = "percent"

    def __init__(self, numerator: str, denominator: str) -> None:
        self.numerator = numerator
        self.denominator = denominator
        self.inputs = (numerator, denominator)

    def compute(self, r: Reader, ctx: "EvalContext") -> Measured:
        n, d = r.get(self.numerator), r.get(self.denominator)
        values = {self.numerator: n, self.denominator: d}
        absent = tuple(k for k, v in values.items() if v is None)
        if absent:
            return Measured(None, values, absent)
        if d == 0:
            return Measured(
                None, values, note=Text(f"{self.denominator} 为 0,比例无法计算", f"{self.denominator} is 0, the share cannot be computed")
            )
        return Measured(Fraction(n) / Fraction(d), values, detail=f"{n}/{d}")


def _bind_ratio(args: Mapping[str, Any], ctx: "BuildContext") -> BoundMetric:
    return Ratio(
        _need_key(args, "numerator", ctx, "count|amount|area|number"), _need_key(args, "denominator", ctx, "count|amount|area|number")
    )


class Growth(BoundMetric):
    """Compound annual growth of a year → value table over ``years`` years, up to the assessment year."""

    unit = "percent"

    def __init__(self, table: str, years: int) -> None:
        self.table = table
        self.years = years
        self.inputs = (table,)

    def compute(self, r: Reader, ctx: "EvalContext") -> Measured:
        table = r.get(self.table)
        if table is None:
            return Measured(None, {self.table: None}, (self.table,))
        end = latest_year([table], ctx.subject_year)
        start = None if end is None else end - self.years
        if end is None or start not in table:
            want = f"{self.table}.{start}" if end is not None else f"{self.table}.<year>"
            return Measured(None, {self.table: table}, (want,))
        if table[start] == 0:
            return Measured(
                None,
                {self.table: table},
                note=Text(f"{start} 年数值为 0,增长率无法计算", f"the {start} value is 0, growth cannot be computed"),
            )
        growth = CompoundGrowth(table[start], table[end], self.years)
        return Measured(growth, {self.table: table}, detail=f"{table[start]:,} → {table[end]:,}, {start}–{end}")


def _bind_growth(args: Mapping[str, Any], ctx: "BuildContext") -> BoundMetric:
    years = args.get("years", 3)
    if isinstance(years, bool) or not isinstance(years, int) or years < 1:
        raise BuildError("years", "expected a whole number of years ≥ 1")
    return Growth(_need_key(args, "table", ctx, "by_year"), years)


BUILTIN_METRICS = (
    Metric(
        "ratio",
        "numerator / denominator as an exact fraction, shown as a percentage",
        {"numerator": "evidence key (a number)", "denominator": "evidence key (a number)"},
        _bind_ratio,
    ),
    Metric(
        "growth",
        "compound annual growth (N_end / N_start) ** (1/years) - 1, compared exactly in rationals",
        {"table": "evidence key of a year → value table", "years": "number of years (default 3)"},
        _bind_growth,
    ),
)
