"""The verdict algebra: what a criterion can be found to be, and how groups combine.

Three-valued logic (docs/concepts.md, "How a verdict is formed"): a required
``fail`` makes its group fail; otherwise an ``unknown`` (missing evidence)
makes it unknown; otherwise it passes. ``not_applicable`` and ``advisory``
never decide a group. A criterion set aside for one subject (``waived``, by a
waiver the explained evaluation is given) never blocks a group that needs
every child, and counts as satisfied for one that needs one or some of them;
a group held only by waivers is itself ``waived``, never ``pass``.

The verdicts are bit flags so that a group's children can be OR-ed together
and the group decided from the mask. Each combination is one row of
:data:`PRECEDENCE`: the explained walk reads it through :func:`decide_mask`,
the generated fast path through :func:`mask_expression`, so the two cannot
disagree. The rule for which checks decided a verdict is :func:`decisive`,
likewise shared.
"""

from __future__ import annotations

import enum
from typing import Container, Iterable, Sequence


class Verdict(enum.IntFlag):
    """The verdict of one criterion."""

    PASS = 1
    UNKNOWN = 2
    FAIL = 4
    NOT_APPLICABLE = 8
    ADVISORY = 16
    #: Set aside for this subject by a waiver (explained evaluation only; the fast path has no waivers).
    WAIVED = 32

    @property
    def label(self) -> str:
        """The stable name used in JSON and on the command line."""
        return _LABELS[self]

    @classmethod
    def from_label(cls, label: str) -> "Verdict":
        """Inverse of :attr:`label`."""
        return _BY_LABEL[label]


_LABELS = {
    Verdict.PASS: "pass",
    Verdict.UNKNOWN: "unknown",
    Verdict.FAIL: "fail",
    Verdict.NOT_APPLICABLE: "not_applicable",
    Verdict.ADVISORY: "advisory",
    Verdict.WAIVED: "waived",
}
_BY_LABEL = {v: k for k, v in _LABELS.items()}


class Overall(enum.Enum):
    """The verdict of a whole standard."""

    PASS = "pass"
    FAIL = "fail"
    INCOMPLETE = "incomplete"

    @classmethod
    def of(cls, verdict: Verdict) -> "Overall":
        """A standard passes when its criteria pass (or none applies)."""
        if verdict is Verdict.FAIL:
            return cls.FAIL
        if verdict is Verdict.UNKNOWN:
            return cls.INCOMPLETE
        return cls.PASS

    def as_verdict(self) -> Verdict:
        """How a required standard's outcome counts inside the standard requiring it."""
        return {Overall.PASS: Verdict.PASS, Overall.FAIL: Verdict.FAIL}.get(self, Verdict.UNKNOWN)


def mask(verdicts: Iterable[Verdict]) -> int:
    """OR the verdicts together."""
    m = 0
    for v in verdicts:
        m |= int(v)  # plain ints: IntFlag's own | goes through the enum machinery
    return m


#: For each combination, the verdicts in the order they win: the first present
#: among the children decides; with none of them present, the group does not apply.
#: A waived child never blocks ``all`` (it is passed over like one that does not
#: apply; a group of waived children only is waived) and counts as satisfied for
#: ``any`` and ``sources`` (after a real pass, before anything else).
PRECEDENCE: dict[str, tuple[Verdict, ...]] = {
    # Every child must hold: any fail fails, else any unknown is unknown.
    "all": (Verdict.FAIL, Verdict.UNKNOWN, Verdict.PASS, Verdict.WAIVED),
    # One child suffices: any pass passes, else any unknown is unknown.
    "any": (Verdict.PASS, Verdict.WAIVED, Verdict.UNKNOWN, Verdict.FAIL),
    # Alternative evidence of one fact: a measured source decides before an absent one.
    "sources": (Verdict.PASS, Verdict.WAIVED, Verdict.FAIL, Verdict.UNKNOWN),
}


def decide_mask(order: Sequence[Verdict], m: int) -> Verdict:
    """The first verdict of ``order`` present in the mask ``m``; not applicable when none is."""
    for v in order:
        if m & v:
            return v
    return Verdict.NOT_APPLICABLE


def mask_expression(order: Sequence[Verdict], m: str) -> str:
    """:func:`decide_mask` as a Python expression over the variable ``m``, for generated code."""
    return " ".join(f"{int(v)} if {m} & {int(v)} else" for v in order) + f" {int(Verdict.NOT_APPLICABLE)}"


def all_of(m: int) -> Verdict:
    """Every child must hold: any fail fails, else any unknown is unknown."""
    return decide_mask(PRECEDENCE["all"], m)


def any_of(m: int) -> Verdict:
    """One child suffices: any pass passes, else any unknown is unknown."""
    return decide_mask(PRECEDENCE["any"], m)


def at_least(n: int, verdicts: Iterable[Verdict]) -> Verdict:
    """At least ``n`` children must pass; unknowns decide only when they could tip it.

    A waived child counts as satisfied: when the ``n`` are reached only with
    waived children, the group is ``waived``.
    """
    passed = unknown = waived = counted = 0
    for v in verdicts:
        # Compared with == so that plain ints from the generated fast path work too.
        if v == Verdict.PASS:
            passed += 1
        elif v == Verdict.UNKNOWN:
            unknown += 1
        elif v == Verdict.WAIVED:
            waived += 1
        if v & (Verdict.PASS | Verdict.UNKNOWN | Verdict.FAIL | Verdict.WAIVED):
            counted += 1
    if counted == 0:
        return Verdict.NOT_APPLICABLE
    if passed >= n:
        return Verdict.PASS
    if passed + waived >= n:
        return Verdict.WAIVED
    if passed + waived + unknown >= n:
        return Verdict.UNKNOWN
    return Verdict.FAIL


def decisive(
    roots: Sequence[int], verdict: int, codes: Sequence[int], children: Sequence[Sequence[int]], open_: Container[int]
) -> list[int]:
    """The nodes that decided ``verdict``: the checks to name when a standard fails or is incomplete.

    Nodes are numbered: ``codes[i]`` is node ``i``'s verdict, ``children[i]``
    the children that count towards it, ``open_`` the nodes whose own
    applicability is unknown. Descend only through nodes carrying the verdict
    (a failed check under an ``any`` that passed decided nothing). A node is
    decisive when none of its children carries the verdict, or when whether it
    applies is unknown. The explained result and the fast path both call this.
    """
    out: list[int] = []
    stack = [i for i in reversed(roots) if codes[i] == verdict]
    while stack:
        i = stack.pop()
        below = [c for c in children[i] if codes[c] == verdict]
        if not below or i in open_:
            out.append(i)
        stack.extend(reversed(below))
    return out
