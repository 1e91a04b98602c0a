"""The validated model of a standard: what a TOML file says once the loader has accepted it.

These are plain frozen values. Nothing here evaluates evidence: that is the
compiler's job (``compiler.py``), which turns a :class:`StandardDef` into checks.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Mapping

import attrs


@attrs.frozen
class Text:
    """A text in Chinese and English."""

    zh: str
    en: str

    def get(self, lang: str) -> str:
        """The text in ``lang`` (``zh`` or ``en``), falling back to the other."""
        return (self.zh or self.en) if lang == "zh" else (self.en or self.zh)

    def to_json(self) -> dict[str, str]:
        """The JSON form: ``{"zh": …, "en": …}``."""
        return {"zh": self.zh, "en": self.en}

    @classmethod
    def from_json(cls, data: Mapping[str, str]) -> "Text":
        """Inverse of :meth:`to_json`."""
        return cls(data.get("zh", ""), data.get("en", ""))


@attrs.frozen
class CriterionDef:
    """One criterion as written: a dimension, an article, a group or a check.

    ``params`` holds the kind-specific fields (``key``, ``op``, ``value`` …),
    already validated against the kind's schema.
    """

    id: str
    kind: str
    parent: str | None
    title: Text
    params: Mapping[str, Any]
    citation: str | None = None
    text: str | None = None
    summary: str | None = None
    interpretation: Text | None = None
    assumed: bool = False
    line: int | None = None
    #: True when the criterion reads a figure the organisation reports about itself.
    self_reported: bool = False
    #: The document a threshold comes from, when it is not the standard's own (豫联(组)〔2012〕15号).
    basis: str | None = None
    #: How an overlay changed this criterion: "tighten", "replace" or "add" (None: as in the base).
    overlay: str | None = None


@attrs.frozen
class RewardScheme:
    """A reward a payer grants to subjects that pass the standard.

    ``applies_to`` matches subject fields (``{"district": "jiangbei"}``);
    ``calculator`` names how the amount is computed (``"fixed"`` reads
    ``params["amount"]``; plugins add others through a hook).
    """

    id: str
    payer: Text
    calculator: str
    params: Mapping[str, Any]
    currency: str
    applies_to: Mapping[str, str]
    basis: Text
    document: str | None = None
    dated: dt.date | None = None
    effective_from: dt.date | None = None
    effective_until: dt.date | None = None
    #: Values of the scheme that are assumed, not from the source: field or aspect → why.
    assumed: Mapping[str, Text] = attrs.field(factory=dict)


@attrs.frozen
class OverlayDef:
    """One entry of an overlay standard: what it does to which criterion of the base."""

    op: str
    id: str
    line: int | None
    #: The full criterion, for "replace" and "add".
    criterion: CriterionDef | None = None
    #: The fields to change, as written, for "tighten" (checked against the base criterion's kind).
    fields: Mapping[str, Any] = attrs.field(factory=dict)


@attrs.frozen
class StandardDef:
    """One version of a standard, validated, with where it came from."""

    id: str
    version: str
    title: Text
    issuer: Text
    subject_kind: str
    jurisdiction: str
    effective_from: dt.date
    criteria: tuple[CriterionDef, ...]
    source: str
    content_hash: str
    effective_until: dt.date | None = None
    document: str | None = None
    issued: dt.date | None = None
    supersedes: str | None = None
    notes: Text | None = None
    rewards: tuple[RewardScheme, ...] = ()
    provider: str | None = None
    #: ``ID@VERSION`` of the standard this one overlays, and its overlay entries (before merging).
    extends: str | None = None
    overlays: tuple[OverlayDef, ...] = ()
    #: Values of the [standard] table that are assumed, not from the source: field → why.
    assumed: Mapping[str, Text] = attrs.field(factory=dict)
    #: Further jurisdictions whose subjects it assesses (an overlay's base's: Henan's for Zhengzhou's).
    also_in: tuple[str, ...] = ()

    @property
    def ref(self) -> str:
        """``ID@VERSION``."""
        return f"{self.id}@{self.version}"

    def in_force(self, on: dt.date) -> bool:
        """Whether this version is in force on ``on`` (until is exclusive)."""
        if on < self.effective_from:
            return False
        return self.effective_until is None or on < self.effective_until
