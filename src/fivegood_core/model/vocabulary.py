"""The evidence vocabulary: every key a standard may read, its type, unit and meaning.

The keys of docs/vocabulary.md are the interface other tools rely on; they ship in
``vocabulary.toml`` beside this module. Plugins add their own keys through the
``fivegood_vocabulary`` hook. A standard that reads a key missing from the
vocabulary is rejected at load time: a misspelt key must not silently read
nothing.
"""

from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction
from typing import Any, Callable, Iterable, Mapping

import attrs

from fivegood_core.model.definitions import Text
from fivegood_core.words.catalogue import Said, say, shown

ATTEST_PREFIX = "attest."


def attestation_key(criterion_id: str) -> str:
    """The evidence key of an assessor's yes/no on a criterion: ``attest.<criterion id>``."""
    return ATTEST_PREFIX + criterion_id


def key_path(key: str) -> tuple[str, ...]:
    """The tables and name a dotted evidence key walks through: ``office.area_m2`` → ``("office", "area_m2")``.

    An attestation's criterion id is one segment even if an id had dots.
    """
    if key.startswith(ATTEST_PREFIX):
        return ("attest", key[len(ATTEST_PREFIX) :])
    return tuple(key.split("."))


KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_][a-z0-9_-]*)+$")
_YEAR = re.compile(r"^[12][0-9]{3}$")
#: Characters no name or text in evidence has: terminal escapes, line breaks, C1 controls.
#: The evidence check refuses them and every report neutralises them, by this one pattern.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


#: Evidence numbers are bounded at the edge. No count, sum of yuan or area of one
#: organisation reaches a quadrillion, and no measurement needs more than 20 decimal
#: places; beyond these a value is bad input, so that a hostile number (1e-999999,
#: a 4,000-digit integer) cannot cost seconds of exact arithmetic or megabytes of digits.
MAX_MAGNITUDE = 10**15
MAX_PLACES = 20
OUT_OF_BOUNDS = say("value.out_of_bounds", places=MAX_PLACES)


class BadValue(ValueError):
    """A value does not have the type its key requires; ``expected`` says what would, ``detail`` why not."""

    def __init__(self, expected: Said, got: Any, detail: Said | None = None) -> None:
        self.expected = expected
        self.got = got
        self.detail = detail
        #: "expected …, got …" (and why not, when that is not plain), with the value as a person writes it.
        self.message = (
            say("value.expected_got", expected=expected, got=describe(got))
            if detail is None
            else say("value.expected_got_because", expected=expected, got=describe(got), detail=detail)
        )
        super().__init__(str(self.message))

    def render(self, lang: str = "en") -> str:
        """The message in ``lang``."""
        return self.message.render(lang)


def bounded(number: int | Decimal, expected: Said, given: Any) -> int | Decimal:
    """``number`` if it is within :data:`MAX_MAGNITUDE` and :data:`MAX_PLACES`; BadValue otherwise."""
    if number.__class__ is int:
        if -MAX_MAGNITUDE < number < MAX_MAGNITUDE:
            return number
    elif number.is_finite() and number.as_tuple().exponent >= -MAX_PLACES and number.adjusted() < 15:  # type: ignore[union-attr, operator]
        return number
    raise BadValue(expected, given, OUT_OF_BOUNDS)


def describe(value: Any) -> str:
    """A short, safe description of an unexpected value for error messages: as it is written in TOML or JSON."""
    return shown(value)


def to_number(value: Any, expected: Said) -> int | Decimal:
    """An exact number from int, Decimal or float (by its shortest repr); bools are not numbers."""
    cls = value.__class__
    if cls is int or cls is Decimal:
        if cls is Decimal and not value.is_finite():
            raise BadValue(expected, value)
        return bounded(value, expected, value)
    if cls is float:
        if value != value or value in (float("inf"), float("-inf")):
            raise BadValue(expected, value)
        return bounded(Decimal(repr(value)), expected, value)
    if cls is Fraction:
        raise BadValue(expected, value)
    raise BadValue(expected, value)


# Built once: numbers are read often, and what they expect is the same every time.
_AT_LEAST_ZERO = say("type.number_at_least_zero")
_A_NUMBER = say("type.number")
_BY_YEAR = say("type.by_year_example")
_NOT_TEXT = say("value.control_characters")


def _count(value: Any) -> int:
    if value.__class__ is not int or value < 0:
        raise BadValue(say("type.count"), value)
    if value >= MAX_MAGNITUDE:
        raise BadValue(say("type.count"), value, OUT_OF_BOUNDS)
    return value


def _nonneg(value: Any) -> int | Decimal:
    number = to_number(value, _AT_LEAST_ZERO)
    if number < 0:
        raise BadValue(_AT_LEAST_ZERO, value)
    return number


def _number(value: Any) -> int | Decimal:
    return to_number(value, _A_NUMBER)


def _flag(value: Any) -> bool:
    if value is not True and value is not False:
        raise BadValue(say("type.flag"), value)
    return value


def _text(value: Any) -> str:
    if value.__class__ is not str:
        raise BadValue(say("type.text"), value)
    if CONTROL_CHARACTERS.search(value):
        raise BadValue(say("type.text"), value, _NOT_TEXT)
    return value


def _year(value: Any) -> int:
    if value.__class__ is not int or not 1000 <= value <= 2999:
        raise BadValue(say("type.year"), value)
    return value


def _names(value: Any) -> tuple[str, ...]:
    if value.__class__ not in (list, tuple) or any(v.__class__ is not str for v in value):
        raise BadValue(say("type.names"), value)
    if any(CONTROL_CHARACTERS.search(v) for v in value):
        raise BadValue(say("type.names"), value, _NOT_TEXT)
    return tuple(value)


def _by_year(value: Any) -> dict[int, int]:
    expected = _BY_YEAR
    if value.__class__ is not dict:
        raise BadValue(expected, value)
    out: dict[int, int] = {}
    for year, count in value.items():
        text = str(year)
        if not _YEAR.match(text) or count.__class__ is not int or count < 0:
            raise BadValue(expected, {year: count})
        if count >= MAX_MAGNITUDE:
            raise BadValue(expected, {year: count}, OUT_OF_BOUNDS)
        out[int(text)] = count
    return out


@attrs.frozen
class ValueType:
    """How values of one kind are checked and shown."""

    name: str
    #: What a value of this type is, for "expected …" messages (its str() is the English).
    expected: Said
    parse: Callable[[Any], Any]
    unit: Text = Text("", "")
    #: How CSV cells (always strings) become values of this type.
    from_text: Callable[[str], Any] | None = None


def _decimal_text(text: str) -> Any:
    try:
        return int(text)
    except ValueError:
        return Decimal(text)


def _bool_text(text: str) -> Any:
    lowered = text.strip().lower()
    return {"true": True, "false": False, "1": True, "0": False, "yes": True, "no": False}.get(lowered, text)


def _list_text(text: str) -> Any:
    return [part.strip() for part in text.split(";") if part.strip()]


TYPES: Mapping[str, ValueType] = {
    t.name: t
    for t in (
        ValueType("count", say("type.count"), _count, Text("", ""), _decimal_text),
        ValueType("amount", say("type.amount"), _nonneg, Text("元", "yuan"), _decimal_text),
        ValueType("area", say("type.area"), _nonneg, Text("平方米", "m²"), _decimal_text),
        ValueType("number", say("type.number"), _number, Text("", ""), _decimal_text),
        ValueType("rate", say("type.rate"), _number, Text("", ""), _decimal_text),
        ValueType("flag", say("type.flag"), _flag, Text("", ""), _bool_text),
        ValueType("text", say("type.text"), _text, Text("", ""), str),
        ValueType("year", say("type.year"), _year, Text("", ""), _decimal_text),
        ValueType("names", say("type.names"), _names, Text("", ""), _list_text),
        ValueType("by_year", say("type.by_year"), _by_year, Text("", ""), None),
    )
}


@attrs.frozen
class EvidenceKey:
    """One key of the vocabulary."""

    key: str
    type: ValueType
    label: Text
    meaning: str = ""
    provider: str = "fivegood_core"

    def read(self, value: Any) -> Any:
        """Check and normalise ``value``; raises :class:`BadValue` saying what the type expects."""
        try:
            return self.type.parse(value)
        except BadValue as exc:
            raise BadValue(self.type.expected, exc.got, exc.detail) from None


_ATTESTED = EvidenceKey(
    "attest.*", TYPES["flag"], Text("评估人确认", "assessor attests"), "An assessor's yes/no on the criterion of that id."
)


class TypeClash(ValueError):
    """Two providers define one evidence key with different types."""

    def __init__(self, message: Said) -> None:
        self.message = message
        super().__init__(str(message))


@attrs.frozen
class Vocabulary:
    """All evidence keys known to an engine."""

    keys: Mapping[str, EvidenceKey]
    #: Dotted prefixes that are tables of keys (``members`` for ``members.enterprise``).
    tables: frozenset[str] = attrs.field(init=False)
    _sections: frozenset[str] = attrs.field(init=False, repr=False, eq=False)
    _plain: Mapping[str, Mapping[str, EvidenceKey]] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        prefixes = {k.rsplit(".", i)[0] for k in self.keys for i in range(1, k.count(".") + 1)}
        object.__setattr__(self, "tables", frozenset(prefixes))
        # Asked once per evidence document: computed once per vocabulary.
        object.__setattr__(self, "_sections", frozenset(k.split(".", 1)[0] for k in self.keys) | {"attest"})
        plain: dict[str, dict[str, EvidenceKey]] = {}
        for key, entry in self.keys.items():
            section, _, name = key.partition(".")
            if "." not in name:
                plain.setdefault(section, {})[name] = entry
        object.__setattr__(self, "_plain", plain)

    def get(self, key: str) -> EvidenceKey | None:
        """The key's definition; ``attest.<id>`` keys are flags by construction."""
        found = self.keys.get(key)
        if found is None and key.startswith(ATTEST_PREFIX) and len(key) > len(ATTEST_PREFIX):
            return _ATTESTED
        return found

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key) is not None

    def plain_keys(self) -> Mapping[str, Mapping[str, EvidenceKey]]:
        """Keys of two parts (``office.area_m2``) by section and name: the keys most evidence holds."""
        return self._plain

    def sections(self) -> frozenset[str]:
        """Top-level tables evidence may have (``subject``, ``members`` …)."""
        return self._sections

    @classmethod
    def merge(cls, entries: Iterable[EvidenceKey]) -> "Vocabulary":
        """One vocabulary from many providers; a key defined twice must agree on its type."""
        keys: dict[str, EvidenceKey] = {}
        for entry in entries:
            existing = keys.get(entry.key)
            if existing is not None and existing.type.name != entry.type.name:
                raise TypeClash(
                    say(
                        "vocabulary.type_clash",
                        key=repr(entry.key),
                        type=existing.type.name,
                        provider=existing.provider,
                        other_type=entry.type.name,
                        other_provider=entry.provider,
                    )
                )
            keys.setdefault(entry.key, entry)
        return cls(keys)
