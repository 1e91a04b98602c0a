"""The engine's own plugin: the built-in check kinds, metrics, reward calculator and vocabulary.

It is registered like any jurisdiction's plugin, through the hooks of
``hookspecs.py``, so that a plugin's kinds and metrics stand on the same
footing as these.
"""

from __future__ import annotations

from fivegood_core.hookspecs import StandardSource, hookimpl
from fivegood_core.kinds import groups as g
from fivegood_core.kinds import leaves as c
from fivegood_core.kinds.contract import CheckKind, Metric
from fivegood_core.kinds.metrics import BUILTIN_METRICS
from fivegood_core.kinds.rewards import FIXED, RewardCalculator
from fivegood_core.model.datafiles import beside
from fivegood_core.reading.schema import Field

KINDS = (
    CheckKind(
        "threshold",
        "A number read from an evidence key, or computed by a metric, compared with a value.",
        (
            Field("key", "key", False, "evidence key of a number"),
            Field("metric", "string", False, "metric name, instead of key"),
            Field("args", "table", False, "the metric's arguments"),
            Field("unit", "string", False, "count, amount, area, percent or number"),
        )
        + c.comparison_fields("the threshold"),
        c.build_threshold,
    ),
    CheckKind(
        "ratio",
        "numerator / denominator compared exactly with a fraction (0.2 for 20%).",
        (Field("numerator", "key", True, "evidence key"), Field("denominator", "key", True, "evidence key"))
        + c.comparison_fields("the threshold as a fraction: 0.2 for 20%"),
        c.build_ratio,
    ),
    CheckKind(
        "growth",
        "Compound annual growth over `years` of a year → value table, compared exactly in rationals.",
        (
            Field("table", "key", True, "evidence key of a year → value table"),
            Field("years", "integer", False, "years of growth (default 3)"),
        )
        + c.comparison_fields("the yearly rate as a fraction: 0.055 for 5.5%"),
        c.build_growth,
    ),
    CheckKind(
        "flag",
        "A yes/no evidence key that must be true (or false with `expect = false`).",
        (Field("key", "key", True, "evidence key of a flag"), Field("expect", "bool", False, "required value (default true)")),
        c.build_flag,
    ),
    CheckKind("attest", "An assessor's yes/no on a qualitative criterion, read from `attest.<criterion id>`.", (), c.build_attest),
    CheckKind(
        "rising_share",
        "The share of `parts` in `total` does not fall in any year of the last `years`, and ends higher than it started"
        " (with `strict = true`: rises from every year to the next).",
        (
            Field("parts", "keys", True, "year → value tables summed for the share"),
            Field("total", "key", True, "year → total table"),
            Field("years", "integer", True, "year-on-year steps to look back"),
            Field("strict", "bool", False, "true: the share must rise every year, a flat year fails (default false)"),
        ),
        c.build_rising_share,
    ),
    CheckKind(
        "coverage",
        "Every name in the `items` list appears in the `covered` list.",
        (Field("items", "key", True, "list key: what must be covered"), Field("covered", "key", True, "list key: what is covered")),
        c.build_coverage,
    ),
    CheckKind(
        "requires",
        "Another standard must pass: the version pinned with @VERSION, or the one in force on the as-of date"
        " (never one from before the requiring version took effect).",
        (
            Field("standard", "standard", True, 'standard id, e.g. "henan/five-guarantees"'),
            Field("parts", "strings", False, "only these top-level criteria of it are required and nested (default: all)"),
        ),
        c.build_requires,
    ),
    CheckKind("all", "Every child must hold (any fail fails; else any unknown is unknown).", (), g.build_group(g.AllOf), group=True),
    CheckKind("any", "One child suffices.", (), g.build_group(g.AnyOf), group=True),
    CheckKind(
        "fallback",
        "Alternative evidence in order of preference: the first child with evidence decides; a later one is consulted"
        " only when every earlier one has none (yearly totals decide; a reported rate stands in without them).",
        (),
        g.build_group(g.Fallback),
        group=True,
    ),
    CheckKind(
        "sources",
        "Alternative evidence of one fact: passes if a source with evidence passes, fails if every source with evidence fails.",
        (),
        g.build_group(g.Sources),
        group=True,
    ),
    CheckKind("at_least", "At least `n` children must hold.", (Field("n", "integer", True, "how many"),), g.build_at_least, group=True),
    CheckKind(
        "when",
        "Children apply only when a condition holds; otherwise not applicable.",
        (Field("when", "table", True, '{ key = "…", expect = false } or { key = "…", op = ">=", value = 1 }'),),
        g.build_when,
        group=True,
    ),
    CheckKind(
        "optional",
        "An optional provision: children apply when the `present` flag is true; false is not applicable.",
        (Field("present", "key", True, "flag key: is the provision taken up"),),
        g.build_optional,
        group=True,
    ),
    CheckKind(
        "advisory", "Guidance (一般应): children are evaluated and shown but never block.", (), g.build_group(g.Advisory), group=True
    ),
)


@hookimpl
def fivegood_check_kinds() -> list[CheckKind]:
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
    """The core evidence vocabulary (docs/vocabulary.md)."""
    return [beside(__file__, __package__ or "fivegood_core.catalogue", "vocabulary.toml")]
