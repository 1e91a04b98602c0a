"""Showing exact values to people: counts, yuan, m², percentages, thresholds and gaps.

Everything is computed in integers, Decimals and Fractions; only the final
rounding for display happens here (two decimals for percentages, half-even).
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction

from fivegood_core.model.definitions import Text
from fivegood_core.model.exact import CompoundGrowth, Number
from fivegood_core.words.catalogue import word

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
    if d == 0:
        d = Decimal(0)  # never "-0"
    text = format(d, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def fmt(value: Number | CompoundGrowth, unit: str) -> str:
    """``52 m²``, ``¥60,000``, ``21.14%``, ``3``: exact up to the display rounding."""
    if value.__class__ is int and unit != "percent":
        # What the general path below gives for an int, without building a Decimal.
        if unit == "amount":
            return f"-¥{-value:,}" if value < 0 else f"¥{value:,}"
        return f"{value} m²" if unit == "area" else str(value)
    if isinstance(value, CompoundGrowth):
        value = value.approx()
    if unit == "percent":
        return _plain(_decimal(Fraction(value) * 100, 2)) + "%"
    if unit == "amount":
        # Yuan as given (a value of 59,999.999 must not read as ¥60,000); computed fractions to the fen.
        d = _visible(value, 2) if isinstance(value, Fraction) else _decimal(value)
        whole, _, frac = _plain(d).partition(".")
        sign = "-" if whole.startswith("-") else ""
        return f"{sign}¥{int(whole.lstrip('-')):,}" + (f".{frac}" if frac else "")
    text = _plain(_decimal(value, 4)) if isinstance(value, Fraction) else _plain(_decimal(value))
    if unit == "area":
        return f"{text} m²"
    return text


def _visible(diff: Fraction, places: int) -> Decimal:
    """``diff`` rounded to ``places``, or to as many more as it takes not to show a real gap as 0."""
    for p in range(places, 16):
        d = _decimal(diff, p)
        if d != 0 or diff == 0:
            return d
    return _decimal(diff, 15)


def threshold(op: str, value: Number, unit: str) -> str:
    """``≥ 60 m²``, ``> 5.5%``."""
    return f"{_SYMBOL[op]} {fmt(value, unit)}"


def gap(op: str, observed: Number | CompoundGrowth, limit: Number, unit: str) -> Text:
    """What it would take to meet ``op limit`` from ``observed`` (which does not)."""
    if isinstance(observed, CompoundGrowth):
        # Shown to display precision; the verdict itself was decided exactly.
        observed = observed.approx().quantize(Decimal("0.000001"))
    diff = abs(Fraction(limit) - Fraction(observed))
    if unit == "percent":
        points = _plain(_visible(diff * 100, 2))
        amount, amount_zh = points + " percentage points", points + " 个百分点"
    else:
        amount = amount_zh = fmt(_visible(diff, 2 if unit == "amount" else 4), unit)
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


#: The words group kinds write in a result's ``observed`` and ``threshold`` (English, as the JSON keeps them),
#: and the catalogue code each reads as in a report: guidance's ``followed`` …, a required standard's verdict.
_WORDS = {
    "advisory": {
        "followed": "report.advisory.followed",
        "not followed": "report.advisory.not_followed",
        "not known": "report.advisory.not_known",
        "not applicable": "report.advisory.not_applicable",
        "advisory": "report.verdict.advisory",
    },
    "requires": {"pass": "report.verdict.pass", "fail": "report.verdict.fail", "incomplete": "report.verdict.unknown"},
}


def in_words(kind: str, value: str | None, lang: str) -> str | None:
    """A criterion's ``observed`` or ``threshold`` as a report in ``lang`` shows it: numbers as they are,
    the words a group kind writes (``followed``, ``advisory``, a required standard's ``fail``) from the catalogue."""
    if value is None:
        return None
    words = _WORDS.get(kind)
    if not words:
        return value
    if value in words:
        return word(words[value], lang)
    if kind == "requires" and value.endswith(": pass"):  # the threshold: "henan/five-guarantees (…): pass"
        return value[: -len("pass")] + word(words["pass"], lang)
    return value
