"""Showing exact values to people: counts, yuan, m², percentages, thresholds and gaps.

Everything is computed in integers, Decimals and Fractions; only the final
rounding for display happens here (two decimals for percentages, half-even).
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction

from fivegood_core.model.definitions import Text
from fivegood_core.model.exact import CompoundGrowth, Number

#: Units a check may show its values in.
UNITS = ("count", "amount", "area", "percent", "number")

_SYMBOL = {">": ">", ">=": "≥", "<": "<", "<=": "≤", "==": "="}


def _decimal(value: Number, places: int | None = None) -> Decimal:
    if isinstance(value, Fraction):
        d = Decimal(value.numerator) / Decimal(value.denominator)
    else:
        d = Decimal(value)
    if places is not None:
        d = d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN)
    return d


def _plain(d: Decimal) -> str:
    text = format(d, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def fmt(value: Number | CompoundGrowth, unit: str) -> str:
    """``52 m²``, ``¥60,000``, ``21.14%``, ``3``: exact up to the display rounding."""
    if isinstance(value, CompoundGrowth):
        value = value.approx()
    if unit == "percent":
        return _plain(_decimal(Fraction(value) * 100, 2)) + "%"
    if unit == "amount":
        d = _decimal(value, 2)
        whole, _, frac = _plain(d).partition(".")
        sign = "-" if whole.startswith("-") else ""
        return f"{sign}¥{int(whole.lstrip('-')):,}" + (f".{frac}" if frac else "")
    text = _plain(_decimal(value, 4)) if isinstance(value, Fraction) else _plain(_decimal(value))
    if unit == "area":
        return f"{text} m²"
    return text


def threshold(op: str, value: Number, unit: str) -> str:
    """``≥ 60 m²``, ``> 5.5%``."""
    return f"{_SYMBOL[op]} {fmt(value, unit)}"


def gap(op: str, observed: Number | CompoundGrowth, limit: Number, unit: str) -> Text:
    """What it would take to meet ``op limit`` from ``observed`` (which does not)."""
    if isinstance(observed, CompoundGrowth):
        # Shown to display precision; the verdict itself was decided exactly.
        observed = observed.approx().quantize(Decimal("0.000001"))
    diff = abs(Fraction(limit) - Fraction(observed))
    amount = fmt(diff, unit)
    if unit == "percent":
        amount = _plain(_decimal(diff * 100, 2)) + " percentage points"
        amount_zh = _plain(_decimal(diff * 100, 2)) + " 个百分点"
    else:
        amount_zh = amount
    target = fmt(limit, unit)
    if op == ">=":
        return Text(f"差 {amount_zh} 达到 {target}", f"{amount} short of {target}")
    if op == ">":
        if diff == 0:
            return Text(f"恰为 {target},须超过 {target}", f"exactly {target}; must be above {target}")
        return Text(f"差 {amount_zh} 达到 {target},且须超过", f"{amount} short of {target}, and must exceed it")
    if op == "<=":
        return Text(f"超出 {target} {amount_zh}", f"{amount} over {target}")
    if op == "<":
        if diff == 0:
            return Text(f"恰为 {target},须低于 {target}", f"exactly {target}; must be below {target}")
        return Text(f"超出 {target} {amount_zh},且须低于", f"{amount} over {target}, and must be below it")
    return Text(f"须等于 {target}(相差 {amount_zh})", f"must equal {target} ({amount} off)")
