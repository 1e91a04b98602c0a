"""Who is being assessed: the ``[subject]`` table of an evidence document."""

from __future__ import annotations

from typing import Any, Mapping

import attrs


@attrs.frozen
class Subject:
    """Who is being assessed (the ``[subject]`` table)."""

    id: str | None = None
    name: str | None = None
    kind: str | None = None
    jurisdiction: str | None = None
    district: str | None = None
    year: int | None = None
    #: For Henan: the prefecture-level city (省辖市) that nominates a county.
    prefecture: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The JSON form, omitting unknown fields."""
        return {k: v for k, v in attrs.asdict(self).items() if v is not None}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "Subject":
        """Inverse of :meth:`to_json`."""
        return cls(**{f.name: data.get(f.name) for f in attrs.fields(cls)})
