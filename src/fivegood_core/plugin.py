"""Finding plugins and collecting what they provide, one plugin at a time so one broken plugin cannot hide the others."""

from __future__ import annotations

import importlib.metadata
from importlib.resources import files
from typing import Any, Iterable, TypeVar

import attrs
import pluggy

from . import hookspecs

hookimpl = pluggy.HookimplMarker(hookspecs.PROJECT)
"""Marker for plugin functions implementing a hook of :mod:`fivegood_core.hookspecs`."""

ENTRY_POINT_GROUP = "fivegood"

T = TypeVar("T")


@attrs.frozen
class PluginInfo:
    """One registered plugin: its name, its distribution and version, and the hooks it implements."""

    name: str
    version: str | None
    distribution: str | None
    hooks: tuple[str, ...]


class PackagePlugin:
    """A jurisdiction packaged the usual way: ``standards/`` (and optionally ``vocabulary.toml``) inside a package.

    A jurisdiction's package needs no code beyond::

        plugin = PackagePlugin(__name__)

    and an entry point ``name = "package:plugin"`` in the ``fivegood`` group.
    Package resources are found from an installed wheel as from a checkout.
    """

    def __init__(self, package: str) -> None:
        self.package = package

    def __repr__(self) -> str:
        return f"PackagePlugin({self.package!r})"

    @hookimpl
    def fivegood_standard_sources(self) -> list[Any]:
        """The package's ``standards`` folder."""
        return [files(self.package) / "standards"]

    @hookimpl
    def fivegood_vocabulary(self) -> list[Any]:
        """The package's ``vocabulary.toml``, if it has one."""
        vocabulary = files(self.package) / "vocabulary.toml"
        return [vocabulary] if vocabulary.is_file() else []

    @hookimpl
    def fivegood_programme_sources(self) -> list[Any]:
        """The package's ``programmes`` folder (certification programmes for the register), if it has one."""
        programmes = files(self.package) / "programmes"
        return [programmes] if programmes.is_dir() else []


class FolderPlugin:
    """A plugin providing the standard files of one folder: for embedding programs and tests, without packaging."""

    def __init__(self, folder: Any, name: str | None = None) -> None:
        self.folder = folder
        self.__name__ = name or f"folder:{folder}"

    def __repr__(self) -> str:
        return f"FolderPlugin({str(self.folder)!r})"

    @hookimpl
    def fivegood_standard_sources(self) -> list[Any]:
        """The folder itself."""
        return [self.folder]


def make_manager(plugins: Iterable[Any] = (), entry_points: bool = True, only: Iterable[str] | None = None,
                 trace: Any = None) -> tuple[pluggy.PluginManager, list[str], dict[str, tuple[str | None, str | None]]]:
    """A plugin manager with the built-ins, the given plugins and (optionally) the entry points.

    ``only`` limits the entry points loaded to those names; ``trace`` is a
    writer (``sys.stderr.write``) told of every plugin registered.
    Returns the manager, the errors met loading entry points (one line each,
    naming the plugin), and each plugin's distribution name and version.
    """
    from . import builtins

    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    wanted = set(only) if only is not None else None
    dists: dict[str, tuple[str | None, str | None]] = {}
    errors: list[str] = []
    pm.register(builtins, name="fivegood_core")
    dists["fivegood_core"] = ("fivegood", _version("fivegood"))
    for plugin in plugins:
        name = getattr(plugin, "__name__", None) or type(plugin).__name__
        if pm.is_registered(plugin) or pm.has_plugin(name):
            continue
        pm.register(plugin, name=name)
        dists[name] = (None, None)
        if trace is not None:
            trace(f"fivegood: registered plugin {name!r} ({plugin!r})\n")
    if entry_points:
        for ep in sorted(importlib.metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
            if pm.has_plugin(ep.name) or (wanted is not None and ep.name not in wanted):
                continue
            try:
                plugin = ep.load()
                pm.register(plugin, name=ep.name)
                if trace is not None:
                    trace(f"fivegood: registered plugin {ep.name!r} from entry point {ep.value}\n")
            except Exception as exc:  # a broken plugin must not take the others down
                errors.append(f"plugin {ep.name!r} ({ep.value}) failed to load: {type(exc).__name__}: {exc}")
                continue
            dist = ep.dist.name if ep.dist else None
            dists[ep.name] = (dist, ep.dist.version if ep.dist else None)
    pm.check_pending()
    return pm, errors, dists


def _version(dist: str) -> str | None:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return None


def collect(pm: pluggy.PluginManager, hook: str, errors: list[str], trace: Any = None) -> list[tuple[str, Any]]:
    """Call ``hook`` on every plugin separately; returns (plugin name, item) pairs.

    A plugin whose hook raises or returns something other than a list is
    reported in ``errors`` and skipped; the other plugins still count.
    ``trace`` (a writer) is told of every call and what it returned.
    """
    out: list[tuple[str, Any]] = []
    caller: pluggy.HookCaller = getattr(pm.hook, hook)
    for impl in caller.get_hookimpls():  # registration order
        try:
            items = impl.function()
        except Exception as exc:
            errors.append(f"plugin {impl.plugin_name!r}: hook {hook} raised {type(exc).__name__}: {exc}")
            continue
        if trace is not None:
            trace(f"fivegood: {impl.plugin_name}.{hook}() -> {items!r}\n")
        if items is None:
            continue
        if not isinstance(items, (list, tuple)):
            errors.append(f"plugin {impl.plugin_name!r}: hook {hook} returned {type(items).__name__}, expected a list")
            continue
        out.extend((impl.plugin_name, item) for item in items)
    return out


def plugin_infos(pm: pluggy.PluginManager, dists: dict[str, tuple[str | None, str | None]]) -> list[PluginInfo]:
    """What each registered plugin is and which hooks it implements."""
    infos = []
    for name, plugin in pm.list_name_plugin():
        hooks = tuple(sorted(h.name for h in pm.get_hookcallers(plugin) or ()))
        dist, version = dists.get(name, (None, None))
        infos.append(PluginInfo(name, version, dist, hooks))
    return infos
