"""Compiling a standard: its criteria become a tree of checks, and a generated fast path.

Two ways to evaluate the same tree:

* :meth:`CompiledStandard.explain` walks it and builds a full
  :class:`~fivegood_core.results.CriterionResult` for every criterion;
* :meth:`CompiledStandard.decide` runs straight-line Python generated once per
  standard, and returns only the verdict and the decisive failed and unknown
  checks. Kinds that can, emit inline code (thresholds, flags, attestations);
  the rest are called.

The generated source never contains text from a standard file: evidence keys,
thresholds and ids enter the generated function's namespace as bound
constants (``_c0``, ``_c1`` …), and every identifier is made here. Operators
come from a fixed table, not from the file.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any, Callable, Mapping, Sequence

import attrs

from .checks import Advisory, AllOf, AnyOf, BuildContext, Check, CheckKind, EvalContext, Group
from .errors import EvidenceError, Problem, StandardError
from .evidence import Reader
from .metrics import Metric
from .model import CriterionDef, StandardDef
from .results import CriterionResult, Decision, Outcome
from .schema import BuildError
from .verdict import Overall, Verdict
from .vocabulary import ATTEST_PREFIX, Vocabulary

_OPCODE = {">": ">", ">=": ">=", "<": "<", "<=": "<=", "==": "=="}
_VERDICTS = {int(v): v for v in Verdict}


@attrs.frozen
class Node:
    """A compiled criterion: its definition, its check, its children."""

    defn: CriterionDef
    check: Check | Group
    children: tuple["Node", ...]
    #: Evidence keys read by this node and its descendants, in order, without repeats.
    inputs: tuple[str, ...] = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        keys = list(self.check.inputs) + [k for c in self.children for k in c.inputs]
        object.__setattr__(self, "inputs", tuple(dict.fromkeys(keys)))

    def walk(self) -> "list[Node]":
        """This node and all below it, depth first."""
        out = [self]
        for c in self.children:
            out.extend(c.walk())
        return out


DecideFn = Callable[[dict[str, Any], dt.date], Decision]
#: Makes the evaluation context for an as-of date and an assessment year (the engine supplies it).
ContextFactory = Callable[[dt.date, "int | None"], EvalContext]


class CompiledStandard:
    """A standard version ready to evaluate: no parsing or lookups left to do per organisation.

    ``decide(evidence, as_of)`` is the generated function itself; its further
    parameters carry its constants, so it must be called with exactly two.
    """

    def __init__(self, defn: StandardDef, roots: tuple[Node, ...], vocabulary: Vocabulary, context: ContextFactory) -> None:
        self.defn = defn
        self.roots = roots
        self.vocabulary = vocabulary
        self.context = context
        self.nodes = tuple(n for r in roots for n in r.walk())
        self.source_code, decide = generate(self)
        self._every: Any = None
        #: ``decide(evidence, as_of) -> Decision``: the generated fast path.
        self.decide: DecideFn = decide

    def explain(self, r: Reader, ctx: EvalContext) -> tuple[CriterionResult, ...]:
        """Every criterion's result, explained."""
        return tuple(_explain(n, r, ctx) for n in self.roots)

    def verdicts(self, evidence: dict[str, Any], on: dt.date) -> tuple[Decision, tuple[Verdict, ...]]:
        """The decision and every node's verdict (in :attr:`nodes` order), in one pass of the fast path.

        For statistics: nodes under an advisory group are reported as advisory, and
        nodes under a group that does not apply as not applicable (the explained
        result shows what they would be). Generated on first use.
        """
        if self._every is None:
            self._every = generate(self, every=True)[1]
        decision, codes = self._every(evidence, on)
        return decision, tuple(_VERDICTS[c] for c in codes)


def compile_standard(
    defn: StandardDef,
    kinds: Mapping[str, CheckKind],
    metrics: Mapping[str, Metric],
    vocabulary: Vocabulary,
    context: ContextFactory,
) -> CompiledStandard:
    """Build every criterion's check; raises :class:`StandardError` listing every problem."""
    problems: list[Problem] = []
    built: dict[str, Check | Group] = {}
    for c in defn.criteria:
        ctx = BuildContext(c.id, c.title, vocabulary, metrics, kinds, defn.subject_kind)
        try:
            built[c.id] = kinds[c.kind].build(c.params, ctx)
        except BuildError as exc:
            key = f"criterion[{c.id}]" + (f".{exc.field}" if exc.field else "")
            problems.append(Problem(defn.source, c.line, key, exc.message))
    if problems:
        raise StandardError(problems)
    by_parent: dict[str | None, list[CriterionDef]] = {}
    for c in defn.criteria:
        by_parent.setdefault(c.parent, []).append(c)

    def node(c: CriterionDef) -> Node:
        return Node(c, built[c.id], tuple(node(k) for k in by_parent.get(c.id, ())))

    return CompiledStandard(defn, tuple(node(c) for c in by_parent.get(None, ())), vocabulary, context)


# --- explained evaluation ----------------------------------------------------------------------


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


def _explain(node: Node, r: Reader, ctx: EvalContext) -> CriterionResult:
    check = node.check
    if isinstance(check, Check):
        return _result(node, check.explain(r, ctx))
    gate = check.gate(r, ctx)
    # Children keep their own verdicts under a gate: what they would be is worth
    # showing, and it keeps each criterion's verdict monotone in the evidence.
    children = tuple(_explain(c, r, ctx) for c in node.children)
    if gate is not None:
        return _result(node, gate, children)
    verdict = check.combine([c.verdict for c in children])
    # A group's values are its children's: each child result carries its own, once.
    return _result(node, check.describe(verdict, [(c.title, c.verdict) for c in children]), children)


# --- generated fast path -----------------------------------------------------------------------


def _slow(check: Check, evidence: dict[str, Any], ctx: EvalContext, vocabulary: Vocabulary) -> int:
    return int(check.verdict(Reader(evidence, vocabulary), ctx))


def _section(value: Any, name: str) -> dict[str, Any]:
    if value is None:
        return {}
    raise EvidenceError([Problem(None, None, name, f"expected a table, got {type(value).__name__}")])


def _wrong_subject(found: Any, expected: str) -> None:
    raise EvidenceError([Problem(None, None, "subject.kind", f"this standard applies to {expected!r}, the evidence is for {found!r}")])


def _bad_year(found: Any) -> None:
    raise EvidenceError([Problem(None, None, "subject.year", f"expected a year such as 2013, got {found!r}")])


class Emitter:
    """Builds the generated function's source and its namespace of bound constants."""

    def __init__(self) -> None:
        self.namespace: dict[str, Any] = {}
        self.prologue: list[str] = []
        self.body: list[str] = []
        self.depth = 1
        self._sections: dict[str, str] = {}
        self._reads: dict[str, str] = {}
        self._names = itertools.count()

    def name(self, prefix: str) -> str:
        """A fresh identifier."""
        return f"{prefix}{next(self._names)}"

    def const(self, value: Any) -> str:
        """Bind ``value`` as a constant of the generated function; returns its identifier."""
        name = self.name("_c")
        self.namespace[name] = value
        return name

    @staticmethod
    def op(op: str) -> str:
        """The Python operator for a comparison, from a fixed table."""
        return _OPCODE[op]

    def line(self, text: str) -> None:
        """Append a line to the body at the current depth."""
        self.body.append("    " * self.depth + text)

    def slow(self, check: Check) -> str:
        """An expression evaluating ``check`` through its Python method."""
        return f"_slow({self.const(check)}, ev, _ctx(on, _y), _vocab)"

    def read(self, key: str) -> str | None:
        """A variable holding the raw value of a two-part key (read once, up front); None otherwise."""
        if key in self._reads:
            return self._reads[key]
        if key.startswith(ATTEST_PREFIX):
            parts = ["attest", key[len(ATTEST_PREFIX):]]
        else:
            parts = key.split(".")
        if len(parts) != 2:
            return None
        section = self._sections.get(parts[0])
        if section is None:
            section = self._sections[parts[0]] = self.name("s")
            k = self.const(parts[0])
            self.prologue.append(f"    {section} = ev.get({k})")
            self.prologue.append(f"    if {section}.__class__ is not dict: {section} = _section({section}, {k})")
        var = self._reads[key] = self.name("v")
        self.prologue.append(f"    {var} = {section}.get({self.const(parts[1])})")
        return var


def _assign(e: Emitter, node: Node, var: dict[int, str]) -> None:
    # Names are given up front so a gate's "not applicable" branch can set its
    # descendants before their code is emitted. Nothing under an advisory group
    # gets code: it never decides anything.
    var[id(node)] = e.name("r")
    if not isinstance(node.check, Advisory):
        for child in node.children:
            _assign(e, child, var)


def _emit_node(e: Emitter, node: Node, var: dict[int, str], gates: dict[int, str]) -> None:
    out = var[id(node)]
    check = node.check
    if isinstance(check, Check):
        if not check.emit(e, out):
            e.line(f"{out} = {e.slow(check)}")
        return
    if isinstance(check, Advisory):
        e.line(f"{out} = {int(Verdict.ADVISORY)}")
        return
    gate = None
    if check.condition is not None:
        gate = gates[id(node)] = e.name("g")
        if not check.condition.emit(e, gate):
            e.line(f"{gate} = {e.slow(check.condition)}")
        # A failed condition makes the group and everything below it not applicable.
        e.line(f"if {gate} == 4:")
        e.depth += 1
        for d in node.walk():
            if id(d) in var:
                e.line(f"{var[id(d)]} = 8")
        e.depth -= 1
        e.line("else:")
        e.depth += 1
    for child in node.children:
        _emit_node(e, child, var, gates)
    kids = [var[id(c)] for c in node.children]
    if type(check).combine is AllOf.combine:
        m = e.name("m")
        e.line(f"{m} = {' | '.join(kids)}")
        e.line(f"{out} = 4 if {m} & 4 else 2 if {m} & 2 else 1 if {m} & 1 else 8")
    elif type(check).combine is AnyOf.combine:
        m = e.name("m")
        e.line(f"{m} = {' | '.join(kids)}")
        e.line(f"{out} = 1 if {m} & 1 else 2 if {m} & 2 else 4 if {m} & 4 else 8")
    else:
        e.line(f"{out} = int({e.const(check)}.combine(({', '.join(kids)},)))")
    if gate is not None:
        e.line(f"if {gate} == 2: {out} = 2")
        e.depth -= 1


def _emit_collect(e: Emitter, nodes: Sequence[Node], var: Mapping[int, str], gates: Mapping[int, str], code: int, into: str) -> None:
    # Mirrors Result.failed / Result.unknown: descend through nodes carrying the
    # verdict; a node is listed when no child carries it or its gate is unknown.
    for node in nodes:
        e.line(f"if {var[id(node)]} == {code}:")
        e.depth += 1
        kids = [c for c in node.children if id(c) in var]
        ident = e.const(node.defn.id)
        tests = [f"{var[id(c)]} == {code}" for c in kids]
        if code == 2 and id(node) in gates:
            tests = [f"{gates[id(node)]} == 2", f"not ({' or '.join(tests)})"] if tests else []
        elif tests:
            tests = [f"not ({' or '.join(tests)})"]
        e.line(f"if {' or '.join(tests)}: {into}.append({ident})" if tests else f"{into}.append({ident})")
        if kids:
            _emit_collect(e, kids, var, gates, code, into)
        e.depth -= 1


def generate(standard: CompiledStandard, every: bool = False) -> tuple[str, Any]:
    """Generate and compile the fast decision function of ``standard``.

    With ``every``, the function returns ``(decision, codes of every node in
    standard.nodes order)``, for statistics over many records.
    """
    e = Emitter()
    seen: dict[tuple[int, tuple[str, ...], tuple[str, ...]], Decision] = {}

    def remember(key: tuple[int, tuple[str, ...], tuple[str, ...]]) -> Decision:
        if len(seen) > 4096:
            seen.clear()
        found = seen[key] = Decision(Overall.of(Verdict(key[0])), key[1], key[2])
        return found

    e.namespace.update(_slow=_slow, _section=_section, _wrong_subject=_wrong_subject, _bad_year=_bad_year,
                       _vocab=standard.vocabulary, _ctx=standard.context, _SEEN=seen, _remember=remember,
                       _PLAIN={int(v): Decision(Overall.of(v), (), ()) for v in Verdict})
    subject, kind_key, year_key, kind = e.const("subject"), e.const("kind"), e.const("year"), e.const(standard.defn.subject_kind)
    e.prologue.append(f"    _s = ev.get({subject})")
    e.prologue.append("    _y = None")
    e.prologue.append("    if _s.__class__ is dict:")
    e.prologue.append(f"        _k = _s.get({kind_key})")
    e.prologue.append(f"        if _k is not None and _k != {kind}: _wrong_subject(_k, {kind})")
    e.prologue.append(f"        _y = _s.get({year_key})")
    e.prologue.append("        if _y is not None and _y.__class__ is not int: _bad_year(_y)")
    e.prologue.append(f"    elif _s is not None: _section(_s, {subject})")
    var: dict[int, str] = {}
    gates: dict[int, str] = {}
    for root in standard.roots:
        _assign(e, root, var)
    for root in standard.roots:
        _emit_node(e, root, var, gates)
    tops = [var[id(r)] for r in standard.roots]
    e.line(f"m = {' | '.join(tops)}")
    e.line("root = 4 if m & 4 else 2 if m & 2 else 1 if m & 1 else 8")
    e.line("failed = []")
    e.line("unknown = []")
    _emit_collect(e, standard.roots, var, gates, 4, "failed")
    _emit_collect(e, standard.roots, var, gates, 2, "unknown")
    # Decisions are immutable, so identical ones are shared rather than rebuilt.
    e.line("if not failed and not unknown: found = _PLAIN[root]")
    e.line("else:")
    e.line("    key = (root, tuple(failed), tuple(unknown))")
    e.line("    found = _SEEN.get(key)")
    e.line("    if found is None: found = _remember(key)")
    if every:
        # Nodes under an advisory group get no code; they count as advisory too.
        e.line(f"return found, ({''.join(f'{var[id(n)]}, ' if id(n) in var else '16, ' for n in standard.nodes)})")
    else:
        e.line("return found")
    # Constants become default arguments: locals are the fastest names Python has.
    bound = ", ".join(f"{name}={name}" for name in e.namespace)
    source = f"def decide(ev, on, {bound}):\n" + "\n".join(e.prologue + e.body) + "\n"
    namespace = dict(e.namespace)
    exec(compile(source, f"<fivegood {standard.defn.ref}>", "exec"), namespace)  # noqa: S102 - source built from identifiers only
    return source, namespace["decide"]

