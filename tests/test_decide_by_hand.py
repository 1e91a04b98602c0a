"""``decide`` on the 2013 five guarantees agrees with an independent hand-written reading of the standard.

The oracle below is written from the standard's text (SPEC 2.2), not from the
compiled tree: thresholds, the one ``any`` (posts or staff), the advisory that
never decides, and the three-valued rules (a missing value is unknown; a group
fails if a part fails, else is unknown if a part is unknown). Evidence comes
as integers, Decimals and floats at and around every threshold, with keys
missing and, now and then, a value of the wrong type or beyond what evidence
accepts (below 10^15, at most 20 decimal places; which must be an error).
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from fractions import Fraction
from typing import Any

from hypothesis import event, given
from hypothesis import strategies as st

from fivegood_core import Engine, EvidenceError

ON = dt.date(2014, 1, 1)
PASS, UNKNOWN, FAIL = "pass", "unknown", "fail"

# (criterion id, evidence key, kind, at least): kinds are flag, count (whole number) and amount (any exact number ≥ 0).
ESTABLISHMENT = [
    ("party-group-established", "party_group.established", "flag", None),
    ("party-group-complete", "party_group.complete", "flag", None),
    ("party-group-rules", "party_group.rules", "flag", None),
    ("party-group-functioning", "attest.party-group-functioning", "flag", None),
]
STAFF_NUMBERS = [("staffing-posts", "staff.establishment_posts", "count", 3), ("staffing-headcount", "staff.headcount", "count", 5)]
STAFF_SCOPE = ("staffing-civil-service", "staff.civil_servant_scope", "flag", None)
FUNDS = [
    ("funds-account", "finance.independent_account", "flag", None),
    ("funds-working", "finance.working_funds", "amount", 60000),
    ("funds-investment", "finance.investment_funds", "amount", 200000),
    ("funds-budget", "finance.in_budget", "flag", None),
]
# 三是: "独立的" office (the heading is a requirement too) and at least 60 m².
OFFICE = [("office-independent", "office.independent", "flag", None), ("premises", "office.area_m2", "amount", 60)]
EQUIPMENT = [
    ("equipment-fax", "equipment.fax", "count", 1),
    ("equipment-phones", "equipment.phones", "count", 2),
    ("equipment-copiers", "equipment.copiers", "count", 1),
    ("equipment-computers", "equipment.computers", "count", 3),
    ("equipment-printers", "equipment.printers", "count", 1),
    ("equipment-vehicles", "equipment.vehicles", "count", 1),
]
ACTIVITIES = [
    (f"activities-{name.replace('_', '-')}", f"activities.{name}", "count", least)
    for name, least in (
        ("standing_committee", 2),
        ("executive_committee", 1),
        ("theory_study", 2),
        ("publicity", 2),
        ("training", 1),
        ("research", 1),
        ("participation", 2),
        ("welfare", 1),
        ("chamber_exchange", 1),
        ("investment_trade", 1),
        ("villages", 1),
    )
]
CHECKS = ESTABLISHMENT + STAFF_NUMBERS + [STAFF_SCOPE] + FUNDS + OFFICE + EQUIPMENT + ACTIVITIES
ADVISORY_KEY = "party_group.secretary_is_ufwd_deputy"


class Invalid(Exception):
    """The record has a value the standard cannot read."""


def _exact(value: Any) -> Fraction:
    # Exactly the number given: a float is its binary value. For these whole-number
    # thresholds that agrees with reading a float by its shortest decimal form.
    if value.__class__ is bool or not isinstance(value, (int, Decimal, float)):
        raise Invalid
    if isinstance(value, (Decimal, float)) and not (value.is_finite() if isinstance(value, Decimal) else math.isfinite(value)):
        raise Invalid
    written = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if abs(written) >= 10**15 or written.as_tuple().exponent < -20:  # type: ignore[operator]
        raise Invalid  # beyond what evidence accepts
    return Fraction(value)


def _leaf(record: dict[str, Any], key: str, kind: str, least: int | None) -> str:
    section, _, name = key.partition(".")
    value = (record.get(section) or {}).get(name)
    if value is None:
        return UNKNOWN
    if kind == "flag":
        if value is not True and value is not False:
            raise Invalid
        return PASS if value else FAIL
    if kind == "count" and value.__class__ is not int:
        raise Invalid
    number = _exact(value)
    if number < 0:
        raise Invalid
    assert least is not None
    return PASS if number >= least else FAIL


def _all(codes: list[str]) -> str:
    return FAIL if FAIL in codes else UNKNOWN if UNKNOWN in codes else PASS


def _any(codes: list[str]) -> str:
    return PASS if PASS in codes else UNKNOWN if UNKNOWN in codes else FAIL


def by_hand(record: dict[str, Any]) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """(verdict, failed checks, unknown checks), listing a check only where every group above it carries the same verdict."""
    leaf = {cid: _leaf(record, key, kind, least) for cid, key, kind, least in CHECKS}
    numbers = _any([leaf[c[0]] for c in STAFF_NUMBERS])
    groups = [
        [(c[0], [c[0]]) for c in ESTABLISHMENT],
        [("staffing-numbers", [c[0] for c in STAFF_NUMBERS]), (STAFF_SCOPE[0], [STAFF_SCOPE[0]])],
        [(c[0], [c[0]]) for c in FUNDS],
        [(c[0], [c[0]]) for c in OFFICE],
        [(c[0], [c[0]]) for c in EQUIPMENT],
        [(c[0], [c[0]]) for c in ACTIVITIES],
    ]
    code = dict(leaf, **{"staffing-numbers": numbers})
    tops = [_all([code[part] for part, _ in parts]) for parts in groups]
    verdict = _all(tops)
    listed: dict[str, list[str]] = {FAIL: [], UNKNOWN: []}
    for top, parts in zip(tops, groups):
        for part, checks in parts:
            for wanted in (FAIL, UNKNOWN):
                if top == wanted and code[part] == wanted:
                    listed[wanted].extend(c for c in checks if leaf[c] == wanted)
    return {PASS: "pass", FAIL: "fail", UNKNOWN: "incomplete"}[verdict], tuple(listed[FAIL]), tuple(listed[UNKNOWN])


def _around(least: int) -> st.SearchStrategy[Any]:
    """Amounts at and around ``least``: int, Decimal (to the cent and finer) and float (to the last bit)."""
    whole = st.integers(max(0, least - 2), least + 2)
    return st.one_of(
        whole,
        whole.map(Decimal),
        st.decimals(min_value=max(0, least - 1), max_value=least + 1, places=2),
        st.sampled_from([Decimal(least) - Decimal("1e-15"), Decimal(f"{least}.000"), Decimal(least) + Decimal("1e-15")]),
        st.floats(min_value=max(0, least - 1), max_value=least + 1, allow_nan=False),
        st.sampled_from([math.nextafter(float(least), 0), float(least), math.nextafter(float(least), math.inf)]),
    )


BAD = st.sampled_from(
    [
        -1,
        Decimal("-0.01"),
        -0.5,
        True,
        "60",
        float("nan"),
        float("inf"),
        Decimal("NaN"),
        2.0,
        [1],
        Decimal("60.000000000000000000001"),
        10**15,
    ]
)


def _value(kind: str, least: int | None, bad: bool) -> st.SearchStrategy[Any]:
    if kind == "flag":
        good: st.SearchStrategy[Any] = st.booleans()
    elif kind == "count":
        assert least is not None
        good = st.integers(0, least + 2)
    else:
        assert least is not None
        good = _around(least)
    if not bad:
        return st.one_of(st.none(), good, good, good)
    return st.one_of(st.none(), good, good, good, good, good, good, BAD.filter(lambda b: kind != "flag" or b is not True))


def _passing(kind: str, least: int | None) -> st.SearchStrategy[Any]:
    if kind == "flag":
        return st.just(True)
    assert least is not None
    if kind == "count":
        return st.integers(least, least + 2)
    return st.one_of(
        st.integers(least, least + 2),
        st.decimals(min_value=least, max_value=least + 1, places=2),
        st.floats(min_value=least, max_value=least + 1),
        st.sampled_from([Decimal(least), float(least)]),
    )


@st.composite
def records(draw: st.DrawFn, bad: bool = False) -> dict[str, Any]:
    """Half the time anything goes; half the time all but a few checks are met, so passes are common too."""
    record: dict[str, Any] = {"subject": {"id": "county", "kind": "county_federation", "year": 2013}}
    free = {c[0] for c in CHECKS} if draw(st.booleans()) else draw(st.sets(st.sampled_from([c[0] for c in CHECKS]), max_size=3))
    for cid, key, kind, least in CHECKS:
        value = draw(_value(kind, least, bad) if cid in free else _passing(kind, least))
        if value is not None:
            section, _, name = key.partition(".")
            record.setdefault(section, {})[name] = value
    advisory = draw(st.sampled_from([None, True, False, "whatever"]))  # never read by decide: it decides nothing
    if advisory is not None:
        record.setdefault("party_group", {})["secretary_is_ufwd_deputy"] = advisory
    return record


@given(records())
def test_decide_agrees_with_the_hand_written_reading(engine: Engine, record: dict[str, Any]) -> None:
    decision = engine.decide(record, "henan/five-guarantees@2013", ON)
    event(decision.verdict.value)
    assert (decision.verdict.value, decision.failed, decision.unknown) == by_hand(record)


@given(records(bad=True))
def test_decide_refuses_exactly_what_the_hand_written_reading_cannot_read(engine: Engine, record: dict[str, Any]) -> None:
    try:
        expected: Any = by_hand(record)
    except Invalid:
        expected = Invalid
    try:
        decision = engine.decide(record, "henan/five-guarantees@2013", ON)
        got: Any = (decision.verdict.value, decision.failed, decision.unknown)
    except EvidenceError:
        got = Invalid
    assert got == expected


def test_the_oracle_is_not_vacuous(engine: Engine) -> None:
    """Fixed records of each verdict, each number type, and both sides of the area threshold."""
    full: dict[str, Any] = {"subject": {"kind": "county_federation"}}
    for _, key, kind, least in CHECKS:
        section, _, name = key.partition(".")
        full.setdefault(section, {})[name] = True if kind == "flag" else least
    assert by_hand(full) == ("pass", (), ())
    for area, verdict in [
        (59, "fail"),
        (Decimal("59.99"), "fail"),
        (math.nextafter(60.0, 0), "fail"),
        (Decimal("60.00"), "pass"),
        (60.0, "pass"),
    ]:
        record = {**full, "office": {**full["office"], "area_m2": area}}
        assert by_hand(record)[0] == verdict
        assert engine.decide(record, "henan/five-guarantees@2013", ON).verdict.value == verdict
    missing = {**full, "staff": {"headcount": 2, "civil_servant_scope": True}}
    assert by_hand(missing) == ("incomplete", (), ("staffing-posts",))
