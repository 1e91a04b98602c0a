"""fivegood: certification standards as code.

The public API, all of it::

    from fivegood_core import Engine

    engine = Engine.from_entry_points()               # every installed plugin
    result = engine.evaluate("county.toml", "henan/five-guarantees", as_of=date(2014, 1, 1))
    result.verdict            # Overall.PASS / FAIL / INCOMPLETE
    result.find("premises").reason.en
    result.to_json()          # the stable JSON form (docs/results.md)
    engine.decide(evidence_dict, "henan/five-guarantees")   # fast: verdict + failed ids

Plugins implement the hooks of :mod:`fivegood_core.hookspecs` with
:data:`hookimpl`.
"""

from typing import TYPE_CHECKING

from fivegood_core.catalogue.packaged import FolderPlugin, PackagePlugin
from fivegood_core.engine import Engine
from fivegood_core.errors import EvidenceError, FivegoodError, PluginError, Problem, ResolutionError, StandardError
from fivegood_core.evidence.document import load_evidence
from fivegood_core.hookspecs import hookimpl
from fivegood_core.kinds.contract import BoundMetric, BuildContext, Check, CheckKind, EvalContext, Group, Measured, Metric
from fivegood_core.kinds.rewards import RewardCalculator
from fivegood_core.model.definitions import CriterionDef, RewardScheme, StandardDef, Text
from fivegood_core.model.refs import StandardRef
from fivegood_core.model.results import Assessment, CriterionResult, Decision, Outcome, Result, RewardResult, StandardInfo
from fivegood_core.model.subject import Subject
from fivegood_core.model.verdict import Overall, Verdict
from fivegood_core.reading.schema import BuildError, Field

if TYPE_CHECKING:
    from fivegood_core.version import __version__

__all__ = [
    "Assessment",
    "BoundMetric",
    "BuildContext",
    "BuildError",
    "Check",
    "CheckKind",
    "CriterionDef",
    "CriterionResult",
    "Decision",
    "Engine",
    "EvalContext",
    "EvidenceError",
    "Field",
    "FolderPlugin",
    "FivegoodError",
    "Group",
    "Measured",
    "Metric",
    "Outcome",
    "Overall",
    "PackagePlugin",
    "PluginError",
    "Problem",
    "ResolutionError",
    "Result",
    "RewardCalculator",
    "RewardResult",
    "RewardScheme",
    "StandardDef",
    "StandardError",
    "StandardInfo",
    "StandardRef",
    "Subject",
    "Text",
    "Verdict",
    "hookimpl",
    "load_evidence",
    "__version__",
]


def __getattr__(name: str) -> str:
    # The version is read from the installed metadata only when asked for (fivegood_core.version).
    if name == "__version__":
        from fivegood_core.version import installed_version

        return installed_version()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
