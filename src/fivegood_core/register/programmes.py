"""Certification programmes: who takes part in a standard, who nominates them, by when, and what a decision earns.

A programme is a versioned TOML file in its jurisdiction's plugin
(``programmes/`` beside ``standards/``), found through the
``fivegood_programme_sources`` hook. Every rule quotes the sentence of the
document it comes from (``citation``); a rule the documents do not state says
``assumed = true`` and explains itself in ``note``. The loader checks every
file and reports each problem as ``file:line: key: what was expected``.

This module needs no database library: it is usable without the ``register`` extra.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping

import attrs

from fivegood_core import FivegoodError, Problem, Text
from fivegood_core.register._core import TomlDocument, TomlSyntaxError, collect, make_manager, parse_toml
from fivegood_core.words.catalogue import say

DECISIONS = ("certify", "designate")
BREACH = ("refuse", "flag")
REWARD_SOURCES = ("standard", "none")
NOMINATORS = ("prefecture", "district")


class ProgrammeError(FivegoodError):
    """One or more programme files are malformed; every problem is listed with its file, line and key."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def __reduce__(self) -> tuple[type, tuple[tuple[Problem, ...]]]:
        return type(self), (self.problems,)


@attrs.frozen
class Rule:
    """One rule of a programme, with the sentence it comes from and whether it is an assumption."""

    citation: str
    assumed: bool = False
    note: Text | None = None


@attrs.frozen
class Quota:
    """How many subjects each nominating body nominates, and what happens to one more."""

    min: int
    max: int
    on_breach: str
    rule: Rule


@attrs.frozen
class Deadline:
    """The date nominations are due (inclusive), and what happens to a later one."""

    date: dt.date
    on_breach: str
    rule: Rule


@attrs.frozen
class Nomination:
    """Who nominates (the subject's ``prefecture`` or ``district``), to whom, how many and by when."""

    by: str
    to: Text
    rule: Rule
    quota: Quota | None = None
    deadline: Deadline | None = None


@attrs.frozen
class Target:
    """The date by which subjects should meet the standard (inclusive)."""

    date: dt.date
    rule: Rule


@attrs.frozen
class RewardRule:
    """Where a decision's rewards come from: the standard's ``[[reward]]`` schemes, or none."""

    source: str
    rule: Rule
    once_per: str = "subject"


@attrs.frozen
class Programme:
    """One version of a programme, validated, with where it came from and the hash of its text."""

    id: str
    version: str
    title: Text
    issuer: Text
    jurisdiction: str
    subject_kind: str
    standard: str
    decision: str
    effective_from: dt.date
    rule: Rule
    reward: RewardRule
    source: str
    content_hash: str
    document: str | None = None
    issued: dt.date | None = None
    effective_until: dt.date | None = None
    nomination: Nomination | None = None
    target: Target | None = None
    provider: str | None = None

    @property
    def ref(self) -> str:
        """``ID@VERSION``."""
        return f"{self.id}@{self.version}"

    def in_force(self, on: dt.date) -> bool:
        """Whether this version is in force on ``on`` (until is exclusive)."""
        return self.effective_from <= on and (self.effective_until is None or on < self.effective_until)

    def rules(self) -> dict[str, Rule]:
        """Every rule by a stable name (``programme``, ``nomination.quota`` …), for messages and docs."""
        out = {"programme": self.rule, "reward": self.reward.rule}
        if self.nomination:
            out["nomination"] = self.nomination.rule
            if self.nomination.quota:
                out["nomination.quota"] = self.nomination.quota.rule
            if self.nomination.deadline:
                out["nomination.deadline"] = self.nomination.deadline.rule
        if self.target:
            out["target"] = self.target.rule
        return out


# --- validation --------------------------------------------------------------------------------

Check = Callable[[Any], str | None]  # returns what was expected, or None when the value is fine


def _str(v: Any) -> str | None:
    return None if isinstance(v, str) and v.strip() else "a non-empty string"


def _bool(v: Any) -> str | None:
    return None if isinstance(v, bool) else "true or false"


def _date(v: Any) -> str | None:
    return None if isinstance(v, dt.date) and not isinstance(v, dt.datetime) else "a date such as 2013-02-25 (unquoted)"


def _count(v: Any) -> str | None:
    return None if isinstance(v, int) and not isinstance(v, bool) and v >= 0 else "a whole number ≥ 0"


def _text(v: Any) -> str | None:
    ok = isinstance(v, dict) and set(v) == {"zh", "en"} and all(isinstance(x, str) and x for x in v.values())
    return None if ok else '{ zh = "…", en = "…" }'


def _sub_table(v: Any) -> str | None:
    # A table checked on its own by _table (its own key path and schema); here only its place is reserved.
    return None


def _one_of(*choices: str) -> Check:
    def check(v: Any) -> str | None:
        return None if v in choices else "one of " + ", ".join(repr(c) for c in choices)

    return check


def _ref(v: Any) -> str | None:
    ok = isinstance(v, str) and v.count("/") == 1 and all(v.split("/")) and "@" not in v
    return None if ok else 'an id such as "henan/county-five-good" (no @version: the version in force is used)'


RULE_KEYS: dict[str, tuple[Check, bool]] = {"citation": (_str, True), "assumed": (_bool, False), "note": (_text, False)}

SCHEMA: dict[str, dict[str, tuple[Check, bool]]] = {
    "programme": {
        "id": (_ref, True),
        "version": (_str, True),
        "title": (_text, True),
        "issuer": (_text, True),
        "jurisdiction": (_str, True),
        "subject_kind": (_one_of("county_federation", "chamber"), True),
        "standard": (_ref, True),
        "decision": (_one_of(*DECISIONS), True),
        "effective_from": (_date, True),
        "effective_until": (_date, False),
        "document": (_str, False),
        "issued": (_date, False),
        **RULE_KEYS,
    },
    "nomination": {
        "by": (_one_of(*NOMINATORS), True),
        "to": (_text, True),
        "quota": (_sub_table, False),
        "deadline": (_sub_table, False),
        **RULE_KEYS,
    },
    "nomination.quota": {"min": (_count, True), "max": (_count, True), "on_breach": (_one_of(*BREACH), True), **RULE_KEYS},
    "nomination.deadline": {"date": (_date, True), "on_breach": (_one_of(*BREACH), True), **RULE_KEYS},
    "target": {"date": (_date, True), **RULE_KEYS},
    "reward": {"source": (_one_of(*REWARD_SOURCES), True), "once_per": (_one_of("subject"), False), **RULE_KEYS},
}
TOP = {"programme": True, "nomination": False, "target": False, "reward": True}


def _table(doc: TomlDocument, data: Any, path: str, problems: list[Problem]) -> dict[str, Any] | None:
    keypath = tuple(path.split("."))
    if not isinstance(data, dict):
        problems.append(doc.problem(keypath, say("programme.expected_table")))
        return None
    spec = SCHEMA[path]
    for key, value in data.items():
        if key not in spec:
            problems.append(doc.problem(keypath + (key,), say("programme.unknown_key", expected=", ".join(sorted(spec)))))
            continue
        check, _ = spec[key]
        if check is _sub_table:
            continue  # a sub-table, checked on its own
        expected = check(value)
        if expected:
            problems.append(doc.problem(keypath + (key,), say("programme.expected", expected=expected, got=repr(value))))
    for key, (_, required) in spec.items():
        if required and key not in data:
            problems.append(doc.problem(keypath, say("programme.missing_key", key=repr(key))))
    return data


def _rule(t: Mapping[str, Any]) -> Rule:
    note = t.get("note")
    return Rule(t["citation"], bool(t.get("assumed", False)), Text(note["zh"], note["en"]) if note else None)


def _text_of(v: Mapping[str, str]) -> Text:
    return Text(v["zh"], v["en"])


def parse_programme(text: str, name: str, provider: str | None = None) -> Programme:
    """Validate one programme file's text; raises :class:`ProgrammeError` listing every problem."""
    try:
        doc = parse_toml(text, name)
    except TomlSyntaxError as exc:
        raise ProgrammeError([exc.problem]) from None
    problems: list[Problem] = []
    for key in doc.data:
        if key not in TOP:
            problems.append(doc.problem((key,), say("programme.unknown_table", expected=", ".join(TOP))))
    for key, required in TOP.items():
        if required and key not in doc.data:
            problems.append(Problem(name, None, key, say("programme.missing_table", key=key)))
    tables = {k: _table(doc, doc.data[k], k, problems) for k in TOP if k in doc.data}
    nom = tables.get("nomination")
    subs: dict[str, dict[str, Any] | None] = {}
    if nom:
        for sub in ("quota", "deadline"):
            if sub in nom:
                subs[sub] = _table(doc, nom[sub], f"nomination.{sub}", problems)
    quota_t = subs.get("quota")
    if quota_t and not problems and quota_t["min"] > quota_t["max"]:
        problems.append(doc.problem(("nomination", "quota", "min"), say("programme.quota_order", min=quota_t["min"], max=quota_t["max"])))
    p = tables.get("programme")
    if p and not problems and p.get("effective_until") and p["effective_until"] <= p["effective_from"]:
        problems.append(doc.problem(("programme", "effective_until"), say("programme.until_after_from")))
    if problems:
        raise ProgrammeError(problems)
    assert p is not None
    r = tables["reward"]
    assert r is not None
    nomination = None
    if nom:
        quota = Quota(quota_t["min"], quota_t["max"], quota_t["on_breach"], _rule(quota_t)) if quota_t else None
        dl = subs.get("deadline")
        deadline = Deadline(dl["date"], dl["on_breach"], _rule(dl)) if dl else None
        nomination = Nomination(nom["by"], _text_of(nom["to"]), _rule(nom), quota, deadline)
    tgt = tables.get("target")
    return Programme(
        id=p["id"],
        version=p["version"],
        title=_text_of(p["title"]),
        issuer=_text_of(p["issuer"]),
        jurisdiction=p["jurisdiction"],
        subject_kind=p["subject_kind"],
        standard=p["standard"],
        decision=p["decision"],
        effective_from=p["effective_from"],
        rule=_rule(p),
        reward=RewardRule(r["source"], _rule(r), r.get("once_per", "subject")),
        source=name,
        content_hash=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        document=p.get("document"),
        issued=p.get("issued"),
        effective_until=p.get("effective_until"),
        nomination=nomination,
        target=Target(tgt["date"], _rule(tgt)) if tgt else None,
        provider=provider,
    )


def _toml_files(source: Any) -> Iterator[tuple[str, str]]:
    if isinstance(source, (str, os.PathLike)):
        source = Path(source)
    if source.is_file():
        yield str(source), source.read_text(encoding="utf-8")
    elif source.is_dir():
        for child in sorted(source.iterdir(), key=lambda c: c.name):
            yield from _toml_files(child) if child.is_dir() else (_toml_files(child) if child.name.endswith(".toml") else ())


class Programmes:
    """Every programme version the plugins provide, by id then effective date."""

    def __init__(self, programmes: Iterable[Programme]) -> None:
        self._by_id: dict[str, list[Programme]] = {}
        for prog in programmes:
            versions = self._by_id.setdefault(prog.id, [])
            if any(v.version == prog.version for v in versions):
                raise ProgrammeError([Problem(prog.source, None, "programme.version", say("programme.defined_twice", ref=prog.ref))])
            versions.append(prog)
        for versions in self._by_id.values():
            versions.sort(key=lambda v: v.effective_from)

    @classmethod
    def from_sources(cls, sources: Iterable[tuple[str | None, Any]]) -> "Programmes":
        """Load (provider, file-or-folder) pairs; raises :class:`ProgrammeError` listing every problem in every file."""
        found: list[Programme] = []
        problems: list[Problem] = []
        for provider, source in sources:
            for name, text in _toml_files(source):
                try:
                    found.append(parse_programme(text, name, provider))
                except ProgrammeError as exc:
                    problems.extend(exc.problems)
        if problems:
            raise ProgrammeError(problems)
        return cls(found)

    @classmethod
    def from_entry_points(cls, plugins: Iterable[Any] = ()) -> "Programmes":
        """The programmes of every installed plugin (``fivegood`` entry points) and of ``plugins``."""
        pm, errors, _ = make_manager(plugins, entry_points=True)
        sources = collect(pm, "fivegood_programme_sources", errors)
        if errors:
            raise ProgrammeError([Problem(None, None, None, e) for e in errors])
        return cls.from_sources(sources)

    def all(self) -> list[Programme]:
        """Every programme version, by id then effective date."""
        return [v for pid in sorted(self._by_id) for v in self._by_id[pid]]

    def get(self, ref: str, as_of: dt.date | None = None) -> Programme:
        """``ID@VERSION``, or the version of ``ID`` in force on ``as_of`` (default today)."""
        pid, _, version = ref.partition("@")
        versions = self._by_id.get(pid)
        if not versions:
            raise ProgrammeError(
                [Problem(None, None, None, say("programme.unknown", id=repr(pid), installed=", ".join(sorted(self._by_id)) or "none"))]
            )
        if version:
            for v in versions:
                if v.version == version:
                    return v
            raise ProgrammeError(
                [
                    Problem(
                        None,
                        None,
                        None,
                        say("programme.no_version", id=pid, version=repr(version), versions=", ".join(v.version for v in versions)),
                    )
                ]
            )
        on = as_of or dt.date.today()
        for v in reversed(versions):
            if v.in_force(on):
                return v
        raise ProgrammeError([Problem(None, None, None, say("programme.not_in_force", id=pid, on=on))])
