"""The explained walk: every criterion's result, with its reason, values and gap.

What a report shows must match what counts: below a group that does not apply,
every criterion is reported ``not_applicable`` (what it observed is kept); below
guidance (an advisory group) and for alternatives a group did not consult, the
criteria are shown but marked not counted; and an alternative that did not
decide a passing group carries no advice on what would make it pass. A
criterion waived for the subject is ``waived`` (its own reason and values kept,
with the waiver's reason), and the groups above combine it by the verdict algebra.
"""

from __future__ import annotations

import operator
from decimal import Decimal
from fractions import Fraction
from functools import partial
from typing import Any, Callable, Mapping

import attrs

from fivegood_core.evaluation.tree import Node
from fivegood_core.evidence.reader import Reader
from fivegood_core.kinds.contract import Check, EvalContext, Group, count_reason, missing
from fivegood_core.kinds.groups import Advisory, Precedence
from fivegood_core.kinds.leaves import Flag, Threshold
from fivegood_core.model.definitions import StandardDef, Text
from fivegood_core.model.exact import compare
from fivegood_core.model.results import CriterionResult, Outcome, RewardResult, lazy_result
from fivegood_core.model.verdict import Verdict
from fivegood_core.words.catalogue import Message, say

_PASS, _UNKNOWN, _FAIL, _NA = Verdict.PASS, Verdict.UNKNOWN, Verdict.FAIL, Verdict.NOT_APPLICABLE
_OPS: dict[str, Callable[[Any, Any], bool]] = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt, "==": operator.eq}
_new = lazy_result


def _template(node: Node) -> dict[str, Any]:
    """The fields of a node's result that are the same for every record."""
    d = node.defn
    return {
        "id": d.id,
        "kind": d.kind,
        "title": d.title,
        "citation": d.citation,
        "threshold": node.check.threshold,
        "inputs": node.inputs,
        "children": (),
        "nested": None,
        "interpretation": d.interpretation,
        "assumed": d.assumed,
        "missing": (),
        "overlay": d.overlay,
        "self_reported": d.self_reported,
        "basis": d.basis,
        "counted": True,
        "waiver": None,
    }


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


def _from_outcome(template: dict[str, Any], o: Outcome, children: tuple[CriterionResult, ...] = ()) -> CriterionResult:
    return _new(
        {
            **template,
            "verdict": o.verdict,
            "reason": o.reason,
            "observed": o.observed,
            "gap": o.gap,
            "values": o.values,
            "children": children,
            "nested": o.nested,
            "missing": o.missing,
        }
    )


def _self_reported(node: Node, outcome: Outcome) -> Outcome:
    if not node.defn.self_reported or outcome.verdict not in (Verdict.PASS, Verdict.FAIL):
        return outcome
    return attrs.evolve(outcome, reason=_self_reported_reason(outcome.reason))


def _self_reported_reason(reason: Text) -> Text:
    return Text(f"{reason.zh}(自报数据)", f"{reason.en} (self-reported)")


def _evolved(c: CriterionResult, changes: dict[str, Any]) -> CriterionResult:
    """``attrs.evolve(c, **changes)`` without building what ``c`` has not built yet."""
    d = dict(c.__dict__)
    d.update(changes)
    return _new(d)


def _not_applicable_reason(reason: Text) -> Text:
    return Text(f"所属条款不适用:{reason.zh}", f"not applicable, the clause above does not apply: {reason.en}")


def _not_applicable(c: CriterionResult) -> CriterionResult:
    """A criterion below a group that does not apply: not applicable, its observations kept."""
    d = dict(c.__dict__)
    if "reason" in d:
        d["reason"] = _not_applicable_reason(d["reason"])
    else:
        fill = d["_fill"]

        def wrapped() -> dict[str, Any]:
            out = dict(fill())
            out["reason"] = _not_applicable_reason(out["reason"])
            return out

        d["_fill"] = wrapped
    d.update(verdict=_NA, gap=None, missing=(), children=tuple(_not_applicable(x) for x in c.children))
    return _new(d)


def _not_counted(c: CriterionResult) -> CriterionResult:
    """A criterion shown for information (guidance, an alternative not consulted): its verdict kept, not counted."""
    return _evolved(c, {"counted": False, "gap": None, "children": tuple(_not_counted(x) for x in c.children)})


def _no_advice(c: CriterionResult) -> CriterionResult:
    """An alternative that did not decide a passing group: nothing is needed of it."""
    return _evolved(c, {"gap": None, "children": tuple(_no_advice(x) for x in c.children)})


def _waived(c: CriterionResult, reason: Text) -> CriterionResult:
    """A criterion set aside for the subject: ``waived``, never passed; what lies below it is shown, not counted."""
    return _evolved(c, {"verdict": Verdict.WAIVED, "waiver": reason, "gap": None, "children": tuple(_not_counted(x) for x in c.children)})


def explain(node: Node, r: Reader, ctx: EvalContext, waive: Mapping[str, Text] | None = None) -> CriterionResult:
    """The result of ``node`` and everything below it; criteria named in ``waive`` (id → reason) are waived."""
    return plan_all((node,))(r, ctx, waive or {})[0]


# --- the explained walk, planned once per node ------------------------------------------------------
#
# A plan is a function per node, made when a compiled standard is first evaluated: what every record's
# result of that node shares is computed once (its constant fields, how its group combines, the words of
# a flag), and what a person reads of a threshold (its reason, value as shown and gap) is built only
# when first read (model/results.py, lazy_result). The built-in kinds are planned here; any other kind
# is called through its methods, as before.

Explain = Callable[[Reader, EvalContext, Mapping[str, Text]], CriterionResult]


def plan(node: Node) -> Explain:
    """The function giving ``node``'s result (and everything below it) for one record."""
    check = node.check
    template = _template(node)
    if isinstance(check, Check):
        inner = _plan_leaf(node, check, template)
    else:
        inner = _plan_group(node, check, template)
    return inner


ExplainAll = Callable[[Reader, EvalContext, Mapping[str, Text]], "tuple[CriterionResult, ...]"]


def plan_all(nodes: tuple[Node, ...]) -> ExplainAll:
    """The results of ``nodes`` (siblings) for one record, each named in ``waive`` waived."""
    kids = tuple(plan(n) for n in nodes)
    ids = tuple(n.defn.id for n in nodes)

    def run(r: Reader, ctx: EvalContext, waive: Mapping[str, Text]) -> tuple[CriterionResult, ...]:
        found = [k(r, ctx, waive) for k in kids]
        if waive:
            for i, cid in enumerate(ids):
                why = waive.get(cid)
                if why is not None:
                    found[i] = _waived(found[i], why)
        return tuple(found)

    return run


def _plan_leaf(node: Node, check: Check, template: dict[str, Any]) -> Explain:
    self_reported = node.defn.self_reported
    if type(check) is Threshold and check.key is not None and not isinstance(check.limit, Fraction):
        return _plan_threshold(check, check.key, template, self_reported)
    if type(check) is Flag:
        return _plan_flag(check, template, self_reported)

    def leaf(r: Reader, ctx: EvalContext, waive: Mapping[str, Text]) -> CriterionResult:
        return _from_outcome(template, _self_reported(node, check.explain(r, ctx)))

    return leaf


def _plan_threshold(check: Threshold, key: str, template: dict[str, Any], self_reported: bool) -> Explain:
    absent = missing(check.title, [key])
    when_absent = {**template, "verdict": absent.verdict, "reason": absent.reason, "observed": None, "gap": absent.gap, "missing": (key,)}
    op, limit, sign = _OPS[check.op], check.limit, check.op

    def fill(value: Any, ok: bool) -> dict[str, Any]:
        reason, shown, gap = check.words(value, None, ok)
        if self_reported:
            reason = _self_reported_reason(reason)
        return {"reason": reason, "observed": shown, "gap": gap}

    def leaf(r: Reader, ctx: EvalContext, waive: Mapping[str, Text]) -> CriterionResult:
        value = r.get(key)
        if value is None:
            return _new({**when_absent, "values": {key: None}})
        cls = value.__class__
        # Ints and Decimals compare exactly with an int or Decimal limit; anything else as the kind compares it.
        ok = op(value, limit) if cls is int or cls is Decimal else compare(sign, value, limit)
        return _new({**template, "verdict": _PASS if ok else _FAIL, "values": {key: value}, "_fill": partial(fill, value, ok)})

    return leaf


def _plan_flag(check: Flag, template: dict[str, Any], self_reported: bool) -> Explain:
    key = check.key
    absent = check.absent()
    when_absent = {**template, "verdict": absent.verdict, "reason": absent.reason, "observed": None, "gap": absent.gap, "missing": (key,)}
    said = {}
    for value in (True, False):
        o = check.said(value)
        reason = _self_reported_reason(o.reason) if self_reported else o.reason
        said[value] = {**template, "verdict": o.verdict, "reason": reason, "observed": o.observed, "gap": o.gap}
    yes, no = said[True], said[False]

    def leaf(r: Reader, ctx: EvalContext, waive: Mapping[str, Text]) -> CriterionResult:
        value = r.get(key)
        if value is None:
            return _new({**when_absent, "values": {key: None}})
        if value is True:
            return _new({**yes, "values": {key: value}})
        if value is False:
            return _new({**no, "values": {key: value}})
        o = check.said(value)  # not a bool: only without the vocabulary's check
        return _from_outcome(template, attrs.evolve(o, reason=_self_reported_reason(o.reason)) if self_reported else o)

    return leaf


def _passes(check: Check | None) -> Callable[[Reader], bool] | None:
    """Whether a built-in condition passes, without explaining it; None for other kinds."""
    if type(check) is Flag:
        key, expect = check.key, check.expect
        return lambda r: r.get(key) is expect
    if type(check) is Threshold and check.key is not None and not isinstance(check.limit, Fraction):
        tkey, op, limit, sign = check.key, _OPS[check.op], check.limit, check.op

        def passes(r: Reader) -> bool:
            value = r.get(tkey)
            if value is None:
                return False
            cls = value.__class__
            return op(value, limit) if cls is int or cls is Decimal else compare(sign, value, limit)

        return passes
    return None


def _plan_group(node: Node, group: Group, template: dict[str, Any]) -> Explain:
    kids = plan_all(node.children)
    cls = type(group)
    order = tuple((int(v), v) for v in group.order) if cls.combine is Precedence.combine and isinstance(group, Precedence) else None
    default_describe = cls.describe is Group.describe
    default_counts = cls.counts is Group.counts
    decides = group.decides
    alternatives = group.alternatives
    gated = group.condition is not None
    passes = _passes(group.condition) if gated and cls.gate is Group.gate else None

    def run(r: Reader, ctx: EvalContext, waive: Mapping[str, Text]) -> CriterionResult:
        if gated and (passes is None or not passes(r)):
            gate = group.gate(r, ctx)
            if gate is not None:
                children = kids(r, ctx, waive)
                if gate.verdict is _NA:
                    children = tuple(_not_applicable(c) for c in children)
                return _from_outcome(template, gate, children)
        children = kids(r, ctx, waive)
        if order is not None:
            m = 0
            for c in children:
                m |= c.verdict._value_
            verdict = _NA
            for bit, v in order:
                if m & bit:
                    verdict = v
                    break
        else:
            verdict = group.combine([c.verdict for c in children])
        if default_counts:
            if decides:
                counts = None
            else:
                counts = (False,) * len(children)
        else:
            counts = group.counts([c.verdict for c in children])
        if counts is None and not (alternatives and verdict is _PASS):
            shown = children
        else:
            out = []
            for i, c in enumerate(children):
                if counts is not None and not counts[i]:
                    c = _not_counted(c)
                elif alternatives and verdict is _PASS and c.verdict is not _PASS:
                    c = _no_advice(c)
                out.append(c)
            shown = tuple(out)
        # A group's values are its children's: each child result carries its own, once.
        if default_describe:
            return _new(
                {
                    **template,
                    "verdict": verdict,
                    "observed": None,
                    "gap": None,
                    "values": {},
                    "children": shown,
                    "_fill": partial(_counted_reason, children),
                }
            )
        outcome = group.describe(verdict, [(c.title, c.verdict) for c in children])
        return _from_outcome(template, outcome, shown)

    return run


def _counted_reason(children: tuple[CriterionResult, ...]) -> dict[str, Any]:
    return {"reason": count_reason([(c.title, c.verdict) for c in children])}


def quiet(nodes: tuple[Node, ...]) -> bool:
    """True when no result of these nodes can rest on anything beyond the evidence: nothing assumed or
    self-reported, and only the built-in thresholds, flags and groups, which nest no other standard.
    :func:`resting_on` then need not walk the criteria (only waivers can warn)."""
    for n in nodes:
        if n.defn.assumed or n.defn.self_reported:
            return False
        check = n.check
        if isinstance(check, Group):
            if check.condition is not None and type(check.condition) not in (Threshold, Flag):
                return False
            if type(check).gate is not Group.gate or type(check).describe not in (Group.describe, Advisory.describe):
                return False
        elif type(check) not in (Threshold, Flag):
            return False
    return True


def resting_on(
    defn: StandardDef,
    criteria: tuple[CriterionResult, ...],
    reward: RewardResult | None,
    *,
    waivers: bool = True,
    walk: bool = True,
) -> tuple[Message, ...]:
    """One warning per assumed value or self-reported figure the verdict or the reward rests on.

    A verdict rests on every criterion that counts (not under guidance, not in a
    branch that does not apply, not an alternative left unconsulted); of an
    assumed branch, its top is named once. A required standard's warnings come
    with it. The reward rests on its covering scheme's assumed values. Without
    ``waivers`` no criterion is taken to be waived, and without ``walk`` (see
    :func:`quiet`) none to be assumed, self-reported or nesting another standard.
    """
    out: list[Message] = []
    for name, why in defn.assumed.items():
        out.append(say("warning.assumed_value", where=defn.ref, name=name, value=_shown(getattr(defn, name, None)), why=why))

    def waived(nodes: tuple[CriterionResult, ...]) -> None:
        for c in nodes:
            if c.waiver is not None:
                out.append(say("warning.waived", where=f"{defn.ref}::{c.id}", why=c.waiver))
            if c.children:
                waived(c.children)

    if waivers:
        waived(criteria)

    def rests(c: CriterionResult, parent: Verdict | None) -> None:
        verdict = c.verdict
        if not c.counted or verdict is Verdict.NOT_APPLICABLE or verdict is Verdict.ADVISORY or verdict is Verdict.WAIVED:
            return
        if c.assumed:
            how = c.interpretation if c.interpretation else c.title
            out.append(say("warning.assumed_criterion", where=f"{defn.ref}::{c.id}", how=how))
            return
        if c.self_reported and (verdict is Verdict.PASS or verdict is Verdict.FAIL) and (parent is None or parent is verdict):
            out.append(say("warning.self_reported", where=f"{defn.ref}::{c.id}", observed=c.observed))
        if c.nested is not None:
            out.extend(c.nested.warnings)
        for child in c.children:
            rests(child, verdict)

    if walk:
        for c in criteria:
            rests(c, None)
    if reward is not None and reward.scheme is not None:
        scheme = next((s for s in defn.rewards if s.id == reward.scheme), None)
        for name, why in (scheme.assumed if scheme else {}).items():
            out.append(
                say(
                    "warning.assumed_value",
                    where=f"{defn.ref} reward {reward.scheme}",
                    name=name,
                    value=_shown(getattr(scheme, name, None)),
                    why=why,
                )
            )
    return tuple(out)


def _shown(value: object) -> str:
    """The assumed value as written, in brackets (a text in both languages), or nothing for a table."""
    if isinstance(value, Text):
        return f" ({value.zh} / {value.en})"
    if value is None or isinstance(value, (dict, tuple, list)):
        return ""
    return f" ({value})"
