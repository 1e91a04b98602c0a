"""Exact arithmetic for thresholds: integers, Decimals, Fractions and compound growth.

A compound growth rate ``(end/start) ** (1/n) - 1`` is irrational in general,
so it is never computed as a number to compare: :class:`CompoundGrowth` keeps
the exact ratio and compares ``end/start`` with ``(1 + rate) ** n`` in
rationals (docs/concepts.md).
"""

from __future__ import annotations

import math
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


def float_bounds(limit: Number) -> tuple[float, float]:
    """The floats that read as ``limit``'s neighbours: (``lo``, ``hi``) for comparing a float value exactly.

    Evidence reads a float by its shortest representation (``0.1`` is 0.1, not
    the binary 0.1000000000000000055…). That reading is monotone in the float,
    so for every float ``v``: it reads ``>= limit`` exactly when ``v >= lo``, and
    ``<= limit`` exactly when ``v <= hi`` (``lo`` is the least float reading at
    least ``limit``, ``hi`` the greatest reading at most it). Computed once per
    threshold, they let the fast path compare floats without building a
    Decimal per record.
    """
    exact = Fraction(limit)

    def reads(f: float) -> Fraction:
        return Fraction(Decimal(repr(f)))

    lo = float(exact)
    while reads(lo) < exact:
        lo = math.nextafter(lo, math.inf)
    while reads(math.nextafter(lo, -math.inf)) >= exact:
        lo = math.nextafter(lo, -math.inf)
    hi = float(exact)
    while reads(hi) > exact:
        hi = math.nextafter(hi, -math.inf)
    while reads(math.nextafter(hi, math.inf)) <= exact:
        hi = math.nextafter(hi, math.inf)
    return lo, hi
