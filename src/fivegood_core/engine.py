"""The engine: a catalogue of standards and an evaluator over it, behind one small API.

:class:`Engine` is what embedding programs use (``Engine.from_entry_points()``,
``engine.evaluate(…)``). It composes the two halves that do the work: the
:class:`~fivegood_core.catalogue.catalogue.Catalogue` (plugins, standards,
versions, ``validate``) and the
:class:`~fivegood_core.evaluation.evaluator.Evaluator` (``evaluate``,
``decide``, ``assess``).
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any, Iterable, Mapping

from fivegood_core.catalogue.catalogue import Catalogue
from fivegood_core.catalogue.manager import PluginInfo
from fivegood_core.errors import Problem
from fivegood_core.evaluation.compiled import CompiledStandard
from fivegood_core.evaluation.evaluator import Evaluator
from fivegood_core.evaluation.toolkit import Toolkit
from fivegood_core.kinds.contract import CheckKind, Metric
from fivegood_core.kinds.rewards import RewardCalculator
from fivegood_core.model.definitions import StandardDef, Text
from fivegood_core.model.results import Assessment, Decision, Result
from fivegood_core.model.vocabulary import Vocabulary
from fivegood_core.words.catalogue import Said


class Engine:
    """Standards from plugins, ready to evaluate. Create with :meth:`from_entry_points` or :meth:`from_plugins`."""

    def __init__(
        self,
        plugins: Iterable[Any] = (),
        *,
        entry_points: bool = True,
        strict: bool = True,
        only: Iterable[str] | None = None,
        trace: Any = None,
    ) -> None:
        self.catalogue = Catalogue(plugins, entry_points=entry_points, strict=strict, only=only, trace=trace)
        self.evaluator = Evaluator(self.catalogue.toolkit.vocabulary, self.catalogue.get)

    @classmethod
    def from_entry_points(cls, *, strict: bool = False, only: Iterable[str] | None = None, trace: Any = None) -> "Engine":
        """Every installed plugin of the ``fivegood`` entry-point group (or those named in ``only``).

        Not strict by default: a broken plugin or standard is listed in
        :attr:`errors` and the rest still load. ``trace`` receives every hook
        call (``sys.stderr.write``).
        """
        return cls(entry_points=True, strict=strict, only=only, trace=trace)

    @classmethod
    def from_plugins(cls, plugins: Iterable[Any], *, entry_points: bool = False, strict: bool = True) -> "Engine":
        """Exactly the given plugins (modules or objects with hook implementations), plus the built-ins."""
        return cls(plugins, entry_points=entry_points, strict=strict)

    # --- the catalogue -----------------------------------------------------------------------

    @property
    def toolkit(self) -> Toolkit:
        """The check kinds, metrics, reward calculators and vocabulary the plugins provide."""
        return self.catalogue.toolkit

    @property
    def kinds(self) -> Mapping[str, CheckKind]:
        """Check kinds by name."""
        return self.toolkit.kinds

    @property
    def metrics(self) -> Mapping[str, Metric]:
        """Metrics by name."""
        return self.toolkit.metrics

    @property
    def calculators(self) -> Mapping[str, RewardCalculator]:
        """Reward calculators by name."""
        return self.toolkit.calculators

    @property
    def vocabulary(self) -> Vocabulary:
        """Every evidence key the plugins define."""
        return self.toolkit.vocabulary

    @property
    def plugins(self) -> tuple[PluginInfo, ...]:
        """Every registered plugin, with its version and hooks."""
        return self.catalogue.plugins

    @property
    def errors(self) -> tuple[str, ...]:
        """Every problem met while loading, one line each, naming the plugin it came from."""
        return self.catalogue.errors

    @property
    def error_messages(self) -> tuple[Said, ...]:
        """The same problems as :attr:`errors`, as messages that render in English or Chinese (``m.render("zh")``)."""
        return self.catalogue.error_messages

    @property
    def case_files(self) -> tuple[str, ...]:
        """Example-case files (``*.cases.toml``) found among the standard sources."""
        return self.catalogue.case_files

    @property
    def engine_info(self) -> Mapping[str, str]:
        """The engine's and plugins' versions, recorded in every result."""
        return self.catalogue.engine_info

    def standards(self) -> list[StandardDef]:
        """Every loaded standard version, by id then effective date."""
        return self.catalogue.standards()

    def get(self, ref: str, as_of: dt.date | None = None) -> CompiledStandard:
        """The version ``ID@VERSION`` names, or the version of ``ID`` in force on ``as_of`` (default today)."""
        return self.catalogue.get(ref, as_of)

    def validate(self, paths: Iterable[str | os.PathLike[str]]) -> list[Problem]:
        """Every problem of the given standard files, as the engine would find them; nothing is registered."""
        return self.catalogue.validate(paths)

    # --- evaluation --------------------------------------------------------------------------

    def evaluate(
        self,
        evidence: Any,
        standard: "str | CompiledStandard",
        as_of: dt.date | None = None,
        *,
        waive: Mapping[str, "str | Text"] | None = None,
    ) -> Result:
        """Evaluate evidence (a table, or a file path) and explain every criterion; see :meth:`Evaluator.evaluate`.

        ``waive`` maps criterion ids to the waiver's reason: those criteria are ``waived``, never passed.
        """
        return self.evaluator.evaluate(evidence, standard, as_of, waive=waive)

    def decide(self, evidence: Mapping[str, Any], standard: "str | CompiledStandard", as_of: dt.date | None = None) -> Decision:
        """The verdict and the decisive failed and unknown checks: the fast path; see :meth:`Evaluator.decide`."""
        return self.evaluator.decide(evidence, standard, as_of)

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
        """The fast verdict and the reward it earns; see :meth:`Evaluator.assess`."""
        return self.evaluator.assess(evidence, standard, as_of, source=source, line=line, every=every)
