"""Ready-made properties of a standard: boundaries, wording, monotonicity, evidence, requires, fast path, rewards, versions.

Each is a function that raises ``AssertionError`` when the standard breaks it;
:func:`properties_for` lists them with readable ids, and the pytest plugin
(:mod:`fivegood_core.testing.pytest_plugin`) runs them.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import partial
from typing import Any, Callable, Iterable

import attrs
from hypothesis import strategies as st

from fivegood_core.catalogue.wording import connective_problem, connective_reading, wording_problem
from fivegood_core.evaluation.compiled import CompiledStandard
from fivegood_core.evidence.reader import Reader
from fivegood_core.kinds.groups import Fallback
from fivegood_core.kinds.leaves import Requires, Threshold
from fivegood_core.model.divisions import division_list
from fivegood_core.model.refs import StandardRef
from fivegood_core.testing.strategies import boundary_cases, evidence, keys_of, without


@attrs.frozen
class Property:
    """One property of one standard: a readable id and a function that raises AssertionError when it fails."""

    id: str
    run: Callable[[], None]


def _as_of(compiled: CompiledStandard) -> Any:
    return compiled.defn.effective_from


def _leaf_verdicts(result: Any) -> dict[str, Any]:
    out = {}
    for c in result.walk():
        out[c.id] = c.verdict
        if c.nested is not None:
            out.update({f"{c.id}>{k}": v for k, v in _leaf_verdicts(c.nested).items()})
    return out


def _required_keys(engine: Any, compiled: CompiledStandard) -> list[str]:
    keys: list[str] = []
    for n in compiled.nodes:
        if isinstance(n.check, Requires):
            other = engine.get(n.check.ref, _as_of(compiled))
            keys += [k for m in other.nodes for k in m.check.inputs] + _required_keys(engine, other)
    return keys


def standard_evidence(engine: Any, compiled: CompiledStandard, **subject: Any) -> st.SearchStrategy[dict[str, Any]]:
    """:func:`evidence` for ``compiled`` including the keys of the standards it requires."""
    return evidence(compiled, subject={"year": _as_of(compiled).year, **subject}, keys=_required_keys(engine, compiled))


def prop_boundary(engine: Any, compiled: CompiledStandard, criterion_id: str) -> None:
    """The criterion's verdict just below, at and just above its threshold is what its operator says.

    Below a group whose condition then does not hold (a condition on the same
    key), the criterion is reported not applicable; its own check is compared.
    """
    node = next(n for n in compiled.nodes if n.defn.id == criterion_id)
    for cid, position, doc, want in boundary_cases(compiled):
        if cid != criterion_id:
            continue
        found = engine.evaluate(doc, compiled, _as_of(compiled)).find(cid)
        got = found.verdict.label
        if got == "not_applicable" and isinstance(node.check, Threshold):
            ctx = compiled.context(_as_of(compiled), doc.get("subject", {}).get("year"))
            got = node.check.verdict(Reader(doc, compiled.vocabulary), ctx).label
        assert got == want, f"{compiled.defn.ref}::{cid}: {position} the threshold, expected {want}, got {got} (evidence {doc})"


def prop_wording(engine: Any, compiled: CompiledStandard, criterion_id: str) -> None:
    """The operator and number agree with the criterion's original sentence."""
    problem = wording_problem(compiled, criterion_id)
    assert problem is None, problem


def prop_connective(engine: Any, compiled: CompiledStandard, criterion_id: str) -> None:
    """An all/any group combines its children as its sentence joins them (或 → any; 并/和/及/、 → all)."""
    problem = connective_problem(compiled, criterion_id)
    assert problem is None, problem


def prop_monotone(engine: Any, compiled: CompiledStandard, criterion_id: str) -> None:
    """Raising a value never breaks a lower bound that held; lowering never breaks an upper bound."""
    from hypothesis import given

    node = next(n for n in compiled.nodes if n.defn.id == criterion_id)
    check = node.check
    assert isinstance(check, Threshold) and check.key is not None
    section, _, name = check.key.partition(".")
    up = check.op in (">", ">=")
    step = st.integers(1, 1000) if check.value_type == "count" else st.decimals(min_value=Decimal("0.01"), max_value=1000, places=2)

    @given(standard_evidence(engine, compiled), step)
    def monotone(doc: dict[str, Any], delta: Any) -> None:
        value = doc.get(section, {}).get(name)
        if value is None:
            return
        moved = value + delta if up else value - delta
        if moved < 0:
            return
        before = engine.evaluate(doc, compiled, _as_of(compiled)).find(criterion_id).verdict
        after = engine.evaluate({**doc, section: {**doc[section], name: moved}}, compiled, _as_of(compiled)).find(criterion_id).verdict
        if before.label == "pass":
            assert after.label == "pass", (
                f"{compiled.defn.ref}::{criterion_id}: {check.key} {value} passes {check.op} {check.limit} "
                f"but {'raised' if up else 'lowered'} to {moved} gives {after.label}"
            )

    monotone()


def _overridden(compiled: CompiledStandard, one: Any, other: Any) -> set[str]:
    """Criteria whose verdict may change because a preferred source overrode a fallback one.

    A ``fallback`` group lets the first source with evidence decide (yearly totals
    before a reported rate): adding the preferred evidence may overturn what the
    fallback source showed. That group and the groups above it are exempt from
    the monotonicity of adding and removing evidence; everything else is not.
    """
    parents = {n.defn.id: n.defn.parent for n in compiled.nodes}
    out: set[str] = set()

    def decider(result: Any, group: str) -> int | None:
        kids = result.find(group).children
        return next((i for i, c in enumerate(kids) if c.verdict.label in ("pass", "fail")), None)

    for n in compiled.nodes:
        if not isinstance(n.check, Fallback):
            continue
        if decider(one, n.defn.id) != decider(other, n.defn.id):
            cid: str | None = n.defn.id
            while cid is not None:
                out.add(cid)
                cid = parents[cid]
    return out


def _subset(data: Any, doc: dict[str, Any]) -> dict[str, Any]:
    present = keys_of(doc)
    drop = data.draw(st.lists(st.sampled_from(present), unique=True)) if present else []
    return without(doc, drop)


def prop_adding_evidence(engine: Any, compiled: CompiledStandard) -> None:
    """Adding evidence never turns a passing criterion (or standard) into a fail or unknown.

    It may show that a branch does not apply (not applicable), and a preferred
    source may overrule a fallback one (see :func:`_overridden`).
    """
    from hypothesis import given

    @given(standard_evidence(engine, compiled), st.data())
    def adding(doc: dict[str, Any], data: Any) -> None:
        smaller = _subset(data, doc)
        small, big = engine.evaluate(smaller, compiled, _as_of(compiled)), engine.evaluate(doc, compiled, _as_of(compiled))
        exempt = _overridden(compiled, small, big)
        before, after = _leaf_verdicts(small), _leaf_verdicts(big)
        for cid, verdict in before.items():
            if verdict.label == "pass" and cid not in exempt:
                assert after[cid].label in ("pass", "not_applicable"), (
                    f"{compiled.defn.ref}::{cid}: passes on less evidence, {after[cid].label} on more"
                )

    adding()


def prop_removing_evidence(engine: Any, compiled: CompiledStandard) -> None:
    """Removing evidence never turns a failing criterion (or standard) into a pass."""
    from hypothesis import given

    @given(standard_evidence(engine, compiled), st.data())
    def removing(doc: dict[str, Any], data: Any) -> None:
        big, small = engine.evaluate(doc, compiled, _as_of(compiled)), engine.evaluate(_subset(data, doc), compiled, _as_of(compiled))
        exempt = _overridden(compiled, small, big)
        full, less = _leaf_verdicts(big), _leaf_verdicts(small)
        for cid, verdict in full.items():
            if verdict.label == "fail" and cid not in exempt:
                assert less[cid].label != "pass", f"{compiled.defn.ref}::{cid}: fails on more evidence, passes on less"

    removing()


def prop_requires(engine: Any, compiled: CompiledStandard, criterion_id: str) -> None:
    """A ``requires`` criterion fails whenever the standard it requires (or the parts it names) fails.

    The required version is the one in force on the as-of date, never one from
    before the requiring version took effect; the nested result names it.
    """
    from hypothesis import given

    node = next(n for n in compiled.nodes if n.defn.id == criterion_id)
    check = node.check
    assert isinstance(check, Requires)
    ref = check.ref
    effective = _as_of(compiled)
    day_before = effective - dt.timedelta(days=1)

    @given(standard_evidence(engine, compiled), st.sampled_from([effective, day_before]))
    def follows(doc: dict[str, Any], on: Any) -> None:
        day = max(on, effective)
        required = engine.evaluate(doc, ref, day)
        named = [c for c in required.criteria if not check.parts or c.id in check.parts]
        got = engine.evaluate(doc, compiled, on).find(criterion_id)
        if any(c.verdict.label == "fail" for c in named):
            assert got.verdict.label == "fail", f"{compiled.defn.ref}::{criterion_id}: {ref} fails but the criterion is {got.verdict.label}"
        assert got.nested is not None and got.nested.standard.version == engine.get(ref, day).defn.version, (
            f"{compiled.defn.ref}::{criterion_id} as of {on} nests {got.nested.standard.version if got.nested else None}, "
            f"not {engine.get(ref, day).defn.version}"
        )
        assert [c.id for c in got.nested.criteria] == [c.id for c in named]

    follows()


def prop_fast_path(engine: Any, compiled: CompiledStandard) -> None:
    """The generated fast path gives the explained evaluation's verdict and decisive checks."""
    from hypothesis import given

    @given(standard_evidence(engine, compiled))
    def agree(doc: dict[str, Any]) -> None:
        result = engine.evaluate(doc, compiled, _as_of(compiled))
        decision = engine.decide(doc, compiled, _as_of(compiled))
        fast = (decision.verdict.value, decision.failed, decision.unknown)
        explained = (result.verdict.value, result.failed, result.unknown)
        assert fast == explained, f"{compiled.defn.ref}: the fast path gives {fast}, the explained evaluation {explained}"

    agree()


def prop_rewards(engine: Any, compiled: CompiledStandard) -> None:
    """A reward is never paid without a pass, and a covered passing subject is always paid."""
    from hypothesis import given

    covered = sorted({v for r in compiled.defn.rewards for k, v in r.applies_to.items() if k == "district"})
    # A district no scheme covers: one of the jurisdiction's own where it lists them (an unknown one is bad input).
    places = division_list(compiled.defn.jurisdiction, "district", _as_of(compiled))
    others = [d.code for d in places.divisions if d.code not in covered][:1] if places and places.complete else ["elsewhere"]
    districts = covered + others

    @given(standard_evidence(engine, compiled), st.sampled_from(districts))
    def paid(doc: dict[str, Any], district: str) -> None:
        doc = {**doc, "subject": {**doc["subject"], "district": district}}
        result = engine.evaluate(doc, compiled, _as_of(compiled))
        amount = result.reward.amount if result.reward else None
        if amount is not None:
            assert result.verdict.value == "pass", f"{compiled.defn.ref}: reward {amount} paid on {result.verdict.value}"
        elif result.verdict.value == "pass" and district in covered:
            raise AssertionError(f"{compiled.defn.ref}: a passing subject in {district} is paid nothing: {result.reward}")

    paid()


def prop_versions(engine: Any, standard_id: str) -> None:
    """On the day before, the first day and the last day of each version, the version in force is selected."""
    versions = [s for s in engine.standards() if s.id == standard_id]
    days = set()
    for s in versions:
        days |= {s.effective_from - dt.timedelta(days=1), s.effective_from}
        if s.effective_until:
            days |= {s.effective_until - dt.timedelta(days=1), s.effective_until}
    for day in sorted(days):
        expected = [s.version for s in versions if s.effective_from <= day and (s.effective_until is None or day < s.effective_until)]
        try:
            got = engine.get(standard_id, day).defn.version
        except Exception:  # noqa: BLE001 - "no version in force" is an expected outcome here
            got = None
        assert [got] == expected or (got is None and not expected), f"{standard_id} on {day}: expected {expected or 'none'}, got {got}"


def standard_properties(engine: Any, compiled: CompiledStandard) -> list[Property]:
    """Every ready-made property of one standard version, with ids like ``henan/five-guarantees@2013::office.area_m2::boundary``."""
    ref = compiled.defn.ref
    out: list[Property] = []
    thresholds = [n for n in compiled.nodes if isinstance(n.check, Threshold)]
    keys = [n.check.key for n in thresholds if isinstance(n.check, Threshold)]
    for n in thresholds:
        check = n.check
        assert isinstance(check, Threshold)
        label = check.key if check.key and keys.count(check.key) == 1 else n.defn.id
        cid = n.defn.id
        out.append(Property(f"{ref}::{label}::boundary", partial(prop_boundary, engine, compiled, cid)))
        out.append(Property(f"{ref}::{label}::wording", partial(prop_wording, engine, compiled, cid)))
        if check.key is not None and check.op != "==":
            out.append(Property(f"{ref}::{label}::monotone", partial(prop_monotone, engine, compiled, cid)))
    for n in compiled.nodes:
        if isinstance(n.check, Requires):
            cid = n.defn.id
            out.append(Property(f"{ref}::{cid}::requires", partial(prop_requires, engine, compiled, cid)))
        if connective_reading(n) is not None:
            cid = n.defn.id
            out.append(Property(f"{ref}::{cid}::connective", partial(prop_connective, engine, compiled, cid)))
    out.append(Property(f"{ref}::evidence::adding", partial(prop_adding_evidence, engine, compiled)))
    out.append(Property(f"{ref}::evidence::removing", partial(prop_removing_evidence, engine, compiled)))
    out.append(Property(f"{ref}::fast-path", partial(prop_fast_path, engine, compiled)))
    if compiled.defn.rewards:
        out.append(Property(f"{ref}::rewards", partial(prop_rewards, engine, compiled)))
    return out


def properties_for(engine: Any, standard_ids: Iterable[str]) -> list[Property]:
    """The properties of every version of each standard id (``ID@VERSION`` for one), and of its version dates."""
    out: list[Property] = []
    for wanted in standard_ids:
        ref = StandardRef.parse(wanted)
        sid, version = ref.id, ref.version
        versions = [s for s in engine.standards() if s.id == sid and (not version or s.version == version)]
        if not versions:
            raise LookupError(f"no installed standard {wanted!r}")
        for s in versions:
            out.extend(standard_properties(engine, engine.get(s.ref)))
        if not version:
            out.append(Property(f"{sid}::versions", partial(prop_versions, engine, sid)))
    return out
