"""Evidence documents: untrusted input, loaded with limits and read key by key with type checks.

Evidence is a nested table (TOML or JSON): ``{"office": {"area_m2": 60}}``.
Dotted keys (``"office.area_m2"``, as CSV columns have) are nested on the way
in. A key that is absent or ``null`` is unknown. A value of the wrong type is
an :class:`~fivegood_core.errors.EvidenceError` naming the key and what was
expected; a key the vocabulary does not know is a warning, never an error.
"""

from __future__ import annotations

import json
import os
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO, Iterator, Mapping

import attrs

from fivegood_core.errors import EvidenceError, Problem
from fivegood_core.model.divisions import division_list
from fivegood_core.model.subject import Subject
from fivegood_core.model.vocabulary import CONTROL_CHARACTERS, BadValue, Vocabulary
from fivegood_core.reading.tomlfile import TomlSyntaxError, parse_toml
from fivegood_core.words.catalogue import Message, say, shown

#: Larger evidence files are refused before parsing.
MAX_BYTES = 8 * 1024 * 1024
#: Deeper nesting than any real evidence needs is refused (and keeps recursion bounded).
MAX_DEPTH = 12
#: More values than any real organisation's evidence is refused.
MAX_VALUES = 50_000
#: The longest id or name of a subject accepted.
MAX_NAME = 500


def nest(flat: Mapping[str, Any]) -> dict[str, Any]:
    """Turn dotted keys into nested tables; a key used both as value and table is an error."""
    out: dict[str, Any] = {}
    for dotted, value in flat.items():
        parts = str(dotted).split(".")
        node = out
        for i, part in enumerate(parts[:-1]):
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                raise EvidenceError([Problem(None, None, ".".join(parts[: i + 1]), say("evidence.value_and_table"))])
            node = child
        last = parts[-1]
        if isinstance(node.get(last), dict) and isinstance(value, dict):
            node[last].update(value)
        elif last in node:
            raise EvidenceError([Problem(None, None, str(dotted), say("evidence.given_twice"))])
        else:
            node[last] = value
    return out


def _needs_nesting(doc: Mapping[str, Any]) -> bool:
    return any("." in k for k in doc if isinstance(k, str))


def load_evidence(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read an evidence file (``.toml`` or ``.json``; ``-`` is standard input), refusing oversized or malformed ones.

    At most :data:`MAX_BYTES` are read, whatever the file system says of the
    file's size: a FIFO or ``/dev/zero`` is refused like a large file.
    """
    name = str(path)
    if name == "-":
        raw = _bounded_read(sys.stdin.buffer, "<stdin>")
        name = "<stdin>"
        suffix = ".json" if raw.lstrip()[:1] == b"{" else ".toml"  # evidence in JSON is an object; TOML starts otherwise
    else:
        p = Path(path)
        suffix = p.suffix.lower()
        if p.is_dir():
            raise EvidenceError([Problem(name, None, None, say("evidence.is_a_directory"))])
        if suffix not in (".json", ".toml"):
            raise EvidenceError([Problem(name, None, None, say("evidence.file_type"))])
        try:
            with open(p, "rb") as handle:
                raw = _bounded_read(handle, name)
        except FileNotFoundError:
            raise EvidenceError([Problem(name, None, None, say("evidence.no_such_file"))]) from None
        except IsADirectoryError:
            raise EvidenceError([Problem(name, None, None, say("evidence.is_a_directory"))]) from None
        except OSError as exc:
            raise EvidenceError([Problem(name, None, None, say("file.unreadable", error=exc.strerror))]) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise EvidenceError([Problem(name, None, None, say("file.not_utf8", byte=exc.start))]) from None
    if suffix == ".json":
        return parse_json_evidence(text, name)
    return parse_toml_evidence(text, name)


def _bounded_read(handle: BinaryIO, name: str) -> bytes:
    raw = handle.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise EvidenceError([Problem(name, None, None, say("evidence.too_large", limit=MAX_BYTES))])
    return raw


def parse_toml_evidence(text: str, name: str = "<toml>") -> dict[str, Any]:
    """Parse TOML evidence text."""
    try:
        return parse_toml(text, name).data
    except TomlSyntaxError as exc:
        raise EvidenceError([exc.problem]) from None


def parse_json_evidence(text: str, name: str = "<json>") -> dict[str, Any]:
    """Parse JSON evidence text; numbers with a fraction load as Decimal, never float."""
    try:
        doc = json.loads(text, parse_float=Decimal, parse_constant=_reject_constant, object_pairs_hook=_unique_keys)
    except json.JSONDecodeError as exc:
        raise EvidenceError(
            [Problem(name, exc.lineno, None, say("evidence.malformed_json_at", detail=exc.msg, column=exc.colno))]
        ) from None
    except _DuplicateKey as exc:
        raise EvidenceError([Problem(name, None, str(exc), say("evidence.given_twice_in_table"))]) from None
    except (ValueError, RecursionError) as exc:
        raise EvidenceError([Problem(name, None, None, say("evidence.malformed_json", detail=str(exc)))]) from None
    if not isinstance(doc, dict):
        raise EvidenceError([Problem(name, 1, None, say("evidence.json_not_an_object", got=shown(doc)))])
    return doc


class _DuplicateKey(ValueError):
    pass


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # JSON lets a key appear twice and keeps the last; evidence that says two things is refused instead.
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(key)
        out[key] = value
    return out


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number")


def _walk(doc: Mapping[str, Any], prefix: str, depth: int) -> Iterator[tuple[str, Any, int]]:
    for key, value in doc.items():
        dotted = f"{prefix}{key}"
        yield dotted, value, depth
        if isinstance(value, dict):
            yield from _walk(value, dotted + ".", depth + 1)


def check_document(doc: Any, vocabulary: Vocabulary, source: str = "<evidence>") -> tuple[dict[str, Any], tuple[Message, ...]]:
    """Validate an evidence document's structure; returns it (nested) and its warnings.

    Raises :class:`EvidenceError` for a non-table, too deep or too large a
    document, or a section that should be a table and is not. Unknown keys
    become warnings. Values of known keys are checked when a criterion reads
    them (see :class:`~fivegood_core.evidence.reader.Reader`), so every type error names its key.
    """
    if not isinstance(doc, dict):
        raise EvidenceError([Problem(source, None, None, say("evidence.expected_table_of_evidence", got=shown(doc)))])
    if _needs_nesting(doc):
        doc = nest(doc)
    warnings: list[Message] = []
    problems: list[Problem] = []
    sections = vocabulary.sections()
    plain = vocabulary.plain_keys()
    count = 0
    for section, table in doc.items():
        if section not in sections:
            warnings.append(say("warning.unknown_section", section=repr(section)))
            continue
        if table is None:
            continue
        if not isinstance(table, dict):
            problems.append(Problem(source, None, section, say("evidence.expected_table", got=shown(table))))
            continue
        known_here = plain.get(section, {})
        for name, value in table.items():
            entry = known_here.get(name)
            if entry is not None and value.__class__ is not dict:
                # The common case, a known key of a section holding a plain value: checked without building paths.
                count += 1
                if count > MAX_VALUES:
                    raise EvidenceError([Problem(source, None, None, say("evidence.too_many_values", limit=MAX_VALUES))])
                if value is not None:
                    try:
                        entry.read(value)
                    except BadValue as exc:
                        problems.append(Problem(source, None, f"{section}.{name}", exc.message))
                continue
            for dotted, inner, depth in _walk({name: value}, section + ".", 2):
                count += 1
                if count > MAX_VALUES:
                    raise EvidenceError([Problem(source, None, None, say("evidence.too_many_values", limit=MAX_VALUES))])
                if depth > MAX_DEPTH:
                    raise EvidenceError([Problem(source, None, dotted, say("evidence.too_deep", depth=MAX_DEPTH))])
                known = vocabulary.get(dotted)
                if known is not None:
                    if inner is not None:
                        try:
                            known.read(inner)
                        except BadValue as exc:
                            problems.append(Problem(source, None, dotted, exc.message))
                elif isinstance(inner, dict) and dotted in vocabulary.tables:
                    continue
                elif not _under_known(dotted, vocabulary):
                    import difflib  # imported when used, not at start-up

                    close = difflib.get_close_matches(dotted, list(vocabulary.keys), n=1, cutoff=0.8)
                    if close:
                        warnings.append(say("warning.unknown_key_close", key=repr(dotted), close=repr(close[0])))
                    else:
                        warnings.append(say("warning.unknown_key", key=repr(dotted)))
    if problems:
        raise EvidenceError(problems)
    return doc, tuple(warnings)


def _under_known(dotted: str, vocabulary: Vocabulary) -> bool:
    # Values inside a known by_year table are checked with the table, not warned about.
    head = dotted.rsplit(".", 1)[0]
    while "." in head:
        if head in vocabulary.keys:
            return True
        head = head.rsplit(".", 1)[0]
    return False


def subject_of(doc: Mapping[str, Any], source: str = "<evidence>") -> Subject:
    """The ``[subject]`` table as a :class:`Subject`; wrong types are errors."""
    table = doc.get("subject") or {}
    if not isinstance(table, dict):
        raise EvidenceError([Problem(source, None, "subject", say("field.table"))])
    values: dict[str, Any] = {}
    for field in attrs.fields(Subject):
        value = table.get(field.name)
        if value is None:
            continue
        if field.name == "year":
            if value.__class__ is not int:
                raise EvidenceError(
                    [Problem(source, None, "subject.year", say("value.expected_got", expected=say("type.year"), got=shown(value)))]
                )
        elif not isinstance(value, str):
            raise EvidenceError(
                [Problem(source, None, f"subject.{field.name}", say("value.expected_got", expected=say("type.text"), got=shown(value)))]
            )
        elif not value.strip() or len(value) > MAX_NAME or CONTROL_CHARACTERS.search(value):
            # A subject's id and names are printed in every report: no empty ones, no control characters.
            raise EvidenceError([Problem(source, None, f"subject.{field.name}", say("evidence.subject_name", limit=MAX_NAME))])
        values[field.name] = value
    return Subject(**values)


#: Subject fields whose values are administrative divisions (GB/T 2260), stored as their code.
PLACE_FIELDS = ("district", "prefecture")


def place_subject(
    doc: Mapping[str, Any], jurisdiction: str, on: Any, source: str = "<evidence>", also_in: tuple[str, ...] = ()
) -> Mapping[str, Any]:
    """``doc`` with its subject placed in ``jurisdiction``: district and prefecture stored as GB/T 2260 codes.

    A subject of another jurisdiction (than the standard's, or ``also_in``, an
    overlay's base's) is bad input: a Henan county is neither certified nor paid
    by a Ningbo district. So is a district a complete list does not know (the
    message names the key, the value and the nearest known districts). A name
    or code resolves to the division in force on ``on``.
    """
    table = doc.get("subject")
    if not isinstance(table, dict):
        return doc
    said = table.get("jurisdiction")
    if isinstance(said, str) and said != jurisdiction and said not in also_in:
        raise EvidenceError(
            [
                Problem(
                    source,
                    None,
                    "subject.jurisdiction",
                    say("evidence.other_jurisdiction", jurisdiction=repr(jurisdiction), said=repr(said)),
                )
            ]
        )
    if isinstance(said, str):
        jurisdiction = said
    placed = dict(table)
    for field in PLACE_FIELDS:
        value = table.get(field)
        if not isinstance(value, str):
            continue
        places = division_list(jurisdiction, field, on)
        if places is None:
            continue
        found = places.find(value)
        if found is not None:
            placed[field] = found.code
        elif places.complete:
            raise EvidenceError(
                [
                    Problem(
                        source,
                        None,
                        f"subject.{field}",
                        say(
                            "evidence.unknown_place",
                            field=field,
                            value=repr(value),
                            jurisdiction=jurisdiction,
                            nearest=", ".join(places.nearest(value)),
                        ),
                    )
                ]
            )
    if placed == table:
        return doc
    return {**doc, "subject": placed}
