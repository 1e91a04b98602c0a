"""The catalogue: standards gathered from plugins, checked against each other, looked up by id and date.

A :class:`Catalogue` is immutable once built: creating it loads, validates and
builds the checks of every standard its plugins provide (so errors show at
start-up, not at the thousandth organisation). A standard's fast path is
generated the first time it is used (:attr:`CompiledStandard.decide`), so a
command that needs one standard does not compile them all. A broken plugin or
standard is named in :attr:`Catalogue.errors`, and the others stay usable.

What building gives is kept in the cache when nothing is wrong with it, and
read back while the files and the code it was built from are unchanged
(:func:`_cache_entry`, :func:`_cached`): the same catalogue, without
validating and building every standard at every start. A catalogue with
problems is built, and its problems found, every time.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import types
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping

import attrs

from fivegood_core.catalogue.manager import PluginInfo, collect, make_manager, plugin_infos
from fivegood_core.errors import PluginError, Problem, StandardError
from fivegood_core.evaluation.compiled import CompiledStandard, compile_standard
from fivegood_core.evaluation.toolkit import Toolkit
from fivegood_core.evaluation.tree import Node
from fivegood_core.evaluation.versions import Versions
from fivegood_core.kinds.leaves import Requires
from fivegood_core.model import divisions
from fivegood_core.model.definitions import StandardDef
from fivegood_core.model.refs import StandardRef
from fivegood_core.model.vocabulary import EvidenceKey, TypeClash, Vocabulary
from fivegood_core.reading.cache import entry_path, load, store
from fivegood_core.reading.loader import load_standard, load_vocabulary, merge_overlay
from fivegood_core.reading.sources import CASE_SUFFIX, Unreadable, read_text, toml_files
from fivegood_core.words.catalogue import Said, say


def _internal(name: str, exc: Exception) -> Problem:
    return Problem(name, None, None, say("catalogue.internal_error", error=f"{type(exc).__name__}: {exc}"))


def _cycle_through(start: str, edges: Mapping[str, set[str]]) -> list[str] | None:
    """A path start → … → start along ``edges``, if there is one."""
    parent: dict[str, str] = {}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for nxt in sorted(edges.get(node, ())):
            if nxt == start:
                path = [node]
                while path[-1] != start:
                    path.append(parent[path[-1]])
                return path[::-1] + [start]
            if nxt not in parent:
                parent[nxt] = node
                queue.append(nxt)
    return None


def _cycles(edges: Mapping[str, set[str]]) -> tuple[list[list[str]], set[str]]:
    """Each cycle of requirements once (as a path back to its start), and every id on one."""
    cycles: list[list[str]] = []
    in_cycle: set[str] = set()
    for sid in sorted(edges):
        cycle = _cycle_through(sid, edges)
        if cycle is None:
            continue
        if not in_cycle.intersection(cycle):
            cycles.append(cycle)
        in_cycle.update(cycle)
    return cycles, in_cycle


def _requirements(compiled: CompiledStandard, known: Mapping[str, set[str]]) -> Iterator[tuple[str, Node, Problem | None]]:
    """Each ``requires`` of ``compiled``: (target id, node, the problem if ``known`` versions cannot satisfy it)."""
    for n in compiled.nodes:
        if isinstance(n.check, Requires):
            ref = StandardRef.parse(n.check.ref)
            ok = ref.id in known and (ref.version is None or ref.version in known[ref.id])
            problem = (
                None
                if ok
                else Problem(
                    compiled.defn.source,
                    n.defn.line,
                    f"criterion[{n.defn.id}].standard",
                    say("catalogue.requires_unknown", ref=repr(n.check.ref)),
                )
            )
            yield ref.id, n, problem


#: A source of standard or vocabulary files: its plugin, the source, and its files as read (None: one could not be read).
Source = tuple[str, Any, "list[tuple[str, str]] | None"]

#: The format of a cached catalogue: changed whenever what is kept changes.
CATALOGUE_FORMAT = 1


def _snapshot(sources: list[tuple[str, Any]]) -> list[Source]:
    """Each source with its files read; a source with a file that cannot be read is left to be read (and reported) as before."""
    out: list[Source] = []
    for provider, source in sources:
        try:
            files = list(toml_files(source))
        except OSError:
            out.append((provider, source, None))
            continue
        if any(isinstance(text, Unreadable) for _, text in files):
            out.append((provider, source, None))
            continue
        out.append((provider, source, [(name, text) for name, text in files if isinstance(text, str)]))
    return out


class _Undescribed(Exception):
    """Something a plugin provides that cannot be told apart from another by its description alone."""


def _describe(value: Any) -> str:
    """A description of a provided value that is the same in every process and differs wherever the value does.

    Plain values by their ``repr``; containers and attrs instances by what they
    hold; functions and classes by their module and qualified name, only if that
    name finds them (a lambda, a closure or a class made inside a function
    could hold anything, so a catalogue built with one is not kept).
    """
    if value is None or isinstance(value, (str, int, float, bool, dt.date)):
        return repr(value)
    if isinstance(value, (tuple, list)):
        return "[" + ",".join(_describe(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{" + ",".join(f"{_describe(k)}:{_describe(v)}" for k, v in value.items()) + "}"
    if attrs.has(type(value)):
        fields = ",".join(f"{f.name}={_describe(getattr(value, f.name))}" for f in attrs.fields(type(value)))
        return f"{_describe(type(value))}({fields})"
    module, name = getattr(value, "__module__", None), getattr(value, "__qualname__", None)
    if isinstance(module, str) and isinstance(name, str) and (callable(value) or isinstance(value, type)):
        found: Any = sys.modules.get(module)
        for part in name.split("."):
            found = getattr(found, part, None)
        if found is value:
            return f"{module}:{name}"
    raise _Undescribed(type(value).__name__)


def _cache_entry(
    pm: Any, kinds: Mapping[str, Any], metrics: Mapping[str, Any], calculators: Mapping[str, Any], sources: list[Source]
) -> str | None:
    """Where the catalogue built from exactly these inputs is kept (None when the cache is off, or they cannot be told apart).

    The key is everything a catalogue is built from that is not code: the
    plugins registered, what they provide (each kind, metric and reward
    calculator described in full: its fields and the names of its functions,
    :func:`_describe`), every standard and vocabulary file (its plugin, name
    and text) and the Python version. The code it is built with, and the day it
    was built on (a reward's places are checked as of today when it gives no
    date), are checked when an entry is read (:func:`_cached`); an entry of
    another day is replaced, so a user's cache holds one entry per set of
    files, not one a day.
    """
    key = [f"{CATALOGUE_FORMAT}\0{sys.version}".encode()]
    key.append("\0".join(name for name, _ in pm.list_name_plugin()).encode())
    try:
        for provided in (kinds, metrics, calculators):
            key.append(_describe(provided).encode("utf-8", "surrogatepass"))
    except _Undescribed:
        return None
    for provider, _, files in sources:
        key.append(provider.encode("utf-8", "surrogatepass"))
        for name, text in files or ():
            key.append(name.encode("utf-8", "surrogatepass"))
            key.append(text.encode("utf-8", "surrogatepass"))
    return entry_path("catalogue", *key)


def _stamp(path: str) -> tuple[str, int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (path, st.st_size, st.st_mtime_ns)


def _dependencies(pm: Any, toolkit: Toolkit, before: set[str]) -> list[str]:
    """The code and data a catalogue was built with: every module of fivegood, attrs, pluggy, the plugins and what
    they provide, every module first imported while it was built, and the divisions table."""
    packages = {"fivegood_core", "attr", "attrs", "pluggy"}
    things: list[Any] = [plugin for _, plugin in pm.list_name_plugin()]
    for provided in (toolkit.kinds, toolkit.metrics, toolkit.calculators):
        for item in provided.values():
            things.append(item)
            fields = attrs.fields(type(item)) if attrs.has(type(item)) else ()
            things.extend(getattr(item, f.name, None) for f in fields)
    for thing in things:
        module = thing.__name__ if isinstance(thing, types.ModuleType) else getattr(thing, "__module__", None) or type(thing).__module__
        packages.add(str(module).split(".")[0])
    files = {
        str(module.__file__)
        for name, module in list(sys.modules.items())
        if (name.split(".")[0] in packages or name not in before) and getattr(module, "__file__", None)
    }
    files.add(os.path.join(os.path.dirname(divisions.__file__), "divisions.toml"))
    return sorted(files)


def _keep(path: str, dependencies: list[str], built: tuple[Vocabulary, dict[str, list[CompiledStandard]], dict[str, set[str]]]) -> None:
    stamps = [_stamp(f) for f in dependencies]
    if None not in stamps:
        store(path, (CATALOGUE_FORMAT, dt.date.today().isoformat(), stamps, built))


def _cached(path: str) -> tuple[Vocabulary, dict[str, list[CompiledStandard]], dict[str, set[str]]] | None:
    """The catalogue kept at ``path``, if it was built today and every file of code and data it was built with is as it was then."""
    entry = load(path)
    if type(entry) is not tuple or len(entry) != 4 or entry[0] != CATALOGUE_FORMAT or entry[1] != dt.date.today().isoformat():
        return None
    if type(entry[2]) is not list:
        return None
    for stamp in entry[2]:
        if type(stamp) is not tuple or len(stamp) != 3 or _stamp(stamp[0]) != stamp:
            return None  # fivegood, a plugin or a library changed (or went) since: built again
    built = entry[3]
    if type(built) is not tuple or len(built) != 3 or not isinstance(built[0], Vocabulary) or type(built[1]) is not dict:
        return None
    return built


class Catalogue:
    """Standards from plugins, compiled and linked. Created by :class:`~fivegood_core.engine.Engine`."""

    def __init__(
        self,
        plugins: Iterable[Any] = (),
        *,
        entry_points: bool = True,
        strict: bool = True,
        only: Iterable[str] | None = None,
        trace: Any = None,
    ) -> None:
        pm, errors, dists = make_manager(plugins, entry_points, only, trace)
        self._problems: list[tuple[str | None, Problem]] = []
        self.plugins: tuple[PluginInfo, ...] = tuple(plugin_infos(pm, dists))
        kinds = self._unique(collect(pm, "fivegood_check_kinds", errors, trace), say("word.check_kind"))
        metrics = self._unique(collect(pm, "fivegood_metrics", errors, trace), say("word.metric"))
        calculators = self._unique(collect(pm, "fivegood_reward_calculators", errors, trace), say("word.reward_calculator"))
        vocabulary_sources = _snapshot(collect(pm, "fivegood_vocabulary", errors, trace))
        standard_sources = _snapshot(collect(pm, "fivegood_standard_sources", errors, trace))
        self._by_id: dict[str, list[CompiledStandard]] = {}
        self._case_files: list[str] = []
        self._withdrawn: set[str] = set()
        self._overlays: list[tuple[str, StandardDef]] = []
        self._edges: dict[str, set[str]] = {}
        # Every file read, and nothing amiss so far: the built catalogue may be in the cache (see _cache_entry).
        cacheable = not self._problems and all(files is not None for _, _, files in vocabulary_sources + standard_sources)
        entry = _cache_entry(pm, kinds, metrics, calculators, vocabulary_sources + standard_sources) if cacheable else None
        cached = _cached(entry) if entry is not None else None
        #: Whether the catalogue was read whole from the cache rather than built (the same catalogue either way).
        self.from_cache = cached is not None
        if cached is not None:
            vocabulary, self._by_id, self._edges = cached
            self.toolkit = Toolkit(kinds=kinds, metrics=metrics, calculators=calculators, vocabulary=vocabulary)
            self._case_files = [name for _, _, files in standard_sources for name, _ in files or () if name.endswith(CASE_SUFFIX)]
        else:
            before = set(sys.modules)
            self.toolkit = Toolkit(kinds=kinds, metrics=metrics, calculators=calculators, vocabulary=self._vocabulary(vocabulary_sources))
            for provider, source, files in standard_sources:
                self._load_source(provider, source, files)
            self._merge_overlays()
            self._check_versions()
            self._check_requires()
            if entry is not None and not self._problems:
                # Only a catalogue without problems is kept: a broken one is built, and its problems found, every time.
                _keep(entry, _dependencies(pm, self.toolkit, before), (self.toolkit.vocabulary, self._by_id, self._edges))
        #: Every problem met while loading, one message each naming the plugin it came from (renders in either language).
        self.error_messages: tuple[Said, ...] = tuple(errors) + tuple(
            say("plugin.problem", name=repr(who), problem=p) if who else say("catalogue.problem", problem=p) for who, p in self._problems
        )
        #: The same, one line each in English.
        self.errors: tuple[str, ...] = tuple(str(m) for m in self.error_messages)
        #: Example-case files (``*.cases.toml``) found among the standard sources.
        self.case_files: tuple[str, ...] = tuple(self._case_files)
        if strict and errors:
            raise PluginError(*errors)
        if strict and self._problems:
            raise StandardError([p for _, p in self._problems])
        #: The engine's and plugins' versions, recorded in every result.
        self.engine_info = {"fivegood": dists["fivegood_core"][1] or "unknown"}
        self.engine_info.update({name: version for name, (_, version) in dists.items() if version and name != "fivegood_core"})
        self.versions: Versions[CompiledStandard] = Versions(self._by_id)
        self._link()

    # --- loading -----------------------------------------------------------------------------

    def _unique(self, items: list[tuple[str, Any]], what: Said) -> dict[str, Any]:
        out: dict[str, Any] = {}
        owner: dict[str, str] = {}
        for provider, item in items:
            if item.name in out:
                self._problems.append(
                    (
                        provider,
                        Problem(
                            None,
                            None,
                            None,
                            say(
                                "catalogue.defined_twice",
                                what=what,
                                name=repr(item.name),
                                owner=repr(owner[item.name]),
                                provider=repr(provider),
                            ),
                        ),
                    )
                )
                continue
            out[item.name], owner[item.name] = item, provider
        return out

    def _vocabulary(self, sources: list[Source]) -> Vocabulary:
        entries: list[EvidenceKey] = []
        for provider, source, files in sources:
            try:
                for name, text in toml_files(source) if files is None else files:
                    if isinstance(text, Unreadable):
                        self._problems.append((provider, Problem(name, None, None, text.message)))
                        continue
                    entries.extend(load_vocabulary(text, name, provider))
            except StandardError as exc:
                self._problems.extend((provider, p) for p in exc.problems)
            except OSError as exc:
                self._problems.append((provider, Problem(str(source), None, None, say("catalogue.vocabulary_unreadable", error=str(exc)))))
        try:
            return Vocabulary.merge(entries)
        except TypeClash as exc:
            self._problems.append((None, Problem(None, None, None, exc.message)))
            return Vocabulary({e.key: e for e in entries})

    def _load_source(self, provider: str, source: Any, read: list[tuple[str, str]] | None) -> None:
        try:
            files: list[tuple[str, str | Unreadable]] = list(toml_files(source)) if read is None else list(read)
        except OSError as exc:
            self._problems.append((provider, Problem(str(source), None, None, say("catalogue.source_unreadable", error=str(exc)))))
            return
        for name, text in files:
            if name.endswith(CASE_SUFFIX):
                # Example cases live beside the standards they test; fivegood_core.testing.cases reads them.
                self._case_files.append(name)
                continue
            if isinstance(text, Unreadable):
                self._problems.append((provider, Problem(name, None, None, text.message)))
                continue
            try:
                defn = load_standard(text, name, self.toolkit, provider)
                if defn.extends is not None:
                    self._overlays.append((provider, defn))  # merged once every base is loaded
                    continue
                compiled = compile_standard(defn, self.toolkit)
            except StandardError as exc:
                self._problems.extend((provider, p) for p in exc.problems)
                continue
            except Exception as exc:  # noqa: BLE001 - a bug met by one file must not take down every standard
                self._problems.append((provider, _internal(name, exc)))
                continue
            self._register(provider, name, defn, compiled)

    def _find(self, ref: StandardRef) -> CompiledStandard | None:
        """The loaded version ``ref`` pins, if there is one (while loading, before :attr:`versions` exists)."""
        return next((v for v in self._by_id.get(ref.id, ()) if v.defn.version == ref.version), None)

    def _known(self) -> dict[str, set[str]]:
        return {sid: {v.defn.version for v in vs} for sid, vs in self._by_id.items()}

    def _overlaid(self, base: CompiledStandard, defn: StandardDef) -> CompiledStandard:
        """``defn`` (an overlay) merged onto ``base`` and compiled; raises StandardError."""
        return compile_standard(merge_overlay(base.defn, defn, self.toolkit), self.toolkit)

    def _register(self, provider: str, name: str, defn: StandardDef, compiled: CompiledStandard) -> None:
        versions = self._by_id.setdefault(defn.id, [])
        clash = self._find(StandardRef(defn.id, defn.version))
        if clash is not None or defn.ref in self._withdrawn:
            # Neither claimant wins: which plugin loads first must not decide what a standard says.
            other = (
                say("catalogue.source_of_plugin", source=clash.defn.source, plugin=repr(clash.defn.provider))
                if clash
                else say("catalogue.another_plugin")
            )
            self._problems.append(
                (provider, Problem(name, None, "standard.version", say("catalogue.version_defined_twice", ref=defn.ref, other=other)))
            )
            if clash is not None:
                versions.remove(clash)
                self._withdrawn.add(defn.ref)
            return
        versions.append(compiled)

    def _merge_overlays(self) -> None:
        # An overlay may extend another overlay, so merge in rounds until nothing more resolves.
        pending = list(self._overlays)
        while pending:
            left = []
            for provider, defn in pending:
                base = self._find(StandardRef.parse(defn.extends or ""))
                if base is None:
                    left.append((provider, defn))
                    continue
                try:
                    compiled = self._overlaid(base, defn)
                except StandardError as exc:
                    self._problems.extend((provider, p) for p in exc.problems)
                    continue
                self._register(provider, defn.source, compiled.defn, compiled)
            if len(left) == len(pending):
                for provider, defn in left:
                    self._problems.append(
                        (provider, Problem(defn.source, None, "standard.extends", say("catalogue.extends_unknown", ref=repr(defn.extends))))
                    )
                break
            pending = left

    def _check_versions(self) -> None:
        for versions in self._by_id.values():
            versions.sort(key=lambda v: v.defn.effective_from)
            for a, b in zip(versions, versions[1:]):
                if a.defn.effective_until is None or a.defn.effective_until > b.defn.effective_from:
                    until = a.defn.effective_until or say("word.open_ended")
                    self._problems.append(
                        (
                            b.defn.provider,
                            Problem(
                                b.defn.source,
                                None,
                                "standard.effective_from",
                                say(
                                    "catalogue.versions_overlap",
                                    ref=b.defn.ref,
                                    start=b.defn.effective_from,
                                    other=a.defn.ref,
                                    other_start=a.defn.effective_from,
                                    until=until,
                                ),
                            ),
                        )
                    )

    def _check_parts(self, requiring: CompiledStandard, node: Node) -> None:
        """The ``parts`` of a requires must be top-level criteria of every version it may nest."""
        check = node.check
        assert isinstance(check, Requires)
        if not check.parts:
            return
        ref = StandardRef.parse(check.ref)
        start = requiring.defn.effective_from
        for target in self._by_id.get(ref.id, ()):
            if ref.version is not None and target.defn.version != ref.version:
                continue
            if ref.version is None and target.defn.effective_until is not None and target.defn.effective_until <= start:
                continue  # in force only before the requiring version took effect: never nested
            roots = [r.defn.id for r in target.roots]
            for part in check.parts:
                if part not in roots:
                    self._problems.append(
                        (
                            requiring.defn.provider,
                            Problem(
                                requiring.defn.source,
                                node.defn.line,
                                f"criterion[{node.defn.id}].parts",
                                say("standard.no_such_part", ref=target.defn.ref, part=repr(part), parts=", ".join(roots)),
                            ),
                        )
                    )

    def _check_requires(self) -> None:
        edges: dict[str, set[str]] = {}
        where: dict[tuple[str, str], tuple[str, int | None]] = {}
        known = self._known()
        for sid, versions in self._by_id.items():
            for v in versions:
                for target, n, problem in _requirements(v, known):
                    if problem is not None:
                        self._problems.append((v.defn.provider, problem))
                        continue
                    edges.setdefault(sid, set()).add(target)
                    where.setdefault((sid, target), (v.defn.source, n.defn.line))
                    self._check_parts(v, n)
        cycles, in_cycle = _cycles(edges)
        for cycle in cycles:
            src, line = where[(cycle[0], cycle[1])]
            self._problems.append((None, Problem(src, line, "standard", say("catalogue.requires_cycle", cycle=" → ".join(cycle)))))
        for sid in in_cycle:
            # Evaluating them would never end; the other standards stay usable.
            self._by_id.pop(sid, None)
        self._edges = {sid: targets for sid, targets in edges.items() if sid not in in_cycle}

    def _link(self) -> None:
        # Each standard receives the versions of what it requires, transitively, so that it
        # evaluates on its own (in a worker process too) without this catalogue.
        for compiled in self.versions:
            needed: set[str] = set()
            queue = list(self._edges.get(compiled.defn.id, ()))
            while queue:
                sid = queue.pop()
                if sid not in needed:
                    needed.add(sid)
                    queue.extend(self._edges.get(sid, ()))
            compiled.link(self.versions.subset(needed), self.engine_info)

    # --- authoring ---------------------------------------------------------------------------

    def validate(self, paths: Iterable[str | os.PathLike[str]]) -> list[Problem]:
        """Every problem of the given standard files against this catalogue's kinds, metrics and vocabulary.

        Nothing is registered. A ``requires`` must name an installed standard
        or one of the files given; an overlay is merged onto its installed base;
        a threshold must agree with its own original sentence (:mod:`.wording`).
        """
        problems: list[Problem] = []
        loaded: list[CompiledStandard] = []
        for path in paths:
            name = str(path)
            if name.endswith(CASE_SUFFIX):
                continue  # example cases beside the standards: `fivegood test` checks them
            try:
                text = read_text(Path(path))
            except Unreadable as exc:
                problems.append(Problem(name, None, None, exc.message))
                continue
            try:
                defn = load_standard(text, name, self.toolkit)
                if defn.extends is None:
                    loaded.append(compile_standard(defn, self.toolkit))
                elif (base := self.versions.find(StandardRef.parse(defn.extends))) is None:
                    problems.append(Problem(name, None, "standard.extends", say("catalogue.extends_unknown", ref=repr(defn.extends))))
                    continue
                else:
                    loaded.append(self._overlaid(base, defn))
                generated = loaded[-1].source_code  # an author validating a file meets a fast-path failure now
                assert generated
            except StandardError as exc:
                problems.extend(exc.problems)
            except Exception as exc:  # noqa: BLE001 - report it with the file, as loading would
                problems.append(_internal(name, exc))
        known = self._known()
        for c in loaded:
            known.setdefault(c.defn.id, set()).add(c.defn.version)
        # The files given replace the installed versions of their ids, as installing them would.
        edges = {sid: set(targets) for sid, targets in self._edges.items() if sid not in {c.defn.id for c in loaded}}
        where: dict[tuple[str, str], tuple[str, int | None]] = {}
        for c in loaded:
            for target, n, problem in _requirements(c, known):
                if problem is not None:
                    problems.append(problem)
                    continue
                edges.setdefault(c.defn.id, set()).add(target)
                where.setdefault((c.defn.id, target), (c.defn.source, n.defn.line))
        for cycle in _cycles(edges)[0]:
            # Name the cycle at a file given, where the author can break it.
            at = next(((a, b) for a, b in zip(cycle, cycle[1:]) if (a, b) in where), None)
            if at is not None:
                src, line = where[at]
                problems.append(Problem(src, line, "standard", say("catalogue.requires_cycle", cycle=" → ".join(cycle))))
        from fivegood_core.catalogue.wording import wording_problems  # only authors validating files need it

        problems.extend(p for c in loaded for p in wording_problems(c))
        return problems

    # --- lookup ------------------------------------------------------------------------------

    def standards(self) -> list[StandardDef]:
        """Every loaded standard version, by id then effective date."""
        return [v.defn for v in self.versions]

    def get(self, ref: str, as_of: dt.date | None = None) -> CompiledStandard:
        """The version ``ID@VERSION`` names, or the version of ``ID`` in force on ``as_of`` (default today)."""
        return self.versions.get(ref, as_of)
