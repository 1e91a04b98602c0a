"""Finding plugins and collecting what they provide, one plugin at a time so one broken plugin cannot hide the others."""

from __future__ import annotations

from typing import Any, Iterable, TypeVar

import attrs
import pluggy

from fivegood_core import hookspecs
from fivegood_core.catalogue import builtins
from fivegood_core.words.catalogue import Said, say

ENTRY_POINT_GROUP = "fivegood"

T = TypeVar("T")


@attrs.frozen
class PluginInfo:
    """One registered plugin: its name, its distribution and version, and the hooks it implements."""

    name: str
    version: str | None
    distribution: str | None
    hooks: tuple[str, ...]


def make_manager(
    plugins: Iterable[Any] = (), entry_points: bool = True, only: Iterable[str] | None = None, trace: Any = None
) -> tuple[pluggy.PluginManager, list[Said], dict[str, tuple[str | None, str | None]]]:
    """A plugin manager with the built-ins, the given plugins and (optionally) the entry points.

    ``only`` limits the entry points loaded to those names; ``trace`` is a
    writer (``sys.stderr.write``) told of every plugin registered.
    Returns the manager, the errors met loading entry points (one message
    each, naming the plugin), and each plugin's distribution name and version.
    """
    import importlib.metadata  # here, not at the top: importing this module need not read installed metadata

    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    wanted = set(only) if only is not None else None
    dists: dict[str, tuple[str | None, str | None]] = {}
    errors: list[Said] = []
    pm.register(builtins, name="fivegood_core")
    # Each distribution's metadata is parsed once (fivegood's own plugins share its distribution).
    known: dict[Any, tuple[str, str]] = {}
    dists["fivegood_core"] = ("fivegood", _version("fivegood", known))
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
                errors.append(say("plugin.failed_to_load", name=repr(ep.name), value=ep.value, error=f"{type(exc).__name__}: {exc}"))
                continue
            dists[ep.name] = _name_and_version(ep.dist, known) if ep.dist else (None, None)
        if wanted is not None:
            found = {ep.name for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)}
            for name in sorted(wanted - found):
                errors.append(say("plugin.not_installed", name=repr(name), installed=", ".join(sorted(found)) or "-"))
    pm.check_pending()
    return pm, errors, dists


def _name_and_version(dist: Any, known: dict[Any, tuple[str, str]]) -> tuple[str, str]:
    """A distribution's name and version, its metadata parsed once per folder (``known`` remembers them)."""
    where = getattr(dist, "_path", None)  # the dist-info folder, when importlib.metadata says (it does for files)
    found = known.get(where) if where is not None else None
    if found is None:
        metadata = dist.metadata
        found = (metadata["Name"], metadata["Version"])
        if where is not None:
            known[where] = found
    return found


def _version(dist: str, known: dict[Any, tuple[str, str]] | None = None) -> str | None:
    import importlib.metadata

    try:
        found = importlib.metadata.distribution(dist)
    except importlib.metadata.PackageNotFoundError:
        return None
    return _name_and_version(found, {} if known is None else known)[1]


#: pluggy's ordering and wrapping options. fivegood's hooks return declarative lists
#: that are concatenated, and each plugin is called on its own so that one broken
#: plugin cannot hide the others: an option that orders or wraps calls would be
#: silently meaningless, so it is refused instead.
REFUSED_OPTIONS = ("tryfirst", "trylast", "wrapper", "hookwrapper")


def collect(pm: pluggy.PluginManager, hook: str, errors: list[Said], trace: Any = None) -> list[tuple[str, Any]]:
    """Call ``hook`` through pluggy on every plugin separately; returns (plugin name, item) pairs.

    Each plugin's implementation is called through a pluggy subset caller, so
    hook-call monitoring (``pm.add_hookcall_monitoring``) and tracing see every
    call. A plugin whose hook raises, returns something other than a list, or
    is marked with one of :data:`REFUSED_OPTIONS` is reported in ``errors`` and
    skipped; the other plugins still count.
    """
    out: list[tuple[str, Any]] = []
    caller: pluggy.HookCaller = getattr(pm.hook, hook)
    plugins = dict(pm.list_name_plugin())
    for impl in caller.get_hookimpls():  # registration order (pluggy calls them in reverse)
        options = [o for o in REFUSED_OPTIONS if getattr(impl, o, False)]
        if options:
            errors.append(say("plugin.option_refused", name=repr(impl.plugin_name), hook=hook, options=", ".join(options)))
            continue
        others = [p for name, p in plugins.items() if name != impl.plugin_name]
        try:
            returned = pm.subset_hook_caller(hook, remove_plugins=others)()
        except Exception as exc:
            errors.append(say("plugin.hook_raised", name=repr(impl.plugin_name), hook=hook, error=f"{type(exc).__name__}: {exc}"))
            continue
        items = returned[0] if returned else None
        if trace is not None:
            trace(f"fivegood: {impl.plugin_name}.{hook}() -> {items!r}\n")
        if items is None:
            continue
        if not isinstance(items, (list, tuple)):
            errors.append(say("plugin.hook_returned", name=repr(impl.plugin_name), hook=hook, got=type(items).__name__))
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
