"""The verdict algebra: what a criterion can be found to be, and how groups combine.

Three-valued logic (SPEC section 3): a required ``fail`` makes its group fail;
otherwise an ``unknown`` (missing evidence) makes it unknown; otherwise it
passes. ``not_applicable`` and ``advisory`` never decide a group.

The verdicts are bit flags so that a group's children can be OR-ed together
and the group decided from the mask; the generated fast path relies on that.
"""

from __future__ import annotations

import enum
from typing import Iterable


class Verdict(enum.IntFlag):
    """The verdict of one criterion."""

    PASS = 1
    UNKNOWN = 2
    FAIL = 4
    NOT_APPLICABLE = 8
    ADVISORY = 16

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


def all_of(m: int) -> Verdict:
    """Every child must hold: any fail fails, else any unknown is unknown."""
    if m & Verdict.FAIL:
        return Verdict.FAIL
    if m & Verdict.UNKNOWN:
        return Verdict.UNKNOWN
    if m & Verdict.PASS:
        return Verdict.PASS
    return Verdict.NOT_APPLICABLE


def any_of(m: int) -> Verdict:
    """One child suffices: any pass passes, else any unknown is unknown."""
    if m & Verdict.PASS:
        return Verdict.PASS
    if m & Verdict.UNKNOWN:
        return Verdict.UNKNOWN
    if m & Verdict.FAIL:
        return Verdict.FAIL
    return Verdict.NOT_APPLICABLE


def at_least(n: int, verdicts: Iterable[Verdict]) -> Verdict:
    """At least ``n`` children must pass; unknowns decide only when they could tip it."""
    passed = unknown = decisive = 0
    for v in verdicts:
        # Compared with == so that plain ints from the generated fast path work too.
        if v == Verdict.PASS:
            passed += 1
        elif v == Verdict.UNKNOWN:
            unknown += 1
        if v & (Verdict.PASS | Verdict.UNKNOWN | Verdict.FAIL):
            decisive += 1
    if decisive == 0:
        return Verdict.NOT_APPLICABLE
    if passed >= n:
        return Verdict.PASS
    if passed + unknown >= n:
        return Verdict.UNKNOWN
    return Verdict.FAIL
