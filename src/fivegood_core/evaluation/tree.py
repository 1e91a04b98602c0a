"""The criteria tree: each criterion of a standard built into a check by its kind."""

from __future__ import annotations

import attrs

from fivegood_core.errors import Problem, StandardError
from fivegood_core.evaluation.toolkit import Toolkit
from fivegood_core.kinds.contract import BuildContext, Check, Group
from fivegood_core.model.definitions import CriterionDef, StandardDef
from fivegood_core.reading.schema import BuildError


@attrs.frozen
class Node:
    """A compiled criterion: its definition, its check, its children."""

    defn: CriterionDef
    check: Check | Group
    children: tuple["Node", ...]
    #: Evidence keys read by this node and its descendants, in order, without repeats.
    inputs: tuple[str, ...] = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        keys = list(self.check.inputs) + [k for c in self.children for k in c.inputs]
        object.__setattr__(self, "inputs", tuple(dict.fromkeys(keys)))

    def walk(self) -> "list[Node]":
        """This node and all below it, depth first."""
        out = [self]
        for c in self.children:
            out.extend(c.walk())
        return out


def build_tree(defn: StandardDef, toolkit: Toolkit) -> tuple[Node, ...]:
    """Build every criterion's check; raises :class:`StandardError` listing every problem."""
    problems: list[Problem] = []
    built: dict[str, Check | Group] = {}
    for c in defn.criteria:
        ctx = BuildContext(c.id, c.title, toolkit.vocabulary, toolkit.metrics, toolkit.kinds, defn.subject_kind)
        try:
            built[c.id] = toolkit.kinds[c.kind].build(c.params, ctx)
        except BuildError as exc:
            key = f"criterion[{c.id}]" + (f".{exc.field}" if exc.field else "")
            problems.append(Problem(defn.source, c.line, key, exc.message))
    if problems:
        raise StandardError(problems)
    by_parent: dict[str | None, list[CriterionDef]] = {}
    for c in defn.criteria:
        by_parent.setdefault(c.parent, []).append(c)

    def node(c: CriterionDef) -> Node:
        return Node(c, built[c.id], tuple(node(k) for k in by_parent.get(c.id, ())))

    return tuple(node(c) for c in by_parent.get(None, ()))
