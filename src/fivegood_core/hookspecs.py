"""The plugin contract: every way a plugin can extend fivegood, one documented hook each.

A plugin is any module or object with functions marked ``@fivegood_core.hookimpl``
and named like the hooks below. It reaches the engine through the ``fivegood``
entry-point group::

    # pyproject.toml of a jurisdiction's package
    [project.entry-points.fivegood]
    xinzheng = "fivegood_xinzheng:plugin"

where ``plugin = PackagePlugin(__name__)`` serves the package's ``standards/``
folder and ``vocabulary.toml`` (``fivegood new-plugin`` writes all of this);
or, in an embedding program, explicitly: ``Engine.from_plugins([plugin])``.
The engine's own check kinds, metrics and reward calculators are provided by
``fivegood_core.catalogue.builtins`` through these same hooks.

Each hook is called once, when an engine is created, and returns a list: every
plugin's lists are concatenated. Hooks take no arguments, so that a plugin is
declarative and an engine's contents are fixed once it exists.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Union

import pluggy

if TYPE_CHECKING:
    import os
    from importlib.resources.abc import Traversable

    from fivegood_core.kinds.contract import CheckKind, Metric
    from fivegood_core.kinds.rewards import RewardCalculator

PROJECT = "fivegood"

hookspec = pluggy.HookspecMarker(PROJECT)

hookimpl = pluggy.HookimplMarker(PROJECT)
"""Marker for plugin functions implementing a hook of this module (exported as ``fivegood_core.hookimpl``)."""

#: A place standards come from: a TOML file, or a directory searched for ``*.toml``.
StandardSource = Union["os.PathLike[str]", "Traversable", str]


@hookspec
def fivegood_standard_sources() -> list[StandardSource]:
    """Return TOML files or directories of TOML files that define standards.

    Directories are searched recursively for ``*.toml``. Return package
    resources (``importlib.resources.files(__package__) / "standards"``) so the
    files are found from an installed wheel as well as from a checkout.

    Example::

        @hookimpl
        def fivegood_standard_sources():
            return [importlib.resources.files(__package__) / "standards"]
    """
    raise NotImplementedError


@hookspec
def fivegood_programme_sources() -> list[StandardSource]:
    """Return TOML files or directories of TOML files that define certification programmes.

    A programme (``[programme]``, ``[nomination]``, ``[target]``, ``[reward]``)
    says who takes part in a standard, who nominates them, by when, and what a
    decision earns; the register (``fivegood register``) runs it. Directories
    are searched recursively for ``*.toml``. The format is described in
    ``docs/register.md``; :class:`~fivegood_core.plugin.PackagePlugin` serves a
    package's ``programmes/`` folder.

    Example::

        @hookimpl
        def fivegood_programme_sources():
            return [importlib.resources.files(__package__) / "programmes"]
    """
    raise NotImplementedError


@hookspec
def fivegood_vocabulary() -> list[StandardSource]:
    """Return TOML files adding evidence keys to the vocabulary.

    The format is that of ``fivegood_core/vocabulary.toml``: one
    ``[keys."section.name"]`` table per key with ``type``, ``label`` and
    ``meaning``. A key another plugin defines with a different type is an
    error. Standards may read only keys of the vocabulary.

    Example::

        @hookimpl
        def fivegood_vocabulary():
            return [importlib.resources.files(__package__) / "vocabulary.toml"]
    """
    raise NotImplementedError


@hookspec
def fivegood_check_kinds() -> list[CheckKind]:
    """Return :class:`~fivegood_core.CheckKind` objects: new ``kind = "…"`` values.

    A kind declares its TOML fields (so unknown keys are still rejected) and a
    ``build(params, context)`` that returns a
    :class:`~fivegood_core.Check` (a leaf) or a
    :class:`~fivegood_core.Group` (``group=True``: it has children).
    Two plugins defining the same kind name is an error.

    When fields do not make sense together, ``build`` raises
    ``BuildError(field, message)``. The engine's own kinds give a message of
    the catalogue (``say(code, **params)``, in ``fivegood_core.words.catalogue``),
    which reads in English or Chinese; a plugin may give a plain string, which
    reads the same in both languages.

    Example::

        @hookimpl
        def fivegood_check_kinds():
            return [CheckKind("member_quota", "…", fields=(Field("key", "key", True),),
                              build=build_member_quota)]
    """
    raise NotImplementedError


@hookspec
def fivegood_metrics() -> list[Metric]:
    """Return :class:`~fivegood_core.Metric` objects: values a threshold can compare.

    A criterion uses a metric with ``kind = "threshold"``, ``metric = "name"``
    and ``args = {…}``. A metric computes exactly (int, Decimal, Fraction).

    Example::

        @hookimpl
        def fivegood_metrics():
            return [Metric("members_per_staff", "…", {"members": "key", "staff": "key"}, bind)]
    """
    raise NotImplementedError


@hookspec
def fivegood_reward_calculators() -> list[RewardCalculator]:
    """Return :class:`~fivegood_core.RewardCalculator` objects.

    A reward scheme in a standard names its calculator (``calculator =
    "fixed"`` by default, which pays ``amount``). A jurisdiction whose reward
    depends on the evidence (tiers, per-member amounts, caps) registers a
    calculator and names it; the calculator is called only for a subject that
    passed, and returns an exact ``Decimal`` of yuan.

    Example::

        @hookimpl
        def fivegood_reward_calculators():
            return [RewardCalculator("per_member", "…", per_member)]
    """
    raise NotImplementedError
