"""Standard references: ``ID`` or ``ID@VERSION``, parsed in one place."""

from __future__ import annotations

import attrs


@attrs.frozen
class StandardRef:
    """A standard id, optionally pinned to a version (``henan/five-guarantees@2013``).

    Without a version, the version in force on an as-of date is meant.
    """

    id: str
    version: str | None = None

    @classmethod
    def parse(cls, text: str) -> "StandardRef":
        """``"ID"`` or ``"ID@VERSION"``; an empty version counts as none."""
        sid, _, version = text.partition("@")
        return cls(sid, version or None)

    def __str__(self) -> str:
        return self.id if self.version is None else f"{self.id}@{self.version}"
