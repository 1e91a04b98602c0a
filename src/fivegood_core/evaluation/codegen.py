"""The generated fast path: a standard's tree as one straight-line Python function.

Kinds that can emit inline code (thresholds, flags, attestations, the
precedence groups) do; the rest are called. The function computes every
node's verdict code; which checks decided a failing or incomplete verdict is
then found by the same rule as the explained result
(:func:`~fivegood_core.model.verdict.decisive`), once per distinct pattern of
codes, and the :class:`~fivegood_core.model.results.Decision` is shared.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable, Protocol, Sequence

from fivegood_core.errors import EvidenceError, Problem
from fivegood_core.evaluation.tree import Node
from fivegood_core.evidence.reader import Reader
from fivegood_core.kinds.contract import Check, EvalContext, Group
from fivegood_core.kinds.emit import Emitter
from fivegood_core.model.definitions import StandardDef
from fivegood_core.model.results import Decision
from fivegood_core.model.verdict import PRECEDENCE, Overall, Verdict, decisive, mask_expression
from fivegood_core.model.vocabulary import Vocabulary
from fivegood_core.words.catalogue import say, shown


class Tree(Protocol):
    """What code is generated from: a compiled standard's definition, tree and evaluation context."""

    @property
    def defn(self) -> StandardDef: ...

    @property
    def roots(self) -> tuple[Node, ...]: ...

    @property
    def nodes(self) -> tuple[Node, ...]: ...

    @property
    def vocabulary(self) -> Vocabulary: ...

    def context(self, as_of: dt.date, subject_year: int | None) -> EvalContext: ...


#: How many distinct verdict patterns a standard (and each of its roots) remembers before it starts again.
PATTERN_CACHE = 4096

_NA = int(Verdict.NOT_APPLICABLE)
_ADVISORY = int(Verdict.ADVISORY)


def _slow(check: Check, evidence: dict[str, Any], ctx: EvalContext, vocabulary: Vocabulary) -> int:
    return int(check.verdict(Reader(evidence, vocabulary), ctx))


def _section(value: Any, name: str) -> dict[str, Any]:
    if value is None:
        return {}
    raise EvidenceError([Problem(None, None, name, say("evidence.expected_table", got=shown(value)))])


def _wrong_subject(found: Any, expected: str) -> None:
    raise EvidenceError(
        [Problem(None, None, "subject.kind", say("evidence.for_another_subject", expected=repr(expected), found=repr(found)))]
    )


def _bad_year(found: Any) -> None:
    raise EvidenceError([Problem(None, None, "subject.year", say("value.expected_got", expected=say("type.year"), got=shown(found)))])


def _assign(e: Emitter, node: Node, var: dict[int, str]) -> None:
    # Names are given up front so a gate's "not applicable" branch can set its
    # descendants before their code is emitted. Nothing under a group that never
    # decides (advisory) gets code.
    var[id(node)] = e.name("r")
    if isinstance(node.check, Check) or node.check.decides:
        for child in node.children:
            _assign(e, child, var)


def _emit_node(e: Emitter, node: Node, var: dict[int, str], gates: dict[int, str]) -> None:
    out = var[id(node)]
    check = node.check
    if isinstance(check, Check):
        if not check.emit(e, out):
            e.line(f"{out} = {e.slow(check)}")
        return
    if not check.decides:
        check.emit_combine(e, out, ())
        return
    gate = None
    if check.condition is not None:
        gate = gates[id(node)]
        if not check.condition.emit(e, gate):
            e.line(f"{gate} = {e.slow(check.condition)}")
        # A failed condition makes the group and everything below it not applicable.
        e.line(f"if {gate} == {int(Verdict.FAIL)}:")
        e.depth += 1
        for d in node.walk():
            if id(d) in var:
                e.line(f"{var[id(d)]} = {_NA}")
        e.depth -= 1
        e.line("else:")
        e.depth += 1
    for child in node.children:
        _emit_node(e, child, var, gates)
    check.emit_combine(e, out, [var[id(c)] for c in node.children])
    if gate is not None:
        e.line(f"if {gate} == {int(Verdict.UNKNOWN)}: {out} = {int(Verdict.UNKNOWN)}")
        e.depth -= 1


def _decider(standard: Tree, gated: Sequence[Node]) -> Callable[[int, tuple[int, ...]], Decision]:
    """Turns a pattern of codes (every node, then every gate) into a Decision, remembering recent patterns."""
    nodes = standard.nodes
    index = {id(n): i for i, n in enumerate(nodes)}
    roots = [index[id(r)] for r in standard.roots]
    ids = [n.defn.id for n in nodes]
    kids = [tuple(index[id(c)] for c in n.children) for n in nodes]
    gate = [-1] * len(nodes)
    for j, n in enumerate(gated):
        gate[index[id(n)]] = len(nodes) + j
    # Which children count: all of them, none (guidance), or, for a group consulting them in order, it depends.
    ordered = {i: n.check for i, n in enumerate(nodes) if isinstance(n.check, Group) and type(n.check).counts is not Group.counts}
    fixed = [kids[i] if isinstance(n.check, Check) or n.check.decides else () for i, n in enumerate(nodes)]
    gated_at = [(i, g) for i, g in enumerate(gate) if g >= 0]
    unknown = int(Verdict.UNKNOWN)
    fail = int(Verdict.FAIL)
    seen: dict[tuple[int, ...], Decision] = {}
    overall = {int(v): Overall.of(v) for v in Verdict}
    # What decided is found root by root: a root's part depends only on the codes of its own
    # subtree (a contiguous run of nodes, and of gates), which repeat far more often than the
    # pattern of the whole tree. Each root remembers its own parts, so a root with few patterns
    # is never pushed out by one with many.
    spans: list[tuple[int, int, int, int, int, dict[Any, tuple[tuple[str, ...], tuple[str, ...]]]]] = []
    for r in roots:
        end = r + len(nodes[r].walk())
        inside = [gate[i] for i in range(r, end) if gate[i] >= 0]
        spans.append((r, r, end, inside[0] if inside else 0, inside[-1] + 1 if inside else 0, {}))

    def part(r: int, codes: tuple[int, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
        counted: Sequence[Sequence[int]] = fixed
        if ordered:
            counted = list(fixed)
            for i, group in ordered.items():
                flags = group.counts([codes[c] for c in kids[i]])
                counted[i] = tuple(c for c, ok in zip(kids[i], flags) if ok)
        open_ = {i for i, g in gated_at if codes[g] == unknown}
        failed = tuple(ids[i] for i in decisive([r], int(Verdict.FAIL), codes, counted, open_))
        missing = tuple(ids[i] for i in decisive([r], unknown, codes, counted, open_))
        return failed, missing

    def decision(root: int, codes: tuple[int, ...]) -> Decision:
        found = seen.get(codes)
        if found is not None:
            return found
        if len(seen) >= PATTERN_CACHE:
            seen.clear()
        failed: tuple[str, ...] = ()
        missing: tuple[str, ...] = ()
        for r, a, b, ga, gb, parts in spans:
            code = codes[r]
            if code != fail and code != unknown:
                continue  # a root that neither failed nor is unknown decided nothing
            key = codes[a:b] if ga == gb else (codes[a:b], codes[ga:gb])
            got = parts.get(key)
            if got is None:
                if len(parts) >= PATTERN_CACHE:
                    parts.clear()
                got = parts[key] = part(r, codes)
            if got[0]:
                failed += got[0]
            if got[1]:
                missing += got[1]
        found = seen[codes] = Decision(overall[root], failed, missing)
        return found

    return decision


def generate(standard: Tree, every: bool = False) -> tuple[str, Callable[..., Any]]:
    """Generate and compile the fast decision function of ``standard``.

    The function is ``decide(ev, on) -> Decision``; with ``every``, it returns
    ``(decision, codes of every node in standard.nodes order)``, for statistics
    (nodes under an advisory group count as advisory, nodes under a group that
    does not apply as not applicable).
    """
    e = Emitter()
    var: dict[int, str] = {}
    for root in standard.roots:
        _assign(e, root, var)
    gated = [n for n in standard.nodes if id(n) in var and not isinstance(n.check, Check) and n.check.condition is not None]
    gates = {id(n): e.name("g") for n in gated}
    e.namespace.update(
        _slow=_slow,
        _section=_section,
        _wrong_subject=_wrong_subject,
        _bad_year=_bad_year,
        _vocab=standard.vocabulary,
        _ctx=standard.context,
        _decision=_decider(standard, gated),
        _PLAIN={int(v): Decision(Overall.of(v), (), ()) for v in Verdict},
    )
    subject, kind_key, year_key, kind = e.const("subject"), e.const("kind"), e.const("year"), e.const(standard.defn.subject_kind)
    e.prologue.append(f"    _s = ev.get({subject})")
    e.prologue.append("    _y = None")
    e.prologue.append("    if _s.__class__ is dict:")
    e.prologue.append(f"        _k = _s.get({kind_key})")
    e.prologue.append(f"        if _k is not None and _k != {kind}: _wrong_subject(_k, {kind})")
    e.prologue.append(f"        _y = _s.get({year_key})")
    e.prologue.append("        if _y is not None and _y.__class__ is not int: _bad_year(_y)")
    e.prologue.append(f"    elif _s is not None: _section(_s, {subject})")
    for g in gates.values():
        # A gate under a group that does not apply is never evaluated.
        e.prologue.append(f"    {g} = 0")
    for root in standard.roots:
        _emit_node(e, root, var, gates)
    e.or_all("m", [var[id(r)] for r in standard.roots])
    e.line(f"root = {mask_expression(PRECEDENCE['all'], 'm')}")
    codes = "(" + "".join(f"{var[id(n)]}, " if id(n) in var else f"{_ADVISORY}, " for n in standard.nodes)
    codes += "".join(f"{g}, " for g in gates.values()) + ")"
    if every:
        e.line(f"codes = {codes}")
        e.line(f"found = _PLAIN[root] if root == {int(Verdict.PASS)} or root == {_NA} else _decision(root, codes)")
        e.line(f"return found, codes[:{len(standard.nodes)}]")
    else:
        # Most organisations pass: no pattern to build for them.
        e.line(f"if root == {int(Verdict.PASS)} or root == {_NA}: return _PLAIN[root]")
        e.line(f"return _decision(root, {codes})")
    # Constants become default arguments: locals are the fastest names Python has.
    bound = ", ".join(f"{name}={name}" for name in e.namespace)
    source = f"def decide(ev, on, {bound}):\n" + "\n".join(e.prologue + e.body) + "\n"
    namespace = dict(e.namespace)
    exec(compile(source, f"<fivegood {standard.defn.ref}>", "exec"), namespace)  # noqa: S102 - source built from identifiers only
    return source, namespace["decide"]


DecideFn = Callable[[dict[str, Any], dt.date], Decision]
