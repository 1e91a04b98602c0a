"""Malformed standard files: each is rejected with the file, the line, the key and what was expected."""

from __future__ import annotations

import re
from typing import Callable

import pytest

from fivegood_core import Engine, StandardError
from helpers import standard

GOOD = """
[[criterion]]
id = "area"
kind = "threshold"
key = "office.area_m2"
op = ">="
value = 60
title = { zh = "面积", en = "Area" }
"""


def problems(make_engine: Callable[..., Engine], *texts: str) -> list[str]:
    with pytest.raises(StandardError) as info:
        make_engine(*texts)
    return [str(p) for p in info.value.problems]


def only(make_engine: Callable[..., Engine], *texts: str) -> str:
    found = problems(make_engine, *texts)
    assert len(found) == 1, found
    return found[0]


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_malformed_toml_names_file_and_line(make_engine: Callable[..., Engine]) -> None:
    text = standard(GOOD.replace("value = 60", "value = = 60"))
    msg = only(make_engine, text)
    assert re.search(rf"s0\.toml:{line_of(text, 'value = =')}: malformed TOML: Invalid value", msg), msg


def test_unclosed_toml_points_at_the_end_of_the_file(make_engine: Callable[..., Engine]) -> None:
    text = standard(GOOD + "oops = [1, 2\n")
    msg = only(make_engine, text)
    assert f"s0.toml:{len(text.splitlines())}: malformed TOML: Unclosed array at end of file" in msg


def test_missing_required_field(make_engine: Callable[..., Engine]) -> None:
    text = standard(GOOD).replace('title = { zh = "测试", en = "Test" }\n', "", 1)
    msg = only(make_engine, text)
    assert "s0.toml:2: standard: missing required key 'title'" in msg


def test_mistyped_date(make_engine: Callable[..., Engine]) -> None:
    text = standard(GOOD, effective_from='"2013-01-25"')
    msg = only(make_engine, text)
    assert f":{line_of(text, 'effective_from')}: standard.effective_from: expected a date such as 2013-01-25 (unquoted)" in msg


def test_string_where_number_belongs(make_engine: Callable[..., Engine]) -> None:
    text = standard(GOOD.replace("value = 60", 'value = "60"'))
    msg = only(make_engine, text)
    assert f":{line_of(text, 'value =')}: criterion[0].value: expected a number, got '60'" in msg


def test_misspelt_key_is_an_error_with_a_suggestion(make_engine: Callable[..., Engine]) -> None:
    text = standard(GOOD.replace("value = 60", "value = 60\nvlaue = 61"))
    msg = only(make_engine, text)
    assert f":{line_of(text, 'vlaue')}: criterion[0].vlaue: unknown key in criterion of kind 'threshold'; did you mean 'value'?" in msg


def test_duplicate_criterion_id(make_engine: Callable[..., Engine]) -> None:
    text = standard(GOOD + GOOD)
    msg = only(make_engine, text)
    second = [i for i, line in enumerate(text.splitlines(), 1) if line.startswith('id = "area"')][1]
    assert f":{second}: criterion[1].id: duplicate criterion id 'area'" in msg


def test_unknown_check_kind(make_engine: Callable[..., Engine]) -> None:
    text = standard(GOOD.replace('kind = "threshold"', 'kind = "treshold"'))
    msg = problems(make_engine, text)[0]
    assert f":{line_of(text, 'treshold')}: criterion[0].kind: unknown check kind 'treshold' (known: " in msg


def test_unknown_metric(make_engine: Callable[..., Engine]) -> None:
    text = standard("""
    [[criterion]]
    id = "m"
    kind = "threshold"
    metric = "velocity"
    op = ">"
    value = 1
    title = { zh = "m", en = "m" }
    """)
    msg = only(make_engine, text)
    assert re.search(r"s0\.toml:\d+: criterion\[m\]\.metric: unknown metric 'velocity' \(known: growth, ratio\)", msg), msg


def test_unknown_evidence_key_with_suggestion(make_engine: Callable[..., Engine]) -> None:
    text = standard(GOOD.replace("office.area_m2", "ofice.area_m2"))
    msg = only(make_engine, text)
    assert (
        f":{line_of(text, 'ofice')}: criterion[0].key: unknown evidence key 'ofice.area_m2': not in the vocabulary; did you mean 'office.area_m2'?"
        in msg
    )


def test_invalid_operator(make_engine: Callable[..., Engine]) -> None:
    text = standard(GOOD.replace('op = ">="', 'op = "=>"'))
    msg = only(make_engine, text)
    assert "criterion[0].op: expected one of '>', '>=', '<', '<=', '==', got '=>'" in msg


def test_overlapping_versions(make_engine: Callable[..., Engine]) -> None:
    a = standard(GOOD, version="2012", effective_from="2012-07-01")
    b = standard(GOOD, version="2013", effective_from="2013-01-25")
    msg = only(make_engine, a, b)
    assert "test/std@2013 from 2013-01-25 overlaps test/std@2012 (2012-07-01 until open-ended); set effective_until on test/std@2012" in msg


def test_same_version_twice(make_engine: Callable[..., Engine]) -> None:
    msg = only(make_engine, standard(GOOD), standard(GOOD))
    assert "test/std@1 is also defined in" in msg


def test_requires_cycle(make_engine: Callable[..., Engine]) -> None:
    req = """
    [[criterion]]
    id = "other"
    kind = "requires"
    standard = "{}"
    title = {{ zh = "另一个", en = "other" }}
    """
    a = standard(req.format("test/b"), id="test/a")
    b = standard(req.format("test/a"), id="test/b")
    msg = only(make_engine, a, b)
    assert re.search(r"s\d\.toml:\d+: standard: requires cycle: test/a → test/b → test/a", msg), msg


def test_requires_unknown_standard(make_engine: Callable[..., Engine]) -> None:
    text = standard("""
    [[criterion]]
    id = "other"
    kind = "requires"
    standard = "test/nowhere"
    title = { zh = "另一个", en = "other" }
    """)
    msg = only(make_engine, text)
    assert "criterion[other].standard: requires unknown standard 'test/nowhere'" in msg


def test_parent_must_be_defined_before_and_be_a_group(make_engine: Callable[..., Engine]) -> None:
    text = standard(
        GOOD + GOOD.replace('id = "area"', 'id = "child"\nparent = "area"') + GOOD.replace('id = "area"', 'id = "orphan"\nparent = "later"')
    )
    found = problems(make_engine, text)
    assert any("criterion[1].parent: parent 'area' is a threshold check, not a group" in p for p in found), found
    assert any("criterion[2].parent: unknown parent 'later': a parent must be defined before its children" in p for p in found), found


def test_group_without_children(make_engine: Callable[..., Engine]) -> None:
    text = standard(
        GOOD
        + """
    [[criterion]]
    id = "empty"
    kind = "any"
    title = { zh = "空", en = "empty" }
    """
    )
    msg = only(make_engine, text)
    assert "criterion[empty]: a any group needs at least one child (parent = 'empty')" in msg


def test_unknown_top_level_key_and_every_problem_listed(make_engine: Callable[..., Engine]) -> None:
    text = standard(GOOD.replace('op = ">="', 'op = "=>"') + "\n[extras]\nx = 1\n")
    found = problems(make_engine, text)
    assert len(found) == 2, found
    assert any("extras: unknown top-level key" in p for p in found)
    assert any("criterion[0].op" in p for p in found)


def test_unknown_reward_calculator(make_engine: Callable[..., Engine]) -> None:
    text = standard(
        GOOD
        + """
    [[reward]]
    id = "x"
    payer = { zh = "区政府", en = "District" }
    applies_to = { district = "x" }
    basis = { zh = "文件", en = "document" }
    calculator = "tiered"
    """
    )
    msg = only(make_engine, text)
    assert "reward[0].calculator: unknown reward calculator 'tiered' (known: fixed)" in msg


def test_condition_on_unknown_key(make_engine: Callable[..., Engine]) -> None:
    text = standard(
        """
    [[criterion]]
    id = "cond"
    kind = "when"
    when = { key = "party_group.secretary_on_committee", expect = false }
    title = { zh = "条件", en = "cond" }
    """
        + GOOD.replace('id = "area"', 'id = "area"\nparent = "cond"')
    )
    msg = only(make_engine, text)
    assert "criterion[cond].when: unknown evidence key 'party_group.secretary_on_committee' in the condition" in msg


def test_a_bad_file_does_not_stop_the_others_when_not_strict(make_engine: Callable[..., Engine]) -> None:
    good = standard(GOOD, id="test/good")
    bad = standard(GOOD.replace("value = 60", 'value = "x"'), id="test/bad")
    engine = make_engine(good, bad, strict=False)
    assert [s.ref for s in engine.standards()] == ["test/good@1"]
    assert any("criterion[0].value" in e for e in engine.errors)
