"""Versions of standards by id: the one lookup of ``ID@VERSION`` or of the version in force on a date."""

from __future__ import annotations

import bisect
import datetime as dt
from typing import Generic, Iterator, Mapping, Protocol, Sequence, TypeVar

from fivegood_core.errors import ResolutionError
from fivegood_core.model.dates import as_of_or_today
from fivegood_core.model.definitions import StandardDef
from fivegood_core.model.refs import StandardRef


class Defined(Protocol):
    """Anything that carries a standard's definition (a compiled standard)."""

    @property
    def defn(self) -> StandardDef: ...


V = TypeVar("V", bound=Defined)


class Versions(Generic[V]):
    """Compiled standards by id, each id's versions in order of their effective dates."""

    def __init__(self, by_id: Mapping[str, Sequence[V]]) -> None:
        self._by_id = {sid: sorted(vs, key=lambda v: v.defn.effective_from) for sid, vs in by_id.items() if vs}

    def __getstate__(self) -> dict[str, object]:
        return {"_by_id": self._by_id}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)

    def __iter__(self) -> Iterator[V]:
        """Every version, by id then effective date."""
        for sid in sorted(self._by_id):
            yield from self._by_id[sid]

    def __contains__(self, sid: object) -> bool:
        return sid in self._by_id

    def ids(self) -> list[str]:
        """The standard ids, sorted."""
        return sorted(self._by_id)

    def of(self, sid: str) -> tuple[V, ...]:
        """The versions of ``sid``, by effective date (empty if unknown)."""
        return tuple(self._by_id.get(sid, ()))

    def find(self, ref: StandardRef) -> "V | None":
        """The version ``ref`` pins, if there is one."""
        return next((v for v in self._by_id.get(ref.id, ()) if v.defn.version == ref.version), None)

    def subset(self, ids: set[str]) -> "Versions[V]":
        """Only the given ids' versions."""
        return Versions({sid: vs for sid, vs in self._by_id.items() if sid in ids})

    def get(self, ref: "str | StandardRef", as_of: dt.date | None = None) -> V:
        """The version ``ID@VERSION`` names, or the version of ``ID`` in force on ``as_of`` (default today)."""
        ref = StandardRef.parse(ref) if isinstance(ref, str) else ref
        versions = self._by_id.get(ref.id)
        if not versions:
            known = ", ".join(sorted(self._by_id)) or "none"
            raise ResolutionError(f"unknown standard {ref.id!r} (installed: {known})")
        if ref.version is not None:
            found = self.find(ref)
            if found is not None:
                return found
            raise ResolutionError(f"{ref.id} has no version {ref.version!r} (versions: {', '.join(v.defn.version for v in versions)})")
        on = as_of_or_today(as_of)
        i = bisect.bisect_right([v.defn.effective_from for v in versions], on) - 1
        if i >= 0 and versions[i].defn.in_force(on):
            return versions[i]
        spans = "; ".join(f"{v.defn.version}: {v.defn.effective_from} – {v.defn.effective_until or 'open'}" for v in versions)
        raise ResolutionError(f"no version of {ref.id} is in force on {on} ({spans})")
