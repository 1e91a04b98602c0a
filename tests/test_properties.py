"""Property tests of the verdict algebra, on a standard that uses every check kind."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fivegood_core import Engine, FolderPlugin, Overall, Result, Verdict
from fivegood_core.kinds.leaves import Threshold
from fivegood_core.model.verdict import all_of, any_of, at_least, mask
from fivegood_core.testing import evidence, keys_of, without

ON = dt.date(2014, 1, 1)
ENGINE = Engine.from_plugins([FolderPlugin(Path(__file__).parent / "standards")])
KITCHEN = ENGINE.get("test/kitchen", ON)
SMALL_KEYS = [k for n in ENGINE.get("test/small", ON).nodes for k in n.check.inputs]
EVIDENCE = evidence(KITCHEN, subject={"year": 2013}, keys=SMALL_KEYS)
VERDICTS = st.sampled_from(list(Verdict))


def verdicts(result: Result) -> dict[str, Verdict]:
    found = {c.id: c.verdict for c in result.walk()}
    found.update({f"small:{c.id}": c.verdict for c in result.find("nested").nested.walk()})  # type: ignore[union-attr]
    return found


@given(st.lists(VERDICTS, max_size=6), st.randoms())
def test_groups_are_order_independent(vs: list[Verdict], rnd: Any) -> None:
    shuffled = list(vs)
    rnd.shuffle(shuffled)
    assert all_of(mask(vs)) is all_of(mask(shuffled))
    assert any_of(mask(vs)) is any_of(mask(shuffled))
    for n in (1, 2, 3):
        assert at_least(n, vs) is at_least(n, shuffled)


@given(st.lists(VERDICTS, min_size=1, max_size=6))
def test_three_valued_all(vs: list[Verdict]) -> None:
    result = all_of(mask(vs))
    if Verdict.FAIL in vs:
        assert result is Verdict.FAIL
    elif Verdict.UNKNOWN in vs:
        assert result is Verdict.UNKNOWN
    elif Verdict.PASS in vs:
        assert result is Verdict.PASS
    elif Verdict.WAIVED in vs:  # a waived child never blocks; waived children alone leave the group waived
        assert result is Verdict.WAIVED
    else:
        assert result is Verdict.NOT_APPLICABLE


@given(EVIDENCE)
def test_fast_path_agrees_with_explained_evaluation(doc: dict[str, Any]) -> None:
    result = ENGINE.evaluate(doc, KITCHEN, ON)
    decision = ENGINE.decide(doc, KITCHEN, ON)
    assert (decision.verdict, decision.failed, decision.unknown) == (result.verdict, result.failed, result.unknown)


@given(EVIDENCE, st.data())
def test_adding_evidence_never_turns_a_pass_into_anything_else(doc: dict[str, Any], data: st.DataObject) -> None:
    # ... except "not applicable": more evidence may show that a conditional clause does not apply.
    present = keys_of(doc)
    drop = data.draw(st.lists(st.sampled_from(present), unique=True) if present else st.just([]))
    smaller = without(doc, drop)
    before, after = verdicts(ENGINE.evaluate(smaller, KITCHEN, ON)), verdicts(ENGINE.evaluate(doc, KITCHEN, ON))
    for cid, verdict in before.items():
        if verdict is Verdict.PASS:
            assert after[cid] in (Verdict.PASS, Verdict.NOT_APPLICABLE), cid
    if ENGINE.evaluate(smaller, KITCHEN, ON).verdict is Overall.PASS:
        assert ENGINE.evaluate(doc, KITCHEN, ON).verdict is Overall.PASS


@given(EVIDENCE, st.data())
def test_removing_evidence_never_turns_a_fail_into_a_pass(doc: dict[str, Any], data: st.DataObject) -> None:
    present = keys_of(doc)
    drop = data.draw(st.lists(st.sampled_from(present), unique=True) if present else st.just([]))
    full, smaller = verdicts(ENGINE.evaluate(doc, KITCHEN, ON)), verdicts(ENGINE.evaluate(without(doc, drop), KITCHEN, ON))
    for cid, verdict in full.items():
        if verdict is Verdict.FAIL:
            assert smaller[cid] is not Verdict.PASS, cid
    if ENGINE.evaluate(doc, KITCHEN, ON).verdict is Overall.FAIL:
        assert ENGINE.evaluate(without(doc, drop), KITCHEN, ON).verdict is not Overall.PASS


RAISABLE = [n for n in KITCHEN.nodes if isinstance(n.check, Threshold) and n.check.key and n.check.op in (">", ">=")]


@given(EVIDENCE, st.sampled_from(RAISABLE), st.integers(1, 10**6))
def test_raising_a_value_never_breaks_a_lower_bound(doc: dict[str, Any], node: Any, extra: int) -> None:
    key = node.check.key
    section, _, name = key.partition(".")
    if name not in doc.get(section, {}):
        return
    before = ENGINE.evaluate(doc, KITCHEN, ON).find(node.defn.id).verdict
    raised = {**doc, section: {**doc[section], name: doc[section][name] + extra}}
    after = ENGINE.evaluate(raised, KITCHEN, ON).find(node.defn.id).verdict
    if before is Verdict.PASS:
        assert after is Verdict.PASS


@pytest.mark.parametrize("node", RAISABLE, ids=lambda n: n.defn.id)
def test_every_lower_bound_flips_exactly_at_its_limit(node: Any) -> None:
    check: Threshold = node.check
    section, _, name = check.key.partition(".")  # type: ignore[union-attr]
    step = 1 if check.value_type == "count" else __import__("decimal").Decimal("0.01")
    at = check.limit
    verdict = {v: ENGINE.evaluate({section: {name: v}}, KITCHEN, ON).find(node.defn.id).verdict for v in (at - step, at, at + step)}
    assert verdict[at - step] is Verdict.FAIL
    assert verdict[at + step] is Verdict.PASS
    assert verdict[at] is (Verdict.PASS if check.op == ">=" else Verdict.FAIL)


@given(EVIDENCE)
def test_every_verdict_pass_agrees_with_decide_and_explain(doc: dict[str, Any]) -> None:
    decision, codes = KITCHEN.verdicts(doc, ON)
    assert decision == ENGINE.decide(doc, KITCHEN, ON)
    explained: dict[str, Verdict] = {}

    def note(c: Any, inherited: Verdict | None) -> None:
        # Statistics count everything under a group that does not apply as not applicable.
        explained[c.id] = inherited or c.verdict
        for child in c.children:
            note(child, inherited or (Verdict.NOT_APPLICABLE if c.verdict is Verdict.NOT_APPLICABLE else None))

    for top in ENGINE.evaluate(doc, KITCHEN, ON).criteria:
        note(top, None)
    for node, verdict in zip(KITCHEN.nodes, codes):
        if verdict is not Verdict.ADVISORY:  # nodes under an advisory group get no fast-path code
            assert verdict is explained[node.defn.id], node.defn.id
