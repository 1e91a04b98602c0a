"""fivegood: certification standards as code.

The public API, all of it::

    from fivegood_core import Engine

    engine = Engine.from_entry_points()               # every installed plugin
    result = engine.evaluate("county.toml", "henan/five-guarantees", as_of=date(2014, 1, 1))
    result.verdict            # Overall.PASS / FAIL / INCOMPLETE
    result.find("premises").reason.en
    result.to_json()          # the stable JSON form (SPEC section 5)
    engine.decide(evidence_dict, "henan/five-guarantees")   # fast: verdict + failed ids

Plugins implement the hooks of :mod:`fivegood_core.hookspecs` with
:data:`hookimpl`.
"""

from .checks import BuildContext, Check, CheckKind, EvalContext, Group
from .engine import Engine
from .errors import EvidenceError, FivegoodError, PluginError, Problem, ResolutionError, StandardError
from .evidence import Subject, load_evidence
from .metrics import BoundMetric, Measured, Metric
from .model import CriterionDef, RewardScheme, StandardDef, Text
from .plugin import FolderPlugin, PackagePlugin, hookimpl
from .results import Assessment, CriterionResult, Decision, Outcome, Result, RewardResult, StandardInfo
from .rewards import RewardCalculator
from .schema import BuildError, Field
from .verdict import Overall, Verdict

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
    "Subject",
    "Text",
    "Verdict",
    "hookimpl",
    "load_evidence",
]
