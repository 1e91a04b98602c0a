"""Evidence templates: every key a standard reads, with its meaning, unit and the criteria that use it."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

import attrs

from fivegood_core.kinds.leaves import Requires, Threshold

if TYPE_CHECKING:
    from fivegood_core.engine import Engine
    from fivegood_core.evaluation.compiled import CompiledStandard


@attrs.frozen
class Use:
    """One criterion that reads an evidence key: the standard version, the criterion, its citation and threshold."""

    ref: str
    criterion: str
    citation: str | None = None
    threshold: str | None = None

    def __str__(self) -> str:
        rule = f" ({self.threshold})" if self.threshold else ""
        return f"{self.ref} {self.criterion}{rule}"


def keys_read(engine: "Engine", compiled: "CompiledStandard", on: dt.date) -> dict[str, list[Use]]:
    """Every evidence key a standard reads (its required standards' too, in the versions in force on ``on``), and who reads it."""
    out: dict[str, list[Use]] = {}
    _uses(engine, compiled, on, out, set())
    return out


def _uses(engine: "Engine", compiled: "CompiledStandard", on: dt.date, out: dict[str, list[Use]], seen: set[str]) -> None:
    if compiled.defn.ref in seen:
        return
    seen.add(compiled.defn.ref)
    for node in compiled.nodes:
        check = node.check
        for key in check.inputs:
            threshold = str(check.threshold) if isinstance(check, Threshold) and check.threshold else None
            out.setdefault(key, []).append(Use(compiled.defn.ref, node.defn.id, node.defn.citation, threshold))
        if isinstance(check, Requires):
            _uses(engine, engine.get(check.ref, on), on, out, seen)


def evidence_template(engine: "Engine", compiled: "CompiledStandard", on: dt.date) -> str:
    """A TOML evidence file to fill in: each key commented out, with what it means and who reads it."""
    uses = keys_read(engine, compiled, on)
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
    for key in sorted(uses, key=lambda k: (k.startswith("attest."), k)):
        head, _, name = key.partition(".")
        if head == "subject":
            continue
        if head != section:
            lines += ["", f"[{head}]"]
            section = head
        entry = engine.vocabulary.get(key)
        assert entry is not None
        unit = f", {entry.type.unit.en}" if entry.type.unit.en else ""
        label = f"{entry.label.zh} / {entry.label.en}"
        lines.append(f"# {label} — {entry.type.expected}{unit}")
        for use in uses[key]:
            lines.append(f"#   used by {use}")
        placeholder = {"flag": "true", "names": '["…"]', "by_year": "{ 2010 = 0, 2011 = 0, 2012 = 0, 2013 = 0 }", "text": '""'}.get(
            entry.type.name, "0"
        )
        bare = name if re.fullmatch(r"[A-Za-z0-9_-]+", name) else f'"{name}"'
        lines.append(f"# {bare} = {placeholder}")
    return "\n".join(lines) + "\n"
