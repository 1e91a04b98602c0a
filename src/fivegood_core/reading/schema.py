"""Field schemas for TOML tables: each field's type, whether it is required, and what it means.

The loader checks every table of a standard against a schema, and each check
kind declares the schema of its own fields, so an unknown or misspelt key is an
error with its line, never silently ignored. The same schemas render the TOML
format reference in the docs.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any, Callable, Mapping, Protocol, Sequence

import attrs

from fivegood_core.errors import Problem
from fivegood_core.model.definitions import Text
from fivegood_core.model.vocabulary import KEY_PATTERN, MAX_MAGNITUDE, MAX_PLACES, BadValue, Vocabulary, bounded
from fivegood_core.reading.tomlfile import KeyPath, TomlDocument
from fivegood_core.words.catalogue import Message, Said, say, shown

OPS = (">", ">=", "<", "<=", "==")
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
VERSION_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
STANDARD_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]*(/[a-z0-9][a-z0-9_-]*)+$")


class BuildError(Exception):
    """A criterion's fields are well-typed but do not make sense together.

    ``message`` is a message of the catalogue (``say(...)``), which reads in
    either language; a plugin's own check kind may raise with a plain string,
    which reads the same in both.
    """

    def __init__(self, field: str | None, message: Message) -> None:
        self.field = field
        self.message = message
        super().__init__(str(message))


class Invalid(ValueError):
    """A field's value is not what its type expects; ``message`` says what it expects (a ``say(...)`` or plain text)."""

    def __init__(self, message: Message) -> None:
        self.message = message
        super().__init__(str(message))


def _string(v: Any, _: Vocabulary | None) -> str:
    if not isinstance(v, str) or not v.strip():
        raise Invalid(say("field.non_empty_string"))
    return v


def _text(v: Any, _: Vocabulary | None) -> Text:
    if not isinstance(v, dict) or set(v) - {"zh", "en"} or not all(isinstance(x, str) and x for x in v.values()) or len(v) != 2:
        raise Invalid(say("field.text"))
    return Text(v["zh"], v["en"])


def _texts(v: Any, voc: Vocabulary | None) -> dict[str, Text]:
    if not isinstance(v, dict) or not v:
        raise Invalid(say("field.texts"))
    out: dict[str, Text] = {}
    for name, text in v.items():
        if not isinstance(name, str) or not ID_PATTERN.match(name):
            raise Invalid(say("field.text_name", got=repr(name)))
        out[name] = _text(text, voc)
    return out


def _date(v: Any, _: Vocabulary | None) -> dt.date:
    if not isinstance(v, dt.date) or isinstance(v, dt.datetime):
        raise Invalid(say("field.date"))
    return v


def _bool(v: Any, _: Vocabulary | None) -> bool:
    if not isinstance(v, bool):
        raise Invalid(say("field.bool"))
    return v


def _integer(v: Any, _: Vocabulary | None) -> int:
    if isinstance(v, bool) or not isinstance(v, int):
        raise Invalid(say("field.whole_number"))
    if not -MAX_MAGNITUDE < v < MAX_MAGNITUDE:
        raise Invalid(say("field.whole_number_bounded"))
    return v


def _number(v: Any, _: Vocabulary | None) -> int | Decimal:
    if isinstance(v, bool) or not isinstance(v, (int, Decimal)):
        raise Invalid(say("field.number"))
    try:
        # The bounds of evidence hold for thresholds too: nan, inf and 1e-999999 are no limits.
        return bounded(v, say("type.number"), v)
    except BadValue:
        raise Invalid(say("field.number_bounded", places=MAX_PLACES)) from None


def _version(v: Any, _: Vocabulary | None) -> str:
    # A version names files (docs/standards/ID-VERSION.md) and appears in ID@VERSION.
    if not isinstance(v, str) or not VERSION_PATTERN.match(v):
        raise Invalid(say("field.version"))
    return v


def _op(v: Any, _: Vocabulary | None) -> str:
    if v not in OPS:
        raise Invalid(say("field.one_of", options=", ".join(repr(o) for o in OPS)))
    return str(v)


def _key(v: Any, vocabulary: Vocabulary | None) -> str:
    if not isinstance(v, str) or not KEY_PATTERN.match(v):
        raise Invalid(say("field.evidence_key"))
    if vocabulary is not None and v not in vocabulary:
        import difflib  # imported when used, not at start-up

        close = difflib.get_close_matches(v, list(vocabulary.keys), n=1)
        hint = say("field.did_you_mean", name=repr(close[0])) if close else ""
        raise Invalid(say("field.unknown_evidence_key", key=repr(v), hint=hint))
    return v


def _keys(v: Any, vocabulary: Vocabulary | None) -> tuple[str, ...]:
    if not isinstance(v, list) or not v:
        raise Invalid(say("field.evidence_keys"))
    return tuple(_key(x, vocabulary) for x in v)


def _id(v: Any, _: Vocabulary | None) -> str:
    if not isinstance(v, str) or not ID_PATTERN.match(v):
        raise Invalid(say("field.id"))
    return v


def _standard_ref(v: Any, _: Vocabulary | None) -> str:
    base, at, version = v.partition("@") if isinstance(v, str) else (None, "", "")
    if base is None or not STANDARD_ID_PATTERN.match(base) or (at and not VERSION_PATTERN.match(version)):
        raise Invalid(say("field.standard_id"))
    return str(v)


def _table(v: Any, _: Vocabulary | None) -> dict[str, Any]:
    if not isinstance(v, dict):
        raise Invalid(say("field.table"))
    return v


def _strings(v: Any, _: Vocabulary | None) -> tuple[str, ...]:
    if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
        raise Invalid(say("field.strings"))
    return tuple(v)


TYPES: Mapping[str, Callable[[Any, Vocabulary | None], Any]] = {
    "string": _string,
    "text": _text,
    "texts": _texts,
    "date": _date,
    "bool": _bool,
    "integer": _integer,
    "number": _number,
    "op": _op,
    "key": _key,
    "keys": _keys,
    "id": _id,
    "version": _version,
    "standard": _standard_ref,
    "table": _table,
    "strings": _strings,
}


@attrs.frozen
class Field:
    """One field of a TOML table."""

    name: str
    type: str = attrs.field(validator=attrs.validators.in_(TYPES))
    required: bool = False
    doc: str = ""


def check_table(
    doc: TomlDocument,
    path: KeyPath,
    table: Any,
    fields: Sequence[Field],
    problems: list[Problem],
    vocabulary: Vocabulary | None = None,
    what: Message | None = None,
) -> dict[str, Any]:
    """Check ``table`` at ``path`` against ``fields``; append problems, return converted values.

    Every problem is collected (not only the first) so an author sees them all.
    """
    what = what or say("table.table")
    if not isinstance(table, dict):
        problems.append(doc.problem(path, say("field.expected_table", what=what, got=shown(table))))
        return {}
    known = {f.name: f for f in fields}
    out: dict[str, Any] = {}
    for key in table:
        if key not in known:
            import difflib  # imported when used, not at start-up

            close = difflib.get_close_matches(key, list(known), n=1)
            hint = say("field.did_you_mean", name=repr(close[0])) if close else ""
            allowed = ", ".join(sorted(known))
            problems.append(doc.problem(path + (key,), say("field.unknown_key", what=what, hint=hint, allowed=allowed)))
    for field in fields:
        if field.name not in table:
            if field.required:
                problems.append(doc.problem(path, say("field.missing", name=repr(field.name), doc=field.doc or field.type)))
            continue
        try:
            out[field.name] = TYPES[field.type](table[field.name], vocabulary)
        except Invalid as exc:
            problems.append(doc.problem(path + (field.name,), invalid(exc, table[field.name])))
    return out


def invalid(exc: Invalid, value: Any) -> Said:
    """What a field expected and the value it was given (as written in TOML)."""
    return say("field.invalid", problem=exc.message, got=shown(value))


class KindSchema(Protocol):
    """What the loader needs of a check kind: its fields, and whether it has children."""

    @property
    def fields(self) -> tuple[Field, ...]: ...

    @property
    def group(self) -> bool: ...


class CalculatorSchema(Protocol):
    """What the loader needs of a reward calculator: the parameters a scheme must give it."""

    @property
    def params(self) -> tuple[str, ...]: ...


class Schemas(Protocol):
    """Everything a standard file is checked against (an engine's toolkit provides it)."""

    @property
    def kinds(self) -> Mapping[str, KindSchema]: ...

    @property
    def vocabulary(self) -> Vocabulary: ...

    @property
    def calculators(self) -> Mapping[str, CalculatorSchema]: ...
