"""Waivers in the verdict algebra: a waived criterion is ``waived``, never passed, and groups combine it by the algebra."""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable

import pytest
from test_checks import _posts_or_staff, crit

from fivegood_core import Engine, Overall, ResolutionError, Result, Text, Verdict
from fivegood_core.model.verdict import PRECEDENCE, at_least, decide_mask, mask
from fivegood_core.render.report import render_html, render_junit, render_markdown, render_text
from helpers import standard

ON = dt.date(2014, 1, 1)
W = Verdict.WAIVED


def test_the_algebra_of_a_waived_child() -> None:
    # Every-child groups: a waived child never blocks (like not applicable); waived alone, the group is waived.
    assert decide_mask(PRECEDENCE["all"], mask([W, Verdict.PASS])) is Verdict.PASS
    assert decide_mask(PRECEDENCE["all"], mask([W, Verdict.FAIL])) is Verdict.FAIL
    assert decide_mask(PRECEDENCE["all"], mask([W, Verdict.NOT_APPLICABLE])) is W
    # One or some children: a waived child counts as satisfied, after a real pass.
    assert decide_mask(PRECEDENCE["any"], mask([W, Verdict.FAIL, Verdict.UNKNOWN])) is W
    assert decide_mask(PRECEDENCE["any"], mask([W, Verdict.PASS])) is Verdict.PASS
    assert decide_mask(PRECEDENCE["sources"], mask([W, Verdict.FAIL])) is W
    assert at_least(2, [W, Verdict.PASS, Verdict.FAIL]) is W
    assert at_least(2, [W, Verdict.PASS, Verdict.PASS]) is Verdict.PASS
    assert at_least(3, [W, Verdict.PASS, Verdict.UNKNOWN]) is Verdict.UNKNOWN
    assert at_least(3, [W, Verdict.PASS, Verdict.FAIL]) is Verdict.FAIL
    assert W.label == "waived" and Verdict.from_label("waived") is W


def _evaluate(engine: Engine, evidence: dict[str, Any], waive: dict[str, Any]) -> Result:
    return engine.evaluate(evidence, "test/std", ON, waive=waive)


def test_a_waived_criterion_under_all_is_waived_and_does_not_block(make_engine: Callable[..., Engine]) -> None:
    engine = make_engine(_posts_or_staff("all"))
    evidence = {"staff": {"establishment_posts": 3, "headcount": 4}}
    assert engine.evaluate(evidence, "test/std", ON).verdict is Overall.FAIL
    result = _evaluate(engine, evidence, {"staff": "新办公楼在建"})
    staff = result.find("staff")
    assert staff.verdict is Verdict.WAIVED and staff.waiver == Text("新办公楼在建", "新办公楼在建")
    # Its own observation and reason are kept; no advice is given.
    assert staff.values == {"staff.headcount": 4} and "4" in staff.reason.en and staff.gap is None
    assert result.find("staffing").verdict is Verdict.PASS and result.verdict is Overall.PASS
    assert result.failed == () and result.waived == ("staff",)
    assert [w for w in map(str, result.warnings) if "waived" in w] == [
        "test/std@1::staff is waived for this subject, not passed: 新办公楼在建"
    ]
    # The fast path takes no waivers: it decides as before.
    assert engine.decide(evidence, "test/std", ON).verdict is Overall.FAIL


def test_a_group_of_waived_children_only_is_waived_never_passed(make_engine: Callable[..., Engine]) -> None:
    engine = make_engine(_posts_or_staff("all"))
    result = _evaluate(engine, {"staff": {"establishment_posts": 1, "headcount": 1}}, {"staff": "a", "posts": Text("乙", "b")})
    assert result.find("staffing").verdict is Verdict.WAIVED and result.verdict is Overall.PASS
    assert result.waived == ("posts", "staff")


def test_a_waived_alternative_satisfies_any(make_engine: Callable[..., Engine]) -> None:
    engine = make_engine(_posts_or_staff("any"))
    evidence = {"staff": {"establishment_posts": 2, "headcount": 4}}
    result = _evaluate(engine, evidence, {"posts": "r"})
    assert result.find("staffing").verdict is Verdict.WAIVED and result.verdict is Overall.PASS
    # A real pass still decides as a pass.
    passing = _evaluate(engine, {"staff": {"establishment_posts": 2, "headcount": 5}}, {"posts": "r"})
    assert passing.find("staffing").verdict is Verdict.PASS and passing.find("posts").verdict is Verdict.WAIVED


def test_a_waived_group_shows_its_children_not_counted(make_engine: Callable[..., Engine]) -> None:
    engine = make_engine(_posts_or_staff("all"))
    result = _evaluate(engine, {"staff": {"establishment_posts": 1}}, {"staffing": "r"})
    staffing = result.find("staffing")
    assert staffing.verdict is Verdict.WAIVED and result.verdict is Overall.PASS
    assert result.failed == () and result.unknown == () and result.missing == ()
    assert all(not c.counted for c in staffing.children)
    assert result.find("posts").verdict is Verdict.FAIL  # shown as found, not counted


def test_at_least_counts_a_waived_child_as_satisfied(make_engine: Callable[..., Engine]) -> None:
    engine = make_engine(
        standard(
            crit("two", "at_least", "n = 2")
            + crit("a", "flag", 'key = "finance.independent_account"', parent="two")
            + crit("b", "flag", 'key = "office.independent"', parent="two")
        )
    )
    evidence = {"finance": {"independent_account": True}, "office": {"independent": False}}
    assert engine.evaluate(evidence, "test/std", ON).verdict is Overall.FAIL
    result = _evaluate(engine, evidence, {"b": "r"})
    assert result.find("two").verdict is Verdict.WAIVED and result.verdict is Overall.PASS


def test_a_waived_criterion_under_a_when_that_does_not_apply_stays_not_applicable(make_engine: Callable[..., Engine]) -> None:
    engine = make_engine(
        standard(
            crit("if-cars", "when", 'when = { key = "equipment.vehicles", op = ">=", value = 1 }')
            + crit("account", "flag", 'key = "finance.independent_account"', parent="if-cars")
        )
    )
    applies = {"equipment": {"vehicles": 2}, "finance": {"independent_account": False}}
    result = _evaluate(engine, applies, {"account": "r"})
    assert result.find("account").verdict is Verdict.WAIVED and result.find("if-cars").verdict is Verdict.WAIVED
    assert result.verdict is Overall.PASS
    not_applying = _evaluate(engine, {"equipment": {"vehicles": 0}}, {"account": "r"})
    assert not_applying.find("account").verdict is Verdict.NOT_APPLICABLE
    assert not_applying.find("if-cars").verdict is Verdict.NOT_APPLICABLE


def test_a_waiver_naming_no_criterion_is_an_error(make_engine: Callable[..., Engine]) -> None:
    with pytest.raises(ResolutionError, match="has no criterion 'nope'"):
        _evaluate(make_engine(_posts_or_staff("all")), {}, {"nope": "r"})


def test_waivers_survive_the_json_round_trip_and_every_report_shows_them(make_engine: Callable[..., Engine]) -> None:
    engine = make_engine(_posts_or_staff("all"))
    result = _evaluate(engine, {"staff": {"establishment_posts": 3, "headcount": 4}}, {"staff": Text("在建", "being built")})
    data = result.to_json()
    assert data["waived"] == ["staff"]
    assert Result.from_json(data) == result and Result.from_json(data).to_json() == data
    text = render_text(result)
    assert "W staff: " in text and "[waived, not passed: being built]" in text and "✔ staff:" not in text
    assert "[已豁免,并非达标: 在建]" in render_text(result, "zh")
    assert "🛡️" in render_markdown(result)
    assert 'class="mark waived">waived<' in render_html(result)
    junit = render_junit(result)
    assert "<skipped" in junit and "waived, not passed: being built" in junit
