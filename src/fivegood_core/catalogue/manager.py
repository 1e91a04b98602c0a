"""Finding plugins and collecting what they provide, one plugin at a time so one broken plugin cannot hide the others."""

from __future__ import annotations

import functools
import importlib
import os
import re
import sys
from typing import Any, Iterable

import attrs
import pluggy

from fivegood_core import hookspecs
from fivegood_core.catalogue import builtins
from fivegood_core.reading.cache import entry_path, load, store
from fivegood_core.words.catalogue import Said, say

ENTRY_POINT_GROUP = "fivegood"


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
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    wanted = set(only) if only is not None else None
    dists: dict[str, tuple[str | None, str | None]] = {}
    errors: list[Said] = []
    pm.register(builtins, name="fivegood_core")
    own, installed = discover()
    dists["fivegood_core"] = ("fivegood", own)
    for plugin in plugins:
        name = getattr(plugin, "__name__", None) or type(plugin).__name__
        if pm.is_registered(plugin) or pm.has_plugin(name):
            continue
        pm.register(plugin, name=name)
        dists[name] = (None, None)
        if trace is not None:
            trace(f"fivegood: registered plugin {name!r} ({plugin!r})\n")
    if entry_points:
        for ep_name, value, dist, version in sorted(installed, key=lambda e: e[0]):  # by name, as found for ties
            if pm.has_plugin(ep_name) or (wanted is not None and ep_name not in wanted):
                continue
            try:
                plugin = load_entry_point(value)
                pm.register(plugin, name=ep_name)
                if trace is not None:
                    trace(f"fivegood: registered plugin {ep_name!r} from entry point {value}\n")
            except Exception as exc:  # a broken plugin must not take the others down
                errors.append(say("plugin.failed_to_load", name=repr(ep_name), value=value, error=f"{type(exc).__name__}: {exc}"))
                continue
            dists[ep_name] = (dist, version)
        if wanted is not None:
            found = {ep[0] for ep in installed}
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


#: An entry point's value, ``module:attr.attr [extras]``: :attr:`importlib.metadata.EntryPoint.pattern`.
_ENTRY_POINT = re.compile(r"(?P<module>[\w.]+)\s*(:\s*(?P<attr>[\w.]+)\s*)?((?P<extras>\[.*\])\s*)?$")

#: One installed ``fivegood`` entry point: its name and value, its distribution's name and version.
Installed = tuple[str, str, "str | None", "str | None"]


def load_entry_point(value: str) -> Any:
    """What an entry point's value names, as :meth:`importlib.metadata.EntryPoint.load` finds it."""
    match: Any = _ENTRY_POINT.match(value)  # None for a malformed value: .group raises, as EntryPoint.load does
    module = importlib.import_module(match.group("module"))
    names = filter(None, (match.group("attr") or "").split("."))
    return functools.reduce(getattr, names, module)


def _discover_uncached() -> tuple[str | None, list[Installed]]:
    import importlib.metadata

    known: dict[Any, tuple[str, str]] = {}  # each distribution's metadata parsed once
    try:
        own: str | None = _name_and_version(importlib.metadata.distribution("fivegood"), known)[1]
    except importlib.metadata.PackageNotFoundError:
        own = None
    installed: list[Installed] = []
    for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        dist, version = _name_and_version(ep.dist, known) if ep.dist else (None, None)
        installed.append((ep.name, ep.value, dist, version))
    return own, installed


def _path_stamp() -> bytes | None:
    """Everything :mod:`importlib.metadata` reads to find distributions on ``sys.path``, as modification times.

    Each path entry, and in each folder every ``*.dist-info`` and ``*.egg-info``
    with its entry points and metadata files: installing, removing or editing a
    distribution changes the stamp. None when a finder other than the path
    finder may provide distributions (then nothing is cached).
    """
    import importlib.machinery

    for finder in sys.meta_path:
        if getattr(finder, "find_distributions", None) is None or finder is importlib.machinery.PathFinder:
            continue
        if type(finder).__module__ == "importlib_metadata" and type(finder).__name__ == "MetadataPathFinder":
            continue  # the importlib_metadata backport, once imported, reads the same folders in the stdlib's place
        return None
    parts = [sys.version, ENTRY_POINT_GROUP]
    for entry in sys.path:
        where = entry or "."
        try:
            st = os.stat(where)
        except OSError:
            parts.append(f"{entry}\0-")
            continue
        parts.append(f"{entry}\0{st.st_mtime_ns}\0{st.st_size}")
        if not os.path.isdir(where):
            continue
        try:
            names = sorted(os.listdir(where))
        except OSError:  # a folder gone or unreadable since: importlib.metadata finds nothing in it either
            parts.append(f"{entry}\0unlisted")
            continue
        for name in names:
            if not name.endswith((".dist-info", ".egg-info")):
                continue
            for inner in ("", "entry_points.txt", "METADATA", "PKG-INFO"):
                try:
                    st = os.stat(os.path.join(where, name, inner) if inner else os.path.join(where, name))
                    parts.append(f"{name}/{inner}\0{st.st_mtime_ns}\0{st.st_size}")
                except OSError:
                    parts.append(f"{name}/{inner}\0-")
    return "\n".join(parts).encode("utf-8", "surrogatepass")


def discover() -> tuple[str | None, list[Installed]]:
    """fivegood's own version and every installed ``fivegood`` entry point, as :mod:`importlib.metadata` finds them.

    Through the cache (:mod:`fivegood_core.reading.cache`), keyed by
    :func:`_path_stamp`: importing ``importlib.metadata`` and parsing each
    distribution's metadata is a large part of a command's start-up, and its
    answer changes only when what it reads changes.
    """
    stamp = _path_stamp()
    path = entry_path("plugins", b"1", stamp) if stamp is not None else None
    if path is not None:
        entry = load(path)
        if type(entry) is tuple and len(entry) == 3 and entry[0] == 1 and type(entry[2]) is list:
            return entry[1], [tuple(e) for e in entry[2]]
    own, installed = _discover_uncached()
    if path is not None:
        store(path, (1, own, installed))
    return own, installed


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
