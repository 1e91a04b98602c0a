"""Results as plain data: frozen attrs values with a stable JSON form (docs/concepts.md, "Results").

A :class:`Result` records everything an auditor needs to reproduce a verdict:
the standard's id, version and content hash, the as-of date, the subject, the
engine's and plugins' versions, and, for every criterion, the evidence keys it
read and the values it saw.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from fractions import Fraction
from typing import Any, Mapping

import attrs

from fivegood_core.model.definitions import Text
from fivegood_core.model.subject import Subject
from fivegood_core.model.verdict import Overall, Verdict, decisive
from fivegood_core.words.catalogue import Message

SCHEMA_VERSION = 1


def json_safe(value: Any) -> Any:
    """Evidence values as JSON: exact numbers become strings, tables and lists recurse."""
    if value is None or value is True or value is False or value.__class__ in (int, str):
        return value
    if isinstance(value, (Decimal, Fraction)):
        return str(value)
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


@attrs.frozen
class Outcome:
    """What a check found: its verdict and the explanation of it."""

    verdict: Verdict
    reason: Text
    observed: str | None = None
    #: The evidence values the check read, exact as read (``Decimal``, ``int``, year tables); JSON only in ``to_json``.
    values: Mapping[str, Any] = attrs.field(factory=dict)
    gap: Text | None = None
    nested: "Result | None" = None
    #: Evidence keys whose absence made the verdict unknown.
    missing: tuple[str, ...] = ()


@attrs.frozen(slots=False)
class CriterionResult:
    """The verdict on one criterion, with the article it comes from and why.

    The explained evaluation builds what a person reads (``reason``,
    ``observed``, ``gap``) on first access (:func:`lazy_result`); reading,
    comparing, pickling or rendering a result gives the same values as if they
    had been built at once.
    """

    id: str
    kind: str
    verdict: Verdict
    title: Text
    reason: Text
    citation: str | None = None
    observed: str | None = None
    threshold: str | None = None
    gap: Text | None = None
    inputs: tuple[str, ...] = ()
    values: Mapping[str, Any] = attrs.field(factory=dict)
    children: tuple["CriterionResult", ...] = ()
    nested: "Result | None" = None
    interpretation: Text | None = None
    assumed: bool = False
    missing: tuple[str, ...] = ()
    #: How an overlay changed this criterion ("tighten", "replace", "add"), or None.
    overlay: str | None = None
    #: True when the criterion reads a figure the organisation reports about itself.
    self_reported: bool = False
    #: The document its threshold comes from, when not the standard's own.
    basis: str | None = None
    #: False under guidance (an advisory group): shown, never counted towards the verdict.
    counted: bool = True
    #: The reason of the waiver that set this criterion aside for the subject (its verdict is then ``waived``).
    waiver: Text | None = None

    def __getstate__(self) -> dict[str, Any]:
        # Every field built, nothing deferred: a pickled result is plain data.
        for name in _LAZY:
            getattr(self, name)
        return {k: v for k, v in self.__dict__.items() if k != "_fill"}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)

    @property
    def below(self) -> "tuple[CriterionResult, ...]":
        """What a report shows under this criterion: its children, or the required standard's criteria."""
        return self.children + (self.nested.criteria if self.nested is not None else ())

    def walk(self) -> "list[CriterionResult]":
        """This result and all below it, depth first (nested standards excluded)."""
        out = [self]
        if self.children:
            _walk_into(self.children, out)
        return out

    def to_json(self) -> dict[str, Any]:
        """The JSON form."""
        d = self.__dict__
        if "_fill" in d:
            _ = self.reason  # builds what was deferred
        gap, interpretation, waiver, nested = d["gap"], d["interpretation"], d["waiver"], d["nested"]
        values = d["values"]
        return {
            "id": d["id"],
            "kind": d["kind"],
            "verdict": d["verdict"].label,
            "title": d["title"].to_json(),
            "citation": d["citation"],
            "observed": d["observed"],
            "threshold": d["threshold"],
            "reason": d["reason"].to_json(),
            "gap": gap.to_json() if gap else None,
            "inputs": list(d["inputs"]),
            "values": {k: json_safe(v) for k, v in values.items()} if values else {},
            "missing": list(d["missing"]),
            "interpretation": interpretation.to_json() if interpretation else None,
            "assumed": d["assumed"],
            "self_reported": d["self_reported"],
            "basis": d["basis"],
            "counted": d["counted"],
            "waiver": waiver.to_json() if waiver else None,
            "overlay": d["overlay"],
            "children": [c.to_json() for c in d["children"]],
            "requires": nested.to_json() if nested else None,
        }

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> "CriterionResult":
        """Inverse of :meth:`to_json`."""
        return cls(
            id=d["id"],
            kind=d["kind"],
            verdict=Verdict.from_label(d["verdict"]),
            title=Text.from_json(d["title"]),
            citation=d.get("citation"),
            observed=d.get("observed"),
            threshold=d.get("threshold"),
            reason=Text.from_json(d["reason"]),
            gap=Text.from_json(d["gap"]) if d.get("gap") else None,
            inputs=tuple(d.get("inputs", ())),
            values=dict(d.get("values", {})),
            missing=tuple(d.get("missing", ())),
            interpretation=Text.from_json(d["interpretation"]) if d.get("interpretation") else None,
            assumed=bool(d.get("assumed", False)),
            self_reported=bool(d.get("self_reported", False)),
            basis=d.get("basis"),
            counted=bool(d.get("counted", True)),
            waiver=Text.from_json(d["waiver"]) if d.get("waiver") else None,
            overlay=d.get("overlay"),
            children=tuple(cls.from_json(c) for c in d.get("children", ())),
            nested=Result.from_json(d["requires"]) if d.get("requires") else None,
        )


def _walk_into(nodes: "tuple[CriterionResult, ...]", out: "list[CriterionResult]") -> None:
    for c in nodes:
        out.append(c)
        if c.children:
            _walk_into(c.children, out)


#: The fields built on first access when a result is made by :func:`lazy_result`.
_LAZY = ("reason", "observed", "gap")


class _Deferred:
    """A field of :class:`CriterionResult` built on first access, with the others deferred with it."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __get__(self, inst: Any, owner: Any = None) -> Any:
        if inst is None:
            return self
        d = inst.__dict__
        try:
            return d[self.name]
        except KeyError:
            pass
        fill = d.get("_fill")
        if fill is None:
            raise AttributeError(self.name)
        for k, v in fill().items():
            d.setdefault(k, v)  # a value set when the result was made (a gap cleared) wins
        d.pop("_fill", None)
        return d[self.name]


for _name in _LAZY:
    setattr(CriterionResult, _name, _Deferred(_name))

_new_result = object.__new__
_set = object.__setattr__


def lazy_result(fields: dict[str, Any]) -> CriterionResult:
    """A :class:`CriterionResult` from every field's value, as ``fields`` (taken, not copied) holds them.

    Any of ``reason``, ``observed`` and ``gap`` may be left out when
    ``fields["_fill"]`` is a function returning them: it is called, once, on
    first access to any of them. Nothing is checked: the caller gives every field.
    """
    c = _new_result(CriterionResult)
    _set(c, "__dict__", fields)
    return c


@attrs.frozen
class StandardInfo:
    """Which standard, exactly, a result was computed against."""

    id: str
    version: str
    title: Text
    content_hash: str
    document: str | None = None
    provider: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The JSON form."""
        return {
            "id": self.id,
            "version": self.version,
            "title": self.title.to_json(),
            "content_hash": self.content_hash,
            "document": self.document,
            "provider": self.provider,
        }

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> "StandardInfo":
        """Inverse of :meth:`to_json`."""
        return cls(d["id"], d["version"], Text.from_json(d["title"]), d["content_hash"], d.get("document"), d.get("provider"))


@attrs.frozen
class RewardResult:
    """The reward a result earns, or why it earns none. Money is an exact Decimal of yuan."""

    amount: Decimal | None
    reason: Text
    currency: str | None = None
    payer: Text | None = None
    scheme: str | None = None
    basis: Text | None = None

    def to_json(self) -> dict[str, Any]:
        """The JSON form; the amount is a string so that no reader turns it into a float."""
        return {
            "amount": None if self.amount is None else str(self.amount),
            "currency": self.currency,
            "payer": self.payer.to_json() if self.payer else None,
            "scheme": self.scheme,
            "basis": self.basis.to_json() if self.basis else None,
            "reason": self.reason.to_json(),
        }

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> "RewardResult":
        """Inverse of :meth:`to_json`."""
        return cls(
            amount=None if d.get("amount") is None else Decimal(d["amount"]),
            reason=Text.from_json(d["reason"]),
            currency=d.get("currency"),
            payer=Text.from_json(d["payer"]) if d.get("payer") else None,
            scheme=d.get("scheme"),
            basis=Text.from_json(d["basis"]) if d.get("basis") else None,
        )


@attrs.frozen
class Result:
    """The verdict on one organisation against one standard version, fully explained."""

    standard: StandardInfo
    verdict: Overall
    as_of: dt.date
    subject: Subject
    criteria: tuple[CriterionResult, ...]
    reward: RewardResult | None = None
    #: What the verdict or reward rests on beyond the evidence read: catalogue messages (either language) or plain text.
    # Compared by what they say, so a result read back from JSON (plain English strings) equals the original.
    warnings: tuple[Message, ...] = attrs.field(default=(), eq=lambda ws: tuple(map(str, ws)))
    engine: Mapping[str, str] = attrs.field(factory=dict)

    def walk(self) -> list[CriterionResult]:
        """Every criterion result of this standard, depth first."""
        out: list[CriterionResult] = []
        _walk_into(self.criteria, out)
        return out

    def find(self, criterion_id: str) -> CriterionResult:
        """The result of one criterion by id; KeyError if there is none."""
        for c in self.walk():
            if c.id == criterion_id:
                return c
        raise KeyError(criterion_id)

    def _by_id(self) -> dict[str, CriterionResult]:
        out: dict[str, CriterionResult] = {}
        for c in self.walk():
            out.setdefault(c.id, c)  # the first, as find() gives
        return out

    @property
    def failed(self) -> tuple[str, ...]:
        """Ids of the failed checks that make the standard fail (leaves only)."""
        return _decisive_leaves(self.criteria, Verdict.FAIL)

    @property
    def unknown(self) -> tuple[str, ...]:
        """Ids of the checks whose missing evidence leaves the standard incomplete."""
        return _decisive_leaves(self.criteria, Verdict.UNKNOWN)

    @property
    def waived(self) -> tuple[str, ...]:
        """Ids of the criteria set aside for this subject by a waiver (shown as ``waived``, never as passed)."""
        return tuple(c.id for c in self.walk() if c.waiver is not None)

    @property
    def missing(self) -> tuple[str, ...]:
        """Evidence keys whose absence leaves the verdict open, in order, without repeats."""
        return self._missing(self.unknown)

    def _missing(self, unknown: tuple[str, ...]) -> tuple[str, ...]:
        keys: dict[str, None] = {}
        if unknown:
            by_id = self._by_id()
            for cid in unknown:
                keys.update(dict.fromkeys(by_id[cid].missing))
        return tuple(keys)

    def to_json(self) -> dict[str, Any]:
        """The stable JSON form (docs/concepts.md, "Results")."""
        failed, unknown = _decisive(self.criteria, (int(Verdict.FAIL), int(Verdict.UNKNOWN)))
        return {
            "schema": SCHEMA_VERSION,
            "standard": self.standard.to_json(),
            "verdict": self.verdict.value,
            "as_of": self.as_of.isoformat(),
            "subject": self.subject.to_json(),
            "failed": list(failed),
            "unknown": list(unknown),
            "missing": list(self._missing(unknown)),
            "waived": list(self.waived),
            "criteria": [c.to_json() for c in self.criteria],
            "reward": self.reward.to_json() if self.reward else None,
            "warnings": [str(w) for w in self.warnings],
            "engine": dict(self.engine),
        }

    def dumps(self, indent: int | None = 2) -> str:
        """The JSON form as text (UTF-8 characters kept as they are)."""
        return json.dumps(self.to_json(), ensure_ascii=False, indent=indent)

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> "Result":
        """Inverse of :meth:`to_json`; derived fields (failed, missing) are recomputed."""
        return cls(
            standard=StandardInfo.from_json(d["standard"]),
            verdict=Overall(d["verdict"]),
            as_of=dt.date.fromisoformat(d["as_of"]),
            subject=Subject.from_json(d.get("subject", {})),
            criteria=tuple(CriterionResult.from_json(c) for c in d["criteria"]),
            reward=RewardResult.from_json(d["reward"]) if d.get("reward") else None,
            warnings=tuple(d.get("warnings", ())),
            engine=dict(d.get("engine", {})),
        )


def _decisive_leaves(nodes: tuple[CriterionResult, ...], verdict: Verdict) -> tuple[str, ...]:
    return _decisive(nodes, (int(verdict),))[0]


def _decisive(nodes: tuple[CriterionResult, ...], verdicts: tuple[int, ...]) -> list[tuple[str, ...]]:
    # The rule is model/verdict.py's decisive(), shared with the fast path; here over the result tree,
    # numbered once for every verdict asked for; not at all when no top-level criterion carries it.
    if not any(n.verdict._value_ in verdicts for n in nodes):
        return [()] * len(verdicts)
    flat: list[CriterionResult] = []
    codes: list[int] = []
    kids: list[list[int]] = []
    open_: set[int] = set()

    def add(node: CriterionResult) -> int:
        i = len(flat)
        flat.append(node)
        codes.append(node.verdict._value_)
        kids.append([])
        if node.missing:
            open_.add(i)
        if node.children:
            kids[i] = [add(c) for c in node.children if c.counted]
        return i

    roots = [add(n) for n in nodes]
    present = set(codes)
    return [tuple(flat[i].id for i in decisive(roots, v, codes, kids, open_)) if v in present else () for v in verdicts]


@attrs.frozen
class Decision:
    """The fast verdict: overall verdict and the decisive failed and unknown checks."""

    verdict: Overall
    failed: tuple[str, ...]
    unknown: tuple[str, ...]


@attrs.frozen
class Assessment:
    """A fast decision with the reward it earns (and, when asked for, every criterion's verdict)."""

    decision: Decision
    reward: RewardResult | None
    #: Every criterion's verdict in the compiled standard's node order (empty unless requested).
    verdicts: tuple[Verdict, ...] = ()
    #: The subject as assessed: its district and prefecture resolved to GB/T 2260 codes.
    subject: Subject | None = None
