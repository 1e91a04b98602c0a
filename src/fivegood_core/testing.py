"""Hypothesis strategies derived from a standard's own definition.

``evidence(compiled)`` draws evidence documents holding some or all of the keys
the standard reads, each of the right type, with numbers concentrated at every
threshold the standard compares them with (just below, exactly at, just above,
in the key's own unit). Property tests use it to prove boundaries, monotonicity
and agreement between the explained and the fast evaluation.

Requires ``hypothesis`` (the ``test`` extra); the engine itself never imports this.
"""

from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction
from functools import partial
from typing import Any, Callable, Iterable, Mapping

import attrs
from hypothesis import strategies as st

from .checks import Threshold
from .compiler import CompiledStandard
from .vocabulary import EvidenceKey

#: Names drawn for list keys (industries, cluster zones): few, so that lists overlap.
NAMES = ("红枣", "食品", "纺织", "建材", "物流")
YEARS = tuple(range(2008, 2016))


def thresholds(compiled: CompiledStandard) -> dict[str, list[Fraction]]:
    """Every limit a key is compared with directly (threshold kinds on a key)."""
    out: dict[str, list[Fraction]] = {}
    for node in compiled.nodes:
        checks = [node.check] + [getattr(node.check, "condition", None)]
        for check in checks:
            if isinstance(check, Threshold) and check.key is not None:
                out.setdefault(check.key, []).append(Fraction(check.limit))
    return out


def _near(limits: Iterable[Fraction], step: Fraction) -> list[Fraction]:
    return sorted({x for t in limits for x in (t - step, t, t + step) if x >= 0})


def value(entry: EvidenceKey, limits: Iterable[Fraction] = ()) -> st.SearchStrategy[Any]:
    """Values of one key's type, concentrated at ``limits``."""
    kind = entry.type.name
    limits = list(limits)
    if kind == "count":
        counts = [int(x) for x in _near(limits, Fraction(1)) if x.denominator == 1]
        return st.sampled_from(counts) | st.integers(0, 1000) if counts else st.integers(0, 1000)
    if kind in ("amount", "area", "number", "rate"):
        step = Fraction(1, 100)
        near = [Decimal(x.numerator) / Decimal(x.denominator) for x in _near(limits, step)]
        whole = st.integers(0, 10**6)
        exact = st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False, allow_infinity=False)
        return (st.sampled_from(near) | whole | exact) if near else (whole | exact)
    if kind == "flag":
        return st.booleans()
    if kind == "names":
        return st.lists(st.sampled_from(NAMES), max_size=4)
    if kind == "by_year":
        return st.dictionaries(st.sampled_from([str(y) for y in YEARS]), st.integers(0, 2000), max_size=len(YEARS))
    if kind == "year":
        return st.sampled_from(YEARS)
    return st.text(max_size=8)


def nest_keys(flat: Mapping[str, Any]) -> dict[str, Any]:
    """``{"a.b": 1}`` → ``{"a": {"b": 1}}`` (attestation ids stay one segment)."""
    out: dict[str, Any] = {}
    for key, v in flat.items():
        section, _, rest = key.partition(".")
        out.setdefault(section, {})[rest] = v
    return out


def evidence(compiled: CompiledStandard, *, complete: bool = False, subject: Mapping[str, Any] | None = None,
             keys: Iterable[str] | None = None) -> st.SearchStrategy[dict[str, Any]]:
    """Evidence documents for ``compiled``: each key it reads present (or, unless ``complete``, maybe absent).

    The subject's kind is the standard's; ``subject`` adds fields (``year``,
    ``district`` …). Nested standards' keys are included when their ids are
    resolvable by the caller's engine: pass them in ``keys``.
    """
    vocab = compiled.vocabulary
    limits = thresholds(compiled)
    wanted = list(dict.fromkeys(list(keys or ()) + [k for n in compiled.nodes for k in n.check.inputs]))
    fields: dict[str, st.SearchStrategy[Any]] = {}
    for key in wanted:
        entry = vocab.get(key)
        if entry is not None and not key.startswith("subject."):
            fields[key] = value(entry, limits.get(key, ()))
    head = {"kind": compiled.defn.subject_kind, **(subject or {})}
    if complete:
        body = st.fixed_dictionaries(fields)
    else:
        body = st.fixed_dictionaries({}, optional=fields)
    return body.map(lambda flat: {"subject": dict(head), **nest_keys(flat)})


def keys_of(doc: Mapping[str, Any]) -> list[str]:
    """The dotted keys of an evidence document drawn by :func:`evidence` (subject excluded)."""
    return [f"{s}.{k}" for s, table in doc.items() if s != "subject" for k in table]


def without(doc: Mapping[str, Any], drop: Iterable[str]) -> dict[str, Any]:
    """A copy of ``doc`` without the dotted keys in ``drop``."""
    gone = set(drop)
    return {s: (dict(t) if s == "subject" else {k: v for k, v in t.items() if f"{s}.{k}" not in gone}) for s, t in doc.items()}


#: What each operator must give just below, exactly at and just above its limit.
EXPECTED_AT_BOUNDARY = {
    ">=": ("fail", "pass", "pass"),
    ">": ("fail", "fail", "pass"),
    "<=": ("pass", "pass", "fail"),
    "<": ("pass", "fail", "fail"),
    "==": ("fail", "pass", "fail"),
}


def _set(doc: dict[str, Any], key: str, v: Any) -> None:
    section, _, rest = key.partition(".")
    doc.setdefault(section, {})[rest] = v


def boundary_cases(compiled: CompiledStandard) -> list[tuple[str, str, dict[str, Any], str]]:
    """(criterion id, position, evidence, expected verdict) just below, at and just above every threshold.

    Covers thresholds on a key (one unit of the key's type away: 1 for counts,
    0.01 for yuan, m² and rates), ratios (one in the numerator over a
    denominator that makes the limit exact) and compound growth (one member
    either side of the exact factor). Expected verdicts come from the
    operator's meaning, not from the engine.
    """
    from .metrics import Growth, Ratio

    cases: list[tuple[str, str, dict[str, Any], str]] = []
    head: dict[str, Any] = {"subject": {"kind": compiled.defn.subject_kind}}
    for node in compiled.nodes:
        check = node.check
        if not isinstance(check, Threshold):
            continue
        expected = EXPECTED_AT_BOUNDARY[check.op]
        limit = Fraction(check.limit)
        points: list[tuple[str, dict[str, Any]]] = []
        doc: dict[str, Any]
        if check.key is not None:
            step: Any = 1 if check.value_type == "count" else Decimal("0.01")
            at: Any = check.limit
            for name, v in (("below", at - step), ("at", at), ("above", at + step)):
                if v < 0:
                    continue
                doc = {**head}
                _set(doc, check.key, v)
                points.append((name, doc))
        elif isinstance(check.metric, Ratio):
            denominator = limit.denominator * 100
            at = limit.numerator * 100
            for name, n in (("below", at - 1), ("at", at), ("above", at + 1)):
                doc = {**head}
                _set(doc, check.metric.numerator, n)
                _set(doc, check.metric.denominator, denominator)
                points.append((name, doc))
        elif isinstance(check.metric, Growth):
            factor = (1 + limit) ** check.metric.years
            start, at = factor.denominator, factor.numerator
            first = 2020 - check.metric.years
            for name, end in (("below", at - 1), ("at", at), ("above", at + 1)):
                doc = {"subject": {"kind": compiled.defn.subject_kind, "year": 2020}}
                _set(doc, check.metric.table, {str(first): start, "2020": end})
                points.append((name, doc))
        for (name, doc), want in zip(points, expected[-len(points):] if len(points) < 3 else expected):
            cases.append((node.defn.id, name, doc, want))
    return cases


# --- the text's own wording as an independent source -------------------------------------------

#: Chinese comparison words and the operator each states.
WORDING_OPS = (
    ("不超过", "<="),
    ("不少于", ">="),
    ("不低于", ">="),
    ("至少", ">="),
    ("达到", ">="),
    ("超过", ">"),
    ("高于", ">"),
    ("低于", "<"),
    ("少于", "<"),
)
_NUMBER = re.compile(r"(\d+(?:\.\d+)?)\s*(万元|元|平方米|%|个|部|台|辆|次|篇|件|家|人)?")


@attrs.frozen
class Wording:
    """What a criterion's original sentence states: a comparison and a number (in the check's own unit)."""

    op: str
    value: Fraction
    phrase: str


def read_wording(text: str) -> Wording | None:
    """The first comparison word of ``text`` and the first number after it; None if either is missing.

    ``60平方米`` → 60, ``6万元`` → 60000, ``5.5%`` → 0.055.
    """
    hits = [(text.find(word), word, op) for word, op in WORDING_OPS if word in text]
    if not hits:
        return None
    position, word, op = min(hits, key=lambda h: (h[0], -len(h[1])))
    found = _NUMBER.search(text, position + len(word))
    if found is None:
        return None
    value = Fraction(Decimal(found.group(1)))
    unit = found.group(2)
    if unit == "万元":
        value *= 10_000
    elif unit == "%":
        value /= 100
    return Wording(op, value, text[position:found.end()])


def wording_problem(compiled: CompiledStandard, criterion_id: str) -> str | None:
    """Why a threshold criterion's check disagrees with its own text, or None when they agree.

    A criterion whose text states no comparison and number mechanically must
    say how it is read (``interpretation``) or be marked ``assumed``; one
    without either is a problem too, so nothing passes unread.
    """
    node = next(n for n in compiled.nodes if n.defn.id == criterion_id)
    check = node.check
    assert isinstance(check, Threshold)
    d = node.defn
    reading = read_wording(d.text) if d.text else None
    if reading is None:
        if d.interpretation is not None or d.assumed:
            return None
        return (f"{compiled.defn.ref}::{d.id}: the text {d.text!r} states no comparison and number that can be read, "
                "and the criterion gives no interpretation")
    if reading.op != check.op or reading.value != Fraction(check.limit):
        stated = (Decimal(reading.value.numerator) / Decimal(reading.value.denominator)).normalize()
        return (f"{compiled.defn.ref}::{d.id}: the text says {reading.phrase!r} ({reading.op} {stated:f}), "
                f"the check is {check.op} {check.limit}")
    return None


def unread_wordings(compiled: CompiledStandard) -> list[str]:
    """Threshold criteria whose text cannot be read mechanically, with how they say they are read."""
    out = []
    for n in compiled.nodes:
        if isinstance(n.check, Threshold) and (not n.defn.text or read_wording(n.defn.text) is None):
            how = n.defn.interpretation.en if n.defn.interpretation else ("assumed" if n.defn.assumed else "NOT EXPLAINED")
            out.append(f"{compiled.defn.ref}::{n.defn.id}: {how}")
    return out


# --- ready-made properties ---------------------------------------------------------------------


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
    from .checks import Requires

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
    """The criterion's verdict just below, at and just above its threshold is what its operator says."""
    for cid, position, doc, want in boundary_cases(compiled):
        if cid != criterion_id:
            continue
        got = engine.evaluate(doc, compiled, _as_of(compiled)).find(cid).verdict.label
        assert got == want, f"{compiled.defn.ref}::{cid}: {position} the threshold, expected {want}, got {got} (evidence {doc})"


def prop_wording(engine: Any, compiled: CompiledStandard, criterion_id: str) -> None:
    """The operator and number agree with the criterion's original sentence."""
    problem = wording_problem(compiled, criterion_id)
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
            assert after.label == "pass", (f"{compiled.defn.ref}::{criterion_id}: {check.key} {value} passes {check.op} {check.limit} "
                                            f"but {'raised' if up else 'lowered'} to {moved} gives {after.label}")

    monotone()


def _subset(data: Any, doc: dict[str, Any]) -> dict[str, Any]:
    present = keys_of(doc)
    drop = data.draw(st.lists(st.sampled_from(present), unique=True)) if present else []
    return without(doc, drop)


def prop_adding_evidence(engine: Any, compiled: CompiledStandard) -> None:
    """Adding evidence never turns a passing criterion (or standard) into anything else."""
    from hypothesis import given

    @given(standard_evidence(engine, compiled), st.data())
    def adding(doc: dict[str, Any], data: Any) -> None:
        smaller = _subset(data, doc)
        before = _leaf_verdicts(engine.evaluate(smaller, compiled, _as_of(compiled)))
        after = _leaf_verdicts(engine.evaluate(doc, compiled, _as_of(compiled)))
        for cid, verdict in before.items():
            if verdict.label == "pass":
                assert after[cid].label == "pass", f"{compiled.defn.ref}::{cid}: passes on less evidence, {after[cid].label} on more"

    adding()


def prop_removing_evidence(engine: Any, compiled: CompiledStandard) -> None:
    """Removing evidence never turns a failing criterion (or standard) into a pass."""
    from hypothesis import given

    @given(standard_evidence(engine, compiled), st.data())
    def removing(doc: dict[str, Any], data: Any) -> None:
        full = _leaf_verdicts(engine.evaluate(doc, compiled, _as_of(compiled)))
        less = _leaf_verdicts(engine.evaluate(_subset(data, doc), compiled, _as_of(compiled)))
        for cid, verdict in full.items():
            if verdict.label == "fail":
                assert less[cid].label != "pass", f"{compiled.defn.ref}::{cid}: fails on more evidence, passes on less"

    removing()


def prop_requires(engine: Any, compiled: CompiledStandard, criterion_id: str) -> None:
    """A ``requires`` criterion fails whenever the standard it requires, at the same date, fails."""
    from hypothesis import given

    from .checks import Requires

    node = next(n for n in compiled.nodes if n.defn.id == criterion_id)
    assert isinstance(node.check, Requires)
    ref = node.check.ref
    on = _as_of(compiled)

    @given(standard_evidence(engine, compiled))
    def follows(doc: dict[str, Any]) -> None:
        required = engine.evaluate(doc, ref, on)
        got = engine.evaluate(doc, compiled, on).find(criterion_id)
        if required.verdict.value == "fail":
            assert got.verdict.label == "fail", f"{compiled.defn.ref}::{criterion_id}: {ref} fails but the criterion is {got.verdict.label}"
        assert got.nested is not None and got.nested.standard.version == engine.get(ref, on).defn.version

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

    districts = sorted({v for r in compiled.defn.rewards for k, v in r.applies_to.items() if k == "district"}) + ["elsewhere"]

    @given(standard_evidence(engine, compiled), st.sampled_from(districts))
    def paid(doc: dict[str, Any], district: str) -> None:
        doc = {**doc, "subject": {**doc["subject"], "district": district}}
        result = engine.evaluate(doc, compiled, _as_of(compiled))
        amount = result.reward.amount if result.reward else None
        if amount is not None:
            assert result.verdict.value == "pass", f"{compiled.defn.ref}: reward {amount} paid on {result.verdict.value}"
        elif result.verdict.value == "pass" and district != "elsewhere":
            raise AssertionError(f"{compiled.defn.ref}: a passing subject in {district} is paid nothing: {result.reward}")

    paid()


def prop_versions(engine: Any, standard_id: str) -> None:
    """On the day before, the first day and the last day of each version, the version in force is selected."""
    import datetime as dt

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
    from .checks import Requires

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
        sid, _, version = wanted.partition("@")
        versions = [s for s in engine.standards() if s.id == sid and (not version or s.version == version)]
        if not versions:
            raise LookupError(f"no installed standard {wanted!r}")
        for s in versions:
            out.extend(standard_properties(engine, engine.get(s.ref)))
        if not version:
            out.append(Property(f"{sid}::versions", partial(prop_versions, engine, sid)))
    return out


def dates_around(engine: Any, standard_id: str, spread: int = 3) -> st.SearchStrategy[Any]:
    """As-of dates within ``spread`` days of each version's first and last day in force."""
    import datetime as dt

    edges = set()
    for s in engine.standards():
        if s.id == standard_id:
            edges.add(s.effective_from)
            if s.effective_until:
                edges.add(s.effective_until)
    if not edges:
        raise LookupError(f"no installed standard {standard_id!r}")
    return st.sampled_from(sorted(edges)).flatmap(lambda d: st.integers(-spread, spread).map(lambda n: d + dt.timedelta(days=n)))
