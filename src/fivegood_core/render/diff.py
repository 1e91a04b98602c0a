"""What changed between two versions of a standard: criteria added, removed and changed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs

if TYPE_CHECKING:
    from fivegood_core.evaluation.compiled import CompiledStandard
    from fivegood_core.evaluation.tree import Node


@attrs.frozen
class Change:
    """One criterion's difference between the two versions."""

    criterion: str
    kind: str  # "added", "removed" or "changed"
    details: tuple[str, ...] = ()

    def __str__(self) -> str:
        mark = {"added": "+", "removed": "-", "changed": "~"}[self.kind]
        text = f"{mark} {self.criterion}"
        return text + "".join(f"\n    {d}" for d in self.details)


def _facts(node: "Node") -> dict[str, Any]:
    d = node.defn
    return {
        "kind": d.kind,
        "threshold": node.check.threshold,
        "evidence": ", ".join(node.check.inputs) or None,
        "title": f"{d.title.zh} / {d.title.en}",
        "citation": d.citation,
        "text": d.text,
        "interpretation": d.interpretation.en if d.interpretation else None,
        "assumed": d.assumed,
        "parent": d.parent,
    }


def diff_standards(old: "CompiledStandard", new: "CompiledStandard") -> list[Change]:
    """Criteria added, removed and changed (threshold, wording, kind …) from ``old`` to ``new``."""
    before = {n.defn.id: n for n in old.nodes}
    after = {n.defn.id: n for n in new.nodes}
    changes: list[Change] = []
    for cid, node in after.items():
        if cid not in before:
            changes.append(Change(cid, "added", tuple(f"{k}: {v}" for k, v in _facts(node).items() if v not in (None, False))))
            continue
        a, b = _facts(before[cid]), _facts(node)
        details = tuple(f"{k}: {a[k]!r} → {b[k]!r}" for k in a if a[k] != b[k])
        if details:
            changes.append(Change(cid, "changed", details))
    for cid in before:
        if cid not in after:
            changes.append(Change(cid, "removed"))
    return changes
