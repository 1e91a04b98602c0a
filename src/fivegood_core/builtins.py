"""The engine's own plugin: the built-in check kinds, metrics, reward calculator and vocabulary.

It is registered like any jurisdiction's plugin, through the hooks of
``hookspecs.py``, so that a plugin's kinds and metrics stand on the same
footing as these.
"""

from __future__ import annotations

from importlib.resources import files

from . import checks as c
from .hookspecs import StandardSource
from .metrics import BUILTIN_METRICS, Metric
from .plugin import hookimpl
from .rewards import FIXED, RewardCalculator
from .schema import Field

KINDS = (
    c.CheckKind(
        "threshold", "A number read from an evidence key, or computed by a metric, compared with a value.",
        (Field("key", "key", False, "evidence key of a number"), Field("metric", "string", False, "metric name, instead of key"),
         Field("args", "table", False, "the metric's arguments"), Field("unit", "string", False, "count, amount, area, percent or number"))
        + c.comparison_fields("the threshold"),
        c.build_threshold),
    c.CheckKind(
        "ratio", "numerator / denominator compared exactly with a fraction (0.2 for 20%).",
        (Field("numerator", "key", True, "evidence key"), Field("denominator", "key", True, "evidence key"))
        + c.comparison_fields("the threshold as a fraction: 0.2 for 20%"),
        c.build_ratio),
    c.CheckKind(
        "growth", "Compound annual growth over `years` of a year → value table, compared exactly in rationals.",
        (Field("table", "key", True, "evidence key of a year → value table"), Field("years", "integer", False, "years of growth (default 3)"))
        + c.comparison_fields("the yearly rate as a fraction: 0.055 for 5.5%"),
        c.build_growth),
    c.CheckKind("flag", "A yes/no evidence key that must be true (or false with `expect = false`).",
                (Field("key", "key", True, "evidence key of a flag"), Field("expect", "bool", False, "required value (default true)")),
                c.build_flag),
    c.CheckKind("attest", "An assessor's yes/no on a qualitative criterion, read from `attest.<criterion id>`.", (), c.build_attest),
    c.CheckKind(
        "rising_share", "The share of `parts` in `total` does not fall in any year of the last `years`, and ends higher than it started.",
        (Field("parts", "keys", True, "year → value tables summed for the share"), Field("total", "key", True, "year → total table"),
         Field("years", "integer", True, "year-on-year steps to look back")),
        c.build_rising_share),
    c.CheckKind("coverage", "Every name in the `items` list appears in the `covered` list.",
                (Field("items", "key", True, "list key: what must be covered"), Field("covered", "key", True, "list key: what is covered")),
                c.build_coverage),
    c.CheckKind("requires", "Another standard must pass, resolved by id at the same as-of date (or pinned with @VERSION).",
                (Field("standard", "standard", True, 'standard id, e.g. "henan/five-guarantees"'),), c.build_requires),
    c.CheckKind("all", "Every child must hold (any fail fails; else any unknown is unknown).", (), c.build_group(c.AllOf), group=True),
    c.CheckKind("any", "One child suffices.", (), c.build_group(c.AnyOf), group=True),
    c.CheckKind("sources", "Alternative evidence of one fact: passes if a source with evidence passes, fails if every source with evidence fails.",
                (), c.build_group(c.Sources), group=True),
    c.CheckKind("at_least", "At least `n` children must hold.", (Field("n", "integer", True, "how many"),), c.build_at_least, group=True),
    c.CheckKind("when", "Children apply only when a condition holds; otherwise not applicable.",
                (Field("when", "table", True, '{ key = "…", expect = false } or { key = "…", op = ">=", value = 1 }'),), c.build_when, group=True),
    c.CheckKind("optional", "An optional provision: children apply when the `present` flag is true; false is not applicable.",
                (Field("present", "key", True, "flag key: is the provision taken up"),), c.build_optional, group=True),
    c.CheckKind("advisory", "Guidance (一般应): children are evaluated and shown but never block.", (), c.build_group(c.Advisory), group=True),
)


@hookimpl
def fivegood_check_kinds() -> list[c.CheckKind]:
    """The built-in check kinds."""
    return list(KINDS)


@hookimpl
def fivegood_metrics() -> list[Metric]:
    """The built-in metrics: ratio and growth."""
    return list(BUILTIN_METRICS)


@hookimpl
def fivegood_reward_calculators() -> list[RewardCalculator]:
    """The fixed-amount calculator."""
    return [FIXED]


@hookimpl
def fivegood_vocabulary() -> list[StandardSource]:
    """The SPEC section 4 vocabulary."""
    return [files(__package__) / "vocabulary.toml"]
