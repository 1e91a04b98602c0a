"""Check kinds: how each kind of criterion is built from its TOML fields and evaluated.

A *leaf* kind (threshold, flag, attest, ratio, growth, rising_share, coverage,
requires) reads evidence and returns an :class:`~fivegood_core.results.Outcome`.
A *group* kind (all, any, at_least, when, optional, advisory) combines the
verdicts of its children, optionally behind a gate (the condition of ``when``,
the presence flag of ``optional``).

Every kind is registered through the ``fivegood_check_kinds`` hook, the
built-in ones included (see ``builtins.py``). A kind may also *emit* inline
code for the generated fast path (``compiler.py``); kinds that do not are
called through :meth:`Check.verdict`, so emitting is an optimisation, never a
requirement.
"""

from __future__ import annotations

import abc
import datetime as dt
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Callable, Mapping, Sequence

import attrs

from . import display
from .evidence import Reader
from .exact import Number, compare
from .metrics import latest_year
from .model import Text
from .results import Decision, Outcome, Result
from .schema import BuildError, Field
from .verdict import Verdict, all_of, any_of, at_least, mask
from .vocabulary import ATTEST_PREFIX, Vocabulary

if TYPE_CHECKING:
    from .compiler import Emitter
    from .metrics import Metric


@attrs.frozen
class BuildContext:
    """What a kind may consult while building a check from a criterion's fields."""

    criterion_id: str
    title: Text
    vocabulary: Vocabulary
    metrics: Mapping[str, "Metric"]
    kinds: Mapping[str, "CheckKind"]
    subject_kind: str


@attrs.frozen
class EvalContext:
    """What a check may consult while evaluating: the date, the subject, required standards."""

    as_of: dt.date
    subject_year: int | None
    explain_required: Callable[[str, dt.date, Reader], Result]
    decide_required: Callable[[str, dt.date, Mapping[str, Any]], Decision]


class Check(abc.ABC):
    """A compiled leaf criterion."""

    #: Evidence keys this check reads.
    inputs: tuple[str, ...] = ()
    #: The threshold as people read it (``≥ 60 m²``), when there is one.
    threshold: str | None = None

    @abc.abstractmethod
    def explain(self, r: Reader, ctx: EvalContext) -> Outcome:
        """Evaluate and explain."""

    def verdict(self, r: Reader, ctx: EvalContext) -> Verdict:
        """Evaluate without explaining; override where that is cheaper."""
        return self.explain(r, ctx).verdict

    def emit(self, e: "Emitter", out: str) -> bool:
        """Write inline fast-path code assigning the verdict to ``out``; False if not supported."""
        return False


class Group(abc.ABC):
    """A compiled group criterion: combines its children's verdicts.

    A group with a ``condition`` applies only when the condition passes: when
    it fails the group is ``not_applicable``, when it is unknown so is the group.
    """

    inputs: tuple[str, ...] = ()
    threshold: str | None = None
    condition: Check | None = None

    def gate(self, r: Reader, ctx: EvalContext) -> Outcome | None:
        """None when the children decide; otherwise the outcome that decides the group."""
        if self.condition is None:
            return None
        found = self.condition.explain(r, ctx)
        if found.verdict is Verdict.PASS:
            return None
        if found.verdict is Verdict.FAIL:
            return Outcome(Verdict.NOT_APPLICABLE, self.not_applicable(found), found.observed, found.values)
        return attrs.evolve(found, reason=Text(f"适用条件未知:{found.reason.zh}", f"whether it applies is unknown: {found.reason.en}"))

    def not_applicable(self, found: Outcome) -> Text:
        """Why the group does not apply, given its condition's failed outcome."""
        return Text(f"条件不成立,不适用({found.reason.zh})", f"condition does not hold, not applicable ({found.reason.en})")

    @abc.abstractmethod
    def combine(self, verdicts: Sequence[Verdict]) -> Verdict:
        """The group's verdict from its children's."""

    def describe(self, verdict: Verdict, children: Sequence[tuple[Text, Verdict]]) -> Outcome:
        """Explain the combined verdict; ``children`` are (title, verdict) pairs."""
        return Outcome(verdict, _count_reason(children))


@attrs.frozen
class CheckKind:
    """A kind of criterion: its name, its TOML fields, and how to build it."""

    name: str
    doc: str
    fields: tuple[Field, ...]
    build: Callable[[Mapping[str, Any], BuildContext], "Check | Group"]
    group: bool = False


def _count_reason(children: Sequence[tuple[Text, Verdict]]) -> Text:
    counts = {v: sum(1 for _, cv in children if cv is v) for v in (Verdict.PASS, Verdict.FAIL, Verdict.UNKNOWN)}
    zh = f"{counts[Verdict.PASS]} 项达标,{counts[Verdict.FAIL]} 项未达标,{counts[Verdict.UNKNOWN]} 项缺少证据"
    en = f"{counts[Verdict.PASS]} met, {counts[Verdict.FAIL]} not met, {counts[Verdict.UNKNOWN]} missing evidence"
    return Text(zh, en)


def missing(title: Text, keys: Sequence[str]) -> Outcome:
    """The outcome of a check whose evidence is absent."""
    listed = ", ".join(keys)
    return Outcome(
        Verdict.UNKNOWN,
        Text(f"{title.zh}:缺少证据({listed})", f"{title.en}: no evidence ({listed})"),
        values=dict.fromkeys(keys),
        gap=Text(f"缺少:{listed}", f"missing: {listed}"),
        missing=tuple(keys),
    )


# --- thresholds on a key or a metric -----------------------------------------------------------

_FAST_TYPES = {"count": True, "amount": True, "area": True, "number": False, "rate": False}


class Threshold(Check):
    """``value op limit`` for a value read from a key or computed by a metric."""

    def __init__(self, title: Text, op: str, limit: Number, unit: str, key: str | None = None, metric: Any = None, value_type: str | None = None) -> None:
        self.title = title
        self.op = op
        self.limit = limit
        self.unit = unit
        self.key = key
        self.metric = metric
        self.value_type = value_type
        self.inputs = (key,) if key else tuple(metric.inputs)
        self.threshold = display.threshold(op, limit, unit)

    def explain(self, r: Reader, ctx: EvalContext) -> Outcome:
        if self.key is not None:
            value = r.get(self.key)
            if value is None:
                return missing(self.title, [self.key])
            values: dict[str, Any] = {self.key: value}
            detail = None
        else:
            measured = self.metric.compute(r, ctx)
            values = dict(measured.values)
            if measured.value is None:
                out = missing(self.title, measured.missing) if measured.missing else Outcome(
                    Verdict.UNKNOWN, measured.note or Text("无法计算", "cannot be computed"), gap=measured.note)
                return attrs.evolve(out, values=values)
            value, detail = measured.value, measured.detail
        shown = display.fmt(value, self.unit)
        if detail:
            shown_full = f"{shown} ({detail})"
        else:
            shown_full = shown
        if compare(self.op, value, self.limit):
            reason = Text(f"{self.title.zh} {shown_full} {self.threshold}", f"{self.title.en} {shown_full} {self.threshold}")
            return Outcome(Verdict.PASS, reason, shown, values)
        gap = display.gap(self.op, value, self.limit, self.unit)
        reason = Text(f"{self.title.zh} {shown_full} — {gap.zh}", f"{self.title.en} {shown_full} — {gap.en}")
        return Outcome(Verdict.FAIL, reason, shown, values, gap)

    def emit(self, e: "Emitter", out: str) -> bool:
        nonneg = _FAST_TYPES.get(self.value_type or "")
        if self.key is None or nonneg is None:
            return False
        v = e.read(self.key)
        if v is None:
            return False
        limit, op = e.const(self.limit), e.op(self.op)
        if nonneg and self.op in (">", ">=") and self.limit >= 0:
            # Passing implies v >= 0, so the sign check is needed only on the failing branch.
            e.line(f"if {v}.__class__ is int: {out} = 1 if {v} {op} {limit} else 4 if {v} >= 0 else {e.slow(self)}")
        else:
            guard = f"{v}.__class__ is int" + (f" and {v} >= 0" if nonneg else "")
            e.line(f"if {guard}: {out} = 1 if {v} {op} {limit} else 4")
            e.line(f"elif {v} is None: {out} = 2")
            e.line(f"else: {out} = {e.slow(self)}")
            return True
        e.line(f"elif {v} is None: {out} = 2")
        e.line(f"else: {out} = {e.slow(self)}")
        return True


def comparison_fields(value_doc: str) -> tuple[Field, ...]:
    """The ``op`` and ``value`` fields every threshold-like kind has."""
    return (
        Field("op", "op", True, "comparison: > (超过), >= (不少于/至少/达到), <, <= (不超过) or =="),
        Field("value", "number", True, value_doc),
    )


def build_threshold(p: Mapping[str, Any], ctx: BuildContext) -> Check:
    """``kind = "threshold"``: a key (or a metric with ``args``) compared with ``value``."""
    if p.get("unit") is not None and p["unit"] not in display.UNITS:
        raise BuildError("unit", f"expected one of {', '.join(display.UNITS)}")
    if ("key" in p) == ("metric" in p):
        raise BuildError("key", "give exactly one of 'key' or 'metric'")
    if "key" in p:
        if "args" in p:
            raise BuildError("args", "'args' goes with 'metric', not with 'key'")
        entry = ctx.vocabulary.get(p["key"])
        assert entry is not None  # the schema checked the key is in the vocabulary
        unit = p.get("unit") or {"amount": "amount", "area": "area", "rate": "percent"}.get(entry.type.name, "count")
        if entry.type.name not in _FAST_TYPES:
            raise BuildError("key", f"{p['key']} is a {entry.type.name}, not a number; use a flag, coverage or growth check")
        return Threshold(ctx.title, p["op"], p["value"], unit, key=p["key"], value_type=entry.type.name)
    metric = _bind_metric(p["metric"], p.get("args", {}), ctx)
    return Threshold(ctx.title, p["op"], p["value"], p.get("unit") or metric.unit, metric=metric)


def _bind_metric(name: str, args: Mapping[str, Any], ctx: BuildContext) -> Any:
    metric = ctx.metrics.get(name)
    if metric is None:
        known = ", ".join(sorted(ctx.metrics)) or "none"
        raise BuildError("metric", f"unknown metric {name!r} (known: {known})")
    return metric.bind(args, ctx)


def build_ratio(p: Mapping[str, Any], ctx: BuildContext) -> Check:
    """``kind = "ratio"``: numerator / denominator compared with ``value`` (0.2 for 20%)."""
    metric = _bind_metric("ratio", {"numerator": p["numerator"], "denominator": p["denominator"]}, ctx)
    return Threshold(ctx.title, p["op"], p["value"], "percent", metric=metric)


def build_growth(p: Mapping[str, Any], ctx: BuildContext) -> Check:
    """``kind = "growth"``: compound annual growth over ``years`` compared with ``value``."""
    args = {k: p[k] for k in ("table", "years") if k in p}
    metric = _bind_metric("growth", args, ctx)
    return Threshold(ctx.title, p["op"], p["value"], "percent", metric=metric)


# --- flags and attestations --------------------------------------------------------------------


class Flag(Check):
    """A yes/no key that must have the expected value."""

    def __init__(self, title: Text, key: str, expect: bool = True, attested: bool = False) -> None:
        self.title = title
        self.key = key
        self.expect = expect
        self.attested = attested
        self.inputs = (key,)
        self.threshold = None if attested else ("= true" if expect else "= false")

    def explain(self, r: Reader, ctx: EvalContext) -> Outcome:
        value = r.get(self.key)
        if value is None:
            out = missing(self.title, [self.key])
            if self.attested:
                return attrs.evolve(out, gap=Text(f"评估人尚未确认({self.key})", f"not yet attested by an assessor ({self.key})"))
            return out
        shown = "true" if value else "false"
        ok = value is self.expect
        if self.attested:
            said = Text("评估人确认已达到", "assessor attests it is met") if value else Text("评估人认定未达到", "assessor finds it not met")
        else:
            said = Text(f"{self.key} = {shown}", f"{self.key} = {shown}")
        reason = Text(f"{self.title.zh}:{said.zh}", f"{self.title.en}: {said.en}")
        if ok:
            return Outcome(Verdict.PASS, reason, shown, {self.key: value})
        want = "true" if self.expect else "false"
        gap = Text(f"须为 {want}:{self.key}", f"{self.key} must be {want}")
        return Outcome(Verdict.FAIL, reason, shown, {self.key: value}, gap)

    def emit(self, e: "Emitter", out: str) -> bool:
        v = e.read(self.key)
        if v is None:
            return False
        yes, no = (1, 4) if self.expect else (4, 1)
        e.line(f"if {v} is True: {out} = {yes}")
        e.line(f"elif {v} is False: {out} = {no}")
        e.line(f"elif {v} is None: {out} = 2")
        e.line(f"else: {out} = {e.slow(self)}")
        return True


def build_flag(p: Mapping[str, Any], ctx: BuildContext) -> Check:
    """``kind = "flag"``: a yes/no key; ``expect = false`` where the text requires absence."""
    entry = ctx.vocabulary.get(p["key"])
    if entry is None or entry.type.name != "flag":
        kind = entry.type.name if entry else "unknown"
        raise BuildError("key", f"{p['key']} is a {kind}, not a flag")
    return Flag(ctx.title, p["key"], p.get("expect", True))


def build_attest(p: Mapping[str, Any], ctx: BuildContext) -> Check:
    """``kind = "attest"``: an assessor's yes/no, read from ``attest.<criterion id>``."""
    return Flag(ctx.title, ATTEST_PREFIX + ctx.criterion_id, True, attested=True)


# --- trends and coverage -----------------------------------------------------------------------


class RisingShare(Check):
    """The share of ``parts`` in ``total`` rises year on year over the last ``years`` years."""

    def __init__(self, title: Text, parts: tuple[str, ...], total: str, years: int) -> None:
        self.title = title
        self.parts = parts
        self.total = total
        self.years = years
        self.inputs = parts + (total,)
        self.threshold = f"non-decreasing over {years} years, higher at the end"

    def explain(self, r: Reader, ctx: EvalContext) -> Outcome:
        tables = [r.get(k) for k in self.inputs]
        absent = [k for k, t in zip(self.inputs, tables) if t is None]
        if absent:
            return missing(self.title, absent)
        values = dict(zip(self.inputs, tables))
        end = latest_year(tables, ctx.subject_year)
        span = [] if end is None else list(range(end - self.years, end + 1))
        lacking = [f"{k}.{y}" for k, t in zip(self.inputs, tables) for y in span if y not in t] if span else [f"{k}.<year>" for k in self.inputs]
        if lacking:
            return attrs.evolve(missing(self.title, lacking), values=values)
        shares: list[Fraction] = []
        for y in span:
            total = tables[-1][y]
            if total == 0:
                return Outcome(Verdict.UNKNOWN, Text(f"{self.title.zh}:{y} 年会员总数为 0", f"{self.title.en}: total is 0 in {y}"), values=values,
                               gap=Text(f"{y} 年总数不能为 0", f"total for {y} must be above 0"))
            shares.append(Fraction(sum(t[y] for t in tables[:-1]), total))
        shown = " → ".join(f"{y}: {display.fmt(s, 'percent')}" for y, s in zip(span, shares))
        falls = [(span[i], span[i + 1]) for i in range(len(shares) - 1) if shares[i + 1] < shares[i]]
        if not falls and shares[-1] > shares[0]:
            return Outcome(Verdict.PASS, Text(f"{self.title.zh}:{shown}", f"{self.title.en}: {shown}"), shown, values)
        if falls:
            a, b = falls[0]
            gap = Text(f"{a}→{b} 年占比下降", f"share fell from {a} to {b}")
        else:
            gap = Text("期末占比未高于期初", "share at the end is not higher than at the start")
        return Outcome(Verdict.FAIL, Text(f"{self.title.zh}:{shown} — {gap.zh}", f"{self.title.en}: {shown} — {gap.en}"), shown, values, gap)


def build_rising_share(p: Mapping[str, Any], ctx: BuildContext) -> Check:
    """``kind = "rising_share"``: sum of ``parts`` over ``total``, year by year."""
    for field in ("parts", "total"):
        for key in (p[field] if field == "parts" else (p[field],)):
            if ctx.vocabulary.get(key).type.name != "by_year":  # type: ignore[union-attr]
                raise BuildError(field, f"{key} is not a year → value table")
    if p["years"] < 1:
        raise BuildError("years", "expected at least 1 year")
    return RisingShare(ctx.title, tuple(p["parts"]), p["total"], p["years"])


class Coverage(Check):
    """Every item of one list appears in another (every leading industry has a chamber)."""

    def __init__(self, title: Text, items: str, covered: str) -> None:
        self.title = title
        self.items = items
        self.covered = covered
        self.inputs = (items, covered)
        self.threshold = "100%"

    def explain(self, r: Reader, ctx: EvalContext) -> Outcome:
        items, covered = r.get(self.items), r.get(self.covered)
        absent = [k for k, v in ((self.items, items), (self.covered, covered)) if v is None]
        if absent:
            return missing(self.title, absent)
        values = {self.items: items, self.covered: covered}
        have = set(covered)
        lacking = [i for i in dict.fromkeys(items) if i not in have]
        total = len(dict.fromkeys(items))
        shown = f"{total - len(lacking)}/{total}"
        if not lacking:
            return Outcome(Verdict.PASS, Text(f"{self.title.zh}:{shown} 全部覆盖", f"{self.title.en}: {shown} covered"), shown, values)
        names = "、".join(lacking)
        gap = Text(f"未覆盖:{names}", f"not covered: {', '.join(lacking)}")
        return Outcome(Verdict.FAIL, Text(f"{self.title.zh}:{shown} — {gap.zh}", f"{self.title.en}: {shown} — {gap.en}"), shown, values, gap)


def build_coverage(p: Mapping[str, Any], ctx: BuildContext) -> Check:
    """``kind = "coverage"``: every name in ``items`` appears in ``covered``."""
    for field in ("items", "covered"):
        if ctx.vocabulary.get(p[field]).type.name != "names":  # type: ignore[union-attr]
            raise BuildError(field, f"{p[field]} is not a list of names")
    return Coverage(ctx.title, p["items"], p["covered"])


# --- another standard --------------------------------------------------------------------------


class Requires(Check):
    """Another standard must pass, resolved by id (and version) at the same as-of date."""

    def __init__(self, title: Text, ref: str) -> None:
        self.title = title
        self.ref = ref
        self.threshold = f"{ref}: pass"

    def explain(self, r: Reader, ctx: EvalContext) -> Outcome:
        nested = ctx.explain_required(self.ref, ctx.as_of, r)
        verdict = nested.verdict.as_verdict()
        label = f"{nested.standard.id}@{nested.standard.version}"
        reason = Text(f"{self.title.zh}:{label} 结论为 {nested.verdict.value}", f"{self.title.en}: {label} is {nested.verdict.value}")
        gap = None
        if verdict is Verdict.FAIL:
            gap = Text(f"{label} 未达标:{', '.join(nested.failed)}", f"{label} not met: {', '.join(nested.failed)}")
        elif verdict is Verdict.UNKNOWN:
            gap = Text(f"{label} 缺少:{', '.join(nested.missing)}", f"{label} missing: {', '.join(nested.missing)}")
        return Outcome(verdict, reason, nested.verdict.value, {}, gap, nested, nested.missing)

    def verdict(self, r: Reader, ctx: EvalContext) -> Verdict:
        return ctx.decide_required(self.ref, ctx.as_of, r.doc).verdict.as_verdict()


def build_requires(p: Mapping[str, Any], ctx: BuildContext) -> Check:
    """``kind = "requires"``: ``standard = "id"`` or ``"id@version"``; its results nest here."""
    return Requires(ctx.title, p["standard"])


# --- groups ------------------------------------------------------------------------------------


class AllOf(Group):
    """Every child must hold."""

    def combine(self, verdicts: Sequence[Verdict]) -> Verdict:
        return all_of(mask(verdicts))


class AnyOf(Group):
    """One child suffices (编制数不少于3个或工作人员数不少于5个)."""

    threshold = "any"

    def combine(self, verdicts: Sequence[Verdict]) -> Verdict:
        return any_of(mask(verdicts))


class Sources(Group):
    """Alternative evidence of one fact (yearly totals, or an officially reported rate).

    Passes when any alternative with evidence passes; fails when every
    alternative with evidence fails; unknown only when none has evidence. Unlike
    ``any``, an absent alternative does not hold the verdict open once another
    has measured the fact.
    """

    threshold = "any source"

    def combine(self, verdicts: Sequence[Verdict]) -> Verdict:
        m = mask(verdicts)
        if m & Verdict.PASS:
            return Verdict.PASS
        if m & Verdict.FAIL:
            return Verdict.FAIL
        return Verdict.UNKNOWN if m & Verdict.UNKNOWN else Verdict.NOT_APPLICABLE


class AtLeast(Group):
    """At least ``n`` children must hold."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.threshold = f"at least {n}"

    def combine(self, verdicts: Sequence[Verdict]) -> Verdict:
        return at_least(self.n, verdicts)


class When(AllOf):
    """Children apply only when a condition holds; otherwise ``not_applicable``."""

    def __init__(self, condition: Check) -> None:
        self.condition = condition
        self.inputs = condition.inputs


def build_when(p: Mapping[str, Any], ctx: BuildContext) -> Group:
    """``kind = "when"``: ``when = { key = "…", expect = false }`` or ``{ key, op, value }``."""
    cond = dict(p["when"])
    if set(cond) - {"key", "expect", "op", "value"} or "key" not in cond:
        raise BuildError("when", "expected { key = \"…\", expect = true|false } or { key = \"…\", op = \">=\", value = N }")
    if cond["key"] not in ctx.vocabulary:
        raise BuildError("when", f"unknown evidence key {cond['key']!r} in the condition")
    kind = "flag" if "op" not in cond else "threshold"
    try:
        check = ctx.kinds[kind].build(cond, attrs.evolve(ctx, title=Text("条件", "condition")))
    except KeyError as exc:
        raise BuildError("when", f"the condition lacks {exc}") from None
    if not isinstance(check, Check):
        raise BuildError("when", "a condition must be a single check")
    return When(check)


class Optional(When):
    """An optional provision (有条件的…可设立): applies when taken up, else ``not_applicable``."""

    def __init__(self, present: str) -> None:
        super().__init__(Flag(Text("可选条款是否采用", "whether the optional provision is taken up"), present))

    def not_applicable(self, found: Outcome) -> Text:
        return Text("可选条款,未采用,不适用", "optional provision not taken up, not applicable")


def build_optional(p: Mapping[str, Any], ctx: BuildContext) -> Group:
    """``kind = "optional"``: ``present = "flag key"`` says whether the provision is taken up."""
    entry = ctx.vocabulary.get(p["present"])
    if entry is None or entry.type.name != "flag":
        raise BuildError("present", f"{p['present']} is not a flag")
    return Optional(p["present"])


class Advisory(Group):
    """Guidance (一般应): its children are evaluated and shown, but it never blocks."""

    threshold = "advisory"

    def combine(self, verdicts: Sequence[Verdict]) -> Verdict:
        return Verdict.ADVISORY

    def describe(self, verdict: Verdict, children: Sequence[tuple[Text, Verdict]]) -> Outcome:
        met = all_of(mask(v for _, v in children))
        word = {Verdict.PASS: ("已做到", "followed"), Verdict.FAIL: ("未做到", "not followed"), Verdict.UNKNOWN: ("情况不明", "not known")}.get(met, ("不适用", "not applicable"))
        return Outcome(Verdict.ADVISORY, Text(f"指导性要求,不影响结论:{word[0]}", f"guidance, does not affect the verdict: {word[1]}"), word[1])


def build_group(cls: type[Group]) -> Callable[[Mapping[str, Any], BuildContext], Group]:
    """A builder for a group kind without fields of its own."""
    return lambda p, ctx: cls()


def build_at_least(p: Mapping[str, Any], ctx: BuildContext) -> Group:
    """``kind = "at_least"``: ``n`` children must hold."""
    if p["n"] < 1:
        raise BuildError("n", "expected at least 1")
    return AtLeast(p["n"])
