"""The explained walk: every criterion's result, with its reason, values and gap."""

from __future__ import annotations

from fivegood_core.evaluation.tree import Node
from fivegood_core.evidence.reader import Reader
from fivegood_core.kinds.contract import Check, EvalContext
from fivegood_core.model.results import CriterionResult, Outcome


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
    )


def explain(node: Node, r: Reader, ctx: EvalContext) -> CriterionResult:
    """The result of ``node`` and everything below it."""
    check = node.check
    if isinstance(check, Check):
        return _result(node, check.explain(r, ctx))
    gate = check.gate(r, ctx)
    # Children keep their own verdicts under a gate: what they would be is worth
    # showing, and it keeps each criterion's verdict monotone in the evidence.
    children = tuple(explain(c, r, ctx) for c in node.children)
    if gate is not None:
        return _result(node, gate, children)
    verdict = check.combine([c.verdict for c in children])
    # A group's values are its children's: each child result carries its own, once.
    return _result(node, check.describe(verdict, [(c.title, c.verdict) for c in children]), children)
