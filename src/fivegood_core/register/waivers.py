"""Waivers in a result: a waived criterion shows as ``waived`` (never as passed), and its groups are re-judged.

A waiver sets one criterion aside for one subject; it does not make the
criterion pass. Groups above it are recomputed treating it as not blocking:
``all`` (and the other every-child groups) ignore it, ``any`` and ``sources``
count it as satisfied. A group kind whose rule this module does not know (``at_least``)
keeps the engine's verdict, so a waiver can never make more pass than it
should, and the result says so in ``warnings``.
"""

from __future__ import annotations

import copy
from typing import Any, Mapping

#: Group kinds whose children must all hold.
ALL_KINDS = ("all", "requires")


def _combine_all(verdicts: list[str]) -> str:
    if "fail" in verdicts:
        return "fail"
    if "unknown" in verdicts:
        return "unknown"
    return "pass"


def _recompute(node: dict[str, Any], waived: Mapping[str, Any], warnings: list[str]) -> bool:
    """Mark waived criteria under ``node`` and recompute groups; returns whether anything below changed."""
    if node["id"] in waived:
        node["verdict"] = "waived"
        w = waived[node["id"]]
        node["waiver"] = {"reason": w["reason"], "approver": w["approver"], "expires": str(w["expires"])}
        return True
    children = node.get("children") or []
    changed = [_recompute(c, waived, warnings) for c in children]
    if not any(changed) or node["verdict"] in ("advisory", "not_applicable"):
        return any(changed)
    verdicts = [c["verdict"] for c in children if c["verdict"] not in ("advisory", "not_applicable", "waived")]
    if node["kind"] in ALL_KINDS:
        node["verdict"] = _combine_all(verdicts)
    elif node["kind"] in ("sources", "fallback"):
        # Alternative evidence of one fact: a waived alternative sets the fact aside, as a passing one would establish it.
        if len(verdicts) < len(children) or "pass" in verdicts:
            node["verdict"] = "pass"
        else:
            node["verdict"] = "fail" if "fail" in verdicts else "unknown"
    elif node["kind"] == "any":
        if len(verdicts) < len(children) or "pass" in verdicts:
            node["verdict"] = "pass"
        else:
            node["verdict"] = "unknown" if "unknown" in verdicts else "fail"
    else:
        warnings.append(
            f"waiver under {node['id']} ({node['kind']}) not applied to the group's verdict: the register cannot recompute a {node['kind']} group"
        )
    return True


def apply_waivers(result: Mapping[str, Any], waived: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of an engine JSON result with the waived criteria (id → waiver row) marked and the verdict recomputed."""
    if not waived:
        return dict(result)
    out = copy.deepcopy(dict(result))
    warnings: list[str] = list(out.get("warnings", []))
    changed = [_recompute(c, waived, warnings) for c in out["criteria"]]
    if any(changed):
        verdicts = [c["verdict"] for c in out["criteria"] if c["verdict"] not in ("advisory", "not_applicable", "waived")]
        overall = _combine_all(verdicts)
        out["verdict"] = {"unknown": "incomplete"}.get(overall, overall)
        # A decisive failed/unknown leaf inside a waived criterion no longer decides anything.
        set_aside: set[str] = set()
        stack = [(c, False) for c in out["criteria"]]
        while stack:
            node, under = stack.pop()
            under = under or node["verdict"] == "waived"
            if under:
                set_aside.add(node["id"])
            stack.extend((c, under) for c in node.get("children") or [])
        out["failed"] = [c for c in out.get("failed", []) if c not in set_aside]
        out["unknown"] = [c for c in out.get("unknown", []) if c not in set_aside]
    out["waived"] = sorted(waived)
    for cid, w in waived.items():
        warnings.append(f"criterion {cid} waived for this subject until {w['expires']} by {w['approver']}: {w['reason']}")
    out["warnings"] = warnings
    return out
