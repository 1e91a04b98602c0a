"""Field schemas for TOML tables: each field's type, whether it is required, and what it means.

The loader checks every table of a standard against a schema, and each check
kind declares the schema of its own fields, so an unknown or misspelt key is an
error with its line, never silently ignored. The same schemas render the TOML
format reference in the docs.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from decimal import Decimal
from typing import Any, Callable, Mapping, Protocol, Sequence

import attrs

from fivegood_core.errors import Problem
from fivegood_core.model.definitions import Text
from fivegood_core.model.vocabulary import KEY_PATTERN, MAX_MAGNITUDE, MAX_PLACES, BadValue, Vocabulary, bounded
from fivegood_core.reading.tomlfile import KeyPath, TomlDocument

OPS = (">", ">=", "<", "<=", "==")
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
VERSION_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
STANDARD_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]*(/[a-z0-9][a-z0-9_-]*)+$")


class BuildError(Exception):
    """A criterion's fields are well-typed but do not make sense together."""

    def __init__(self, field: str | None, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(message)


class Invalid(ValueError):
    """A field's value is not what its type expects."""


def _string(v: Any, _: Vocabulary | None) -> str:
    if not isinstance(v, str) or not v.strip():
        raise Invalid("expected a non-empty string")
    return v


def _text(v: Any, _: Vocabulary | None) -> Text:
    if not isinstance(v, dict) or set(v) - {"zh", "en"} or not all(isinstance(x, str) and x for x in v.values()) or len(v) != 2:
        raise Invalid('expected a table { zh = "…", en = "…" } with both languages')
    return Text(v["zh"], v["en"])


def _texts(v: Any, voc: Vocabulary | None) -> dict[str, Text]:
    if not isinstance(v, dict) or not v:
        raise Invalid('expected a table of name = { zh = "…", en = "…" }')
    out: dict[str, Text] = {}
    for name, text in v.items():
        if not isinstance(name, str) or not ID_PATTERN.match(name):
            raise Invalid(f"expected names of lower-case letters, digits, '-' and '_', got {name!r}")
        out[name] = _text(text, voc)
    return out


def _date(v: Any, _: Vocabulary | None) -> dt.date:
    if not isinstance(v, dt.date) or isinstance(v, dt.datetime):
        raise Invalid("expected a date such as 2013-01-25 (unquoted)")
    return v


def _bool(v: Any, _: Vocabulary | None) -> bool:
    if not isinstance(v, bool):
        raise Invalid("expected true or false")
    return v


def _integer(v: Any, _: Vocabulary | None) -> int:
    if isinstance(v, bool) or not isinstance(v, int):
        raise Invalid("expected a whole number")
    if not -MAX_MAGNITUDE < v < MAX_MAGNITUDE:
        raise Invalid("expected a whole number below 10^15")
    return v


def _number(v: Any, _: Vocabulary | None) -> int | Decimal:
    if isinstance(v, bool) or not isinstance(v, (int, Decimal)):
        raise Invalid("expected a number")
    try:
        # The bounds of evidence hold for thresholds too: nan, inf and 1e-999999 are no limits.
        return bounded(v, "a number", v)
    except BadValue:
        raise Invalid(f"expected a finite number below 10^15 with at most {MAX_PLACES} decimal places") from None


def _version(v: Any, _: Vocabulary | None) -> str:
    # A version names files (docs/standards/ID-VERSION.md) and appears in ID@VERSION.
    if not isinstance(v, str) or not VERSION_PATTERN.match(v):
        raise Invalid("expected a version label of letters, digits, '.', '-' and '_', such as \"2013\"")
    return v


def _op(v: Any, _: Vocabulary | None) -> str:
    if v not in OPS:
        raise Invalid(f"expected one of {', '.join(repr(o) for o in OPS)}")
    return str(v)


def _key(v: Any, vocabulary: Vocabulary | None) -> str:
    if not isinstance(v, str) or not KEY_PATTERN.match(v):
        raise Invalid('expected an evidence key such as "office.area_m2"')
    if vocabulary is not None and v not in vocabulary:
        close = difflib.get_close_matches(v, list(vocabulary.keys), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise Invalid(f"unknown evidence key {v!r}: not in the vocabulary{hint}")
    return v


def _keys(v: Any, vocabulary: Vocabulary | None) -> tuple[str, ...]:
    if not isinstance(v, list) or not v:
        raise Invalid("expected a non-empty list of evidence keys")
    return tuple(_key(x, vocabulary) for x in v)


def _id(v: Any, _: Vocabulary | None) -> str:
    if not isinstance(v, str) or not ID_PATTERN.match(v):
        raise Invalid("expected an id of lower-case letters, digits, '-' and '_'")
    return v


def _standard_ref(v: Any, _: Vocabulary | None) -> str:
    base, at, version = v.partition("@") if isinstance(v, str) else (None, "", "")
    if base is None or not STANDARD_ID_PATTERN.match(base) or (at and not VERSION_PATTERN.match(version)):
        raise Invalid('expected a standard id such as "henan/five-guarantees", optionally with @VERSION')
    return str(v)


def _table(v: Any, _: Vocabulary | None) -> dict[str, Any]:
    if not isinstance(v, dict):
        raise Invalid("expected a table")
    return v


def _strings(v: Any, _: Vocabulary | None) -> tuple[str, ...]:
    if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
        raise Invalid("expected a list of strings")
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
    what: str = "table",
) -> dict[str, Any]:
    """Check ``table`` at ``path`` against ``fields``; append problems, return converted values.

    Every problem is collected (not only the first) so an author sees them all.
    """
    if not isinstance(table, dict):
        problems.append(doc.problem(path, f"expected a {what}, got {type(table).__name__}"))
        return {}
    known = {f.name: f for f in fields}
    out: dict[str, Any] = {}
    for key in table:
        if key not in known:
            close = difflib.get_close_matches(key, list(known), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            allowed = ", ".join(sorted(known))
            problems.append(doc.problem(path + (key,), f"unknown key in {what}{hint} (allowed: {allowed})"))
    for field in fields:
        if field.name not in table:
            if field.required:
                problems.append(doc.problem(path, f"missing required key {field.name!r} ({field.doc or field.type})"))
            continue
        try:
            out[field.name] = TYPES[field.type](table[field.name], vocabulary)
        except Invalid as exc:
            problems.append(doc.problem(path + (field.name,), f"{exc}, got {_show(table[field.name])}"))
    return out


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


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
