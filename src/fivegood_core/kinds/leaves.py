"""The built-in leaf kinds: threshold, ratio, growth, flag, attest, rising_share, coverage, requires.

Each reads evidence through a :class:`~fivegood_core.evidence.reader.Reader`
and returns an :class:`~fivegood_core.model.results.Outcome`; thresholds and
flags also write inline fast-path code (:meth:`Check.emit`).
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any, Mapping

import attrs

from fivegood_core.evidence.reader import Reader
from fivegood_core.kinds import display
from fivegood_core.kinds.contract import BoundMetric, BuildContext, Check, EvalContext, missing
from fivegood_core.kinds.emit import Emitter
from fivegood_core.kinds.metrics import latest_year
from fivegood_core.model.definitions import Text
from fivegood_core.model.exact import CompoundGrowth, Number, compare, float_bounds
from fivegood_core.model.results import Outcome, Result
from fivegood_core.model.verdict import Overall, Verdict, all_of, mask
from fivegood_core.model.vocabulary import MAX_MAGNITUDE, MAX_PLACES, attestation_key
from fivegood_core.reading.schema import BuildError, Field
from fivegood_core.words.catalogue import say

# --- thresholds on a key or a metric -----------------------------------------------------------

_FAST_TYPES = {"count": True, "amount": True, "area": True, "number": False, "rate": False}


@attrs.frozen(eq=False)
class Threshold(Check):
    """``value op limit`` for a value read from a key or computed by a metric."""

    title: Text
    op: str
    limit: Number
    unit: str
    key: str | None = None
    metric: BoundMetric | None = None
    value_type: str | None = None
    inputs: tuple[str, ...] = attrs.field(init=False)
    threshold: str = attrs.field(init=False)

    @inputs.default
    def _inputs(self) -> tuple[str, ...]:
        return (self.key,) if self.key else tuple(self.metric.inputs) if self.metric else ()

    @threshold.default
    def _threshold(self) -> str:
        return display.threshold(self.op, self.limit, self.unit)

    def explain(self, r: Reader, ctx: EvalContext) -> Outcome:
        if self.key is not None:
            value = r.get(self.key)
            if value is None:
                return missing(self.title, [self.key])
            values: dict[str, Any] = {self.key: value}
            detail = None
        else:
            assert self.metric is not None  # one of key and metric, by construction
            measured = self.metric.compute(r, ctx)
            values = dict(measured.values)
            if measured.value is None:
                out = (
                    missing(self.title, measured.missing)
                    if measured.missing
                    else Outcome(Verdict.UNKNOWN, measured.note or Text("无法计算", "cannot be computed"), gap=measured.note)
                )
                return attrs.evolve(out, values=values)
            value, detail = measured.value, measured.detail
        ok = compare(self.op, value, self.limit)
        reason, shown, gap = self.words(value, detail, ok)
        return Outcome(Verdict.PASS if ok else Verdict.FAIL, reason, shown, values, gap)

    def words(self, value: Number | CompoundGrowth, detail: str | None, ok: bool) -> tuple[Text, str, Text | None]:
        """The reason, the value as shown, and the gap (None when ``ok``) for a value read or computed."""
        shown = display.fmt(value, self.unit)
        if detail:
            shown_full = f"{shown} ({detail})"
        else:
            shown_full = shown
        if ok:
            return Text(f"{self.title.zh} {shown_full} {self.threshold}", f"{self.title.en} {shown_full} {self.threshold}"), shown, None
        gap = display.gap(self.op, value, self.limit, self.unit)
        return Text(f"{self.title.zh} {shown_full} — {gap.zh}", f"{self.title.en} {shown_full} — {gap.en}"), shown, gap

    def emit(self, e: Emitter, out: str) -> bool:
        nonneg = _FAST_TYPES.get(self.value_type or "")
        if self.key is None or nonneg is None:
            return False
        v = e.read(self.key)
        if v is None:
            return False
        limit, op, top = e.const(self.limit), e.op(self.op), e.const(MAX_MAGNITUDE)
        low = "0 <=" if nonneg else f"-{top} <"
        if nonneg and self.op in (">", ">=") and self.limit >= 0:
            # Passing implies v >= 0, so the sign check is needed only on the failing branch.
            e.line(f"if {v}.__class__ is int and {v} < {top}: {out} = 1 if {v} {op} {limit} else 4 if {v} >= 0 else {e.slow(self)}")
        else:
            # Out-of-bounds integers take the slow path, which reports them as bad input.
            e.line(f"if {v}.__class__ is int and {low} {v} < {top}: {out} = 1 if {v} {op} {limit} else 4")
        e.line(f"elif {v} is None: {out} = 2")
        if self.value_type == "count":
            # A count is a whole number: anything else is for the slow path to refuse.
            e.line(f"else: {out} = {e.slow(self)}")
            return True
        # Decimals compare exactly with the limit; within the bounds evidence accepts, no Reader is needed.
        dec, places = e.const(Decimal), e.const(-MAX_PLACES)
        e.line(
            f"elif {v}.__class__ is {dec} and {v}.is_finite() and {low} {v} < {top} and {v}.as_tuple().exponent >= {places}: "
            f"{out} = 1 if {v} {op} {limit} else 4"
        )
        # A float reads as its shortest representation; a bound computed once compares it exactly (model/exact.py).
        # Below 0.001 a float may read with more places than evidence accepts: the slow path decides those.
        lo, hi = float_bounds(self.limit)
        test = {">=": f"{v} >= {e.const(lo)}", ">": f"{v} > {e.const(hi)}", "<=": f"{v} <= {e.const(hi)}", "<": f"{v} < {e.const(lo)}"}.get(
            self.op, f"{e.const(lo)} <= {v} <= {e.const(hi)}"
        )
        e.line(
            f"elif {v}.__class__ is float and {low} {v} < {top} and ({v} == 0.0 or {v} >= 0.001 or {v} <= -0.001): {out} = 1 if {test} else 4"
        )
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
        raise BuildError("unit", say("field.one_of", options=", ".join(display.UNITS)))
    if ("key" in p) == ("metric" in p):
        raise BuildError("key", say("kind.key_or_metric"))
    if "key" in p:
        if "args" in p:
            raise BuildError("args", say("kind.args_without_metric"))
        entry = ctx.vocabulary.get(p["key"])
        assert entry is not None  # the schema checked the key is in the vocabulary
        unit = p.get("unit") or {"amount": "amount", "area": "area", "rate": "percent"}.get(entry.type.name, "count")
        if entry.type.name not in _FAST_TYPES:
            raise BuildError("key", say("kind.key_not_a_number", key=p["key"], type=entry.type.name))
        return Threshold(ctx.title, p["op"], p["value"], unit, key=p["key"], value_type=entry.type.name)
    metric = _bind_metric(p["metric"], p.get("args", {}), ctx)
    return Threshold(ctx.title, p["op"], p["value"], p.get("unit") or metric.unit, metric=metric)


def _bind_metric(name: str, args: Mapping[str, Any], ctx: BuildContext) -> BoundMetric:
    metric = ctx.metrics.get(name)
    if metric is None:
        known = ", ".join(sorted(ctx.metrics)) or "none"
        raise BuildError("metric", say("kind.unknown_metric", name=repr(name), known=known))
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


@attrs.frozen(eq=False)
class Flag(Check):
    """A yes/no key that must have the expected value."""

    title: Text
    key: str
    expect: bool = True
    attested: bool = False
    inputs: tuple[str, ...] = attrs.field(init=False)
    threshold: str | None = attrs.field(init=False)

    @inputs.default
    def _inputs(self) -> tuple[str, ...]:
        return (self.key,)

    @threshold.default
    def _threshold(self) -> str | None:
        return None if self.attested else ("= true" if self.expect else "= false")

    def explain(self, r: Reader, ctx: EvalContext) -> Outcome:
        value = r.get(self.key)
        if value is None:
            return self.absent()
        return self.said(value)

    def absent(self) -> Outcome:
        """The outcome when the key is absent."""
        out = missing(self.title, [self.key])
        if self.attested:
            return attrs.evolve(out, gap=Text(f"评估人尚未确认({self.key})", f"not yet attested by an assessor ({self.key})"))
        return out

    def said(self, value: bool) -> Outcome:
        """The outcome for a value read."""
        shown = "true" if value else "false"
        ok = value is self.expect
        if self.attested:
            said = (
                Text("评估人确认已达到", "assessor attests it is met") if value else Text("评估人认定未达到", "assessor finds it not met")
            )
        else:
            said = Text(f"{self.key} = {shown}", f"{self.key} = {shown}")
        reason = Text(f"{self.title.zh}:{said.zh}", f"{self.title.en}: {said.en}")
        if ok:
            return Outcome(Verdict.PASS, reason, shown, {self.key: value})
        want = "true" if self.expect else "false"
        gap = Text(f"须为 {want}:{self.key}", f"{self.key} must be {want}")
        return Outcome(Verdict.FAIL, reason, shown, {self.key: value}, gap)

    def emit(self, e: Emitter, out: str) -> bool:
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
        raise BuildError("key", say("kind.key_not_a_flag", key=p["key"], type=kind))
    return Flag(ctx.title, p["key"], p.get("expect", True))


def build_attest(p: Mapping[str, Any], ctx: BuildContext) -> Check:
    """``kind = "attest"``: an assessor's yes/no, read from ``attest.<criterion id>``."""
    return Flag(ctx.title, attestation_key(ctx.criterion_id), True, attested=True)


# --- trends and coverage -----------------------------------------------------------------------


@attrs.frozen(eq=False)
class RisingShare(Check):
    """The share of ``parts`` in ``total`` rises year on year over the last ``years`` years.

    By default a flat year is allowed as long as the share ends higher than it
    started; with ``strict`` the share must rise from every year to the next.
    """

    title: Text
    parts: tuple[str, ...]
    total: str
    years: int
    strict: bool = False
    inputs: tuple[str, ...] = attrs.field(init=False)
    threshold: str = attrs.field(init=False)

    @inputs.default
    def _inputs(self) -> tuple[str, ...]:
        return self.parts + (self.total,)

    @threshold.default
    def _threshold(self) -> str:
        if self.strict:
            return f"rising every year over {self.years} years"
        return f"non-decreasing over {self.years} years, higher at the end"

    def explain(self, r: Reader, ctx: EvalContext) -> Outcome:
        tables = [r.get(k) for k in self.inputs]
        absent = [k for k, t in zip(self.inputs, tables) if t is None]
        if absent:
            return missing(self.title, absent)
        values = dict(zip(self.inputs, tables))
        end = latest_year(tables, ctx.subject_year)
        span = [] if end is None else list(range(end - self.years, end + 1))
        lacking = (
            [f"{k}.{y}" for k, t in zip(self.inputs, tables) for y in span if y not in t] if span else [f"{k}.<year>" for k in self.inputs]
        )
        if lacking:
            return attrs.evolve(missing(self.title, lacking), values=values)
        shares: list[Fraction] = []
        for y in span:
            total = tables[-1][y]
            if total == 0:
                return Outcome(
                    Verdict.UNKNOWN,
                    Text(f"{self.title.zh}:{y} 年会员总数为 0", f"{self.title.en}: total is 0 in {y}"),
                    values=values,
                    gap=Text(f"{y} 年总数不能为 0", f"total for {y} must be above 0"),
                )
            shares.append(Fraction(sum(t[y] for t in tables[:-1]), total))
        shown = " → ".join(f"{y}: {display.fmt(s, 'percent')}" for y, s in zip(span, shares))
        falls = [(span[i], span[i + 1]) for i in range(len(shares) - 1) if shares[i + 1] < shares[i]]
        flat = [(span[i], span[i + 1]) for i in range(len(shares) - 1) if shares[i + 1] == shares[i]] if self.strict else []
        if not falls and not flat and shares[-1] > shares[0]:
            return Outcome(Verdict.PASS, Text(f"{self.title.zh}:{shown}", f"{self.title.en}: {shown}"), shown, values)
        if falls:
            a, b = falls[0]
            gap = Text(f"{a}→{b} 年占比下降", f"share fell from {a} to {b}")
        elif flat:
            a, b = flat[0]
            gap = Text(f"{a}→{b} 年占比未提升", f"share did not rise from {a} to {b}")
        else:
            gap = Text("期末占比未高于期初", "share at the end is not higher than at the start")
        return Outcome(
            Verdict.FAIL, Text(f"{self.title.zh}:{shown} — {gap.zh}", f"{self.title.en}: {shown} — {gap.en}"), shown, values, gap
        )


def build_rising_share(p: Mapping[str, Any], ctx: BuildContext) -> Check:
    """``kind = "rising_share"``: sum of ``parts`` over ``total``, year by year."""
    for field in ("parts", "total"):
        for key in p[field] if field == "parts" else (p[field],):
            if ctx.vocabulary.get(key).type.name != "by_year":  # type: ignore[union-attr]
                raise BuildError(field, say("kind.not_a_year_table", key=key))
    if p["years"] < 1:
        raise BuildError("years", say("kind.at_least_one_year"))
    return RisingShare(ctx.title, tuple(p["parts"]), p["total"], p["years"], p.get("strict", False))


@attrs.frozen(eq=False)
class Coverage(Check):
    """Every item of one list appears in another (every leading industry has a chamber)."""

    title: Text
    items: str
    covered: str
    threshold: str = attrs.field(init=False, default="100%")
    inputs: tuple[str, ...] = attrs.field(init=False)

    @inputs.default
    def _inputs(self) -> tuple[str, ...]:
        return (self.items, self.covered)

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
        return Outcome(
            Verdict.FAIL, Text(f"{self.title.zh}:{shown} — {gap.zh}", f"{self.title.en}: {shown} — {gap.en}"), shown, values, gap
        )


def build_coverage(p: Mapping[str, Any], ctx: BuildContext) -> Check:
    """``kind = "coverage"``: every name in ``items`` appears in ``covered``."""
    for field in ("items", "covered"):
        if ctx.vocabulary.get(p[field]).type.name != "names":  # type: ignore[union-attr]
            raise BuildError(field, say("kind.not_a_list_of_names", key=p[field]))
    return Coverage(ctx.title, p["items"], p["covered"])


# --- another standard --------------------------------------------------------------------------


@attrs.frozen(eq=False)
class Requires(Check):
    """Another standard must pass, resolved by id (and version) at the as-of date.

    The version is the one in force on the as-of date, never one from before the
    requiring version took effect (the requiring standard resolves it). With
    ``parts``, only those top-level criteria of the required standard are
    required and nested (Art. 19 names the five guarantees, not the party group).
    """

    title: Text
    ref: str
    parts: tuple[str, ...] = ()
    threshold: str = attrs.field(init=False)

    @threshold.default
    def _threshold(self) -> str:
        if self.parts:
            return f"{self.ref} ({', '.join(self.parts)}): pass"
        return f"{self.ref}: pass"

    def _only_parts(self, nested: Result) -> Result:
        kept = tuple(c for c in nested.criteria if c.id in self.parts)
        verdict = Overall.of(all_of(mask(c.verdict for c in kept)))
        return attrs.evolve(nested, criteria=kept, verdict=verdict, reward=None)

    def explain(self, r: Reader, ctx: EvalContext) -> Outcome:
        nested = ctx.explain_required(self.ref, ctx.as_of, r)
        if self.parts:
            nested = self._only_parts(nested)
        verdict = nested.verdict.as_verdict()
        label = f"{nested.standard.id}@{nested.standard.version}"
        if self.parts:
            label += f" ({', '.join(self.parts)})"
        reason = Text(f"{self.title.zh}:{label} 结论为 {nested.verdict.value}", f"{self.title.en}: {label} is {nested.verdict.value}")
        gap = None
        if verdict is Verdict.FAIL:
            gap = Text(f"{label} 未达标:{', '.join(nested.failed)}", f"{label} not met: {', '.join(nested.failed)}")
        elif verdict is Verdict.UNKNOWN:
            gap = Text(f"{label} 缺少:{', '.join(nested.missing)}", f"{label} missing: {', '.join(nested.missing)}")
        return Outcome(verdict, reason, nested.verdict.value, {}, gap, nested, nested.missing)

    def verdict(self, r: Reader, ctx: EvalContext) -> Verdict:
        if self.parts:
            if ctx.roots_required is None:
                return self.explain(r, ctx).verdict
            roots = ctx.roots_required(self.ref, ctx.as_of, r.doc)
            return Overall.of(all_of(mask(roots[p] for p in self.parts if p in roots))).as_verdict()
        return ctx.decide_required(self.ref, ctx.as_of, r.doc).verdict.as_verdict()


def build_requires(p: Mapping[str, Any], ctx: BuildContext) -> Check:
    """``kind = "requires"``: ``standard = "id"`` or ``"id@version"``; its results nest here.

    ``parts = ["…"]`` requires (and nests) only those top-level criteria of it.
    """
    parts = tuple(p.get("parts", ()))
    if "parts" in p and not parts:
        raise BuildError("parts", say("kind.parts_empty"))
    if len(set(parts)) != len(parts):
        raise BuildError("parts", say("kind.part_twice"))
    return Requires(ctx.title, p["standard"], parts)
