"""Administrative divisions (GB/T 2260): a subject's district or prefecture as people write it.

``江北区``, ``Jiangbei``, ``jiangbei`` and ``330205`` name one district; the code
is what a result stores. Lists are per jurisdiction and subject field, and dated
(divisions change: Ningbo's were reorganised in 2016), chosen by the as-of date
like a standard's version. The data is ``divisions.toml`` beside this module.
"""

from __future__ import annotations

import datetime as dt
import sys
from functools import lru_cache
from typing import Any

import attrs

from fivegood_core.model.datafiles import beside

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

#: Suffixes of Chinese division names that people often leave out (江北 for 江北区).
_SUFFIXES = ("区", "县", "市")


@attrs.frozen
class Division:
    """One administrative division: its GB/T 2260 code and its names."""

    code: str
    zh: str
    en: str

    def names(self) -> tuple[str, ...]:
        """Every way it may be written, folded for comparison."""
        short = self.zh[:-1] if self.zh.endswith(_SUFFIXES) and len(self.zh) > 2 else self.zh
        return (self.code, self.zh, short, _fold(self.en))

    def label(self) -> str:
        """``330205 江北区 (Jiangbei)``."""
        return f"{self.code} {self.zh} ({self.en})"


@attrs.frozen
class DivisionList:
    """The divisions of one subject field in one jurisdiction, in force over a span of dates."""

    jurisdiction: str
    field: str
    divisions: tuple[Division, ...]
    complete: bool = True
    effective_from: dt.date | None = None
    effective_until: dt.date | None = None

    def in_force(self, on: dt.date) -> bool:
        """Whether this list describes the divisions on ``on`` (until is exclusive)."""
        return (self.effective_from is None or self.effective_from <= on) and (self.effective_until is None or on < self.effective_until)

    def find(self, value: str) -> Division | None:
        """The division ``value`` names (code, Chinese name with or without 区/县/市, romanised name), if any."""
        folded = _fold(value)
        return next((d for d in self.divisions if folded in d.names()), None)

    def nearest(self, value: str, n: int = 3) -> list[str]:
        """The divisions whose names are closest to a misspelt ``value``, as labels."""
        by_name = {name: d for d in self.divisions for name in d.names()}
        import difflib  # imported when used, not at start-up

        close = difflib.get_close_matches(_fold(value), list(by_name), n=n, cutoff=0.4)
        labels = list(dict.fromkeys(by_name[c].label() for c in close))
        return labels or [d.label() for d in self.divisions[:n]]


def _fold(value: str) -> str:
    return "".join(value.split()).lower()


def _date(v: Any) -> dt.date | None:
    return v if isinstance(v, dt.date) else None


@lru_cache(maxsize=1)
def division_lists() -> tuple[DivisionList, ...]:
    """Every list of ``divisions.toml``, loaded once."""
    data = tomllib.loads(beside(__file__, __package__, "divisions.toml").read_text(encoding="utf-8"))
    return tuple(
        DivisionList(
            t["jurisdiction"],
            t["field"],
            tuple(Division(d["code"], d["zh"], d["en"]) for d in t["divisions"]),
            bool(t.get("complete", True)),
            _date(t.get("effective_from")),
            _date(t.get("effective_until")),
        )
        for t in data["list"]
    )


def division_list(jurisdiction: str | None, field: str, on: dt.date) -> DivisionList | None:
    """The list of ``field`` divisions of ``jurisdiction`` in force on ``on``, if there is one."""
    return next((x for x in division_lists() if x.jurisdiction == jurisdiction and x.field == field and x.in_force(on)), None)


def place_label(value: str) -> str:
    """A division's code with its names (``330203 海曙区 (Haishu)``); any other value as it is."""
    for places in division_lists():
        for d in places.divisions:
            if d.code == value:
                return d.label()
    return value
