"""Evidence templates: every key a standard reads, with its meaning, unit and the criteria that use it."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

import attrs

from fivegood_core.kinds.leaves import Requires, Threshold
from fivegood_core.model.definitions import Text
from fivegood_core.model.divisions import DivisionList, division_list
from fivegood_core.model.vocabulary import EvidenceKey

if TYPE_CHECKING:
    from fivegood_core.engine import Engine
    from fivegood_core.evaluation.compiled import CompiledStandard
    from fivegood_core.evaluation.tree import Node


@attrs.frozen
class Use:
    """One criterion that reads an evidence key: the standard version, the criterion, its citation, threshold and title."""

    ref: str
    criterion: str
    citation: str | None = None
    threshold: str | None = None
    #: The criterion's title (zh and en).
    title: Text | None = None

    def __str__(self) -> str:
        rule = f" ({self.threshold})" if self.threshold else ""
        return f"{self.ref} {self.criterion}{rule}"


def keys_read(engine: "Engine", compiled: "CompiledStandard", on: dt.date) -> dict[str, list[Use]]:
    """Every evidence key a standard reads (its required standards' too, in the versions in force on ``on``), and who reads it."""
    out: dict[str, list[Use]] = {}
    _uses(engine, compiled, on, out, set())
    return out


@attrs.frozen
class TemplateKey:
    """One evidence key a template asks for: its vocabulary entry and the criteria that read it."""

    key: str
    entry: "EvidenceKey"
    uses: tuple[Use, ...]


def _uses(engine: "Engine", compiled: "CompiledStandard", on: dt.date, out: dict[str, list[Use]], seen: set[str]) -> None:
    if compiled.defn.ref in seen:
        return
    seen.add(compiled.defn.ref)
    for node in compiled.nodes:
        check = node.check
        for key in check.inputs:
            threshold = str(check.threshold) if isinstance(check, Threshold) and check.threshold else None
            out.setdefault(key, []).append(Use(compiled.defn.ref, node.defn.id, node.defn.citation, threshold, node.defn.title))
        if isinstance(check, Requires):
            _uses(engine, engine.get(check.ref, on), on, out, seen)


def template_keys(engine: "Engine", compiled: "CompiledStandard", on: dt.date) -> list[TemplateKey]:
    """Every evidence key the standard (and the standards it requires) reads, outside ``[subject]``, in template order.

    The one list both templates (TOML and xlsx) are written from, in the order
    the standard reads them, article by article, so that filling it in follows
    the text: each section where its first key is read, its keys together (as
    TOML's tables must be), in the order they are first read; attestations last.
    """
    uses = keys_read(engine, compiled, on)
    first = {key: i for i, key in enumerate(uses)}  # keys_read lists keys as the criteria first read them
    section: dict[str, int] = {}
    for key, i in first.items():
        section.setdefault(key.partition(".")[0], i)
    found = []
    for key in sorted(uses, key=lambda k: (k.startswith("attest."), section[k.partition(".")[0]], first[k])):
        if key.partition(".")[0] == "subject":
            continue
        entry = engine.vocabulary.get(key)
        assert entry is not None  # a standard reading an unknown key is refused when it loads
        found.append(TemplateKey(key, entry, tuple(uses[key])))
    return found


def evidence_template(engine: "Engine", compiled: "CompiledStandard", on: dt.date) -> str:
    """A TOML evidence file to fill in: each key commented out, with what it means and who reads it."""
    d = compiled.defn
    lines = [
        f"# Evidence for {d.ref}: {d.title.zh} / {d.title.en}",
        "# Fill in what you know and remove the '# ' before each key. A key left out is unknown:",
        "# the verdict is then 'incomplete' rather than 'fail'. Counts are whole numbers, money is",
        "# yuan, areas are m², flags are true/false.",
        "",
        "[subject]",
        '# id = "…"              # your identifier for the organisation; fill in, then uncomment',
        '# name = "…"            # the organisation\'s name',
        f'kind = "{d.subject_kind}"',
        f'jurisdiction = "{d.jurisdiction}"',
        '# district = ""',
        f"year = {on.year}",
    ]
    section = None
    for item in template_keys(engine, compiled, on):
        head, _, name = item.key.partition(".")
        entry = item.entry
        if head != section:
            lines += ["", f"[{head}]"]
            section = head
        unit = f", {entry.type.unit.en}" if entry.type.unit.en else ""
        label = f"{entry.label.zh} / {entry.label.en}"
        lines.append(f"# {label} — {entry.type.expected}{unit}")
        for use in item.uses:
            lines.append(f"#   used by {use}")
        placeholder = {"flag": "true", "names": '["…"]', "by_year": "{ 2010 = 0, 2011 = 0, 2012 = 0, 2013 = 0 }", "text": '""'}.get(
            entry.type.name, "0"
        )
        bare = name if re.fullmatch(r"[A-Za-z0-9_-]+", name) else f'"{name}"'
        lines.append(f"# {bare} = {placeholder}")
    return "\n".join(lines) + "\n"


@attrs.frozen
class FormSection:
    """The evidence keys an article reads first, for a form grouped article by article."""

    criterion: str
    citation: str | None
    title: Text
    #: The vocabulary entries of the keys, each with the criteria that read it.
    fields: tuple[tuple[EvidenceKey, tuple[Use, ...]], ...]


def _required_keys(engine: "Engine", node: "Node", on: dt.date, seen: set[str]) -> list[str]:
    keys = list(node.inputs)
    for n in node.walk():
        if isinstance(n.check, Requires):
            nested: dict[str, list[Use]] = {}
            _uses(engine, engine.get(n.check.ref, on), on, nested, seen)
            keys += list(nested)
    return keys


def evidence_sections(engine: "Engine", compiled: "CompiledStandard", on: dt.date) -> list[FormSection]:
    """Every key the standard reads (a required standard's too), grouped by the first article that reads it.

    An article is the highest criterion with a citation; keys of the subject
    table are left to the subject's own fields (see :func:`subject_places`).
    """
    uses = keys_read(engine, compiled, on)
    placed: set[str] = set()
    sections: list[FormSection] = []

    def visit(node: "Node") -> None:
        if node.defn.citation or not node.children:
            keys = [k for k in dict.fromkeys(_required_keys(engine, node, on, {compiled.defn.ref})) if k not in placed]
            fields = []
            for key in keys:
                entry = engine.vocabulary.get(key)
                if entry is not None and not key.startswith("subject."):
                    fields.append((entry if entry.key == key else attrs.evolve(entry, key=key), tuple(uses.get(key, ()))))
                placed.add(key)
            if fields:
                sections.append(FormSection(node.defn.id, node.defn.citation, node.defn.title, tuple(fields)))
            return
        for child in node.children:
            visit(child)

    for root in compiled.roots:
        visit(root)
    return sections


def subject_places(compiled: "CompiledStandard", on: dt.date) -> dict[str, DivisionList]:
    """The divisions each place field of the subject (``district``, ``prefecture``) may name, where the data lists them."""
    out = {}
    for field in ("prefecture", "district"):
        found = division_list(compiled.defn.jurisdiction, field, on)
        if found is not None:
            out[field] = found
    return out
