"""The built-in group kinds: all, any, sources, at_least, when, optional, advisory.

Each combines its children's verdicts by the algebra of
:mod:`fivegood_core.model.verdict`; those whose combination is a row of
:data:`~fivegood_core.model.verdict.PRECEDENCE` write it inline for the fast
path from that same row.
"""

from __future__ import annotations

from typing import Any, Callable, ClassVar, Mapping, Sequence

import attrs

from fivegood_core.kinds.contract import BuildContext, Check, Group
from fivegood_core.kinds.emit import Emitter
from fivegood_core.kinds.leaves import Flag
from fivegood_core.model.definitions import Text
from fivegood_core.model.results import Outcome
from fivegood_core.model.verdict import PRECEDENCE, Verdict, all_of, at_least, decide_mask, mask, mask_expression
from fivegood_core.reading.schema import BuildError
from fivegood_core.words.catalogue import say


class Precedence(Group):
    """A group decided by a precedence of verdicts (a row of ``PRECEDENCE``)."""

    order: ClassVar[tuple[Verdict, ...]]

    def combine(self, verdicts: Sequence[Verdict]) -> Verdict:
        return decide_mask(self.order, mask(verdicts))

    def emit_combine(self, e: Emitter, out: str, children: Sequence[str]) -> None:
        m = e.name("m")
        e.or_all(m, children)
        e.line(f"{out} = {mask_expression(self.order, m)}")


class AllOf(Precedence):
    """Every child must hold."""

    order = PRECEDENCE["all"]


class AnyOf(Precedence):
    """One child suffices (编制数不少于3个或工作人员数不少于5个)."""

    order = PRECEDENCE["any"]
    threshold = "any"
    alternatives = True


class Sources(Precedence):
    """Alternative evidence of one fact (yearly totals, or an officially reported rate).

    Passes when any alternative with evidence passes; fails when every
    alternative with evidence fails; unknown only when none has evidence. Unlike
    ``any``, an absent alternative does not hold the verdict open once another
    has measured the fact.
    """

    order = PRECEDENCE["sources"]
    threshold = "any source"
    alternatives = True


class Fallback(Group):
    """Alternative evidence in order of preference: the first child with evidence decides.

    Yearly totals decide Art. 5 growth whenever they are supplied; the reported
    rate is consulted only without them. A child after the deciding one is not
    consulted: shown, never counted. A waived child counts as satisfied: it
    decides as ``waived`` when no earlier child has evidence.
    """

    threshold = "first source with evidence"
    alternatives = True

    def combine(self, verdicts: Sequence[Verdict]) -> Verdict:
        unknown = False
        for v in verdicts:
            if v == Verdict.PASS or v == Verdict.FAIL or v == Verdict.WAIVED:
                return Verdict(int(v))
            unknown = unknown or v == Verdict.UNKNOWN
        return Verdict.UNKNOWN if unknown else Verdict.NOT_APPLICABLE

    def counts(self, verdicts: Sequence[int]) -> tuple[bool, ...]:
        out: list[bool] = []
        decided = False
        for v in verdicts:
            out.append(not decided)
            decided = decided or v == Verdict.PASS or v == Verdict.FAIL or v == Verdict.WAIVED
        return tuple(out)


@attrs.frozen(eq=False)
class AtLeast(Group):
    """At least ``n`` children must hold."""

    n: int
    threshold: str = attrs.field(init=False)

    @threshold.default
    def _threshold(self) -> str:
        return f"at least {self.n}"

    def combine(self, verdicts: Sequence[Verdict]) -> Verdict:
        return at_least(self.n, verdicts)


@attrs.frozen(eq=False)
class When(AllOf):
    """Children apply only when a condition holds; otherwise ``not_applicable``."""

    condition: Check
    inputs: tuple[str, ...] = attrs.field(init=False)

    @inputs.default
    def _inputs(self) -> tuple[str, ...]:
        return self.condition.inputs


def build_when(p: Mapping[str, Any], ctx: BuildContext) -> Group:
    """``kind = "when"``: ``when = { key = "…", expect = false }`` or ``{ key, op, value }``."""
    cond = dict(p["when"])
    if set(cond) - {"key", "expect", "op", "value"} or "key" not in cond:
        raise BuildError("when", say("kind.when_shape"))
    if cond["key"] not in ctx.vocabulary:
        raise BuildError("when", say("kind.when_unknown_key", key=repr(cond["key"])))
    kind = "flag" if "op" not in cond else "threshold"
    try:
        check = ctx.kinds[kind].build(cond, attrs.evolve(ctx, title=Text("条件", "condition")))
    except KeyError as exc:
        raise BuildError("when", say("kind.when_lacks", what=str(exc))) from None
    if not isinstance(check, Check):
        raise BuildError("when", say("kind.when_single_check"))
    return When(check)


@attrs.frozen(eq=False)
class Optional(When):
    """An optional provision (有条件的…可设立): applies when taken up, else ``not_applicable``."""

    def not_applicable(self, found: Outcome) -> Text:
        return Text("可选条款,未采用,不适用", "optional provision not taken up, not applicable")


def build_optional(p: Mapping[str, Any], ctx: BuildContext) -> Group:
    """``kind = "optional"``: ``present = "flag key"`` says whether the provision is taken up."""
    entry = ctx.vocabulary.get(p["present"])
    if entry is None or entry.type.name != "flag":
        raise BuildError("present", say("kind.not_a_flag", key=p["present"]))
    return Optional(Flag(Text("可选条款是否采用", "whether the optional provision is taken up"), p["present"]))


class Advisory(Group):
    """Guidance (一般应): its children are evaluated and shown, but it never blocks."""

    threshold = "advisory"
    decides = False

    def combine(self, verdicts: Sequence[Verdict]) -> Verdict:
        return Verdict.ADVISORY

    def describe(self, verdict: Verdict, children: Sequence[tuple[Text, Verdict]]) -> Outcome:
        met = all_of(mask(v for _, v in children))
        word = {
            Verdict.PASS: ("已做到", "followed"),
            Verdict.FAIL: ("未做到", "not followed"),
            Verdict.UNKNOWN: ("情况不明", "not known"),
        }.get(met, ("不适用", "not applicable"))
        return Outcome(
            Verdict.ADVISORY, Text(f"指导性要求,不影响结论:{word[0]}", f"guidance, does not affect the verdict: {word[1]}"), word[1]
        )

    def emit_combine(self, e: Emitter, out: str, children: Sequence[str]) -> None:
        e.line(f"{out} = {int(Verdict.ADVISORY)}")


def build_group(cls: type[Group]) -> Callable[[Mapping[str, Any], BuildContext], Group]:
    """A builder for a group kind without fields of its own."""
    return _GroupBuilder(cls)


@attrs.frozen
class _GroupBuilder:
    # A class rather than a lambda, so that check kinds can be pickled with the rest.
    cls: type[Group]

    def __call__(self, p: Mapping[str, Any], ctx: BuildContext) -> Group:
        return self.cls()


def build_at_least(p: Mapping[str, Any], ctx: BuildContext) -> Group:
    """``kind = "at_least"``: ``n`` children must hold."""
    if p["n"] < 1:
        raise BuildError("n", say("kind.at_least_one"))
    return AtLeast(p["n"])
