"""The engine: standards gathered from plugins, versions resolved by date, evidence evaluated.

An :class:`Engine` is immutable once built: creating it loads and compiles
every standard its plugins provide (so errors show at start-up, not at the
thousandth organisation), and evaluating is then a pure function of the
evidence, the standard reference and the as-of date.
"""

from __future__ import annotations

import bisect
import datetime as dt
import os
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping

from .checks import CheckKind, EvalContext, Requires
from .compiler import CompiledStandard, compile_standard
from .errors import EvidenceError, PluginError, Problem, ResolutionError, StandardError
from .evidence import Reader, check_document, load_evidence, subject_of
from .loader import load_standard, load_vocabulary, merge_overlay
from .metrics import Metric
from .model import StandardDef
from .plugin import PluginInfo, collect, make_manager, plugin_infos
from .results import Assessment, Decision, Result, StandardInfo
from .rewards import RewardCalculator, reward_for
from .verdict import Overall, all_of, mask
from .vocabulary import EvidenceKey, Vocabulary

#: Files with this suffix among standard sources are example cases, not standards.
CASE_SUFFIX = ".cases.toml"


def _toml_files(source: Any) -> Iterator[tuple[str, str]]:
    """(name, text) of each TOML file at a source: a file, or a directory searched recursively."""
    if isinstance(source, (str, os.PathLike)):
        source = Path(source)
    if source.is_file():
        yield str(source), source.read_text(encoding="utf-8")
        return
    if not source.is_dir():
        raise FileNotFoundError(str(source))
    for child in sorted(source.iterdir(), key=lambda c: c.name):
        if child.is_dir():
            yield from _toml_files(child)
        elif child.name.endswith(".toml"):
            yield str(child), child.read_text(encoding="utf-8")


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


def _name(ref: str) -> tuple[str, str | None]:
    base, _, version = ref.partition("@")
    return base, version or None


def _requirements(compiled: CompiledStandard, known: Mapping[str, set[str]]) -> Iterator[tuple[str, Any, Problem | None]]:
    """Each ``requires`` of ``compiled``: (target id, node, the problem if ``known`` versions cannot satisfy it)."""
    for n in compiled.nodes:
        if isinstance(n.check, Requires):
            target, version = _name(n.check.ref)
            ok = target in known and (version is None or version in known[target])
            problem = None if ok else Problem(compiled.defn.source, n.defn.line, f"criterion[{n.defn.id}].standard",
                                              f"requires unknown standard {n.check.ref!r}")
            yield target, n, problem


class Engine:
    """Standards from plugins, ready to evaluate. Create with :meth:`from_entry_points` or :meth:`from_plugins`."""

    def __init__(self, plugins: Iterable[Any] = (), *, entry_points: bool = True, strict: bool = True,
                 only: Iterable[str] | None = None, trace: Any = None) -> None:
        pm, errors, dists = make_manager(plugins, entry_points, only, trace)
        self._problems: list[tuple[str | None, Problem]] = []
        self.plugins: tuple[PluginInfo, ...] = tuple(plugin_infos(pm, dists))
        self.kinds: dict[str, CheckKind] = self._unique(collect(pm, "fivegood_check_kinds", errors, trace), "check kind")
        self.metrics: dict[str, Metric] = self._unique(collect(pm, "fivegood_metrics", errors, trace), "metric")
        self.calculators: dict[str, RewardCalculator] = self._unique(collect(pm, "fivegood_reward_calculators", errors, trace), "reward calculator")
        self.vocabulary = self._vocabulary(collect(pm, "fivegood_vocabulary", errors, trace))
        self._by_id: dict[str, list[CompiledStandard]] = {}
        self._contexts: dict[tuple[dt.date, int | None], EvalContext] = {}
        self._case_files: list[str] = []
        self._withdrawn: set[str] = set()
        self._overlays: list[tuple[str, StandardDef]] = []
        for provider, source in collect(pm, "fivegood_standard_sources", errors, trace):
            self._load_source(provider, source)
        self._merge_overlays()
        self._check_versions()
        self._check_requires()
        #: Every problem met while loading, one line each, naming the plugin it came from.
        self.errors: tuple[str, ...] = tuple(errors) + tuple(f"plugin {who!r}: {p}" if who else str(p) for who, p in self._problems)
        #: Example-case files (``*.cases.toml``) found among the standard sources.
        self.case_files: tuple[str, ...] = tuple(self._case_files)
        if strict and errors:
            raise PluginError("\n".join(errors))
        if strict and self._problems:
            raise StandardError([p for _, p in self._problems])
        self.engine_info = {"fivegood": dists["fivegood_core"][1] or "unknown"}
        self.engine_info.update({name: version for name, (_, version) in dists.items() if version and name != "fivegood_core"})

    # --- construction ------------------------------------------------------------------------

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

    def _unique(self, items: list[tuple[str, Any]], what: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        owner: dict[str, str] = {}
        for provider, item in items:
            if item.name in out:
                self._problems.append((provider, Problem(None, None, None, f"{what} {item.name!r} is defined by both {owner[item.name]!r} and {provider!r}")))
                continue
            out[item.name], owner[item.name] = item, provider
        return out

    def _vocabulary(self, sources: list[tuple[str, Any]]) -> Vocabulary:
        entries: list[EvidenceKey] = []
        for provider, source in sources:
            try:
                for name, text in _toml_files(source):
                    entries.extend(load_vocabulary(text, name, provider))
            except StandardError as exc:
                self._problems.extend((provider, p) for p in exc.problems)
            except OSError as exc:
                self._problems.append((provider, Problem(str(source), None, None, f"vocabulary cannot be read: {exc}")))
        try:
            return Vocabulary.merge(entries)
        except ValueError as exc:
            self._problems.append((None, Problem(None, None, None, str(exc))))
            return Vocabulary({e.key: e for e in entries})

    def _load_source(self, provider: str, source: Any) -> None:
        try:
            files = list(_toml_files(source))
        except OSError as exc:
            self._problems.append((provider, Problem(str(source), None, None, f"standard source cannot be read: {exc}")))
            return
        for name, text in files:
            if name.endswith(CASE_SUFFIX):
                # Example cases live beside the standards they test; fivegood_core.cases reads them.
                self._case_files.append(name)
                continue
            try:
                defn = load_standard(text, name, self.kinds, self.vocabulary, self.calculators, provider)
                if defn.extends is not None:
                    self._overlays.append((provider, defn))  # merged once every base is loaded
                    continue
                compiled = compile_standard(defn, self.kinds, self.metrics, self.vocabulary, self._context)
            except StandardError as exc:
                self._problems.extend((provider, p) for p in exc.problems)
                continue
            self._register(provider, name, defn, compiled)

    def _find(self, sid: str, version: str | None) -> CompiledStandard | None:
        """The loaded version ``sid@version``, if there is one."""
        return next((v for v in self._by_id.get(sid, ()) if v.defn.version == version), None)

    def _known(self) -> dict[str, set[str]]:
        return {sid: {v.defn.version for v in vs} for sid, vs in self._by_id.items()}

    def _overlaid(self, base: CompiledStandard, defn: StandardDef) -> CompiledStandard:
        """``defn`` (an overlay) merged onto ``base`` and compiled; raises StandardError."""
        merged = merge_overlay(base.defn, defn, self.kinds, self.vocabulary)
        return compile_standard(merged, self.kinds, self.metrics, self.vocabulary, self._context)

    def _register(self, provider: str, name: str, defn: StandardDef, compiled: CompiledStandard) -> None:
        versions = self._by_id.setdefault(defn.id, [])
        clash = self._find(defn.id, defn.version)
        if clash is not None or defn.ref in self._withdrawn:
            # Neither claimant wins: which plugin loads first must not decide what a standard says.
            other = f"{clash.defn.source} (plugin {clash.defn.provider!r})" if clash else "another plugin"
            self._problems.append((provider, Problem(name, None, "standard.version",
                                                     f"{defn.ref} is also defined in {other}; neither is used")))
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
                base = self._find(*_name(defn.extends or ""))
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
                    self._problems.append((provider, Problem(defn.source, None, "standard.extends", f"extends unknown standard {defn.extends!r}")))
                break
            pending = left

    def _check_versions(self) -> None:
        for versions in self._by_id.values():
            versions.sort(key=lambda v: v.defn.effective_from)
            for a, b in zip(versions, versions[1:]):
                if a.defn.effective_until is None or a.defn.effective_until > b.defn.effective_from:
                    until = a.defn.effective_until or "open-ended"
                    self._problems.append((b.defn.provider, Problem(b.defn.source, None, "standard.effective_from",
                                                  f"{b.defn.ref} from {b.defn.effective_from} overlaps {a.defn.ref} "
                                                  f"({a.defn.effective_from} until {until}); set effective_until on {a.defn.ref}")))

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
        in_cycle: set[str] = set()
        for sid in sorted(edges):
            cycle = _cycle_through(sid, edges)
            if cycle is None:
                continue
            if not in_cycle.intersection(cycle):
                src, line = where[(sid, cycle[1])]
                self._problems.append((None, Problem(src, line, "standard", f"requires cycle: {' → '.join(cycle)}")))
            in_cycle.update(cycle)
        for sid in in_cycle:
            # Evaluating them would never end; the other standards stay usable.
            self._by_id.pop(sid, None)

    def validate(self, paths: Iterable[str | os.PathLike[str]]) -> list[Problem]:
        """Every problem of the given standard files against this engine's kinds, metrics and vocabulary.

        Nothing is registered. A ``requires`` must name an installed standard
        or one of the files given; an overlay is merged onto its installed base.
        """
        problems: list[Problem] = []
        loaded: list[CompiledStandard] = []
        for path in paths:
            name = str(path)
            try:
                text = Path(path).read_text(encoding="utf-8")
            except OSError as exc:
                problems.append(Problem(name, None, None, f"cannot be read: {exc.strerror or exc}"))
                continue
            try:
                defn = load_standard(text, name, self.kinds, self.vocabulary, self.calculators)
                if defn.extends is None:
                    loaded.append(compile_standard(defn, self.kinds, self.metrics, self.vocabulary, self._context))
                elif (base := self._find(*_name(defn.extends))) is None:
                    problems.append(Problem(name, None, "standard.extends", f"extends unknown standard {defn.extends!r}"))
                else:
                    loaded.append(self._overlaid(base, defn))
            except StandardError as exc:
                problems.extend(exc.problems)
        known = self._known()
        for c in loaded:
            known.setdefault(c.defn.id, set()).add(c.defn.version)
        problems.extend(p for c in loaded for _, _, p in _requirements(c, known) if p is not None)
        return problems

    # --- lookup ------------------------------------------------------------------------------

    def standards(self) -> list[StandardDef]:
        """Every loaded standard version, by id then effective date."""
        return [v.defn for sid in sorted(self._by_id) for v in self._by_id[sid]]

    def get(self, ref: str, as_of: dt.date | None = None) -> CompiledStandard:
        """The version ``ID@VERSION`` names, or the version of ``ID`` in force on ``as_of`` (default today)."""
        sid, version = _name(ref)
        versions = self._by_id.get(sid)
        if not versions:
            known = ", ".join(sorted(self._by_id)) or "none"
            raise ResolutionError(f"unknown standard {sid!r} (installed: {known})")
        if version is not None:
            found = self._find(sid, version)
            if found is not None:
                return found
            raise ResolutionError(f"{sid} has no version {version!r} (versions: {', '.join(v.defn.version for v in versions)})")
        on = as_of or dt.date.today()
        i = bisect.bisect_right([v.defn.effective_from for v in versions], on) - 1
        if i >= 0 and versions[i].defn.in_force(on):
            return versions[i]
        spans = "; ".join(f"{v.defn.version}: {v.defn.effective_from} – {v.defn.effective_until or 'open'}" for v in versions)
        raise ResolutionError(f"no version of {sid} is in force on {on} ({spans})")

    # --- evaluation --------------------------------------------------------------------------

    def _context(self, as_of: dt.date, subject_year: int | None) -> EvalContext:
        key = (as_of, subject_year)
        ctx = self._contexts.get(key)
        if ctx is None:
            if len(self._contexts) > 4096:
                self._contexts.clear()
            ctx = self._contexts[key] = EvalContext(as_of, subject_year, self._explain_required, self._decide_required)
        return ctx

    def _explain_required(self, ref: str, on: dt.date, reader: Reader) -> Result:
        return self._evaluate(self.get(ref, on), reader, on, ())

    def _decide_required(self, ref: str, on: dt.date, doc: Mapping[str, Any]) -> Decision:
        return self.get(ref, on).decide(doc, on)  # type: ignore[arg-type]

    def _document(self, evidence: Any, source: str | None = None) -> tuple[dict[str, Any], str, tuple[str, ...]]:
        if isinstance(evidence, (str, os.PathLike)):
            source = str(evidence)
            doc = load_evidence(evidence)
        else:
            source = source or "<evidence>"
            doc = evidence
        doc, warnings = check_document(doc, self.vocabulary, source)
        return doc, source, warnings

    def evaluate(self, evidence: Any, standard: str | CompiledStandard, as_of: dt.date | None = None) -> Result:
        """Evaluate evidence (a table, or a ``.toml``/``.json`` file path) and explain every criterion.

        Raises :class:`~fivegood_core.errors.EvidenceError` for malformed
        evidence and :class:`~fivegood_core.errors.ResolutionError` for a
        standard that cannot be resolved.
        """
        on = as_of or dt.date.today()
        compiled = self.get(standard, on) if isinstance(standard, str) else standard
        doc, source, warnings = self._document(evidence)
        try:
            return self._evaluate(compiled, Reader(doc, self.vocabulary, source), on, warnings)
        except EvidenceError as exc:
            raise EvidenceError([Problem(p.file or source, p.line, p.key, p.message) for p in exc.problems]) from None

    def _evaluate(self, compiled: CompiledStandard, reader: Reader, on: dt.date, warnings: tuple[str, ...]) -> Result:
        subject = subject_of(reader.doc, reader.source)
        defn = compiled.defn
        if subject.kind is not None and subject.kind != defn.subject_kind:
            raise EvidenceError([Problem(reader.source, None, "subject.kind", f"{defn.ref} applies to {defn.subject_kind!r}, the evidence is for {subject.kind!r}")])
        criteria = compiled.explain(reader, self._context(on, subject.year))
        verdict = Overall.of(all_of(mask(c.verdict for c in criteria)))
        reward = reward_for(defn.rewards, verdict, subject, reader, on, self.calculators)
        info = StandardInfo(defn.id, defn.version, defn.title, defn.content_hash, defn.document, defn.provider)
        return Result(info, verdict, on, subject, criteria, reward, warnings, dict(self.engine_info))

    def decide(self, evidence: Mapping[str, Any], standard: str | CompiledStandard, as_of: dt.date | None = None) -> Decision:
        """The verdict and the decisive failed and unknown checks, without explanations: the fast path.

        ``evidence`` must be a nested table (as TOML or JSON load). Types of the
        values read are checked as in :meth:`evaluate`; unknown keys are not
        looked for.
        """
        on = as_of or dt.date.today()
        compiled = standard if standard.__class__ is CompiledStandard else self.get(standard, on)  # type: ignore[arg-type]
        if evidence.__class__ is not dict:
            raise EvidenceError([Problem(None, None, None, f"expected a table of evidence, got {type(evidence).__name__}")])
        return compiled.decide(evidence, on)

    def assess(self, evidence: Any, standard: str | CompiledStandard, as_of: dt.date | None = None,
               *, source: str | None = None, line: int | None = None, every: bool = False) -> Assessment:
        """The fast verdict and the reward it earns, for evidence given as in :meth:`evaluate`.

        Unlike :meth:`decide`, the evidence is checked in full (unknown keys are
        ignored, bad values are errors), as batch input should be. ``source``
        and ``line`` say where the evidence came from, for error messages;
        ``every`` adds every criterion's verdict (for statistics).
        """
        on = as_of or dt.date.today()
        compiled = self.get(standard, on) if isinstance(standard, str) else standard
        try:
            doc, source, _ = self._document(evidence, source)
            # With `every`, one pass gives both the decision and each criterion's verdict.
            decision, verdicts = compiled.verdicts(doc, on) if every else (compiled.decide(doc, on), ())
            subject = subject_of(doc, source)
            reader = Reader(doc, self.vocabulary, source)
            reward = reward_for(compiled.defn.rewards, decision.verdict, subject, reader, on, self.calculators)
            return Assessment(decision, reward, verdicts)
        except EvidenceError as exc:
            where = source or "<evidence>"
            raise EvidenceError([Problem(p.file or where, p.line or line, p.key, p.message) for p in exc.problems]) from None

