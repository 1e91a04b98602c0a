"""The explained walk as it was before it was planned and made lazy: the reference tests compare it with.

Copied from ``src/fivegood_core/evaluation/explain.py`` before branch ``explainperf``
(every node explained eagerly through its kind's methods, results built with
``attrs.evolve``); only the names of the imports changed.
"""

from __future__ import annotations

from typing import Mapping

import attrs

from fivegood_core.evaluation.tree import Node
from fivegood_core.evidence.reader import Reader
from fivegood_core.kinds.contract import Check, EvalContext
from fivegood_core.model.definitions import Text
from fivegood_core.model.results import CriterionResult, Outcome
from fivegood_core.model.verdict import Verdict


def _result(node: Node, outcome: Outcome, children: tuple[CriterionResult, ...] = ()) -> CriterionResult:
    d = node.defn
    return CriterionResult(
        id=d.id,
        kind=d.kind,
        verdict=outcome.verdict,
        title=d.title,
        reason=outcome.reason,
        citation=d.citation,
        observed=outcome.observed,
        threshold=node.check.threshold,
        gap=outcome.gap,
        inputs=node.inputs,
        values=outcome.values,
        children=children,
        nested=outcome.nested,
        interpretation=d.interpretation,
        assumed=d.assumed,
        missing=outcome.missing,
        overlay=d.overlay,
        self_reported=d.self_reported,
        basis=d.basis,
    )


def _self_reported(node: Node, outcome: Outcome) -> Outcome:
    if not node.defn.self_reported or outcome.verdict not in (Verdict.PASS, Verdict.FAIL):
        return outcome
    return attrs.evolve(outcome, reason=Text(f"{outcome.reason.zh}(自报数据)", f"{outcome.reason.en} (self-reported)"))


def _not_applicable(c: CriterionResult) -> CriterionResult:
    """A criterion below a group that does not apply: not applicable, its observations kept."""
    return attrs.evolve(
        c,
        verdict=Verdict.NOT_APPLICABLE,
        reason=Text(f"所属条款不适用:{c.reason.zh}", f"not applicable, the clause above does not apply: {c.reason.en}"),
        gap=None,
        missing=(),
        children=tuple(_not_applicable(x) for x in c.children),
    )


def _not_counted(c: CriterionResult) -> CriterionResult:
    """A criterion shown for information (guidance, an alternative not consulted): its verdict kept, not counted."""
    return attrs.evolve(c, counted=False, gap=None, children=tuple(_not_counted(x) for x in c.children))


def _no_advice(c: CriterionResult) -> CriterionResult:
    """An alternative that did not decide a passing group: nothing is needed of it."""
    return attrs.evolve(c, gap=None, children=tuple(_no_advice(x) for x in c.children))


def _waived(c: CriterionResult, reason: Text) -> CriterionResult:
    """A criterion set aside for the subject: ``waived``, never passed; what lies below it is shown, not counted."""
    return attrs.evolve(c, verdict=Verdict.WAIVED, waiver=reason, gap=None, children=tuple(_not_counted(x) for x in c.children))


def explain(node: Node, r: Reader, ctx: EvalContext, waive: Mapping[str, Text] | None = None) -> CriterionResult:
    """The result of ``node`` and everything below it; criteria named in ``waive`` (id → reason) are waived."""
    return _explain(node, r, ctx, waive or {})


def _explain(node: Node, r: Reader, ctx: EvalContext, waive: Mapping[str, Text]) -> CriterionResult:
    reason = waive.get(node.defn.id)
    found = _explain_unwaived(node, r, ctx, waive)
    return found if reason is None else _waived(found, reason)


def _explain_unwaived(node: Node, r: Reader, ctx: EvalContext, waive: Mapping[str, Text]) -> CriterionResult:
    check = node.check
    if isinstance(check, Check):
        return _result(node, _self_reported(node, check.explain(r, ctx)))
    gate = check.gate(r, ctx)
    children = tuple(_explain(c, r, ctx, waive) for c in node.children)
    if gate is not None:
        if gate.verdict is Verdict.NOT_APPLICABLE:
            children = tuple(_not_applicable(c) for c in children)
        return _result(node, gate, children)
    verdicts = [c.verdict for c in children]
    verdict = check.combine(verdicts)
    outcome = check.describe(verdict, [(c.title, c.verdict) for c in children])
    counts = check.counts(verdicts)
    shown = []
    for c, counted in zip(children, counts):
        if not counted:
            c = _not_counted(c)
        elif check.alternatives and verdict is Verdict.PASS and c.verdict is not Verdict.PASS:
            c = _no_advice(c)
        shown.append(c)
    # A group's values are its children's: each child result carries its own, once.
    return _result(node, outcome, tuple(shown))
