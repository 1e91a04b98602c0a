"""Every check kind and metric, at its exact boundaries, explained and fast."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Callable

import pytest

from fivegood_core import Engine, Overall, Result, StandardError, Verdict
from helpers import standard

ON = dt.date(2014, 1, 1)


def crit(id: str, kind: str, body: str = "", parent: str | None = None) -> str:
    p = f'parent = "{parent}"\n' if parent else ""
    return f'\n[[criterion]]\nid = "{id}"\nkind = "{kind}"\n{p}title = {{ zh = "{id}", en = "{id}" }}\n{body}\n'


def run(engine: Engine, evidence: dict[str, Any], ref: str = "test/std") -> Result:
    result = engine.evaluate(evidence, ref, ON)
    decision = engine.decide(evidence, ref, ON)
    # The generated fast path must agree with the explained evaluation.
    assert (decision.verdict, decision.failed, decision.unknown) == (result.verdict, result.failed, result.unknown)
    return result


@pytest.fixture
def area(make_engine: Callable[..., Engine]) -> Engine:
    return make_engine(standard(crit("area", "threshold", 'key = "office.area_m2"\nop = ">="\nvalue = 60')))


@pytest.mark.parametrize(
    "value, verdict", [(59, "fail"), (60, "pass"), (61, "pass"), (Decimal("59.99"), "fail"), (Decimal("60.0"), "pass"), (60.0, "pass")]
)
def test_inclusive_threshold_boundary(area: Engine, value: Any, verdict: str) -> None:
    result = run(area, {"office": {"area_m2": value}})
    assert result.find("area").verdict.label == verdict


def test_threshold_explains_the_gap(area: Engine) -> None:
    c = run(area, {"office": {"area_m2": 52}}).find("area")
    assert c.verdict is Verdict.FAIL
    assert c.observed == "52 m²" and c.threshold == "≥ 60 m²"
    assert c.gap is not None and c.gap.en == "8 m² short of 60 m²"
    assert c.reason.en == "area 52 m² — 8 m² short of 60 m²"
    assert c.inputs == ("office.area_m2",) and c.values == {"office.area_m2": 52}


def test_missing_evidence_is_unknown_and_says_which_key(area: Engine) -> None:
    result = run(area, {})
    assert result.verdict is Overall.INCOMPLETE
    c = result.find("area")
    assert c.verdict is Verdict.UNKNOWN and c.gap is not None and c.gap.en == "missing: office.area_m2"
    assert result.missing == ("office.area_m2",)


@pytest.mark.parametrize(
    "op, at, below, above",
    [
        (">", "fail", "fail", "pass"),
        (">=", "pass", "fail", "pass"),
        ("<", "fail", "pass", "fail"),
        ("<=", "pass", "pass", "fail"),
        ("==", "pass", "fail", "fail"),
    ],
)
def test_every_operator_at_its_boundary(make_engine: Callable[..., Engine], op: str, at: str, below: str, above: str) -> None:
    engine = make_engine(standard(crit("n", "threshold", f'key = "staff.headcount"\nop = "{op}"\nvalue = 5')))
    got = [run(engine, {"staff": {"headcount": n}}).find("n").verdict.label for n in (5, 4, 6)]
    assert got == [at, below, above]


@pytest.fixture
def growth(make_engine: Callable[..., Engine]) -> Engine:
    return make_engine(standard(crit("growth", "growth", 'table = "members.total_by_year"\nyears = 3\nop = ">"\nvalue = 0.055')))


@pytest.mark.parametrize("end, verdict", [(9_393_931, Verdict.FAIL), (9_393_932, Verdict.PASS)])
def test_compound_growth_is_exact_at_five_point_five_percent(growth: Engine, end: int, verdict: Verdict) -> None:
    evidence = {"members": {"total_by_year": {"2010": 8_000_000, "2011": 8_300_000, "2012": 8_900_000, "2013": end}}}
    c = run(growth, evidence).find("growth")
    assert c.verdict is verdict
    if verdict is Verdict.FAIL:
        assert c.gap is not None and c.gap.en == "exactly 5.5%; must be above 5.5%"


def test_growth_reads_up_to_the_assessment_year(growth: Engine) -> None:
    table = {"2009": 100, "2010": 100, "2012": 200, "2013": 100}
    assert run(growth, {"subject": {"year": 2012}, "members": {"total_by_year": table}}).find("growth").verdict is Verdict.PASS
    assert run(growth, {"members": {"total_by_year": table}}).find("growth").verdict is Verdict.FAIL
    missing_start = run(growth, {"members": {"total_by_year": {"2013": 5}}}).find("growth")
    assert missing_start.verdict is Verdict.UNKNOWN and missing_start.gap is not None
    assert missing_start.gap.en == "missing: members.total_by_year.2010"


@pytest.mark.parametrize(
    "table_end, reported, expected",
    [
        (None, Decimal("0.07"), "pass"),
        (9_393_931, None, "fail"),
        (9_393_931, Decimal("0.07"), "pass"),
        (9_393_931, Decimal("0.055"), "fail"),
        (None, None, "unknown"),
    ],
)
def test_sources_of_one_fact(make_engine: Callable[..., Engine], table_end: int | None, reported: Decimal | None, expected: str) -> None:
    engine = make_engine(
        standard(
            crit("growth", "sources")
            + crit("computed", "growth", 'table = "members.total_by_year"\nop = ">"\nvalue = 0.055', parent="growth")
            + crit("reported", "threshold", 'key = "members.growth_rate_reported"\nop = ">"\nvalue = 0.055', parent="growth")
        )
    )
    members: dict[str, Any] = {}
    if table_end is not None:
        members["total_by_year"] = {"2010": 8_000_000, "2013": table_end}
    if reported is not None:
        members["growth_rate_reported"] = reported
    assert run(engine, {"members": members}).find("growth").verdict.label == expected


def test_ratio_is_exact_and_shown_as_a_percentage(make_engine: Callable[..., Engine]) -> None:
    engine = make_engine(
        standard(
            crit("share", "ratio", 'numerator = "members.enterprise"\ndenominator = "local.private_enterprises"\nop = ">="\nvalue = 0.2')
        )
    )
    c = run(engine, {"members": {"enterprise": 77670}, "local": {"private_enterprises": 367400}}).find("share")
    assert c.verdict is Verdict.PASS and c.observed == "21.14%"
    assert run(engine, {"members": {"enterprise": 20}, "local": {"private_enterprises": 100}}).find("share").verdict is Verdict.PASS
    assert run(engine, {"members": {"enterprise": 19_999}, "local": {"private_enterprises": 100_000}}).find("share").verdict is Verdict.FAIL
    zero = run(engine, {"members": {"enterprise": 0}, "local": {"private_enterprises": 0}}).find("share")
    assert zero.verdict is Verdict.UNKNOWN and zero.gap is not None and "is 0" in zero.gap.en


def test_rising_share(make_engine: Callable[..., Engine]) -> None:
    engine = make_engine(
        standard(
            crit(
                "trend",
                "rising_share",
                'parts = ["members.enterprise_by_year", "members.group_by_year"]\ntotal = "members.total_by_year"\nyears = 3',
            )
        )
    )

    def ev(ent: list[int], grp: list[int], tot: list[int]) -> dict[str, Any]:
        years = ["2010", "2011", "2012", "2013"]
        return {
            "members": {
                "enterprise_by_year": dict(zip(years, ent)),
                "group_by_year": dict(zip(years, grp)),
                "total_by_year": dict(zip(years, tot)),
            }
        }

    assert run(engine, ev([50, 55, 55, 60], [5, 5, 5, 6], [100, 100, 100, 100])).find("trend").verdict is Verdict.PASS
    fell = run(engine, ev([50, 55, 54, 60], [5, 5, 5, 6], [100, 100, 100, 100])).find("trend")
    assert fell.verdict is Verdict.FAIL and fell.gap is not None and fell.gap.en == "share fell from 2011 to 2012"
    flat = run(engine, ev([50, 50, 50, 50], [5, 5, 5, 5], [100, 100, 100, 100])).find("trend")
    assert flat.verdict is Verdict.FAIL and flat.gap is not None and "not higher" in flat.gap.en
    short = run(engine, ev([50, 55, 55, 60], [5, 5, 5, 6], [100, 100, 100, 100]) | {})
    assert short.find("trend").verdict is Verdict.PASS
    gap_year = ev([50, 55, 55, 60], [5, 5, 5, 6], [100, 100, 100, 100])
    del gap_year["members"]["group_by_year"]["2011"]
    unknown = run(engine, gap_year).find("trend")
    assert unknown.verdict is Verdict.UNKNOWN and unknown.gap is not None and "members.group_by_year.2011" in unknown.gap.en


def test_coverage(make_engine: Callable[..., Engine]) -> None:
    engine = make_engine(standard(crit("cover", "coverage", 'items = "local.leading_industries"\ncovered = "chambers.industries_covered"')))
    ok = run(engine, {"local": {"leading_industries": ["红枣", "食品"]}, "chambers": {"industries_covered": ["食品", "红枣", "建材"]}})
    assert ok.find("cover").verdict is Verdict.PASS
    bad = run(engine, {"local": {"leading_industries": ["红枣", "食品", "纺织"]}, "chambers": {"industries_covered": ["食品"]}}).find(
        "cover"
    )
    assert bad.verdict is Verdict.FAIL and bad.observed == "1/3" and bad.gap is not None and bad.gap.en == "not covered: 红枣, 纺织"


def test_flag_and_expected_false(make_engine: Callable[..., Engine]) -> None:
    engine = make_engine(
        standard(
            crit("acct", "flag", 'key = "finance.independent_account"') + crit("no", "flag", 'key = "finance.in_budget"\nexpect = false')
        )
    )
    r = run(engine, {"finance": {"independent_account": True, "in_budget": True}})
    assert r.find("acct").verdict is Verdict.PASS and r.find("no").verdict is Verdict.FAIL
    assert r.find("no").gap is not None and r.find("no").gap.en == "finance.in_budget must be false"


def test_attestation(make_engine: Callable[..., Engine]) -> None:
    engine = make_engine(standard(crit("style", "attest")))
    assert run(engine, {"attest": {"style": True}}).verdict is Overall.PASS
    assert run(engine, {"attest": {"style": False}}).verdict is Overall.FAIL
    unknown = run(engine, {}).find("style")
    assert unknown.verdict is Verdict.UNKNOWN and unknown.inputs == ("attest.style",)
    assert unknown.gap is not None and "not yet attested" in unknown.gap.en


def _posts_or_staff(kind: str, extra: str = "") -> str:
    return standard(
        crit("staffing", kind, extra)
        + crit("posts", "threshold", 'key = "staff.establishment_posts"\nop = ">="\nvalue = 3', parent="staffing")
        + crit("staff", "threshold", 'key = "staff.headcount"\nop = ">="\nvalue = 5', parent="staffing")
    )


@pytest.mark.parametrize(
    "posts, staff, expected",
    [(3, None, "pass"), (2, 5, "pass"), (2, 4, "fail"), (2, None, "unknown"), (None, None, "unknown"), (None, 5, "pass")],
)
def test_any_group_three_valued(make_engine: Callable[..., Engine], posts: int | None, staff: int | None, expected: str) -> None:
    engine = make_engine(_posts_or_staff("any"))
    staff_table = {k: v for k, v in (("establishment_posts", posts), ("headcount", staff)) if v is not None}
    result = run(engine, {"staff": staff_table})
    assert result.find("staffing").verdict.label == expected


def test_failed_check_inside_a_passing_any_is_not_decisive(make_engine: Callable[..., Engine]) -> None:
    result = run(make_engine(_posts_or_staff("any")), {"staff": {"establishment_posts": 2, "headcount": 9}})
    assert result.verdict is Overall.PASS and result.failed == ()
    failing = run(make_engine(_posts_or_staff("any")), {"staff": {"establishment_posts": 2, "headcount": 4}})
    assert failing.failed == ("posts", "staff")


@pytest.mark.parametrize("posts, staff, expected", [(3, 5, "pass"), (3, 4, "fail"), (3, None, "unknown"), (2, None, "fail")])
def test_all_group(make_engine: Callable[..., Engine], posts: int, staff: int | None, expected: str) -> None:
    engine = make_engine(_posts_or_staff("all"))
    table = {"establishment_posts": posts} | ({"headcount": staff} if staff is not None else {})
    assert run(engine, {"staff": table}).find("staffing").verdict.label == expected


def test_at_least(make_engine: Callable[..., Engine]) -> None:
    engine = make_engine(
        standard(
            crit("two", "at_least", "n = 2")
            + crit("a", "flag", 'key = "finance.independent_account"', parent="two")
            + crit("b", "flag", 'key = "finance.in_budget"', parent="two")
            + crit("c", "flag", 'key = "finance.special_funds_in_budget"', parent="two")
        )
    )
    cases = [
        ({"independent_account": True, "in_budget": True}, "pass"),
        ({"independent_account": True, "in_budget": False}, "unknown"),
        ({"independent_account": True, "in_budget": False, "special_funds_in_budget": False}, "fail"),
        ({"independent_account": False, "in_budget": False}, "fail"),
    ]
    for finance, expected in cases:
        assert run(engine, {"finance": finance}).find("two").verdict.label == expected, finance


@pytest.fixture
def plenary(make_engine: Callable[..., Engine]) -> Engine:
    return make_engine(
        standard(
            crit("plenary", "when", 'when = { key = "party_group.secretary_on_party_committee", expect = false }')
            + crit("attends", "flag", 'key = "party_group.secretary_attends_plenary"', parent="plenary")
        )
    )


@pytest.mark.parametrize(
    "on_committee, attends, expected",
    [
        (True, None, "not_applicable"),
        (True, False, "not_applicable"),
        (False, True, "pass"),
        (False, False, "fail"),
        (False, None, "unknown"),
        (None, True, "unknown"),
    ],
)
def test_conditional(plenary: Engine, on_committee: bool | None, attends: bool | None, expected: str) -> None:
    pg = {k: v for k, v in (("secretary_on_party_committee", on_committee), ("secretary_attends_plenary", attends)) if v is not None}
    result = run(plenary, {"party_group": pg})
    c = result.find("plenary")
    assert c.verdict.label == expected
    if expected == "not_applicable":
        assert result.verdict is Overall.PASS and result.unknown == () and result.failed == ()
        # Below a clause that does not apply, nothing is asked: not applicable, no advice, what was observed kept.
        child = c.children[0]
        assert child.verdict is Verdict.NOT_APPLICABLE and child.gap is None and child.missing == ()
        assert child.observed == {None: None, False: "false"}[attends]
    if on_committee is None:
        assert result.unknown == ("plenary",) and result.missing == ("party_group.secretary_on_party_committee",)


def test_conditional_on_a_number(make_engine: Callable[..., Engine]) -> None:
    engine = make_engine(
        standard(
            crit("if-cars", "when", 'when = { key = "equipment.vehicles", op = ">=", value = 1 }')
            + crit("budget", "flag", 'key = "finance.in_budget"', parent="if-cars")
        )
    )
    assert run(engine, {"equipment": {"vehicles": 0}}).find("if-cars").verdict is Verdict.NOT_APPLICABLE
    assert run(engine, {"equipment": {"vehicles": 1}, "finance": {"in_budget": False}}).find("if-cars").verdict is Verdict.FAIL


def test_optional_provision(make_engine: Callable[..., Engine]) -> None:
    engine = make_engine(
        standard(
            crit("secretary-general", "optional", 'present = "finance.in_budget"') + crit("qualified", "attest", parent="secretary-general")
        )
    )
    na = run(engine, {"finance": {"in_budget": False}}).find("secretary-general")
    assert na.verdict is Verdict.NOT_APPLICABLE and "not taken up" in na.reason.en
    assert run(engine, {"finance": {"in_budget": True}, "attest": {"qualified": False}}).verdict is Overall.FAIL
    assert run(engine, {"finance": {"in_budget": True}, "attest": {"qualified": True}}).verdict is Overall.PASS
    assert run(engine, {}).verdict is Overall.INCOMPLETE


def test_advisory_never_blocks(make_engine: Callable[..., Engine]) -> None:
    engine = make_engine(
        standard(
            crit("ufwd", "advisory")
            + crit("deputy", "flag", 'key = "party_group.secretary_is_ufwd_deputy"', parent="ufwd")
            + crit("acct", "flag", 'key = "finance.independent_account"')
        )
    )
    for deputy in (True, False, None):
        ev: dict[str, Any] = {"finance": {"independent_account": True}}
        if deputy is not None:
            ev["party_group"] = {"secretary_is_ufwd_deputy": deputy}
        result = run(engine, ev)
        assert result.verdict is Overall.PASS
        c = result.find("ufwd")
        assert c.verdict is Verdict.ADVISORY
        assert c.observed == {True: "followed", False: "not followed", None: "not known"}[deputy]


def test_requires_nests_the_other_standard_at_the_same_date(make_engine: Callable[..., Engine]) -> None:
    base = crit("computers", "threshold", 'key = "equipment.computers"\nop = ">="\nvalue = 3')
    old = standard(base, id="test/eq", version="old", extra="effective_until = 2013-01-01")
    new = standard(base.replace("value = 3", "value = 5"), id="test/eq", version="new", effective_from="2013-01-01")
    main = standard(
        crit("eq", "requires", 'standard = "test/eq"') + crit("area", "threshold", 'key = "office.area_m2"\nop = ">="\nvalue = 60')
    )
    engine = make_engine(old, new, main)
    evidence = {"equipment": {"computers": 4}, "office": {"area_m2": 60}}
    result = run(engine, evidence)
    eq = result.find("eq")
    assert eq.verdict is Verdict.FAIL and eq.nested is not None
    assert eq.nested.standard.version == "new" and eq.nested.failed == ("computers",)
    assert eq.gap is not None and eq.gap.en == "test/eq@new not met: computers"
    earlier = engine.evaluate(evidence, "test/std", dt.date(2012, 6, 1))
    assert earlier.find("eq").nested.standard.version == "old" and earlier.verdict is Overall.PASS  # type: ignore[union-attr]
    assert engine.decide(evidence, "test/std", dt.date(2012, 6, 1)).verdict is Overall.PASS
    pinned = make_engine(old, new, main.replace('standard = "test/eq"', 'standard = "test/eq@old"'))
    assert run(pinned, evidence).verdict is Overall.PASS
    incomplete = run(engine, {"office": {"area_m2": 60}})
    assert incomplete.verdict is Overall.INCOMPLETE and incomplete.missing == ("equipment.computers",)


@pytest.mark.parametrize(
    "table_end, reported, expected, failed",
    [
        (8_000_000 * 1030 // 1000, Decimal("0.07"), "fail", ("computed",)),  # totals decide, whatever is reported
        (9_393_932, Decimal("0.01"), "pass", ()),
        (None, Decimal("0.07"), "pass", ()),  # without totals the reported rate stands in
        (None, Decimal("0.05"), "fail", ("reported",)),
        (None, None, "unknown", ()),
    ],
)
def test_fallback_lets_the_first_source_with_evidence_decide(
    make_engine: Callable[..., Engine], table_end: int | None, reported: Decimal | None, expected: str, failed: tuple[str, ...]
) -> None:
    engine = make_engine(
        standard(
            crit("growth", "fallback")
            + crit("computed", "growth", 'table = "members.total_by_year"\nop = ">"\nvalue = 0.055', parent="growth")
            + crit(
                "reported",
                "threshold",
                'key = "members.growth_rate_reported"\nop = ">"\nvalue = 0.055\nself_reported = true',
                parent="growth",
            )
        )
    )
    members: dict[str, Any] = {}
    if table_end is not None:
        members["total_by_year"] = {"2010": 8_000_000, "2013": table_end}
    if reported is not None:
        members["growth_rate_reported"] = reported
    result = run(engine, {"subject": {"year": 2013}, "members": members})
    assert result.find("growth").verdict.label == expected and result.failed == failed
    consulted = table_end is None
    assert result.find("reported").counted is consulted
    if table_end is not None:
        assert result.find("reported").gap is None  # not consulted: no advice
        assert not any("self-reported" in w for w in map(str, result.warnings))
    elif reported is not None:
        assert "(self-reported)" in result.find("reported").reason.en
        assert any("reported rests on a figure the organisation reports itself" in w for w in map(str, result.warnings))


def test_requires_parts_nests_only_the_named_criteria(make_engine: Callable[..., Engine]) -> None:
    other = standard(
        crit("group", "flag", 'key = "party_group.established"')
        + crit("area", "threshold", 'key = "office.area_m2"\nop = ">="\nvalue = 60'),
        id="test/other",
    )
    main = standard(crit("named", "requires", 'standard = "test/other"\nparts = ["area"]'))
    engine = make_engine(other, main)
    result = run(engine, {"party_group": {"established": False}, "office": {"area_m2": 60}})
    named = result.find("named")
    assert named.verdict is Verdict.PASS and named.nested is not None
    assert [c.id for c in named.nested.criteria] == ["area"] and named.threshold == "test/other (area): pass"
    assert run(engine, {"party_group": {"established": True}, "office": {"area_m2": 59}}).failed == ("named",)


def test_requires_parts_must_be_top_level_criteria_of_the_required_standard(make_engine: Callable[..., Engine]) -> None:
    other = standard(crit("area", "threshold", 'key = "office.area_m2"\nop = ">="\nvalue = 60'), id="test/other")
    main = standard(crit("named", "requires", 'standard = "test/other"\nparts = ["aera"]'))
    with pytest.raises(StandardError, match=r"criterion\[named\]\.parts: test/other@1 has no top-level criterion 'aera' \(it has: area\)"):
        make_engine(other, main)


def test_requires_never_nests_a_version_from_before_the_requiring_version(make_engine: Callable[..., Engine]) -> None:
    base = crit("computers", "threshold", 'key = "equipment.computers"\nop = ">="\nvalue = 3')
    old = standard(base, id="test/eq", version="old", extra="effective_until = 2013-01-01")
    new = standard(base.replace("value = 3", "value = 5"), id="test/eq", version="new", effective_from="2013-01-01")
    main = standard(crit("eq", "requires", 'standard = "test/eq"'), version="2013", effective_from="2013-01-01")
    engine = make_engine(old, new, main)
    evidence = {"equipment": {"computers": 4}}
    early = engine.evaluate(evidence, "test/std@2013", dt.date(2012, 6, 1))
    eq = early.find("eq")
    assert eq.nested is not None and eq.nested.standard.version == "new" and eq.verdict is Verdict.FAIL
    assert "test/eq@new" in eq.reason.en
    assert engine.decide(evidence, "test/std@2013", dt.date(2012, 6, 1)).failed == ("eq",)


def test_rising_share_strict_fails_a_flat_year(make_engine: Callable[..., Engine]) -> None:
    body = 'parts = ["members.enterprise_by_year"]\ntotal = "members.total_by_year"\nyears = 3'
    lenient = make_engine(standard(crit("share", "rising_share", body)))
    strict = make_engine(standard(crit("share", "rising_share", body + "\nstrict = true")))
    flat = {
        "subject": {"year": 2013},
        "members": {
            "total_by_year": {"2010": 1000, "2011": 1000, "2012": 1000, "2013": 1000},
            "enterprise_by_year": {"2010": 510, "2011": 510, "2012": 510, "2013": 511},
        },
    }
    assert run(lenient, flat).find("share").verdict is Verdict.PASS
    c = run(strict, flat).find("share")
    assert c.verdict is Verdict.FAIL and c.gap is not None and c.gap.en == "share did not rise from 2010 to 2011"
    assert c.threshold == "rising every year over 3 years"
