"""Evaluating evidence: explained results, fast decisions, and assessments with rewards.

An :class:`Evaluator` is a pure function of the evidence, the standard and the
as-of date. It resolves standard references through a callable (the
catalogue's lookup), so it knows nothing of plugins.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any, Callable, Mapping

from fivegood_core.errors import EvidenceError, Problem
from fivegood_core.evaluation.compiled import CompiledStandard
from fivegood_core.evidence.document import check_document, load_evidence
from fivegood_core.evidence.reader import Reader
from fivegood_core.model.dates import as_of_or_today
from fivegood_core.model.definitions import Text
from fivegood_core.model.results import Assessment, Decision, Result
from fivegood_core.model.vocabulary import Vocabulary
from fivegood_core.words.catalogue import Message, say, shown

Resolve = Callable[[str, "dt.date | None"], CompiledStandard]


class Evaluator:
    """Evidence in, results out, for standards found by ``resolve`` and evidence checked against ``vocabulary``."""

    def __init__(self, vocabulary: Vocabulary, resolve: Resolve) -> None:
        self.vocabulary = vocabulary
        self.resolve = resolve

    def _standard(self, standard: "str | CompiledStandard", on: dt.date) -> CompiledStandard:
        return self.resolve(standard, on) if isinstance(standard, str) else standard

    def _document(self, evidence: Any, source: str | None = None) -> tuple[dict[str, Any], str, tuple[Message, ...]]:
        if isinstance(evidence, (str, os.PathLike)):
            source = "<stdin>" if str(evidence) == "-" else str(evidence)
            doc = load_evidence(evidence)
        else:
            source = source or "<evidence>"
            doc = evidence
        doc, warnings = check_document(doc, self.vocabulary, source)
        return doc, source, warnings

    def evaluate(
        self,
        evidence: Any,
        standard: "str | CompiledStandard",
        as_of: dt.date | None = None,
        *,
        waive: Mapping[str, "str | Text"] | None = None,
    ) -> Result:
        """Evaluate evidence (a table, or a ``.toml``/``.json`` file path) and explain every criterion.

        ``waive`` (criterion id → the waiver's reason) sets criteria aside for
        this subject: they are ``waived``, never passed (see
        :meth:`CompiledStandard.evaluate`). :meth:`decide` takes no waivers.

        Raises :class:`~fivegood_core.errors.EvidenceError` for malformed
        evidence and :class:`~fivegood_core.errors.ResolutionError` for a
        standard that cannot be resolved.
        """
        on = as_of_or_today(as_of)
        compiled = self._standard(standard, on)
        doc, source, warnings = self._document(evidence)
        try:
            return compiled.evaluate(Reader(doc, self.vocabulary, source), on, warnings, waive=waive)
        except EvidenceError as exc:
            raise exc.located(source) from None

    def decide(self, evidence: Mapping[str, Any], standard: "str | CompiledStandard", as_of: dt.date | None = None) -> Decision:
        """The verdict and the decisive failed and unknown checks, without explanations: the fast path.

        ``evidence`` must be a nested table (as TOML or JSON load). Types of the
        values read are checked as in :meth:`evaluate`; unknown keys are not
        looked for.
        """
        on = as_of_or_today(as_of)
        compiled = standard if standard.__class__ is CompiledStandard else self._standard(standard, on)
        if evidence.__class__ is not dict:
            raise EvidenceError([Problem(None, None, None, say("evidence.expected_table_of_evidence", got=shown(evidence)))])
        return compiled.decide(evidence, on)

    def assess(
        self,
        evidence: Any,
        standard: "str | CompiledStandard",
        as_of: dt.date | None = None,
        *,
        source: str | None = None,
        line: int | None = None,
        every: bool = False,
    ) -> Assessment:
        """The fast verdict and the reward it earns, for evidence given as in :meth:`evaluate`.

        Unlike :meth:`decide`, the evidence is checked in full (unknown keys are
        ignored, bad values are errors), as batch input should be. ``source``
        and ``line`` say where the evidence came from, for error messages;
        ``every`` adds every criterion's verdict (for statistics).
        """
        on = as_of_or_today(as_of)
        compiled = self._standard(standard, on)
        try:
            doc, source, _ = self._document(evidence, source)
            return compiled.assess(doc, on, source, every)
        except EvidenceError as exc:
            raise exc.located(source or "<evidence>", line) from None
