"""Exact arithmetic for thresholds: integers, Decimals, Fractions and compound growth.

A compound growth rate ``(end/start) ** (1/n) - 1`` is irrational in general,
so it is never computed as a number to compare: :class:`CompoundGrowth` keeps
the exact ratio and compares ``end/start`` with ``(1 + rate) ** n`` in
rationals (docs/concepts.md).
"""

from __future__ import annotations

from decimal import Decimal, localcontext
from fractions import Fraction
from typing import Union

import attrs

Number = Union[int, Decimal, Fraction]


@attrs.frozen
class CompoundGrowth:
    """Growth from ``start`` to ``end`` over ``years`` years, compared exactly as a yearly rate."""

    start: int
    end: int
    years: int

    @property
    def factor(self) -> Fraction:
        """``end / start``."""
        return Fraction(self.end, self.start)

    def approx(self, places: int = 28) -> Decimal:
        """The yearly rate for display only, never for comparison."""
        with localcontext() as ctx:
            ctx.prec = places
            ratio = Decimal(self.end) / Decimal(self.start)
            return ratio ** (Decimal(1) / Decimal(self.years)) - 1

    def against(self, rate: Number) -> tuple[Fraction, Fraction]:
        """The two exact quantities to compare for a yearly ``rate``."""
        return self.factor, (1 + Fraction(rate)) ** self.years


def compare(op: str, left: Number | CompoundGrowth, right: Number) -> bool:
    """``left op right`` exactly; mixed Decimal/Fraction operands compare as fractions."""
    if isinstance(left, CompoundGrowth):
        left, right = left.against(right)
    elif isinstance(left, Fraction) or isinstance(right, Fraction):
        left, right = Fraction(left), Fraction(right)
    if op == ">=":
        return left >= right
    if op == ">":
        return left > right
    if op == "<=":
        return left <= right
    if op == "<":
        return left < right
    if op == "==":
        return left == right
    raise ValueError(f"unknown comparison {op!r}")
