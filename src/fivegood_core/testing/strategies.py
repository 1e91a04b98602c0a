"""Hypothesis strategies derived from a standard's own definition.

``evidence(compiled)`` draws evidence documents holding some or all of the keys
the standard reads, each of the right type, with numbers concentrated at every
threshold the standard compares them with (just below, exactly at, just above,
in the key's own unit). Property tests use it to prove boundaries, monotonicity
and agreement between the explained and the fast evaluation.

Requires ``hypothesis`` (the ``testing`` extra); the engine itself never imports this.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any, Iterable, Mapping

from hypothesis import strategies as st

from fivegood_core.evaluation.compiled import CompiledStandard
from fivegood_core.kinds.leaves import Threshold
from fivegood_core.model.vocabulary import EvidenceKey

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


def evidence(
    compiled: CompiledStandard, *, complete: bool = False, subject: Mapping[str, Any] | None = None, keys: Iterable[str] | None = None
) -> st.SearchStrategy[dict[str, Any]]:
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
    from fivegood_core.kinds.metrics import Growth, Ratio

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
        for (name, doc), want in zip(points, expected[-len(points) :] if len(points) < 3 else expected):
            cases.append((node.defn.id, name, doc, want))
    return cases


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
