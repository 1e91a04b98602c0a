"""The contract of a check kind: what a kind builds, and what it may consult while building and evaluating.

A *leaf* kind builds a :class:`Check`, which reads evidence and returns an
:class:`~fivegood_core.model.results.Outcome`. A *group* kind builds a
:class:`Group`, which combines its children's verdicts, optionally behind a
gate (the condition of ``when``, the presence flag of ``optional``). Either
may also emit inline code for the generated fast path
(:mod:`fivegood_core.kinds.emit`); one that does not is called through its
Python method, so emitting is an optimisation, never a requirement.

Every kind, the built-in ones included, is registered through the
``fivegood_check_kinds`` hook.
"""

from __future__ import annotations

import abc
import datetime as dt
from typing import TYPE_CHECKING, Any, Callable, Mapping, Sequence

import attrs

from fivegood_core.evidence.reader import Reader
from fivegood_core.model.definitions import Text
from fivegood_core.model.exact import CompoundGrowth, Number
from fivegood_core.model.results import Decision, Outcome, Result
from fivegood_core.model.verdict import Verdict
from fivegood_core.model.vocabulary import Vocabulary
from fivegood_core.reading.schema import BuildError, Field
from fivegood_core.words.catalogue import say

if TYPE_CHECKING:
    from fivegood_core.kinds.emit import Emitter


@attrs.frozen
class Measured:
    """A metric's value, or why there is none (missing keys, or a note such as a zero denominator)."""

    value: Number | CompoundGrowth | None
    values: Mapping[str, Any] = attrs.field(factory=dict)
    missing: tuple[str, ...] = ()
    note: Text | None = None
    detail: str | None = None


class BoundMetric(abc.ABC):
    """A metric bound to its arguments."""

    inputs: tuple[str, ...] = ()
    unit: str = "number"

    @abc.abstractmethod
    def compute(self, r: Reader, ctx: "EvalContext") -> Measured:
        """The value for one organisation's evidence."""


@attrs.frozen
class Metric:
    """A named metric: its documentation, its argument names, and how to bind it."""

    name: str
    doc: str
    args: Mapping[str, str]
    bind_args: Callable[[Mapping[str, Any], "BuildContext"], BoundMetric]

    def bind(self, args: Mapping[str, Any], ctx: "BuildContext") -> BoundMetric:
        """Bind to a criterion's ``args``; unknown or missing arguments raise BuildError."""
        unknown = set(args) - set(self.args)
        if unknown:
            raise BuildError(
                "args",
                say("kind.metric_unknown_arguments", args=", ".join(sorted(unknown)), name=repr(self.name), allowed=", ".join(self.args)),
            )
        return self.bind_args(args, ctx)


@attrs.frozen
class BuildContext:
    """What a kind may consult while building a check from a criterion's fields."""

    criterion_id: str
    title: Text
    vocabulary: Vocabulary
    metrics: Mapping[str, Metric]
    kinds: Mapping[str, "CheckKind"]
    subject_kind: str


@attrs.frozen
class EvalContext:
    """What a check may consult while evaluating: the date, the subject, required standards."""

    as_of: dt.date
    subject_year: int | None
    explain_required: Callable[[str, dt.date, Reader], Result]
    decide_required: Callable[[str, dt.date, Mapping[str, Any]], Decision]
    #: The verdict of each top-level criterion of a required standard, by id (fast path).
    roots_required: Callable[[str, dt.date, Mapping[str, Any]], Mapping[str, Verdict]] | None = None


class Check(abc.ABC):
    """A compiled leaf criterion."""

    #: Evidence keys this check reads.
    inputs: tuple[str, ...] = ()
    #: The threshold as people read it (``≥ 60 m²``), when there is one.
    threshold: str | None = None

    @abc.abstractmethod
    def explain(self, r: Reader, ctx: EvalContext) -> Outcome:
        """Evaluate and explain."""

    def verdict(self, r: Reader, ctx: EvalContext) -> Verdict:
        """Evaluate without explaining; override where that is cheaper."""
        return self.explain(r, ctx).verdict

    def emit(self, e: "Emitter", out: str) -> bool:
        """Write inline fast-path code assigning the verdict to ``out``; False if not supported."""
        return False


class Group(abc.ABC):
    """A compiled group criterion: combines its children's verdicts.

    A group with a ``condition`` applies only when the condition passes: when
    it fails the group is ``not_applicable``, when it is unknown so is the group.
    """

    inputs: tuple[str, ...] = ()
    threshold: str | None = None
    condition: Check | None = None
    #: False for guidance: the group never decides anything, so its children need no fast-path code.
    decides: bool = True
    #: True when the children are alternatives (one suffices): those that did not decide get no advice.
    alternatives: bool = False

    def gate(self, r: Reader, ctx: EvalContext) -> Outcome | None:
        """None when the children decide; otherwise the outcome that decides the group."""
        if self.condition is None:
            return None
        found = self.condition.explain(r, ctx)
        if found.verdict is Verdict.PASS:
            return None
        if found.verdict is Verdict.FAIL:
            return Outcome(Verdict.NOT_APPLICABLE, self.not_applicable(found), found.observed, found.values)
        return attrs.evolve(found, reason=Text(f"适用条件未知:{found.reason.zh}", f"whether it applies is unknown: {found.reason.en}"))

    def not_applicable(self, found: Outcome) -> Text:
        """Why the group does not apply, given its condition's failed outcome."""
        return Text(f"条件不成立,不适用({found.reason.zh})", f"condition does not hold, not applicable ({found.reason.en})")

    @abc.abstractmethod
    def combine(self, verdicts: Sequence[Verdict]) -> Verdict:
        """The group's verdict from its children's."""

    def counts(self, verdicts: Sequence[int]) -> tuple[bool, ...]:
        """Which children count towards the verdict (all, unless the group is guidance or consults them in order).

        ``verdicts`` may be plain ints (the generated fast path). Both the
        explained result and the fast path read it to find the checks that decided.
        """
        return (self.decides,) * len(verdicts)

    def describe(self, verdict: Verdict, children: Sequence[tuple[Text, Verdict]]) -> Outcome:
        """Explain the combined verdict; ``children`` are (title, verdict) pairs."""
        return Outcome(verdict, count_reason(children))

    def emit_combine(self, e: "Emitter", out: str, children: Sequence[str]) -> None:
        """Write fast-path code assigning to ``out`` the verdict combined from the ``children`` variables.

        The default calls :meth:`combine`; a kind whose combination is a
        precedence of verdicts writes it inline (see :class:`~fivegood_core.kinds.groups.AllOf`).
        """
        e.line(f"{out} = int({e.const(self)}.combine(({', '.join(children)},)))")


@attrs.frozen
class CheckKind:
    """A kind of criterion: its name, its TOML fields, and how to build it."""

    name: str
    doc: str
    fields: tuple[Field, ...]
    build: Callable[[Mapping[str, Any], BuildContext], "Check | Group"]
    group: bool = False


def count_reason(children: Sequence[tuple[Text, Verdict]]) -> Text:
    """A group's reason by default: how many children met, did not meet, lack evidence, were waived."""
    met = unmet = unknown = waived = 0
    for _, v in children:
        if v is Verdict.PASS:
            met += 1
        elif v is Verdict.FAIL:
            unmet += 1
        elif v is Verdict.UNKNOWN:
            unknown += 1
        elif v is Verdict.WAIVED:
            waived += 1
    zh = f"{met} 项达标,{unmet} 项未达标,{unknown} 项缺少证据"
    en = f"{met} met, {unmet} not met, {unknown} missing evidence"
    if waived:
        zh, en = f"{zh},{waived} 项豁免", f"{en}, {waived} waived"
    return Text(zh, en)


def missing(title: Text, keys: Sequence[str]) -> Outcome:
    """The outcome of a check whose evidence is absent."""
    listed = ", ".join(keys)
    return Outcome(
        Verdict.UNKNOWN,
        Text(f"{title.zh}:缺少证据({listed})", f"{title.en}: no evidence ({listed})"),
        values=dict.fromkeys(keys),
        gap=Text(f"缺少:{listed}", f"missing: {listed}"),
        missing=tuple(keys),
    )
