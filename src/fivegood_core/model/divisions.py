"""Administrative divisions (GB/T 2260), dated: a code, a Chinese name or a romanised name, resolved to the code.

One hierarchy (province → prefecture → county) with each division's dates, in
``divisions.toml`` beside this module. ``江北区``, ``江北``, ``Jiangbei`` and
``330205`` name one division; the code is what a result and the register store.
Divisions change (Ningbo's districts were reorganised in 2016), so every lookup
is made as of a date, like the choice of a standard's version::

    from fivegood_core.model.divisions import resolve
    resolve("Jiangbei", as_of=date(2011, 1, 12)).code      # "330205"
    resolve("江东区", as_of=date(2017, 1, 1))                 # PlaceError: no longer valid

What the evidence check needs — the divisions a subject field of a
jurisdiction may name, and whether that list is complete — is derived from the
hierarchy by :func:`division_list`.
"""

from __future__ import annotations

import datetime as dt
import functools
import sys
from typing import Any, Mapping

import attrs

from fivegood_core.errors import FivegoodError
from fivegood_core.model.datafiles import beside
from fivegood_core.words.catalogue import Message, say

#: Suffixes a Chinese name may be given without (郑州 for 郑州市, 江北 for 江北区).
_SUFFIXES = ("市", "区", "县", "省")


class PlaceError(FivegoodError):
    """A value names no division valid on the date; the message names the value and the nearest known ones."""


def _fold(value: str) -> str:
    """A name as compared: without spaces, lower case."""
    return "".join(str(value).split()).lower()


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
    #: Levels of which every division under this one is listed.
    complete: tuple[str, ...] = ()

    def valid_on(self, on: dt.date) -> bool:
        """Whether the division exists on ``on``."""
        return self.valid_from <= on and (self.valid_until is None or on < self.valid_until)

    def names(self) -> tuple[str, ...]:
        """Every spelling that resolves to this division, folded (romanised names in any case, spaces ignored)."""
        short = next((self.zh[: -len(s)] for s in _SUFFIXES if self.zh.endswith(s) and len(self.zh) > len(s) + 1), self.zh)
        return (self.code, self.zh, short, _fold(self.en))

    def label(self) -> str:
        """``330205 江北区 (Jiangbei)``."""
        return f"{self.code} {self.zh} ({self.en})"


@attrs.frozen
class Jurisdiction:
    """The area a jurisdiction of the standards covers, and the level of division each subject field names."""

    id: str
    area: str
    fields: Mapping[str, str]


@functools.lru_cache(maxsize=1)
def _data() -> tuple[tuple[Division, ...], dict[str, Jurisdiction]]:
    if sys.version_info >= (3, 11):  # imported when used, not at start-up
        import tomllib
    else:  # pragma: no cover - Python 3.10 only
        import tomli as tomllib

    data = tomllib.loads(beside(__file__, __package__, "divisions.toml").read_text(encoding="utf-8"))
    found = tuple(
        Division(
            d["code"],
            d["zh"],
            d["en"],
            d["level"],
            d.get("parent"),
            d["valid_from"],
            d.get("valid_until"),
            d.get("note"),
            tuple(d.get("complete", ())),
        )
        for d in data["division"]
    )
    jurisdictions = {j["id"]: Jurisdiction(j["id"], j["area"], dict(j["fields"])) for j in data.get("jurisdiction", ())}
    return found, jurisdictions


def all_divisions() -> tuple[Division, ...]:
    """Every division in the data file, whatever its dates."""
    return _data()[0]


@functools.lru_cache(maxsize=1)
def _by_code() -> dict[str, Division]:
    # The latest-starting division of each code (a code is never reused with another name in our data).
    return {d.code: d for d in sorted(all_divisions(), key=lambda d: d.valid_from)}


def within(division: Division, area: str) -> bool:
    """Whether ``division`` lies under the division coded ``area`` (at any depth)."""
    known = _by_code()
    parent = division.parent
    while parent is not None:
        if parent == area:
            return True
        above = known.get(parent)
        parent = above.parent if above is not None else None
    return False


def in_force(as_of: dt.date, *, level: str | None = None, parent: str | None = None, area: str | None = None) -> list[Division]:
    """The divisions valid on ``as_of``, by code: of one ``level``, directly under ``parent``, anywhere under ``area``."""
    return sorted(
        (
            d
            for d in all_divisions()
            if d.valid_on(as_of)
            and (level is None or d.level == level)
            and (parent is None or d.parent == parent)
            and (area is None or within(d, area))
        ),
        key=lambda d: d.code,
    )


def resolve(value: str, *, as_of: dt.date, level: str | None = None, parent: str | None = None, area: str | None = None) -> Division:
    """The division ``value`` names on ``as_of``: a code, a Chinese name (with or without 市/区/县) or a romanised name.

    Raises :class:`PlaceError` naming the value and the nearest known names
    when nothing matches, and saying when a division existed if ``value``
    names one that is not valid on ``as_of``.
    """
    wanted = str(value).strip()
    key = _fold(wanted)
    candidates = in_force(as_of, level=level, parent=parent, area=area)
    found = [d for d in candidates if key in d.names()]
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        raise PlaceError(say("place.ambiguous", value=repr(wanted), as_of=as_of, found=", ".join(f"{d.code} {d.zh}" for d in found)))
    elsewhen = [d for d in all_divisions() if key in d.names() and (level is None or d.level == level)]
    if elsewhen:
        spans = "; ".join(f"{d.code} {d.zh}: {d.valid_from} – {d.valid_until or 'open'}" for d in elsewhen)
        raise PlaceError(say("place.not_valid_on", value=repr(wanted), as_of=as_of, spans=spans))
    near = nearest(key, candidates)
    hint: Message = ", ".join(near) if near else say("place.none_close")
    if level:
        raise PlaceError(say("place.unknown_level", level=level, value=repr(wanted), as_of=as_of, hint=hint))
    raise PlaceError(say("place.unknown", value=repr(wanted), as_of=as_of, hint=hint))


def nearest(value: str, candidates: list[Division] | tuple[Division, ...], n: int = 3, cutoff: float = 0.5) -> list[str]:
    """Labels of the divisions among ``candidates`` whose names are closest to a misspelt ``value``."""
    spellings = {name: d for d in candidates for name in (d.code, d.zh, _fold(d.en))}
    import difflib  # imported when used, not at start-up

    close = difflib.get_close_matches(_fold(value), list(spellings), n=n, cutoff=cutoff)
    return list(dict.fromkeys(spellings[c].label() for c in close))


@attrs.frozen
class DivisionList:
    """The divisions one subject field of one jurisdiction may name on a date, derived from the hierarchy."""

    jurisdiction: str
    field: str
    divisions: tuple[Division, ...]
    #: True when the data lists every division of that level in the jurisdiction's area: another name is bad input.
    complete: bool = True

    def find(self, value: str) -> Division | None:
        """The division ``value`` names (code, Chinese name with or without 区/县/市, romanised name), if any."""
        folded = _fold(value)
        return next((d for d in self.divisions if folded in d.names()), None)

    def nearest(self, value: str, n: int = 3) -> list[str]:
        """The divisions whose names are closest to a misspelt ``value``, as labels (the first few when none is close)."""
        return nearest(value, self.divisions, n, cutoff=0.4) or [d.label() for d in self.divisions[:n]]


def jurisdiction_area(jurisdiction: str | None) -> str | None:
    """The code of the area a jurisdiction covers (``ningbo`` → ``330200``), if the data knows it."""
    j = _data()[1].get(jurisdiction or "")
    return j.area if j is not None else None


@functools.lru_cache(maxsize=256)
def division_list(jurisdiction: str | None, field: str, on: dt.date) -> DivisionList | None:
    """The divisions the subject field ``field`` of ``jurisdiction`` may name on ``on``; None when the data has none."""
    j = _data()[1].get(jurisdiction or "")
    level = j.fields.get(field) if j is not None else None
    if j is None or level is None:
        return None
    listed = tuple(in_force(on, level=level, area=j.area))
    area = next((d for d in all_divisions() if d.code == j.area and d.valid_on(on)), None)
    return DivisionList(j.id, field, listed, complete=area is not None and level in area.complete)


def place_label(value: Any) -> str:
    """A division's code with its names (``330203 海曙区 (Haishu)``); any other value as it is."""
    d = _by_code().get(value) if isinstance(value, str) else None
    return d.label() if d is not None else str(value)
