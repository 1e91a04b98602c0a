"""The fast path reads ints, Decimals and floats exactly as the explained path does, bounds included."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fivegood_core import Engine, EvidenceError
from fivegood_core.model.exact import float_bounds

ON = dt.date(2014, 1, 1)
INSTALLED = Engine.from_entry_points(strict=True)
NUMBER_KEYS = [
    ("office", "area_m2", 60),
    ("finance", "working_funds", 60000),
    ("finance", "investment_funds", 200000),
    ("staff", "headcount", 5),
]


def _near(limit: int) -> st.SearchStrategy[Any]:
    exact = st.decimals(min_value=limit - 2, max_value=limit + 2, places=6).map(lambda d: d.normalize() if d else d)
    return st.one_of(
        st.integers(limit - 2, limit + 2),
        exact,
        exact.map(float),
        st.floats(min_value=limit - 1, max_value=limit + 1),
        st.sampled_from(
            [float(limit), math.nextafter(float(limit), 0), math.nextafter(float(limit), math.inf), Decimal(limit) - Decimal("1e-20")]
        ),
        st.sampled_from([1e-30, 1e-4, -0.0, -1.5, 1e16, math.inf, math.nan, Decimal("1e-25"), Decimal("NaN"), Decimal("-1"), 10**15]),
    )


def _outcome(fn: Any) -> Any:
    try:
        return fn()
    except EvidenceError:
        return "bad input"


@settings(max_examples=400, deadline=None)
@given(st.data())
def test_decide_agrees_with_evaluate_on_every_kind_of_number(data: st.DataObject) -> None:
    doc: dict[str, Any] = {}
    for section, key, limit in NUMBER_KEYS:
        if data.draw(st.booleans()):
            doc.setdefault(section, {})[key] = data.draw(_near(limit))
    explained = _outcome(lambda: INSTALLED.evaluate(doc, "henan/five-guarantees", ON))
    fast = _outcome(lambda: INSTALLED.decide(doc, "henan/five-guarantees", ON))
    if explained == "bad input" or fast == "bad input":
        assert explained == fast, (doc, explained, fast)
    else:
        assert (fast.verdict, fast.failed, fast.unknown) == (explained.verdict, explained.failed, explained.unknown), doc


@pytest.mark.parametrize("limit", [60, 0, Decimal("0.055"), Decimal("0.1"), Decimal("59.99999999999999"), 200000, Decimal("1e-20")])
def test_float_bounds_are_where_the_reading_changes(limit: Any) -> None:
    lo, hi = float_bounds(limit)

    def reads(f: float) -> Fraction:
        return Fraction(Decimal(repr(f)))

    exact = Fraction(limit)
    assert reads(lo) >= exact > reads(math.nextafter(lo, -math.inf))
    assert reads(hi) <= exact < reads(math.nextafter(hi, math.inf))


def test_a_float_reads_as_written_not_as_its_binary_value() -> None:
    # 0.1 is 0.1000000000000000055… in binary; evidence reads it as 0.1, so "> 0.1" does not hold.
    from fivegood_core.kinds.leaves import Threshold
    from fivegood_core.model.definitions import Text

    check = Threshold(Text("率", "rate"), ">", Decimal("0.1"), "percent", key="x.rate", value_type="rate")
    lo, hi = float_bounds(check.limit)
    assert not (0.1 > hi) and 0.1 >= lo and math.nextafter(0.1, 1) > hi
