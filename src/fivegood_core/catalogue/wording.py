"""The wording check: a criterion's original Chinese sentence read as an independent source.

超过/高于 → ``>``, 不少于/至少/达到/不低于 → ``>=``, 不超过 → ``<=``, 低于/少于 → ``<``;
60平方米 → 60, 6万元 → 60000, 5.5% → 0.055. A threshold whose check disagrees
with its own sentence is an authoring error: ``fivegood validate`` reports it,
and the property tests of :mod:`fivegood_core.testing` assert it.

The same holds for how a sentence joins its requirements: 或/或者 → any of
them; 并/并且/和/及/、 (and the sentence's own commas and stops) → all of them.
An ``all`` or ``any`` group whose children quote the parts of its sentence must
combine them as the sentence joins them ("编制数不少于3个或工作人员数不少于5个"
encoded as both required is an error).
"""

from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction

import attrs

from fivegood_core.errors import Problem
from fivegood_core.evaluation.compiled import CompiledStandard
from fivegood_core.evaluation.tree import Node
from fivegood_core.kinds.groups import AllOf, AnyOf
from fivegood_core.kinds.leaves import Threshold
from fivegood_core.words.catalogue import Said, say

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
    return Wording(op, value, text[position : found.end()])


def wording_problem(compiled: CompiledStandard, criterion_id: str) -> str | None:
    """Why a threshold criterion's check disagrees with its own text, or None when they agree.

    A criterion whose text states no comparison and number mechanically must
    say how it is read (``interpretation``) or be marked ``assumed``; one
    without either is a problem too, so nothing passes unread.
    """
    node = next(n for n in compiled.nodes if n.defn.id == criterion_id)
    problem = _disagreement(node)
    return None if problem is None else f"{compiled.defn.ref}::{node.defn.id}: {problem}"


def _disagreement(node: Node) -> Said | None:
    check = node.check
    assert isinstance(check, Threshold)
    d = node.defn
    reading = read_wording(d.text) if d.text else None
    if reading is None:
        if d.interpretation is not None or d.assumed:
            return None
        return say("wording.unread", text=repr(d.text))
    if reading.op != check.op or reading.value != Fraction(check.limit):
        stated = (Decimal(reading.value.numerator) / Decimal(reading.value.denominator)).normalize()
        return say("wording.disagrees", phrase=repr(reading.phrase), op=reading.op, stated=f"{stated:f}", check=f"{check.op} {check.limit}")
    return None


#: Words that join a sentence's requirements as alternatives: any one of them suffices.
ANY_JOINS = ("或者", "或")
#: Words and marks that join a sentence's requirements all together.
ALL_JOINS = ("并且", "并", "和", "及", "、", ",", ";", "。", ",", ";")
_MARKS = ",;。、,;"


@attrs.frozen
class Joining:
    """How a sentence joins the requirements its children quote: ``any``, ``all`` or ``mixed``."""

    kind: str
    joins: tuple[str, ...]


def _join_kind(join: str) -> str | None:
    if any(w in join for w in ANY_JOINS):
        return "any"
    if any(w in join for w in ALL_JOINS):
        return "all"
    return None


def read_joining(text: str, parts: list[str]) -> Joining | None:
    """How ``text`` joins ``parts`` (quoted in order); None when they cannot all be found, in order, or a join reads as neither.

    The join between two parts is the text between them, with the mark that
    ends the first (its "," or "。") and the word that opens the second (并…, 或…).
    """
    if len(parts) < 2 or any(not p or "……" in p for p in parts):
        return None
    spans: list[tuple[int, int]] = []
    at = 0
    for p in parts:
        i = text.find(p, at)
        if i < 0:
            return None
        spans.append((i, i + len(p)))
        at = i + len(p)
    joins: list[str] = []
    kinds: set[str] = set()
    for (_, a1), (b0, _) in zip(spans, spans[1:]):
        join = (text[a1 - 1] if text[a1 - 1] in _MARKS else "") + text[a1:b0]
        join += next((w for w in ANY_JOINS + ("并且", "并", "和", "及") if text.startswith(w, b0)), "")
        kind = _join_kind(join)
        if kind is None:
            return None
        joins.append(join)
        kinds.add(kind)
    return Joining(kinds.pop() if len(kinds) == 1 else "mixed", tuple(joins))


def _group_kind(node: Node) -> str | None:
    check = node.check
    if isinstance(check, AnyOf):
        return "any"
    if isinstance(check, AllOf) and check.condition is None:
        return "all"
    return None


def connective_reading(node: Node) -> Joining | None:
    """How the group's own sentence joins the parts its children quote, when that can be read."""
    if _group_kind(node) is None or not node.defn.text:
        return None
    return read_joining(node.defn.text, [c.defn.text or "" for c in node.children])


def _connective_disagreement(node: Node) -> Said | None:
    reading = connective_reading(node)
    kind = _group_kind(node)
    if reading is None or reading.kind == kind:
        return None
    said = " / ".join(repr(j) for j in reading.joins)
    if reading.kind == "mixed":
        return say("wording.joins_mixed", joins=said)
    return say("wording.joins_disagree", joins=said, kind=reading.kind, group=kind, given=repr(node.defn.kind))


def connective_problem(compiled: CompiledStandard, criterion_id: str) -> str | None:
    """Why an all/any group combines its children otherwise than its sentence joins them, or None when they agree."""
    node = next(n for n in compiled.nodes if n.defn.id == criterion_id)
    problem = _connective_disagreement(node)
    return None if problem is None else f"{compiled.defn.ref}::{node.defn.id}: {problem}"


def wording_problems(compiled: CompiledStandard) -> list[Problem]:
    """Every criterion whose original sentence disagrees with its check or its grouping, located for authors.

    ``fivegood validate`` reports these; a criterion without ``text`` has
    nothing to compare with and is not listed.
    """
    out = []
    for n in compiled.nodes:
        if isinstance(n.check, Threshold) and n.defn.text:
            problem = _disagreement(n)
            if problem is not None:
                out.append(Problem(compiled.defn.source, n.defn.line, f"criterion[{n.defn.id}].text", problem))
        elif (problem := _connective_disagreement(n)) is not None:
            out.append(Problem(compiled.defn.source, n.defn.line, f"criterion[{n.defn.id}].kind", problem))
    return out


def unread_wordings(compiled: CompiledStandard) -> list[str]:
    """Threshold criteria whose text cannot be read mechanically, with how they say they are read."""
    out = []
    for n in compiled.nodes:
        if isinstance(n.check, Threshold) and (not n.defn.text or read_wording(n.defn.text) is None):
            how = n.defn.interpretation.en if n.defn.interpretation else ("assumed" if n.defn.assumed else "NOT EXPLAINED")
            out.append(f"{compiled.defn.ref}::{n.defn.id}: {how}")
    return out
