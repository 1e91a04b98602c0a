"""The wording check: a criterion's original Chinese sentence read as an independent source.

超过/高于 → ``>``, 不少于/至少/达到/不低于 → ``>=``, 不超过 → ``<=``, 低于/少于 → ``<``;
60平方米 → 60, 6万元 → 60000, 5.5% → 0.055. A threshold whose check disagrees
with its own sentence is an authoring error: ``fivegood validate`` reports it,
and the property tests of :mod:`fivegood_core.testing` assert it.
"""

from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction

import attrs

from fivegood_core.errors import Problem
from fivegood_core.evaluation.compiled import CompiledStandard
from fivegood_core.evaluation.tree import Node
from fivegood_core.kinds.leaves import Threshold

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


def _disagreement(node: Node) -> str | None:
    check = node.check
    assert isinstance(check, Threshold)
    d = node.defn
    reading = read_wording(d.text) if d.text else None
    if reading is None:
        if d.interpretation is not None or d.assumed:
            return None
        return f"the text {d.text!r} states no comparison and number that can be read, and the criterion gives no interpretation"
    if reading.op != check.op or reading.value != Fraction(check.limit):
        stated = (Decimal(reading.value.numerator) / Decimal(reading.value.denominator)).normalize()
        return f"the text says {reading.phrase!r} ({reading.op} {stated:f}), the check is {check.op} {check.limit}"
    return None


def wording_problems(compiled: CompiledStandard) -> list[Problem]:
    """Every threshold criterion with an original sentence that disagrees with its check, located for authors.

    ``fivegood validate`` reports these; a criterion without ``text`` has
    nothing to compare with and is not listed.
    """
    out = []
    for n in compiled.nodes:
        if isinstance(n.check, Threshold) and n.defn.text:
            problem = _disagreement(n)
            if problem is not None:
                out.append(Problem(compiled.defn.source, n.defn.line, f"criterion[{n.defn.id}].text", problem))
    return out


def unread_wordings(compiled: CompiledStandard) -> list[str]:
    """Threshold criteria whose text cannot be read mechanically, with how they say they are read."""
    out = []
    for n in compiled.nodes:
        if isinstance(n.check, Threshold) and (not n.defn.text or read_wording(n.defn.text) is None):
            how = n.defn.interpretation.en if n.defn.interpretation else ("assumed" if n.defn.assumed else "NOT EXPLAINED")
            out.append(f"{compiled.defn.ref}::{n.defn.id}: {how}")
    return out
