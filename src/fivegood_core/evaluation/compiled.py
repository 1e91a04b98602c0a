"""A compiled standard: one version ready to evaluate, self-contained.

A :class:`CompiledStandard` holds the criteria tree, the vocabulary and reward
calculators it reads with, and the versions of every standard it requires, so
it can be sent to a worker process (it pickles; the fast path is generated
again on arrival) and evaluated there without plugins or an engine.

Two ways to evaluate the same tree:

* :meth:`CompiledStandard.evaluate` walks it (:mod:`.explain`) and builds a
  full :class:`~fivegood_core.model.results.Result`;
* :meth:`CompiledStandard.decide` is the generated fast path (:mod:`.codegen`),
  returning only the verdict and the decisive failed and unknown checks.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Mapping, cast

from fivegood_core.errors import EvidenceError, Problem, ResolutionError
from fivegood_core.evaluation.codegen import DecideFn, generate
from fivegood_core.evaluation.explain import ExplainAll, plan_all, quiet, resting_on
from fivegood_core.evaluation.toolkit import Toolkit
from fivegood_core.evaluation.tree import Node, build_tree
from fivegood_core.evaluation.versions import Versions
from fivegood_core.evidence.document import place_subject, subject_of
from fivegood_core.evidence.reader import Reader
from fivegood_core.kinds.contract import EvalContext
from fivegood_core.kinds.rewards import RewardCalculator, reward_for
from fivegood_core.model.definitions import StandardDef, Text
from fivegood_core.model.results import Assessment, CriterionResult, Decision, Result, StandardInfo
from fivegood_core.model.verdict import Overall, Verdict, all_of, mask
from fivegood_core.model.vocabulary import Vocabulary
from fivegood_core.words.catalogue import Message, say

# Looked up rather than constructed: building an enum member per node per record is slow.
_VERDICT_OF_CODE = {int(v): v for v in Verdict}

#: How many (as-of date, assessment year) evaluation contexts a standard keeps.
CONTEXT_CACHE = 4096


class CompiledStandard:
    """A standard version ready to evaluate: no parsing or lookups left to do per organisation.

    ``decide(evidence, as_of)`` is the generated function itself; its further
    parameters carry its constants, so it must be called with exactly two.
    """

    def __init__(
        self, defn: StandardDef, roots: tuple[Node, ...], vocabulary: Vocabulary, calculators: Mapping[str, RewardCalculator]
    ) -> None:
        self.defn = defn
        self.roots = roots
        self.vocabulary = vocabulary
        # Only the calculators its reward schemes name: what it needs, and all a worker receives.
        self.calculators = {s.calculator: calculators[s.calculator] for s in defn.rewards if s.calculator in calculators}
        self.nodes = tuple(n for r in roots for n in r.walk())
        #: The versions of every standard this one requires, directly or not (set by :meth:`link`).
        self.requirements: Versions[CompiledStandard] = Versions({})
        #: The engine's and plugins' versions, recorded in every result (set by :meth:`link`).
        self.engine_info: dict[str, str] = {}
        self._prepare()

    #: ``decide(evidence, as_of) -> Decision``: the generated fast path (generated on first use).
    decide: DecideFn
    #: The Python source of :attr:`decide` (generated on first use).
    source_code: str

    def _prepare(self) -> None:
        self._contexts: dict[tuple[dt.date, int | None], EvalContext] = {}
        self._every: Any = None
        self._plans: ExplainAll | None = None
        self._quiet = quiet(self.nodes)
        self._info: StandardInfo | None = None

    def __getattr__(self, name: str) -> Any:
        # Called only for attributes not yet set: the fast path is generated the first time it is
        # asked for, so that a catalogue of many standards starts without compiling them all.
        # Afterwards both are plain instance attributes (no cost per call).
        if name in ("decide", "source_code") and "defn" in self.__dict__:
            self.source_code, self.decide = generate(self)
            return self.__dict__[name]
        raise AttributeError(name)

    def __getstate__(self) -> dict[str, Any]:
        # Generated functions do not pickle; they are generated again from the tree.
        return {k: self.__dict__[k] for k in ("defn", "roots", "vocabulary", "calculators", "nodes", "requirements", "engine_info")}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._prepare()

    def __repr__(self) -> str:
        return f"<CompiledStandard {self.defn.ref}>"

    def link(self, requirements: Versions[CompiledStandard], engine_info: Mapping[str, str]) -> None:
        """Give the standard the versions it requires and the versions to record; called once by the catalogue."""
        self.requirements = requirements
        self.engine_info = dict(engine_info)

    # --- evaluation --------------------------------------------------------------------------

    def context(self, as_of: dt.date, subject_year: int | None) -> EvalContext:
        """The evaluation context for an as-of date and an assessment year (shared, since it is immutable)."""
        key = (as_of, subject_year)
        ctx = self._contexts.get(key)
        if ctx is None:
            if len(self._contexts) >= CONTEXT_CACHE:
                self._contexts.clear()
            ctx = self._contexts[key] = EvalContext(
                as_of, subject_year, self._explain_required, self._decide_required, self._roots_required
            )
        return ctx

    def required_on(self, on: dt.date) -> dt.date:
        """The date a required standard's version is chosen by: the as-of date, never before this version took effect.

        Evaluating this version as of a date before it took effect must not nest
        a required standard's earlier version, which this version never meant.
        """
        return max(on, self.defn.effective_from)

    def _explain_required(self, ref: str, on: dt.date, reader: Reader) -> Result:
        day = self.required_on(on)
        return self.requirements.get(ref, day).evaluate(reader, day, placed=True)

    def _decide_required(self, ref: str, on: dt.date, doc: Mapping[str, Any]) -> Decision:
        day = self.required_on(on)
        return self.requirements.get(ref, day).decide(doc, day)  # type: ignore[arg-type]

    def _roots_required(self, ref: str, on: dt.date, doc: Mapping[str, Any]) -> dict[str, Verdict]:
        day = self.required_on(on)
        other = self.requirements.get(ref, day)
        _, codes = other.verdicts(doc, day)  # type: ignore[arg-type]
        roots = {id(r) for r in other.roots}
        return {n.defn.id: v for n, v in zip(other.nodes, codes) if id(n) in roots}

    def explain(self, r: Reader, ctx: EvalContext, waive: Mapping[str, Text] | None = None) -> tuple[CriterionResult, ...]:
        """Every criterion's result, explained; those named in ``waive`` (id → reason) are waived."""
        run = self._plans
        if run is None:
            run = self._plans = plan_all(self.roots)
        return run(r, ctx, waive or {})

    def waivers(self, waive: Mapping[str, "str | Text"] | None) -> dict[str, Text]:
        """``waive`` with every reason as a :class:`Text`; a criterion this standard does not have is an error."""
        if not waive:
            return {}
        ids = {n.defn.id for n in self.nodes}
        for cid in waive:
            if cid not in ids:
                raise ResolutionError(say("evaluation.unknown_waiver", ref=self.defn.ref, criterion=repr(cid)))
        return {cid: why if isinstance(why, Text) else Text(str(why), str(why)) for cid, why in waive.items()}

    def evaluate(
        self,
        reader: Reader,
        on: dt.date,
        warnings: tuple[Message, ...] = (),
        *,
        placed: bool = False,
        waive: Mapping[str, "str | Text"] | None = None,
    ) -> Result:
        """The explained result for one checked evidence document.

        The subject is placed first (:func:`place_subject`: its jurisdiction must
        be the standard's, its district is stored as a code); a required
        standard receives it ``placed`` already. ``waive`` sets criteria of this
        standard aside for the subject (id → the waiver's reason): each is
        ``waived``, never passed, and its groups combine it by the verdict
        algebra (docs/concepts.md, "Waivers"); the result warns of each.
        """
        waived = self.waivers(waive)
        if not placed:
            doc = place_subject(reader.doc, self.defn.jurisdiction, on, reader.source, self.defn.also_in)
            if doc is not reader.doc:
                reader = Reader(doc, reader.vocabulary, reader.source)
        subject = subject_of(reader.doc, reader.source)
        defn = self.defn
        if subject.kind is not None and subject.kind != defn.subject_kind:
            raise EvidenceError(
                [
                    Problem(
                        reader.source,
                        None,
                        "subject.kind",
                        say("evidence.for_another_subject_of", ref=defn.ref, expected=repr(defn.subject_kind), found=repr(subject.kind)),
                    )
                ]
            )
        criteria = self.explain(reader, self.context(on, subject.year), waived)
        verdict = Overall.of(all_of(mask(c.verdict for c in criteria)))
        reward = reward_for(defn.rewards, verdict, subject, reader, on, self.calculators)
        info = self._info
        if info is None:
            info = self._info = StandardInfo(defn.id, defn.version, defn.title, defn.content_hash, defn.document, defn.provider)
        # Each warning once (messages are compared by what they say).
        warnings = tuple(
            {str(w): w for w in warnings + resting_on(defn, criteria, reward, waivers=bool(waived), walk=not self._quiet)}.values()
        )
        return Result(info, verdict, on, subject, criteria, reward, warnings, dict(self.engine_info))

    def verdicts(self, evidence: dict[str, Any], on: dt.date) -> tuple[Decision, tuple[Verdict, ...]]:
        """The decision and every node's verdict (in :attr:`nodes` order), in one pass of the fast path.

        For statistics: nodes under an advisory group are reported as advisory, and
        nodes under a group that does not apply as not applicable (the explained
        result shows what they would be). Generated on first use.
        """
        decision, codes = self.codes(evidence, on)
        return decision, tuple(map(_VERDICT_OF_CODE.__getitem__, codes))

    def codes(self, evidence: dict[str, Any], on: dt.date) -> tuple[Decision, tuple[int, ...]]:
        """:meth:`verdicts` with every node's verdict as its integer code (``int(Verdict)``), for counting in bulk."""
        if self._every is None:
            self._every = generate(self, every=True)[1]
        return self._every(evidence, on)  # type: ignore[no-any-return]

    def assess(self, doc: dict[str, Any], on: dt.date, source: str = "<evidence>", every: bool = False) -> Assessment:
        """The fast decision and the reward it earns, for a checked evidence document."""
        # The same dict when nothing needed placing; a new one (never the caller's, changed) when it did.
        doc = cast("dict[str, Any]", place_subject(doc, self.defn.jurisdiction, on, source, self.defn.also_in))
        # With `every`, one pass gives both the decision and each criterion's verdict.
        decision, verdicts = self.verdicts(doc, on) if every else (self.decide(doc, on), ())
        subject = subject_of(doc, source)
        reward = reward_for(self.defn.rewards, decision.verdict, subject, Reader(doc, self.vocabulary, source), on, self.calculators)
        return Assessment(decision, reward, verdicts, subject)


def compile_standard(defn: StandardDef, toolkit: Toolkit) -> CompiledStandard:
    """Build every criterion's check and the fast path; raises :class:`StandardError` listing every problem."""
    return CompiledStandard(defn, build_tree(defn, toolkit), toolkit.vocabulary, toolkit.calculators)
