"""Administrative divisions (GB/T 2260), dated: a code, a Chinese name or a romanised name, resolved to the code.

Divisions change (Ningbo's districts were reorganised in 2016), so the list is
dated data like a standard's versions, and every lookup is made as of a date::

    from fivegood_core.places import resolve
    resolve("Jiangbei", as_of=date(2011, 1, 12)).code      # "330205"
    resolve("江东区", as_of=date(2017, 1, 1))                 # PlaceError: no longer valid

The data is ``places.toml`` beside this module.
"""

from __future__ import annotations

import datetime as dt
import functools
import sys

import attrs

from fivegood_core import FivegoodError
from fivegood_core.model.datafiles import beside

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10 only
    import tomli as tomllib

#: Suffixes a Chinese name may be given without (郑州 for 郑州市, 江北 for 江北区).
_SUFFIXES = ("市", "区", "县", "省")


class PlaceError(FivegoodError):
    """A value names no division valid on the date; the message names the value and the nearest known ones."""


@attrs.frozen
class Division:
    """One administrative division, valid from ``valid_from`` (inclusive) until ``valid_until`` (exclusive)."""

    code: str
    zh: str
    en: str
    level: str
    parent: str | None
    valid_from: dt.date
    valid_until: dt.date | None = None
    note: str | None = None

    def valid_on(self, on: dt.date) -> bool:
        """Whether the division exists on ``on``."""
        return self.valid_from <= on and (self.valid_until is None or on < self.valid_until)

    def names(self) -> tuple[str, ...]:
        """Every spelling that resolves to this division (case-insensitive for romanised names)."""
        short = next((self.zh[: -len(s)] for s in _SUFFIXES if self.zh.endswith(s) and len(self.zh) > len(s) + 1), self.zh)
        return (self.code, self.zh, short, self.en.lower())


@functools.lru_cache(maxsize=1)
def all_divisions() -> tuple[Division, ...]:
    """Every division in the data file, whatever its dates."""
    data = tomllib.loads(beside(__file__, __package__, "places.toml").read_text(encoding="utf-8"))
    return tuple(
        Division(d["code"], d["zh"], d["en"], d["level"], d.get("parent"), d["valid_from"], d.get("valid_until"), d.get("note"))
        for d in data["division"]
    )


def divisions(as_of: dt.date, *, level: str | None = None, parent: str | None = None) -> list[Division]:
    """The divisions valid on ``as_of``, optionally of one ``level`` and under one ``parent`` code, by code."""
    return sorted(
        (
            d
            for d in all_divisions()
            if d.valid_on(as_of) and (level is None or d.level == level) and (parent is None or d.parent == parent)
        ),
        key=lambda d: d.code,
    )


def resolve(value: str, *, as_of: dt.date, level: str | None = None, parent: str | None = None) -> Division:
    """The division ``value`` names on ``as_of``: a code, a Chinese name (with or without 市/区/县) or a romanised name.

    Raises :class:`PlaceError` naming the value and the nearest known names
    when nothing matches, and saying when a division existed if ``value``
    names one that is not valid on ``as_of``.
    """
    wanted = str(value).strip()
    key = wanted.lower()
    candidates = divisions(as_of, level=level, parent=parent)
    found = [d for d in candidates if key in d.names()]
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        raise PlaceError(f"place {wanted!r} is ambiguous on {as_of}: " + ", ".join(f"{d.code} {d.zh}" for d in found))
    elsewhen = [d for d in all_divisions() if key in d.names() and (level is None or d.level == level)]
    if elsewhen:
        spans = "; ".join(f"{d.code} {d.zh}: {d.valid_from} – {d.valid_until or 'open'}" for d in elsewhen)
        raise PlaceError(f"place {wanted!r} is not a valid division on {as_of} ({spans})")
    spellings = {name: d for d in candidates for name in (d.code, d.zh, d.en.lower())}
    import difflib  # imported when used, not at start-up

    near = difflib.get_close_matches(key, list(spellings), n=3, cutoff=0.5)
    hint = ", ".join(f"{spellings[n].code} {spellings[n].zh} ({spellings[n].en})" for n in near) if near else "none close"
    what = f"{level} " if level else ""
    raise PlaceError(f"unknown {what}place {wanted!r} on {as_of}; nearest known: {hint}")
